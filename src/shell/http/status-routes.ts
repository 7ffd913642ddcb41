// The status page on afk's own server (issue 11), as one Probot `addHandler` handler:
//   GET  /status        the page (HTML); without credentials 401 and the login form
//   GET  /status.json   the same view model as JSON; without credentials 401, empty body
//   GET  /status/login  the login form
//   POST /status/login  `token=<token>` (urlencoded): 303 to /status with the session
//                       cookie, or 401 and the form again
// Credentials: `Authorization: Bearer <token>`, or the cookie the form sets, which holds
// an HMAC of the token (never the token). It is mounted only when AFK_STATUS_TOKEN is set;
// the data comes from `read`, so this file knows nothing of the service's insides.

import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { LOGIN_PATH, LOGIN_TOKEN_FIELD, renderLoginPage } from "../../core/status/render-login-page.js";
import { renderStatusPage } from "../../core/status/render-status-page.js";
import type { StatusInput, StatusView } from "../../core/status/status-types.js";
import { toStatusView } from "../../core/status/status-view.js";

export const STATUS_PATH = "/status";
export const STATUS_JSON_PATH = "/status.json";
export const STATUS_COOKIE = "afk_status";
/** A login form holds one short field; anything bigger is refused unread. */
export const LOGIN_BODY_MAX_BYTES = 4_096;
const COOKIE_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
const SESSION_LABEL = "afk status session v1";

/**
 * Where the credentials sit in Probot's HTTP access log lines (pino-http prints every
 * request's headers, serialized before any handler runs, so no handler can hide them):
 * the root logger handed to Probot must redact these pino paths, or the bearer token
 * and the session cookie reach JSON logs.
 */
export const STATUS_CREDENTIAL_LOG_PATHS: readonly string[] = ["req.headers.authorization", "req.headers.cookie"];

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  // No script may run at all; the page's only style is its own inline sheet.
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export interface StatusRoutesOptions {
  /** AFK_STATUS_TOKEN. */
  readonly token: string;
  /** The service's runs, titles and settings, read afresh for every request. */
  readonly read: () => StatusInput;
  readonly clock: () => number;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** The cookie's value: an HMAC keyed by the token, so a stolen cookie does not reveal the token. */
export function toSessionValue(token: string): string {
  return createHmac("sha256", token).update(SESSION_LABEL).digest("base64url");
}

/** Constant time for equal lengths; the lengths compared here are public (digests). */
function isSame(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A candidate token is hashed first, so the comparison never depends on the token's length. */
function isToken(candidate: string | null, session: string): boolean {
  return candidate !== null && isSame(toSessionValue(candidate), session);
}

function toBearer(header: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

function toCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const [key, ...value] = part.split("=");
    if (key?.trim() === name) return value.join("=").trim();
  }
  return null;
}

function isAuthorised(req: IncomingMessage, session: string): boolean {
  const cookie = toCookie(req.headers.cookie, STATUS_COOKIE);
  return isToken(toBearer(req.headers.authorization), session) || (cookie !== null && isSame(cookie, session));
}

function isHttps(req: IncomingMessage): boolean {
  const forwarded = req.headers["x-forwarded-proto"];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim().toLowerCase();
  return (req.socket as Partial<TLSSocket>).encrypted === true || proto === "https";
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const type = body === "" ? {} : { "content-type": headers["content-type"] ?? "text/html; charset=utf-8" };
  res.writeHead(status, { ...SECURITY_HEADERS, ...type, ...headers, "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}

const UNAUTHORISED = { "www-authenticate": 'Bearer realm="afk status"' };
const ALLOW_LOGIN = { allow: "GET, HEAD, POST" };
const ALLOW_READ = { allow: "GET, HEAD" };
const JSON_TYPE = { "content-type": "application/json; charset=utf-8" };

/** The form's body, or null when it is larger than a login form can be. */
async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > LOGIN_BODY_MAX_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

async function login(req: IncomingMessage, res: ServerResponse, session: string): Promise<void> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return send(req, res, 415, "");
  const form = await readForm(req);
  if (form === null) return send(req, res, 413, "", { connection: "close" });
  if (!isToken(form.get(LOGIN_TOKEN_FIELD), session))
    return send(req, res, 401, renderLoginPage({ refused: true }), UNAUTHORISED);
  const secure = isHttps(req) ? "; Secure" : "";
  send(req, res, 303, "", {
    location: STATUS_PATH,
    "set-cookie": `${STATUS_COOKIE}=${session}; Path=${STATUS_PATH}; HttpOnly; SameSite=Strict; Max-Age=${COOKIE_MAX_AGE_SECONDS}${secure}`,
  });
}

function toPath(url: string | undefined): string {
  return new URL(url ?? "/", "http://afk.invalid").pathname;
}

async function answer(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  authorised: boolean,
  session: string,
  view: () => StatusView,
): Promise<void> {
  const method = req.method ?? "GET";
  const isGet = method === "GET" || method === "HEAD";
  if (path === LOGIN_PATH) {
    if (method === "POST") return login(req, res, session);
    return isGet ? send(req, res, 200, renderLoginPage({ refused: false })) : send(req, res, 405, "", ALLOW_LOGIN);
  }
  if (!isGet) return send(req, res, 405, "", ALLOW_READ);
  // Nothing but the status line (and the form, for a person) answers missing or wrong credentials.
  if (!authorised)
    return path === STATUS_JSON_PATH
      ? send(req, res, 401, "", UNAUTHORISED)
      : send(req, res, 401, renderLoginPage({ refused: false }), UNAUTHORISED);
  if (path === STATUS_JSON_PATH) return send(req, res, 200, JSON.stringify(view()), JSON_TYPE);
  send(req, res, 200, renderStatusPage(view()));
}

export function createStatusRoutes(options: StatusRoutesOptions): Handler {
  const session = toSessionValue(options.token);
  const view = () => toStatusView(options.read(), options.clock());
  return async (req, res) => {
    const path = toPath(req.url);
    if (path !== STATUS_PATH && path !== STATUS_JSON_PATH && path !== LOGIN_PATH) return false;
    const authorised = isAuthorised(req, session);
    await answer(req, res, path, authorised, session, view);
    return true;
  };
}
