// Kubernetes API failures mapped to categories. Pure: the transport hands over a status
// and the body text, or what went wrong before a status. The API server answers
// failures with a `Status` object (`{kind: "Status", status: "Failure", reason, code,
// message}`); its message names the service account and the resource, never the
// bearer. No message built here quotes a request header, so the token never reaches
// a log.

import { errorCode, stringField, toShort, UNDICI_TIMEOUT_CODES } from "../http/http-common.js";
import type { KubeError, KubeErrorCategory } from "./kube-types.js";

/** Statuses worth retrying for a GET: the API server's priority and fairness answers 429. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function toKubeErrorCategory(status: number): KubeErrorCategory {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not-found";
  if (status === 408 || status === 429 || status >= 500) return "transient";
  // Another 4xx, or a 1xx/3xx: nothing a GET of a Deployment should meet.
  return "invalid-response";
}

export function toKubeHttpError(what: string, status: number, bodyText: string): KubeError {
  const body = parseStatusBody(bodyText);
  const detail = [body.reason, body.message].filter((part) => part !== null).join(": ");
  return {
    category: toKubeErrorCategory(status),
    status,
    reason: body.reason,
    message: `Kubernetes ${what} answered ${status}${detail === "" ? "" : ` ${detail}`}`,
  };
}

export function toKubeLocalError(
  category: KubeErrorCategory,
  what: string,
  why: string,
  status: number | null = null,
): KubeError {
  return { category, status, reason: null, message: `Kubernetes ${what}: ${why}` };
}

export function isKubeRetryable(error: KubeError): boolean {
  if (error.category !== "transient") return false;
  // Without a status it is a network error: the request may never have arrived.
  return error.status === null || RETRYABLE_STATUSES.has(error.status);
}

interface StatusBody {
  readonly reason: string | null;
  readonly message: string | null;
}

function parseStatusBody(text: string): StatusBody {
  const json = parseJson(text);
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { reason: null, message: null };
  const record = json as Record<string, unknown>;
  return { reason: stringField(record, "reason"), message: toShort(stringField(record, "message")) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // A proxy or load balancer in front of the API server answers with HTML or plain
    // text: the status alone decides the category then.
    return null;
  }
}

/** OpenSSL's verification failures, as Node reports them on the socket error. */
const TLS_VERIFY_CODES: ReadonlySet<string> = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_SIGNATURE_FAILURE",
  "HOSTNAME_MISMATCH",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * A request that ended without a status. `deadlineMs` is set when the overall deadline
 * had passed by then: whatever undici reports, the deadline is the cause.
 */
export function toKubeTransportError(what: string, error: unknown, deadlineMs: number | null): KubeError {
  if (deadlineMs !== null) return toKubeLocalError("timeout", what, `no answer within the ${deadlineMs} ms deadline`);
  const code = errorCode(error);
  const timeout = code === null ? undefined : UNDICI_TIMEOUT_CODES[code];
  if (timeout !== undefined) return toKubeLocalError("timeout", what, timeout);
  const text = toShort(error instanceof Error ? error.message : String(error)) ?? "";
  if (code !== null && isTlsCode(code)) {
    return toKubeLocalError("tls", what, `the server's certificate did not verify against the CA (${code}): ${text}`);
  }
  return toKubeLocalError("transient", what, `network error${code === null ? "" : ` ${code}`}: ${text}`);
}

/** True for a certificate verification failure (shared with the version URL client). */
export function isTlsCode(code: string): boolean {
  return TLS_VERIFY_CODES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_");
}
