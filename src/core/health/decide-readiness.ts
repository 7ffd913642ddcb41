// Readiness (GET /readyz, issue 11): whether afk can do its work now. Three checks, each
// named in the answer when it fails: afk authenticates as the GitHub App, T3 answers, and
// the reconciling sweep finished recently. Disarmed, afk makes no outbound request at all
// (DESIGN 1.5), so it is ready without asking anyone: there is nothing it could fail at.
// The shell gathers the facts (with short timeouts, cached briefly); this file decides.

import { assertNever } from "../common/assert-never.js";
import { SECOND_MS } from "../common/time.js";

/**
 * A sweep is due every interval ± 10% jitter and takes a while itself; "recently" allows
 * two sweeps to go by unfinished before readiness fails, so one slow or failed sweep
 * does not take afk out of service, while a sweep loop that stopped does.
 */
export const SWEEP_STALE_INTERVALS = 3;

/** What one outside probe found. */
export type ProbeFact =
  | { readonly kind: "ok"; readonly detail: string }
  | { readonly kind: "failed"; readonly detail: string }
  | { readonly kind: "timeout"; readonly afterMs: number };

export type ReadinessFacts =
  | { readonly armed: false; readonly why: string }
  | {
      readonly armed: true;
      readonly now: number;
      readonly sweepIntervalMs: number;
      /** When the last sweep finished (well or not), or null before the first. */
      readonly lastSweepFinishedAt: number | null;
      /** When afk started following the world: the reference before the first sweep. */
      readonly since: number;
      readonly appAuth: ProbeFact;
      /** Null when T3 is not configured. */
      readonly agent: ProbeFact | null;
    };

export const READINESS_CHECKS = ["github-app", "t3", "sweep"] as const;
export type ReadinessCheckName = (typeof READINESS_CHECKS)[number];

export interface ReadinessCheck {
  readonly name: ReadinessCheckName;
  readonly ok: boolean;
  readonly detail: string;
}

export interface Readiness {
  readonly ready: boolean;
  /** Why afk is disarmed (no checks were made), or null when it is armed. */
  readonly disarmed: string | null;
  readonly checks: readonly ReadinessCheck[];
}

function toProbeCheck(name: ReadinessCheckName, fact: ProbeFact, what: string): ReadinessCheck {
  switch (fact.kind) {
    case "ok":
      return { name, ok: true, detail: fact.detail };
    case "failed":
      return { name, ok: false, detail: fact.detail };
    case "timeout":
      return { name, ok: false, detail: `${what} did not answer within ${fact.afterMs} ms` };
    default:
      return assertNever(fact);
  }
}

/** The sweep check: fresh while the last sweep (or, before the first, the start) is recent enough. */
export function decideSweepFreshness(
  now: number,
  intervalMs: number,
  lastFinishedAt: number | null,
  since: number,
): ReadinessCheck {
  const allowedMs = SWEEP_STALE_INTERVALS * intervalMs;
  const every = `every ${Math.round(intervalMs / SECOND_MS)} s`;
  const reference = lastFinishedAt ?? since;
  const ageS = Math.max(0, Math.round((now - reference) / SECOND_MS));
  const ok = now - reference <= allowedMs;
  if (lastFinishedAt === null) {
    const detail = ok
      ? `no sweep has finished yet; afk started ${ageS} s ago (sweeps run ${every})`
      : `no sweep has finished in the ${ageS} s since afk started (sweeps run ${every}; allowed ${allowedMs / SECOND_MS} s)`;
    return { name: "sweep", ok, detail };
  }
  const detail = ok
    ? `the last sweep finished ${ageS} s ago (sweeps run ${every})`
    : `the last sweep finished ${ageS} s ago (sweeps run ${every}; allowed ${allowedMs / SECOND_MS} s)`;
  return { name: "sweep", ok, detail };
}

export function decideReadiness(facts: ReadinessFacts): Readiness {
  if (!facts.armed) return { ready: true, disarmed: facts.why, checks: [] };
  const checks: ReadinessCheck[] = [
    toProbeCheck("github-app", facts.appAuth, "GitHub"),
    facts.agent === null
      ? { name: "t3", ok: false, detail: "T3 is not configured (T3_BASE_URL): afk cannot dispatch" }
      : toProbeCheck("t3", facts.agent, "T3"),
    decideSweepFreshness(facts.now, facts.sweepIntervalMs, facts.lastSweepFinishedAt, facts.since),
  ];
  return { ready: checks.every((check) => check.ok), disarmed: null, checks };
}

/**
 * The body of /readyz, plain text for a person with curl: the verdict, with the failing
 * checks named on the first line, then one line per check.
 *   not ready: t3, sweep
 *   ✓ github-app: afk authenticates as the app (afk)
 *   ✗ t3: T3 did not answer within 2000 ms
 */
export function renderReadiness(readiness: Readiness): string {
  if (readiness.disarmed !== null) return `ready (disarmed: no outside checks)\n${readiness.disarmed}\n`;
  const failing = readiness.checks.filter((check) => !check.ok).map((check) => check.name);
  const verdict = failing.length === 0 ? "ready" : `not ready: ${failing.join(", ")}`;
  const lines = readiness.checks.map((check) => `${check.ok ? "✓" : "✗"} ${check.name}: ${check.detail}`);
  return `${[verdict, ...lines].join("\n")}\n`;
}
