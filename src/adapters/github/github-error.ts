// A failed GitHub request in the ports' vocabulary (STYLE.md habit 11). Pure: it reads
// the status, headers and message only.
//
// Rate limits (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api):
// a 403 or 429 with `x-ratelimit-remaining: 0` is the primary limit, reset at
// `x-ratelimit-reset`; one with `retry-after`, or whose message names a rate limit, is a
// secondary limit. GitHub says to wait `retry-after` seconds when it is sent, else until
// the reset when the primary limit is spent, else at least a minute.

import type { ErrorCategory, PortError, Result } from "../../ports/result.js";

/** GitHub's advice when a secondary limit names no time. */
export const SECONDARY_RATE_LIMIT_WAIT_MS = 60_000;

interface ErrorLike {
  readonly status?: unknown;
  readonly message?: unknown;
  readonly response?: { readonly headers?: Readonly<Record<string, unknown>> };
}

function header(error: ErrorLike, name: string): string | null {
  const value = error.response?.headers?.[name];
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

/** `primary`, `secondary`, or null when the answer is no rate limit. */
function toRateLimit(error: ErrorLike, status: number, message: string): "primary" | "secondary" | null {
  if (status !== 403 && status !== 429) return null;
  if (header(error, "x-ratelimit-remaining") === "0") return "primary";
  if (header(error, "retry-after") !== null || /rate limit/i.test(message) || status === 429) return "secondary";
  return null;
}

function toRetryAfterMs(error: ErrorLike, nowMs: number): number {
  const retryAfter = header(error, "retry-after");
  if (retryAfter !== null && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const reset = header(error, "x-ratelimit-reset");
  if (header(error, "x-ratelimit-remaining") === "0" && reset !== null && /^\d+$/.test(reset))
    return Math.max(0, Number(reset) * 1000 - nowMs);
  return SECONDARY_RATE_LIMIT_WAIT_MS;
}

function toCategory(status: number | null): { readonly category: ErrorCategory; readonly detail: string | null } {
  if (status === null || status === 0) return { category: "transient", detail: null };
  if (status === 401) return { category: "unauthorized", detail: null };
  if (status === 403) return { category: "unauthorized", detail: "forbidden" };
  if (status === 404 || status === 410) return { category: "not-found", detail: null };
  if (status >= 500) return { category: "transient", detail: null };
  // 422 (validation failed, already exists), 400, 409…: the same request is refused again.
  if (status >= 400) return { category: "rejected", detail: null };
  // A 304 nobody asked for, or another status where an answer was due.
  return { category: "invalid-response", detail: null };
}

/** Octokit's RequestError (or a network error) → a typed failure. The message keeps its first line only. */
export function toGitHubError(thrown: unknown, nowMs: number): PortError {
  const error: ErrorLike = typeof thrown === "object" && thrown !== null ? (thrown as ErrorLike) : {};
  const status = typeof error.status === "number" && error.status !== 0 ? error.status : null;
  const text = typeof error.message === "string" ? error.message : String(thrown);
  const message = text.split("\n")[0] ?? text;
  const limit = status === null ? null : toRateLimit(error, status, message);
  const { category, detail } =
    limit === null ? toCategory(status) : { category: "rate-limited" as const, detail: limit };
  return {
    system: "github",
    category,
    status,
    detail,
    message,
    retryAfterMs: limit === null ? null : toRetryAfterMs(error, nowMs),
    traceId: null,
  };
}

/** Runs one call; what it throws comes back as a failure. */
export async function attemptGitHub<T>(call: () => Promise<T>, clock: () => number): Promise<Result<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, error: toGitHubError(error, clock()) };
  }
}
