// Reads a version URL (contracts/kubernetes.md, "Version URL alternative") on the shared
// request loop: no auth, Node's default trust store, up to `VERSION_REDIRECTS_MAX`
// redirects (an http → https hop, a path that moved). What the body means (plain text or
// JSON, how many consecutive matches prove a rollout) is the core's business.
//
// - Not retried: the caller counts consecutive matching reads, and a read that failed
//   is itself the observation (a pod restarting during the rollout).
// - `cache-control: no-cache` asks a CDN or proxy in front for a fresh answer: a cached
//   old sha would hold a rollout back, a cached new one would prove nothing.
// - The body is cut at `VERSION_BODY_MAX_BYTES` while streaming, so a URL pointing at a
//   large page costs at most that much.
// - Messages name the URL without credentials or query, which may carry a secret.

import { Agent } from "undici";
import type { OutboundObserver } from "../../ports/outbound.js";
import { failure, type ErrorCategory, type Result } from "../../ports/result.js";
import type { VersionReader } from "../../ports/rollout-reader.js";
import { toRetryAfterMs, type HttpTimeouts } from "../http/http-common.js";
import { httpCall, type HttpAnswer, type HttpSetup } from "../http/http-call.js";

export const VERSION_BODY_MAX_BYTES = 64 * 1024;
export const VERSION_REDIRECTS_MAX = 3;

export const DEFAULT_VERSION_URL_TIMEOUTS: HttpTimeouts = {
  connectMs: 5_000,
  headersMs: 10_000,
  bodyMs: 10_000,
  deadlineMs: 15_000,
};

export interface VersionUrlClientOptions {
  readonly timeouts?: Partial<HttpTimeouts>;
  /** Told of every request sent (metrics). */
  readonly observe?: OutboundObserver;
}

/**
 * A 4xx is the URL refusing afk's request (`rejected`, detail `refused`): asking again
 * gets the same answer until someone fixes the URL. A 3xx left after the redirects afk
 * follows (too many, no usable Location) is an answer, but not a version:
 * `invalid-response`, detail `redirect`.
 */
export function toVersionUrlCategory(status: number): {
  readonly category: ErrorCategory;
  readonly detail: string | null;
} {
  if (status === 404 || status === 410) return { category: "not-found", detail: null };
  if (status === 429) return { category: "rate-limited", detail: null };
  if (status === 408) return { category: "transient", detail: "timeout" };
  if (status >= 500) return { category: "transient", detail: null };
  if (status >= 400) return { category: "rejected", detail: "refused" };
  return { category: "invalid-response", detail: "redirect" };
}

function toVersionUrlFailure(what: string, answer: HttpAnswer): Result<never> {
  const { category, detail } = toVersionUrlCategory(answer.status);
  return failure("version-url", category, `${what} answered ${answer.status}`, {
    status: answer.status,
    detail,
    retryAfterMs: category === "rate-limited" ? toRetryAfterMs(answer.headers) : null,
  });
}

export function createVersionUrlClient(options: VersionUrlClientOptions = {}): VersionReader {
  const timeouts: HttpTimeouts = { ...DEFAULT_VERSION_URL_TIMEOUTS, ...options.timeouts };
  const agent = new Agent({ connect: { timeout: timeouts.connectMs } });
  const setup: HttpSetup = {
    system: "version-url",
    dispatcher: agent,
    timeouts,
    retry: { retries: 0, backoffMs: 0 },
    retryStatuses: new Set(),
    toHttpFailure: toVersionUrlFailure,
    maxRedirects: VERSION_REDIRECTS_MAX,
    maxBodyBytes: VERSION_BODY_MAX_BYTES,
    observe: options.observe,
  };

  async function read(url: string): Promise<Result<string>> {
    const what = `GET ${toSafeUrl(url)}`;
    if (!isHttpUrl(url))
      return failure("version-url", "rejected", `${what}: not an absolute http(s) URL`, { detail: "invalid-url" });
    return httpCall(setup, {
      method: "GET",
      url,
      what,
      headers: { accept: "text/plain, application/json;q=0.9, */*;q=0.5", "cache-control": "no-cache" },
      decode: (text) => ({ ok: true, value: text.trim() }),
    });
  }

  return { read, close: () => agent.close() };
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

/** The URL without credentials or query, which may carry a secret. */
function toSafeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(unparsable)";
  }
}
