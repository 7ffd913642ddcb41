// Pure plumbing shared by afk's undici adapters (T3, Woodpecker, Kubernetes, version
// URL): decoding a JSON body against a contract schema, reading error bodies leniently,
// sorting socket error codes, checking a bearer, and keeping log lines short. The
// request loop itself is http-call.ts.

import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";

/** Per-phase timeouts of one request, and the deadline of the whole call. */
export interface HttpTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
  /** The whole call, retries and their pauses included. */
  readonly deadlineMs: number;
}

export interface RetryPolicy {
  /** Extra attempts after the first. */
  readonly retries: number;
  /** The first pause; each further one doubles. */
  readonly backoffMs: number;
}

/** undici's codes for its own per-phase timeouts, in words. */
export const UNDICI_TIMEOUT_CODES: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: "connecting timed out",
  UND_ERR_HEADERS_TIMEOUT: "no response headers in time",
  UND_ERR_BODY_TIMEOUT: "the response body stalled",
};

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

/** True for a certificate verification failure: the same trust fails the same way on every try. */
export function isTlsCode(code: string): boolean {
  return TLS_VERIFY_CODES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_");
}

/** Error bodies can quote a whole request back: keep log lines short. */
export const MESSAGE_MAX_CHARS = 500;

export function toShort(text: string | null): string | null {
  return text === null || text.length <= MESSAGE_MAX_CHARS ? text : `${text.slice(0, MESSAGE_MAX_CHARS - 1)}…`;
}

/** A non-empty string field of a parsed JSON object, else null. */
export function stringField(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * An error body as a JSON object, or an empty one: proxies and load balancers in front
 * answer with HTML or plain text, and then the status alone decides the category.
 */
export function parseJsonRecord(text: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  return typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}

/** The code of the error or of its cause (undici wraps some socket errors). */
export function errorCode(error: unknown): string | null {
  for (let current = error, depth = 0; depth < 3; depth += 1) {
    if (typeof current !== "object" || current === null) return null;
    if ("code" in current && typeof current.code === "string") return current.code;
    current = "cause" in current ? current.cause : null;
  }
  return null;
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: string };

/** A response body parsed as JSON and checked against the contract's schema. */
export function decodeJson<T>(text: string, schema: z.ZodType<T>): Decoded<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, why: "the body is not JSON" };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
  return { ok: false, why: `${where}: ${issue?.message ?? "does not match the contract"}` };
}

/** Bearer tokens are printable ASCII without spaces; anything else is a broken secret. */
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

/** Why a (trimmed) bearer cannot be sent, or null when it can. Never quotes the token. */
export function toBearerProblem(token: string): string | null {
  if (token === "") return "the token is empty";
  return TOKEN_PATTERN.test(token) ? null : "the token has spaces or control characters";
}

/** `Retry-After` in seconds (the form rate limiters send), as ms; null when absent or a date. */
export function toRetryAfterMs(headers: Readonly<Record<string, string | string[] | undefined>>): number | null {
  const value = headers["retry-after"];
  const text = Array.isArray(value) ? value[0] : value;
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) * 1_000 : null;
}

/** Waits before a retry. False when the deadline ran out during the pause. */
export async function pause(ms: number, deadline: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal: deadline });
    return true;
  } catch (error) {
    if (deadline.aborted) return false;
    throw error;
  }
}
