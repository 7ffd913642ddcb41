// Plumbing shared by afk's undici adapters (T3, Woodpecker, Kubernetes, version URL):
// decoding a JSON body against a contract schema, pausing between retries within a
// deadline, undici's timeout codes, and keeping log lines short. Each adapter still
// maps failures to its own categories.

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
