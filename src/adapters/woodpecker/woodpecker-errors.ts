// Woodpecker's HTTP failures in the ports' vocabulary. Pure: the request loop hands over
// the status and the body text. Woodpecker answers errors as plain text (`invalid
// webhook event: x`) or with an empty body; proxies answer with HTML, which says
// nothing the status does not.

import { failure, type ErrorCategory, type Result } from "../../ports/result.js";
import { toRetryAfterMs } from "../http/http-common.js";
import type { HttpAnswer } from "../http/http-call.js";

/** Statuses worth repeating an idempotent GET after (every Woodpecker call afk makes). */
export const WOODPECKER_RETRY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** Error bodies are quoted in messages: keep log lines short. */
const BODY_MAX_CHARS = 200;

/**
 * 404 also answers a token whose user has no pull access to the repo: `not-found` can
 * mean "not visible to this token".
 */
export function toWoodpeckerCategory(status: number): {
  readonly category: ErrorCategory;
  readonly detail: string | null;
} {
  if (status === 401) return { category: "unauthorized", detail: null };
  if (status === 403) return { category: "unauthorized", detail: "forbidden" };
  if (status === 404) return { category: "not-found", detail: null };
  if (status === 429) return { category: "rate-limited", detail: null };
  if (status === 408) return { category: "transient", detail: "timeout" };
  if (status >= 400 && status < 500) return { category: "rejected", detail: null };
  if (status >= 500) return { category: "transient", detail: null };
  // A 1xx/3xx where a JSON answer was due (e.g. a login redirect from a proxy).
  return { category: "invalid-response", detail: null };
}

export function toWoodpeckerFailure(what: string, answer: HttpAnswer): Result<never> {
  const { category, detail } = toWoodpeckerCategory(answer.status);
  const said = toBodyDetail(answer.text);
  return failure("woodpecker", category, `${what} answered ${answer.status}${said === null ? "" : `: ${said}`}`, {
    status: answer.status,
    detail,
    retryAfterMs: category === "rate-limited" ? toRetryAfterMs(answer.headers) : null,
  });
}

function toBodyDetail(text: string): string | null {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "" || flat.startsWith("<")) return null;
  return flat.length <= BODY_MAX_CHARS ? flat : `${flat.slice(0, BODY_MAX_CHARS - 1)}…`;
}
