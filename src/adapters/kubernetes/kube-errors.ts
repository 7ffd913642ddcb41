// Kubernetes API failures in the ports' vocabulary. Pure: the request loop hands over the
// status and the body text. The API server answers failures with a `Status` object
// (`{kind: "Status", status: "Failure", reason, code, message}`); its message names the
// service account and the resource, never the bearer. Its `reason` becomes the detail,
// except for 403, whose detail is `forbidden`: RBAC lacks a permission, an operator's fix.

import { failure, type ErrorCategory, type Result } from "../../ports/result.js";
import { parseJsonRecord, stringField, toRetryAfterMs, toShort } from "../http/http-common.js";
import type { HttpAnswer } from "../http/http-call.js";

/** Statuses worth repeating an idempotent request after: the API server's priority and fairness answers 429. */
export const KUBE_RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function toKubeCategory(status: number): ErrorCategory {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not-found";
  if (status === 429) return "rate-limited";
  if (status === 408 || status >= 500) return "transient";
  // The API server refused the request itself (405, 422…): the same request fails again.
  if (status >= 400) return "rejected";
  // A 1xx/3xx where a JSON answer was due (a proxy's login page).
  return "invalid-response";
}

export function toKubeFailure(what: string, answer: HttpAnswer): Result<never> {
  const body = parseJsonRecord(answer.text);
  const reason = stringField(body, "reason");
  const message = toShort(stringField(body, "message"));
  const said = [reason, message].filter((part) => part !== null).join(": ");
  const category = toKubeCategory(answer.status);
  return failure("kubernetes", category, `${what} answered ${answer.status}${said === "" ? "" : ` ${said}`}`, {
    status: answer.status,
    detail: answer.status === 403 ? "forbidden" : answer.status === 408 ? "timeout" : reason,
    retryAfterMs: category === "rate-limited" ? toRetryAfterMs(answer.headers) : null,
  });
}
