// Maps a failed GitHub request to one category the shell has a policy for
// (STYLE.md habit 11). Pure: it reads the status, headers and message only.

export type GitHubErrorCategory =
  "rate-limited" | "not-found" | "unauthorized" | "invalid-request" | "transient" | "invalid-response";

export interface GitHubError {
  readonly category: GitHubErrorCategory;
  readonly status: number | null;
  readonly message: string;
  /** When GitHub said how long to wait (rate limits). */
  readonly retryAfterMs: number | null;
}

export type GitHubResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: GitHubError };

interface ErrorLike {
  readonly status?: unknown;
  readonly message?: unknown;
  readonly response?: { readonly headers?: Readonly<Record<string, unknown>> };
}

function header(error: ErrorLike, name: string): string | null {
  const value = error.response?.headers?.[name];
  return typeof value === "string" || typeof value === "number" ? String(value) : null;
}

function toRetryAfterMs(error: ErrorLike, nowMs: number): number | null {
  const retryAfter = header(error, "retry-after");
  if (retryAfter !== null && /^\d+$/.test(retryAfter)) return Number(retryAfter) * 1000;
  const reset = header(error, "x-ratelimit-reset");
  if (reset !== null && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - nowMs);
  return null;
}

function isRateLimited(error: ErrorLike, status: number, message: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return header(error, "x-ratelimit-remaining") === "0" || /rate limit/i.test(message);
}

function toCategory(error: ErrorLike, status: number | null, message: string): GitHubErrorCategory {
  if (status === null || status === 0) return "transient";
  if (isRateLimited(error, status, message)) return "rate-limited";
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404 || status === 410) return "not-found";
  if (status >= 500) return "transient";
  if (status >= 400) return "invalid-request";
  return "invalid-response";
}

/** Octokit's RequestError (or a network error) → a typed GitHub error. */
export function toGitHubError(thrown: unknown, nowMs: number): GitHubError {
  const error: ErrorLike = typeof thrown === "object" && thrown !== null ? (thrown as ErrorLike) : {};
  const status = typeof error.status === "number" ? error.status : null;
  const message = typeof error.message === "string" ? error.message : String(thrown);
  const category = toCategory(error, status, message);
  return {
    category,
    status: status === 0 ? null : status,
    message: message.split("\n")[0] ?? message,
    retryAfterMs: category === "rate-limited" ? toRetryAfterMs(error, nowMs) : null,
  };
}
