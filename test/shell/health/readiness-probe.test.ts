// The readiness probe asks GitHub and T3 within a short timeout, shares one asking among
// concurrent probes, keeps what it learnt for a short while, and asks nothing disarmed.

import { describe, expect, it } from "vitest";
import { ReadinessProbe, type ReadinessSources } from "../../../src/shell/health/readiness-probe.js";
import type { AppIdentity } from "../../../src/ports/github-app.js";
import { failure, ok, type Result } from "../../../src/ports/result.js";

const IDENTITY: AppIdentity = { appId: 1, slug: "afk", botLogin: "afk[bot]" };

interface Counted {
  readonly sources: ReadinessSources;
  readonly calls: { app: number; agent: number };
  readonly clock: { now: number };
}

function aProbe(overrides: Partial<ReadinessSources> = {}): Counted {
  const calls = { app: 0, agent: 0 };
  const clock = { now: 1_000_000 };
  const sources: ReadinessSources = {
    arming: () => ({ armed: true }),
    appIdentity: async () => {
      calls.app += 1;
      return ok(IDENTITY);
    },
    agentVersion: async () => {
      calls.agent += 1;
      return ok("0.0.33");
    },
    lastSweepFinishedAt: () => clock.now,
    sweepIntervalMs: 60_000,
    since: clock.now,
    clock: () => clock.now,
    timeoutMs: 50,
    cacheMs: 20_000,
    ...overrides,
  };
  return { sources, calls, clock };
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe("ReadinessProbe", () => {
  it("is ready when both answer, saying who afk is and T3's version", async () => {
    const { sources } = aProbe();
    const readiness = await new ReadinessProbe(sources).check();
    expect(readiness.ready).toBe(true);
    expect(readiness.checks.map((check) => check.detail).slice(0, 2)).toEqual([
      "afk authenticates as the app afk",
      "T3 answers (version 0.0.33)",
    ]);
  });

  it("fails a check whose system does not answer within the timeout, without waiting for it", async () => {
    const { sources } = aProbe({ agentVersion: never });
    const started = Date.now();
    const readiness = await new ReadinessProbe(sources).check();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(readiness.checks.find((check) => check.name === "t3")).toEqual({
      name: "t3",
      ok: false,
      detail: "T3 did not answer within 50 ms",
    });
  });

  it("fails a check whose call failed or threw, with what went wrong", async () => {
    const refused: Result<AppIdentity> = failure("github", "unauthorized", "Bad credentials", { status: 401 });
    const { sources } = aProbe({
      appIdentity: async () => refused,
      agentVersion: async () => {
        throw new Error("socket hang up");
      },
    });
    const checks = (await new ReadinessProbe(sources).check()).checks;
    expect(checks.slice(0, 2)).toEqual([
      { name: "github-app", ok: false, detail: "GitHub unauthorized (401): Bad credentials" },
      { name: "t3", ok: false, detail: "socket hang up" },
    ]);
  });

  it("shares one asking among concurrent probes and keeps the answer for the cache period", async () => {
    const { sources, calls, clock } = aProbe();
    const probe = new ReadinessProbe(sources);
    await Promise.all([probe.check(), probe.check(), probe.check()]);
    await probe.check();
    expect(calls).toEqual({ app: 1, agent: 1 });
    clock.now += 19_999;
    await probe.check();
    expect(calls).toEqual({ app: 1, agent: 1 });
    clock.now += 1;
    await probe.check();
    expect(calls).toEqual({ app: 2, agent: 2 });
  });

  it("reads the sweep afresh on every probe, even while the outside facts are cached", async () => {
    const { sources, clock } = aProbe({ lastSweepFinishedAt: () => 1_000_000 });
    const probe = new ReadinessProbe(sources);
    expect((await probe.check()).ready).toBe(true);
    clock.now += 181_000;
    const readiness = await probe.check();
    expect(readiness.checks.filter((check) => !check.ok).map((check) => check.name)).toContain("sweep");
  });

  it("asks nobody while afk is disarmed", async () => {
    const { sources, calls } = aProbe({ arming: () => ({ armed: false, why: "the kill switch is on" }) });
    expect(await new ReadinessProbe(sources).check()).toEqual({
      ready: true,
      disarmed: "the kill switch is on",
      checks: [],
    });
    expect(calls).toEqual({ app: 0, agent: 0 });
  });

  it("names T3 as missing when it is not configured", async () => {
    const { sources } = aProbe({ agentVersion: null });
    const readiness = await new ReadinessProbe(sources).check();
    expect(readiness.ready).toBe(false);
    expect(readiness.checks.find((check) => check.name === "t3")?.detail).toMatch(/not configured/);
  });
});
