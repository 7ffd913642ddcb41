// How long the doctor waits on each outside system, and how often it repeats a read. The
// adapters' own defaults suit afk's sweep; tests shorten them.

import type { HttpTimeouts } from "../adapters/http/http-common.js";

export interface DoctorLimits {
  /** The whole of one call, its retries included (Slack: each request). */
  readonly deadlineMs: number;
  /** Repeats of a read after a network error or a 5xx. */
  readonly retries: number;
}

export const DEFAULT_DOCTOR_LIMITS: DoctorLimits = { deadlineMs: 20_000, retries: 1 };

export function toTimeouts(limits: DoctorLimits): HttpTimeouts {
  const ms = limits.deadlineMs;
  return { connectMs: ms, headersMs: ms, bodyMs: ms, deadlineMs: ms };
}
