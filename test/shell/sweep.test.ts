import { afterEach, describe, expect, it, vi } from "vitest";
import { Sweep, type SweepOutcome } from "../../src/shell/sweep.js";

const OK: SweepOutcome = { failures: [], reposReconciled: 1, runsObserved: 2 };

afterEach(() => {
  vi.useRealTimers();
});

describe("Sweep", () => {
  it("runs every interval, with the jitter the random source gives", async () => {
    vi.useFakeTimers();
    const runOnce = vi.fn(async () => OK);
    const sweep = new Sweep({ intervalMs: 60_000, jitter: 0.1, enabled: () => true, runOnce, random: () => 0.5 });
    sweep.start();
    await vi.advanceTimersByTimeAsync(59_999);
    expect(runOnce).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(runOnce).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runOnce).toHaveBeenCalledTimes(2);
    await sweep.stop();
  });

  it.each([
    [0, 54_000],
    [1, 66_000],
  ])("spreads the delay by ±10%% (random %s → %i ms)", (random, delay) => {
    const sweep = new Sweep({ intervalMs: 60_000, enabled: () => true, runOnce: async () => OK, random: () => random });
    expect(sweep.nextDelayMs()).toBe(delay);
  });

  it("never overlaps itself: a slow sweep delays the next one", async () => {
    vi.useFakeTimers();
    let release = () => {};
    const runOnce = vi.fn(() => new Promise<SweepOutcome>((resolve) => (release = () => resolve(OK))));
    const sweep = new Sweep({ intervalMs: 1_000, jitter: 0, enabled: () => true, runOnce });
    sweep.start();
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(runOnce).toHaveBeenCalledTimes(1);
    const concurrent = sweep.runNow();
    expect(runOnce).toHaveBeenCalledTimes(1);
    release();
    await concurrent;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runOnce).toHaveBeenCalledTimes(2);
    release();
    await sweep.stop();
  });

  it("does nothing at all while disarmed", async () => {
    const runOnce = vi.fn(async () => OK);
    const sweep = new Sweep({ intervalMs: 1_000, enabled: () => false, runOnce });
    await sweep.runNow();
    expect(runOnce).not.toHaveBeenCalled();
    expect(sweep.status.runs).toBe(0);
  });

  it("records when it last ran and how it went", async () => {
    let now = 1_000;
    const failing: SweepOutcome = { failures: ["acme/widgets: GitHub transient"], reposReconciled: 1, runsObserved: 0 };
    const outcomes = [OK, failing];
    const sweep = new Sweep({
      intervalMs: 1_000,
      enabled: () => true,
      clock: () => now,
      runOnce: async () => {
        now += 250;
        return outcomes.shift() ?? OK;
      },
    });
    await sweep.runNow();
    expect(sweep.status).toEqual({
      startedAt: 1_000,
      finishedAt: 1_250,
      durationMs: 250,
      ok: true,
      outcome: OK,
      runs: 1,
    });
    await sweep.runNow();
    expect(sweep.status).toMatchObject({ ok: false, outcome: failing, runs: 2 });
  });

  it("survives a sweep that throws, reporting the error", async () => {
    const errors: unknown[] = [];
    const sweep = new Sweep({
      intervalMs: 1_000,
      enabled: () => true,
      runOnce: async () => {
        throw new Error("boom");
      },
      onError: (error) => errors.push(error),
    });
    await sweep.runNow();
    expect(sweep.status).toMatchObject({ ok: false, outcome: null, runs: 1 });
    expect(errors).toHaveLength(1);
  });

  it("starts once and stops cleanly", async () => {
    vi.useFakeTimers();
    const runOnce = vi.fn(async () => OK);
    const sweep = new Sweep({ intervalMs: 1_000, jitter: 0, enabled: () => true, runOnce });
    sweep.start();
    sweep.start();
    await sweep.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runOnce).not.toHaveBeenCalled();
  });
});
