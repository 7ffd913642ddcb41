// Slack Web API failures in the ports' vocabulary. Slack answers almost every failure
// with HTTP 200 and `{ ok: false, error: "<code>" }` (https://docs.slack.dev/apis/web-api/#errors);
// `@slack/web-api` throws them as coded errors, which this file sorts. Slack's code is
// the detail. No message built here quotes a request, so the token never reaches a log.

import { webApi } from "@slack/bolt";
import { failure, type ErrorCategory, type Result } from "../../ports/result.js";

const CODE_CATEGORIES: Readonly<Record<string, ErrorCategory>> = {
  not_authed: "unauthorized",
  invalid_auth: "unauthorized",
  token_revoked: "unauthorized",
  token_expired: "unauthorized",
  account_inactive: "unauthorized",
  missing_scope: "unauthorized",
  not_allowed_token_type: "unauthorized",
  no_permission: "unauthorized",
  channel_not_found: "not-found",
  message_not_found: "not-found",
  thread_not_found: "not-found",
  user_not_found: "not-found",
  user_not_in_channel: "not-found",
  ratelimited: "rate-limited",
  rate_limited: "rate-limited",
  internal_error: "transient",
  fatal_error: "transient",
  service_unavailable: "transient",
  request_timeout: "transient",
};

/** Any other code means Slack refused the arguments: the same call fails again. */
export function toCodeCategory(code: string): ErrorCategory {
  return CODE_CATEGORIES[code] ?? "rejected";
}

function toHttpCategory(status: number): ErrorCategory {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 429) return "rate-limited";
  if (status >= 500 || status === 408) return "transient";
  return "rejected";
}

function hasCode(error: unknown): error is Error & { code: string } {
  return error instanceof Error && "code" in error && typeof error.code === "string";
}

/** What `WebClient` threw for `method`, as a failure. */
export function toSlackFailure(method: string, error: unknown): Result<never> {
  if (hasCode(error)) {
    const coded = error as unknown as Record<string, unknown>;
    switch (error.code) {
      case webApi.ErrorCode.PlatformError: {
        const code = String((coded.data as { error?: unknown } | undefined)?.error ?? "unknown_error");
        return failure("slack", toCodeCategory(code), `${method} failed: ${code}`, { detail: code });
      }
      case webApi.ErrorCode.RateLimitedError: {
        const seconds = Number(coded.retryAfter);
        return failure(
          "slack",
          "rate-limited",
          `${method} was rate limited; retry after ${String(coded.retryAfter)} s`,
          {
            detail: "ratelimited",
            retryAfterMs: Number.isFinite(seconds) ? seconds * 1_000 : null,
          },
        );
      }
      case webApi.ErrorCode.HTTPError: {
        const status = Number(coded.statusCode);
        return failure("slack", toHttpCategory(status), `${method} answered HTTP ${status}`, { status });
      }
      case webApi.ErrorCode.RequestError:
        return failure("slack", "transient", `${method} did not answer: ${toCause(coded.original)}`);
    }
  }
  // Anything else came from below the client (an abort, a rate-limit header it could not read).
  return failure("slack", "transient", `${method} failed: ${toCause(error)}`);
}

function toCause(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length <= 200 ? text : `${text.slice(0, 199)}…`;
}
