// T3's HTTP failures in the ports' vocabulary (contracts/t3.md, "Errors"). Pure: the
// request loop hands over the status and the body text. The finer reason goes in
// `detail`: `forbidden` for a missing scope, `orchestration_dispatch_failed` for a
// command an invariant refused, else T3's `_tag`. The trace id is kept apart: T3's
// error bodies do not say which invariant failed, its logs do.

import { failure, type ErrorCategory, type Result } from "../../ports/result.js";
import { parseJsonRecord, stringField, toRetryAfterMs, toShort } from "../http/http-common.js";
import type { HttpAnswer } from "../http/http-call.js";

/** The fields T3 puts in every error body; any of them may be missing. */
export interface T3ErrorBody {
  readonly tag: string | null;
  readonly code: string | null;
  readonly reason: string | null;
  readonly traceId: string | null;
  readonly message: string | null;
  readonly requiredScope: string | null;
}

export const DISPATCH_FAILED = "orchestration_dispatch_failed";

/** Statuses worth repeating an idempotent GET after. */
export const T3_RETRY_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export function toT3Category(
  status: number,
  body: Pick<T3ErrorBody, "tag" | "reason">,
): { readonly category: ErrorCategory; readonly detail: string | null } {
  if (status === 401) return { category: "unauthorized", detail: body.tag };
  if (status === 403) return { category: "unauthorized", detail: "forbidden" };
  if (status === 404) return { category: "not-found", detail: body.tag };
  if (status === 429) return { category: "rate-limited", detail: body.tag };
  if (status === 408) return { category: "transient", detail: "timeout" };
  // T3 could not decode the request, or refused its content: the same body fails again.
  if (status >= 400 && status < 500) return { category: "rejected", detail: body.tag ?? "invalid-request" };
  if (status === 500 && body.reason === DISPATCH_FAILED) return { category: "rejected", detail: DISPATCH_FAILED };
  if (status >= 500) return { category: "transient", detail: body.tag };
  // A 1xx/3xx where a JSON answer was due: the body is not what the contract promises.
  return { category: "invalid-response", detail: null };
}

export function toT3Failure(what: string, answer: HttpAnswer): Result<never> {
  const body = parseT3ErrorBody(answer.text);
  const { category, detail } = toT3Category(answer.status, body);
  const label = [body.tag, body.code, body.reason].filter((part) => part !== null).join("/");
  const said = [label, body.message, body.requiredScope === null ? null : `requires ${body.requiredScope}`]
    .filter((part) => part !== null && part !== "")
    .join(": ");
  return failure("t3", category, `${what} answered ${answer.status}${said === "" ? "" : ` ${said}`}`, {
    status: answer.status,
    detail,
    traceId: body.traceId,
    retryAfterMs: category === "rate-limited" ? toRetryAfterMs(answer.headers) : null,
  });
}

export function parseT3ErrorBody(text: string): T3ErrorBody {
  const record = parseJsonRecord(text);
  return {
    tag: stringField(record, "_tag"),
    code: stringField(record, "code"),
    reason: stringField(record, "reason"),
    traceId: stringField(record, "traceId"),
    message: toShort(stringField(record, "message")),
    requiredScope: stringField(record, "requiredScope"),
  };
}
