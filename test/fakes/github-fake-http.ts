// The wire of the fake GitHub: a real HTTP server on 127.0.0.1 (ephemeral port) in front
// of the stateful model in github-fake.ts, so that afk reaches it the way it reaches
// GitHub, in-process (Probot's `baseUrl`) or as a child process (`GHE_HOST` +
// `GHE_PROTOCOL=http`, which puts the API under `/api/v3`: both prefixes are served).
//
// What GitHub does on the wire and this layer does too:
// - App authentication: a JWT (RS256, `iss` = the app id, at most 10 minutes long) signed
//   with the app's private key, verified here with its public key, on the app routes
//   (`/app/...`, `/repos/{o}/{r}/installation`); every other route wants an installation
//   token this fake issued (`POST /app/installations/{id}/access_tokens`). A bad or
//   missing credential is a 401. JWT times are checked against the wall clock: octokit
//   signs with it, whatever fake clock the test runs.
// - Every request is checked against GitHub's OpenAPI description (violations are kept
//   for the test to assert on); a route the model does not serve answers 404 and is
//   recorded as unexpected.
// - Conditional requests: every GET answer carries an ETag (a hash of the body AND the
//   credential: GitHub ties ETags to the token) and a matching `If-None-Match` gets a 304
//   while nothing changed.
// - Rate limits: `x-ratelimit-*` headers per installation (and for the app's JWT), 5,000
//   an hour by the fake clock; a 304 is not charged. Usage is counted per installation:
//   requests, charged, 304s, reads and writes (benchmarks read these).
// - Failures as the real one fails, scripted per method + path and per nth call: a status
//   (5xx, or a secondary rate limit: 403 with `retry-after`), a held answer (a timeout), a
//   connection reset, and a write applied on GitHub's side whose answer never arrives.

