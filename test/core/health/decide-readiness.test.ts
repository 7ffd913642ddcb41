// Readiness is decided from facts: each check passes or fails on its own and is named
// when it fails; disarmed, afk is ready without any check.

import { describe, expect, it } from "vitest";
import {
  decideReadiness,
  decideSweepFreshness,
  renderReadiness,
  SWEEP_STALE_INTERVALS,
  type ProbeFact,
  type ReadinessFacts,
} from "../../../src/core/health/decide-readiness.js";

const NOW = 1_700_000_000_000;
const INTERVAL = 60_000;
const OK: ProbeFact = { kind: "ok", detail: "fine" };

function facts(overrides: Partial<Extract<ReadinessFacts, { armed: true }>> = {}): ReadinessFacts {
  return {
    armed: true,
    now: NOW,
    sweepIntervalMs: INTERVAL,
    lastSweepFinishedAt: NOW - 10_000,
    since: NOW - 3_600_000,
    appAuth: OK,
    agent: OK,
    ...overrides,
  };
}

function failing(input: ReadinessFacts): string[] {
  return decideReadiness(input)
    .checks.filter((check) => !check.ok)
    .map((check) => check.name);
}

describe("decideReadiness", () => {
  it("is ready when the app authenticates, T3 answers and the last sweep is recent", () => {
    expect(decideReadiness(facts())).toMatchObject({ ready: true, disarmed: null });
    expect(failing(facts())).toEqual([]);
  });

  it.each([
    ["github-app", facts({ appAuth: { kind: "failed", detail: "GitHub unauthorized (401): Bad credentials" } })],
    ["github-app", facts({ appAuth: { kind: "timeout", afterMs: 2_000 } })],
    ["t3", facts({ agent: { kind: "failed", detail: "T3 transient (503)" } })],
    ["t3", facts({ agent: { kind: "timeout", afterMs: 2_000 } })],
    ["t3", facts({ agent: null })],
    ["sweep", facts({ lastSweepFinishedAt: NOW - SWEEP_STALE_INTERVALS * INTERVAL - 1 })],
  ])("is not ready, naming %s, when that check alone fails", (name, input) => {
    expect(decideReadiness(input).ready).toBe(false);
    expect(failing(input)).toEqual([name]);
  });

  it("names every failing check", () => {
    const input = facts({
      appAuth: { kind: "timeout", afterMs: 2_000 },
      agent: { kind: "failed", detail: "down" },
      lastSweepFinishedAt: null,
      since: NOW - 10 * INTERVAL,
    });
    expect(failing(input)).toEqual(["github-app", "t3", "sweep"]);
  });

  it("is ready when disarmed, with no check at all", () => {
    expect(decideReadiness({ armed: false, why: "the kill switch is on" })).toEqual({
      ready: true,
      disarmed: "the kill switch is on",
      checks: [],
    });
  });
});

describe("decideSweepFreshness", () => {
  it.each([
    ["just finished", NOW, NOW - 3_600_000, true],
    [`finished ${SWEEP_STALE_INTERVALS} intervals ago exactly`, NOW - SWEEP_STALE_INTERVALS * INTERVAL, 0, true],
    ["finished longer ago", NOW - SWEEP_STALE_INTERVALS * INTERVAL - 1, 0, false],
    ["none yet, afk started a minute ago", null, NOW - INTERVAL, true],
    ["none yet, afk started long ago", null, NOW - (SWEEP_STALE_INTERVALS + 1) * INTERVAL, false],
  ] as const)("%s: ok is %s", (_case, last, since, ok) => {
    expect(decideSweepFreshness(NOW, INTERVAL, last, since).ok).toBe(ok);
  });

  it("says how long ago and how often, in seconds", () => {
    expect(decideSweepFreshness(NOW, INTERVAL, NOW - 12_400, 0).detail).toBe(
      "the last sweep finished 12 s ago (sweeps run every 60 s)",
    );
    expect(decideSweepFreshness(NOW, INTERVAL, NOW - 200_000, 0).detail).toBe(
      "the last sweep finished 200 s ago (sweeps run every 60 s; allowed 180 s)",
    );
  });
});

describe("renderReadiness", () => {
  it("puts the verdict first, naming the failing checks, then one line per check", () => {
    const text = renderReadiness(
      decideReadiness(facts({ agent: { kind: "timeout", afterMs: 2_000 }, appAuth: { kind: "ok", detail: "as afk" } })),
    );
    expect(text).toBe(
      [
        "not ready: t3",
        "✓ github-app: as afk",
        "✗ t3: T3 did not answer within 2000 ms",
        "✓ sweep: the last sweep finished 10 s ago (sweeps run every 60 s)",
        "",
      ].join("\n"),
    );
  });

  it("says ready and why no checks ran when disarmed", () => {
    expect(renderReadiness(decideReadiness({ armed: false, why: "no repository is enrolled" }))).toBe(
      "ready (disarmed: no outside checks)\nno repository is enrolled\n",
    );
  });
});
