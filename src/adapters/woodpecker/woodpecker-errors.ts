// Woodpecker's HTTP failures mapped to categories. Pure: the transport hands over a
// status and the body text, or what went wrong before a status. No message built here
// quotes a request header, so the bearer never reaches a log.

import { errorCode, UNDICI_TIMEOUT_CODES } from "../http/http-common.js";
import type { WoodpeckerError, WoodpeckerErrorCategory } from "./woodpecker-types.js";

/** Statuses worth retrying for an idempotent GET (every Woodpecker call afk makes). */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504]);

/** Error bodies are quoted in messages: keep log lines short. */
const BODY_MAX_CHARS = 200;

export function toErrorCategory(status: number): WoodpeckerErrorCategory {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 408 || status === 429) return "transient";
  if (status >= 400 && status < 500) return "invalid-request";
  if (status >= 500) return "transient";
  // A 1xx/3xx where a JSON answer was due (e.g. a login redirect from a proxy).
  return "invalid-response";
}

export function toHttpError(what: string, status: number, bodyText: string): WoodpeckerError {
  const detail = toBodyDetail(bodyText);
  return {
    category: toErrorCategory(status),
    status,
    message: `Woodpecker ${what} answered ${status}${detail === null ? "" : `: ${detail}`}`,
  };
}

export function toLocalError(category: WoodpeckerErrorCategory, what: string, why: string): WoodpeckerError {
  return { category, status: null, message: `Woodpecker ${what}: ${why}` };
}

/** A 2xx whose body the contract does not describe. */
export function toInvalidResponse(what: string, status: number, why: string): WoodpeckerError {
  return { ...toLocalError("invalid-response", what, why), status };
}

export function isRetryable(error: WoodpeckerError): boolean {
  if (error.category !== "transient") return false;
  // A transient error without a status is a network error: the request may never have arrived.
  return error.status === null || RETRYABLE_STATUSES.has(error.status);
}

/**
 * Woodpecker answers errors as plain text (`invalid webhook event: x`) or with an empty
 * body; proxies answer with HTML, which says nothing the status does not.
 */
function toBodyDetail(text: string): string | null {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat === "" || flat.startsWith("<")) return null;
  return flat.length <= BODY_MAX_CHARS ? flat : `${flat.slice(0, BODY_MAX_CHARS - 1)}…`;
}

/**
 * A request that ended without a status. `deadlineMs` is set when the overall deadline
 * had passed by then: whatever undici reports, the deadline is the cause.
 */
export function toTransportError(what: string, error: unknown, deadlineMs: number | null): WoodpeckerError {
  if (deadlineMs !== null) return toLocalError("timeout", what, `no answer within the ${deadlineMs} ms deadline`);
  const code = errorCode(error);
  const timeout = code === null ? undefined : UNDICI_TIMEOUT_CODES[code];
  if (timeout !== undefined) return toLocalError("timeout", what, timeout);
  const text = error instanceof Error ? error.message : String(error);
  return toLocalError(
    "transient",
    what,
    `network error${code === null ? "" : ` ${code}`}: ${toBodyDetail(text) ?? "no detail"}`,
  );
}