import { createHash, createPublicKey, verify, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { checkGitHubRequest } from "../support/github-openapi.js";

export type Caller =
  | { readonly kind: "app" }
  | { readonly kind: "installation"; readonly installationId: number; readonly token: string }
  | { readonly kind: "anonymous" };

export interface ApiRequest {
  readonly method: string;
  /** As the client addressed it (with `/api/v3` when it used that prefix): for Link headers. */
  readonly url: URL;
  /** Decoded path segments, without the `/api/v3` prefix. */
  readonly segments: readonly string[];
  readonly body: unknown;
  /** Lower-cased names. */
  readonly headers: Record<string, string>;
  readonly caller: Caller;
}

export type Reply = readonly [number, unknown, Record<string, string>?];

export interface RecordedRequest {
  readonly method: string;
  /** As sent, without the `/api/v3` prefix: percent-encoded, with the query string. */
  readonly path: string;
  readonly body: unknown;
  /** The installation whose token was used; null for the app's JWT or no credential. */
  readonly installationId: number | null;
  /** The status answered (304 for a conditional read that found nothing changed); null when none was. */
  status: number | null;
  /** When the request reached the fake (epoch ms, sub-millisecond: `preciseNow`), for critical paths in benchmarks. */
  readonly startedAt: number;
  /** When the answer was sent; null while held or when the connection was reset. */
  endedAt: number | null;
}

/** Epoch milliseconds with sub-millisecond resolution (one clock for every fake in a process). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** A scripted failure: a status (GitHub's error body), or a way the connection fails. */
export type GitHubFailure =
  | number
  | { readonly status: number; readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> }
  /** No answer until `releaseHeld()` or `close()`: the client's timeout is what ends it. */
  | "timeout"
  /** The connection is reset before GitHub did anything. */
  | "reset"
  /** GitHub applied the write (and sends its webhooks), then the connection is reset before the answer. */
  | "applied-then-reset"
  /** 403, `retry-after: 60`, "You have exceeded a secondary rate limit". */
  | "secondary-rate-limit";

export interface Usage {
  /** Every request answered with this credential. */
  requests: number;
  /** The ones GitHub charges to the rate limit (all but 304s). */
  charged: number;
  notModified: number;
  reads: number;
  writes: number;
}

/** What the model behind the wire must do. */
export interface ApiModel {
  readonly appId: number;
  readonly appPublicKey: KeyObject;
  /** The installation a token this fake issued belongs to, or undefined. */
  installationOfToken(token: string): number | undefined;
  /** The answer, or null for a route GitHub has but this fake does not serve. */
  route(request: ApiRequest): Reply | null;
  /**
   * Takes what the request just routed set going on GitHub's side (its webhooks); the wire
   * calls the result once the answer has left, or its connection was reset.
   */
  takeAfterEffects(): () => void;
  /** The blob host behind a job log's redirect. */
  blob(url: URL): Reply;
  now(): number;
}

interface Rule {
  readonly method: string;
  readonly path: RegExp;
  readonly failure: GitHubFailure;
  /** Matching calls to let through before failing. */
  skip: number;
  remaining: number;
}

export const RATE_LIMIT_PER_HOUR = 5_000;
const HOUR_MS = 3_600_000;
const GHE_PREFIX = "/api/v3";
const DOCS = "https://docs.github.com/rest";
const SECONDARY_RATE_LIMIT =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.";

/** The app routes, which take the app's JWT (octokit's auth-app `requiresAppAuth`). */
function isAppRoute(segments: readonly string[]): boolean {
  if (segments[0] === "app") return true;
  if (segments.at(-1) !== "installation") return false;
  return (segments[0] === "repos" && segments.length === 4) || (segments[0] !== "repos" && segments.length === 3);
}

function toEtag(caller: string, body: unknown): string {
  return `W/"${createHash("sha1").update(caller).update(JSON.stringify(body)).digest("hex")}"`;
}

/**
 * Whether `If-None-Match` names the ETag (RFC 9110 13.1.2): a list of ETags or `*`,
 * compared weakly (`W/"x"` and `"x"` match), as GitHub does.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = (tag: string): string => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === opaque(etag));
}

function callerKey(caller: Caller): string {
  return caller.kind === "installation" ? `installation:${caller.installationId}` : caller.kind;
}

export class GitHubWire {
  readonly requests: RecordedRequest[] = [];
  /** Requests to routes the model does not serve (each also answered 404). */
  readonly unexpected: RecordedRequest[] = [];
  /** Requests that break GitHub's REST description (they are still answered). */
  readonly violations: string[] = [];
  /** Log downloads that asked for their tail only (a suffix byte range). */
  rangedLogDownloads = 0;
  /** Paths (with query) fetched from the log blob host. */
  readonly logDownloads: string[] = [];
  /** The log blob host ignores Range and answers 200 with the whole log, as a host may. */
  logHostIgnoresRange = false;
  readonly #usage = new Map<string, Usage & { windowStart: number }>();
  readonly #rules: Rule[] = [];
  readonly #held = new Set<ServerResponse>();
  readonly #sockets = new Set<Socket>();
  readonly #model: ApiModel;
  #api: Server | null = null;
  #blobs: Server | null = null;
  #apiUrl = "";
  #blobUrl = "";
  rateLimitPerHour = RATE_LIMIT_PER_HOUR;
  /**
   * How long each API answer takes to leave after the request was served (0: at once), as
   * the network between afk and GitHub would. Benchmarks count sequential round trips
   * with it: reads sent together then overlap in the log, however fast the fake is.
   */
  answerDelayMs = 0;

  constructor(model: ApiModel) {
    this.#model = model;
  }

  get started(): boolean {
    return this.#api !== null;
  }

  /** `http://127.0.0.1:PORT`: Probot's `baseUrl` in-process; `GHE_HOST` is its host part. */
  get apiUrl(): string {
    if (this.#apiUrl === "") throw new Error("github-fake: not started");
    return this.#apiUrl;
  }

  /** The blob host job logs redirect to: another port, so the redirect crosses origins as on GitHub. */
  get blobUrl(): string {
    if (this.#blobUrl === "") throw new Error("github-fake: not started");
    return this.#blobUrl;
  }

  async start(): Promise<void> {
    if (this.#api !== null) return;
    this.#api = await this.#listen((req, res) => void this.#serveApi(req, res));
    this.#blobs = await this.#listen((req, res) => this.#serveBlob(req, res));
    this.#apiUrl = `http://127.0.0.1:${(this.#api.address() as AddressInfo).port}`;
    this.#blobUrl = `http://127.0.0.1:${(this.#blobs.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.releaseHeld();
    for (const server of [this.#api, this.#blobs]) {
      if (server === null) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    for (const socket of this.#sockets) socket.destroy();
    this.#api = null;
    this.#blobs = null;
  }

  /** The next `times` requests whose method and path (with query) match fail this way. */
  failNext(method: string, path: RegExp, failure: GitHubFailure, times = 1): void {
    this.#rules.push({ method: method.toUpperCase(), path, failure, skip: 0, remaining: times });
  }

  /** The `nth` matching request from now (1 = the next) fails this way; those before it pass. */
  failNth(method: string, path: RegExp, nth: number, failure: GitHubFailure): void {
    this.#rules.push({ method: method.toUpperCase(), path, failure, skip: nth - 1, remaining: 1 });
  }

  /** Ends every held answer (its connection is destroyed, as a proxy's timeout would). */
  releaseHeld(): void {
    for (const res of this.#held) res.destroy();
    this.#held.clear();
  }

  /** Requests made with an installation's token (or `"app"`: the JWT; `"anonymous"`). */
  usage(installation: number | "app" | "anonymous"): Usage {
    const key = typeof installation === "number" ? `installation:${installation}` : installation;
    const found = this.#usage.get(key);
    return found === undefined
      ? { requests: 0, charged: 0, notModified: 0, reads: 0, writes: 0 }
      : {
          requests: found.requests,
          charged: found.charged,
          notModified: found.notModified,
          reads: found.reads,
          writes: found.writes,
        };
  }

  resetUsage(): void {
    this.#usage.clear();
  }

  async #listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
    const server = createServer(handler);
    // GitHub keeps a client's connection open between requests. A shorter timeout than
    // undici's 2 s margin (Node's fetch) made every client close it after each answer and
    // open a new one per request: CPU a client against GitHub does not spend.
    server.keepAliveTimeout = 5_000;
    server.on("connection", (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server;
  }

  async #serveApi(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = preciseNow();
    const text = await readBody(req);
    // The fake is one thread, and its checks take a moment: without a turn of the event
    // loop here, requests that reached it together would be answered, and logged, one
    // after the other, and a client's parallel reads would look sequential in the log.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const url = new URL(req.url ?? "/", this.#apiUrl);
    const rawPath = url.pathname.startsWith(`${GHE_PREFIX}/`) ? url.pathname.slice(GHE_PREFIX.length) : url.pathname;
    const path = `${rawPath}${url.search}`;
    const method = (req.method ?? "GET").toUpperCase();
    const headers = lowerKeys(req.headers);
    const body = text === "" ? undefined : parseBody(text);
    const segments = rawPath
      .split("/")
      .filter((s) => s !== "")
      .map(safeDecode);
    const auth = this.#authenticate(headers.authorization, segments);
    const installationId = auth.ok && auth.caller.kind === "installation" ? auth.caller.installationId : null;
    const recorded: RecordedRequest = { method, path, body, installationId, status: null, startedAt, endedAt: null };
    this.requests.push(recorded);
    const check = checkGitHubRequest({ method, path, body: text === "" ? undefined : body });
    if (!check.ok) this.violations.push(`${method} ${path}: ${check.problem}`);
    if (!auth.ok) return this.#send(res, recorded, null, [401, { message: auth.message, documentation_url: DOCS }]);
    const request: ApiRequest = { method, url, segments, body, headers, caller: auth.caller };
    const rule = this.#takeRule(method, path);
    if (rule !== undefined && rule.failure !== "applied-then-reset")
      return this.#fail(req, res, recorded, auth.caller, rule.failure);
    const limited = this.#primaryLimit(auth.caller);
    if (limited !== null) return this.#send(res, recorded, auth.caller, limited);
    const reply = this.#model.route(request);
    const afterEffects = this.#model.takeAfterEffects();
    if (reply === null) this.unexpected.push(recorded);
    if (rule !== undefined) {
      // GitHub did the work; the answer is lost on the way back.
      this.#count(auth.caller, method, 500);
      req.socket.destroy();
      afterEffects();
      return;
    }
    res.on("close", afterEffects);
    this.#send(res, recorded, auth.caller, reply ?? [404, { message: "Not Found", documentation_url: DOCS }]);
  }

  #serveBlob(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", this.#blobUrl);
    this.logDownloads.push(`${url.pathname}${url.search}`);
    const [status, body, headers = {}] = this.#model.blob(url);
    const text = typeof body === "string" ? body : JSON.stringify(body);
    // Blob storage answers a suffix range (`bytes=-N`) with the last N bytes, as Azure's does.
    const suffix = /^bytes=-(\d+)$/.exec(String(req.headers.range ?? ""));
    if (status === 200 && suffix !== null && !this.logHostIgnoresRange) {
      const bytes = Buffer.from(text, "utf8");
      const start = Math.max(0, bytes.length - Number(suffix[1]));
      this.rangedLogDownloads += 1;
      res.writeHead(206, { ...headers, "content-range": `bytes ${start}-${bytes.length - 1}/${bytes.length}` });
      res.end(bytes.subarray(start));
      return;
    }
    res.writeHead(status, headers);
    res.end(text);
  }

  #authenticate(
    authorization: string | undefined,
    segments: readonly string[],
  ): { ok: true; caller: Caller } | { ok: false; message: string } {
    const [scheme = "", credential = ""] = (authorization ?? "").split(/\s+/, 2);
    const app = isAppRoute(segments);
    if (authorization === undefined) {
      // Public reads of users work without a credential; afk never goes without one elsewhere.
      if (segments[0] === "users") return { ok: true, caller: { kind: "anonymous" } };
      return { ok: false, message: app ? "A JSON web token is required" : "Requires authentication" };
    }
    if (app) {
      if (scheme.toLowerCase() !== "bearer") return { ok: false, message: "A JSON web token could not be decoded" };
      const problem = this.#verifyJwt(credential);
      return problem === null ? { ok: true, caller: { kind: "app" } } : { ok: false, message: problem };
    }
    const installationId = this.#model.installationOfToken(credential);
    if (!["token", "bearer"].includes(scheme.toLowerCase()) || installationId === undefined)
      return { ok: false, message: "Bad credentials" };
    return { ok: true, caller: { kind: "installation", installationId, token: credential } };
  }

  /** Null when the JWT is the app's, signed with its key, and current; else GitHub's complaint. */
  #verifyJwt(jwt: string): string | null {
    const [header = "", payload = "", signature = ""] = jwt.split(".");
    const signed = verify(
      "RSA-SHA256",
      Buffer.from(`${header}.${payload}`),
      this.#model.appPublicKey,
      Buffer.from(signature, "base64url"),
    );
    if (!signed) return "A JSON web token could not be decoded";
    const claims = safeJson(Buffer.from(payload, "base64url").toString("utf8")) as {
      iss?: unknown;
      iat?: unknown;
      exp?: unknown;
    } | null;
    const nowSec = Math.floor(Date.now() / 1000);
    if (claims === null || typeof claims.iat !== "number" || typeof claims.exp !== "number")
      return "A JSON web token could not be decoded";
    if (String(claims.iss) !== String(this.#model.appId)) return "Integration not found";
    if (claims.exp <= nowSec)
      return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires";
    if (claims.iat > nowSec + 60)
      return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
    if (claims.exp - claims.iat > 600) return "'Expiration time' claim ('exp') is too far in the future";
    return null;
  }

  #takeRule(method: string, path: string): Rule | undefined {
    const rule = this.#rules.find((r) => r.remaining > 0 && r.method === method && r.path.test(path));
    if (rule === undefined) return undefined;
    if (rule.skip > 0) {
      rule.skip -= 1;
      return undefined;
    }
    rule.remaining -= 1;
    return rule;
  }

  #fail(
    req: IncomingMessage,
    res: ServerResponse,
    recorded: RecordedRequest,
    caller: Caller,
    failure: GitHubFailure,
  ): void {
    if (failure === "timeout") {
      this.#held.add(res);
      return;
    }
    if (failure === "reset" || failure === "applied-then-reset") {
      req.socket.destroy();
      return;
    }
    if (failure === "secondary-rate-limit")
      return this.#send(res, recorded, caller, [
        403,
        { message: SECONDARY_RATE_LIMIT, documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api` },
        { "retry-after": "60" },
      ]);
    const { status, body, headers } = typeof failure === "number" ? { status: failure } : failure;
    this.#send(res, recorded, caller, [
      status,
      body ?? { message: `scripted failure ${status}`, documentation_url: DOCS },
      { ...headers },
    ]);
  }

  /** GitHub's 403 once an installation spent its hour's requests. */
  #primaryLimit(caller: Caller): Reply | null {
    if (caller.kind === "anonymous") return null;
    const usage = this.#usageOf(caller);
    if (usage.charged < this.rateLimitPerHour) return null;
    return [
      403,
      {
        message: "API rate limit exceeded for installation.",
        documentation_url: `${DOCS}/overview/rate-limits-for-the-rest-api`,
      },
    ];
  }

  #usageOf(caller: Caller): Usage & { windowStart: number } {
    const key = callerKey(caller);
    const now = this.#model.now();
    let usage = this.#usage.get(key);
    if (usage === undefined || now - usage.windowStart >= HOUR_MS) {
      // A new hour starts the count again, as GitHub's rolling reset does.
      const kept = usage ?? { requests: 0, charged: 0, notModified: 0, reads: 0, writes: 0, windowStart: now };
      usage = { ...kept, charged: 0, windowStart: now };
      this.#usage.set(key, usage);
    }
    return usage;
  }

  #count(caller: Caller, method: string, status: number): Record<string, string> {
    const usage = this.#usageOf(caller);
    usage.requests += 1;
    if (method === "GET" || method === "HEAD") usage.reads += 1;
    else usage.writes += 1;
    if (status === 304) usage.notModified += 1;
    else usage.charged += 1;
    if (caller.kind === "anonymous") return {};
    const limit = this.rateLimitPerHour;
    return {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, limit - usage.charged)),
      "x-ratelimit-used": String(usage.charged),
      "x-ratelimit-reset": String(Math.floor((usage.windowStart + HOUR_MS) / 1000)),
      "x-ratelimit-resource": "core",
    };
  }

  #send(res: ServerResponse, recorded: RecordedRequest, caller: Caller | null, reply: Reply): void {
    if (this.answerDelayMs <= 0) return this.#write(res, recorded, caller, reply);
    setTimeout(() => this.#write(res, recorded, caller, reply), this.answerDelayMs);
  }

  #write(res: ServerResponse, recorded: RecordedRequest, caller: Caller | null, reply: Reply): void {
    const [status, body, extra = {}] = reply;
    let answer = status;
    const headers: Record<string, string> = { date: new Date().toUTCString(), ...extra };
    const hasBody = body !== undefined && body !== "";
    if (recorded.method === "GET" && status === 200 && caller !== null) {
      const etag = toEtag(caller.kind === "installation" ? caller.token : caller.kind, body);
      headers.etag = etag;
      if (matchesIfNoneMatch(res.req.headers["if-none-match"], etag)) answer = 304;
    }
    if (caller !== null) Object.assign(headers, this.#count(caller, recorded.method, answer));
    recorded.status = answer;
    recorded.endedAt = preciseNow();
    if (answer === 304 || !hasBody) {
      res.writeHead(answer, headers);
      res.end();
      return;
    }
    const text = typeof body === "string" ? body : JSON.stringify(body);
    headers["content-type"] ??=
      typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
    headers["content-length"] = String(Buffer.byteLength(text));
    res.writeHead(answer, headers);
    res.end(text);
  }
}

/** The app's public key, from the PEM GitHub hands the app (its private key). */
export function toPublicKey(privateKeyPem: string): KeyObject {
  return createPublicKey(privateKeyPem);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string): unknown {
  const parsed = safeJson(text);
  return parsed === null ? text : parsed;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    // Not JSON: the caller keeps the raw text (and the OpenAPI check says so).
    void error;
    return null;
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch (error) {
    void error;
    return segment;
  }
}

function lowerKeys(headers: IncomingMessage["headers"]): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [
      key.toLowerCase(),
      Array.isArray(value) ? value.join(", ") : String(value),
    ]),
  );
}
