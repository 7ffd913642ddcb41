// Reads a version URL over undici: no auth, Node's default trust store, up to
// `VERSION_REDIRECTS_MAX` redirects (an http → https hop, a path that moved).
//
// - Not retried: the caller counts consecutive matching reads, and a read that failed
//   is itself the observation (a pod restarting during the rollout).
// - `cache-control: no-cache` asks a CDN or proxy in front for a fresh answer: a cached
//   old sha would hold a rollout back, a cached new one would prove nothing.
// - The body is cut at `VERSION_BODY_MAX_BYTES` while streaming, so a URL pointing at a
//   large page costs at most that much.

import { Agent, request, type Dispatcher } from "undici";
// The sibling rollout adapter sorts socket errors the same way: one list of TLS codes.
import { errorCode, toShort } from "../http/http-common.js";
import { isTlsCode } from "../kubernetes/kube-errors.js";
import type {
  VersionUrlClient,
  VersionUrlError,
  VersionUrlErrorCategory,
  VersionUrlResult,
} from "./version-url-types.js";

export const VERSION_BODY_MAX_BYTES = 64 * 1024;
export const VERSION_REDIRECTS_MAX = 3;

export interface VersionUrlTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
  /** The whole read, redirects included. */
  readonly deadlineMs: number;
}

export const DEFAULT_VERSION_URL_TIMEOUTS: VersionUrlTimeouts = {
  connectMs: 5_000,
  headersMs: 10_000,
  bodyMs: 10_000,
  deadlineMs: 15_000,
};

export interface VersionUrlClientOptions {
  readonly timeouts?: Partial<VersionUrlTimeouts>;
}

export function createVersionUrlClient(options: VersionUrlClientOptions = {}): VersionUrlClient {
  const timeouts: VersionUrlTimeouts = { ...DEFAULT_VERSION_URL_TIMEOUTS, ...options.timeouts };
  const agent = new Agent({ connect: { timeout: timeouts.connectMs } });

  async function get(url: string, deadline: AbortSignal): Promise<Dispatcher.ResponseData> {
    return request(url, {
      method: "GET",
      headers: { accept: "text/plain, application/json;q=0.9, */*;q=0.5", "cache-control": "no-cache" },
      dispatcher: agent,
      signal: deadline,
      headersTimeout: timeouts.headersMs,
      bodyTimeout: timeouts.bodyMs,
    });
  }

  async function read(url: string): Promise<VersionUrlResult<string>> {
    if (!isHttpUrl(url)) return failure("invalid-url", url, null, "not an absolute http(s) URL");
    const deadline = AbortSignal.timeout(timeouts.deadlineMs);
    try {
      let target = url;
      let response = await get(target, deadline);
      for (let hops = 0; hops < VERSION_REDIRECTS_MAX; hops += 1) {
        const next = toRedirectTarget(target, response);
        if (next === null) break;
        await response.body.dump();
        target = next;
        response = await get(target, deadline);
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump();
        return failure(
          toVersionUrlCategory(response.statusCode),
          url,
          response.statusCode,
          `answered ${response.statusCode}`,
        );
      }
      return { ok: true, value: await readCapped(response.body) };
    } catch (error) {
      if (deadline.aborted)
        return failure("timeout", url, null, `no answer within the ${timeouts.deadlineMs} ms deadline`);
      return toTransportFailure(url, error);
    }
  }

  return { read, close: () => agent.close() };
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Where a redirect points, when it is one afk follows: to another http(s) URL. */
function toRedirectTarget(from: string, response: Dispatcher.ResponseData): string | null {
  const location = response.headers.location;
  if (!REDIRECT_STATUSES.has(response.statusCode) || typeof location !== "string") return null;
  try {
    const next = new URL(location, from).href;
    return isHttpUrl(next) ? next : null;
  } catch {
    // A Location that does not resolve is not followed: the 3xx itself is the answer.
    return null;
  }
}

export function toVersionUrlCategory(status: number): VersionUrlErrorCategory {
  if (status === 404 || status === 410) return "not-found";
  if (status === 408 || status === 429 || status >= 500) return "transient";
  return "refused";
}

async function readCapped(body: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = VERSION_BODY_MAX_BYTES - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    // Leaving the loop destroys the stream: undici drops the rest of the response.
    if (size >= VERSION_BODY_MAX_BYTES) break;
  }
  return Buffer.concat(chunks).toString("utf8").trim();
}

function isHttpUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === "http:" || protocol === "https:";
  } catch {
    // `new URL` throws on anything that is not an absolute URL: that is the answer.
    return false;
  }
}

/** undici's codes for its own per-phase timeouts. */
const TIMEOUT_CODES: ReadonlySet<string> = new Set([
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

function toTransportFailure(url: string, error: unknown): VersionUrlResult<never> {
  const code = errorCode(error);
  const text = toShort(error instanceof Error ? error.message : String(error)) ?? "";
  const why = `${code ?? "network error"}: ${text}`;
  if (code !== null && TIMEOUT_CODES.has(code)) return failure("timeout", url, null, why);
  if (code !== null && isTlsCode(code)) return failure("tls", url, null, `the certificate did not verify (${why})`);
  return failure("transient", url, null, why);
}

function failure(
  category: VersionUrlErrorCategory,
  url: string,
  status: number | null,
  why: string,
): VersionUrlResult<never> {
  const error: VersionUrlError = { category, status, message: `version URL ${toSafeUrl(url)} ${why}` };
  return { ok: false, error };
}

/** The URL without credentials or query, which may carry a secret. */
function toSafeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(unparsable)";
  }
}
