// T3's HTTP failures mapped to categories (contracts/t3.md, "Errors"). Pure: the
// transport hands over a status and the body text, or what went wrong before a status.
// No message built here quotes a request header, so the bearer never reaches a log.

import { errorCode, stringField, toShort, UNDICI_TIMEOUT_CODES } from "../http/http-common.js";
import type { T3Error, T3ErrorCategory } from "./t3-types.js";

/** The fields T3 puts in every error body; any of them may be missing. */
interface ErrorBody {
  readonly tag: string | null;
  readonly code: string | null;
  readonly reason: string | null;
  readonly traceId: string | null;
  readonly message: string | null;
  readonly requiredScope: string | null;
}

/** Statuses worth retrying for an idempotent GET. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

export function toErrorCategory(status: number, reason: string | null): T3ErrorCategory {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 408 || status === 429) return "transient";
  if (status >= 400 && status < 500) return "invalid-request";
  if (status === 500 && reason === "orchestration_dispatch_failed") return "rejected";
  if (status >= 500) return "transient";
  // A 1xx/3xx where a JSON answer was due: the body is not what the contract promises.
  return "invalid-response";
}

export function toHttpError(what: string, status: number, bodyText: string): T3Error {
  const body = parseErrorBody(bodyText);
  const category = toErrorCategory(status, body.reason);
  const label = [body.tag, body.code, body.reason].filter((part) => part !== null).join("/");
  const detail = [label, body.message, body.requiredScope === null ? null : `requires ${body.requiredScope}`]
    .filter((part) => part !== null && part !== "")
    .join(": ");
  const trace = body.traceId === null ? "" : ` (trace ${body.traceId})`;
  return {
    category,
    status,
    tag: body.tag,
    code: body.code,
    traceId: body.traceId,
    message: `T3 ${what} answered ${status}${detail === "" ? "" : ` ${detail}`}${trace}`,
  };
}

export function toLocalError(category: T3ErrorCategory, what: string, why: string): T3Error {
  return { category, status: null, tag: null, code: null, traceId: null, message: `T3 ${what}: ${why}` };
}

/** A 2xx whose body the contract does not describe. */
export function toInvalidResponse(what: string, status: number, why: string): T3Error {
  return { ...toLocalError("invalid-response", what, why), status };
}

export function isRetryable(error: T3Error): boolean {
  if (error.category !== "transient") return false;
  // A transient error without a status is a network error: the request may never have arrived.
  return error.status === null || RETRYABLE_STATUSES.has(error.status);
}

function parseErrorBody(text: string): ErrorBody {
  const json = parseJson(text);
  const record =
    typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  return {
    tag: stringField(record, "_tag"),
    code: stringField(record, "code"),
    reason: stringField(record, "reason"),
    traceId: stringField(record, "traceId"),
    message: toShort(stringField(record, "message")),
    requiredScope: stringField(record, "requiredScope"),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Proxies answer 502/504 with HTML: the status alone decides the category then.
    return null;
  }
}

/**
 * A request that ended without a status. `deadlineMs` is set when the overall deadline
 * had passed by then: whatever undici reports, the deadline is the cause.
 */
export function toTransportError(what: string, error: unknown, deadlineMs: number | null): T3Error {
  if (deadlineMs !== null) return toLocalError("timeout", what, `no answer within the ${deadlineMs} ms deadline`);
  const code = errorCode(error);
  const timeout = code === null ? undefined : UNDICI_TIMEOUT_CODES[code];
  if (timeout !== undefined) return toLocalError("timeout", what, timeout);
  const text = error instanceof Error ? error.message : String(error);
  return toLocalError("transient", what, `network error${code === null ? "" : ` ${code}`}: ${toShort(text) ?? ""}`);
}
