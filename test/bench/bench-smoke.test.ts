// The bench's harness works (issue 12): one tiny run of each scenario, side by side,
// against afk built in dist/ (npm test builds first). Only the shape of each result is
// checked: benchmarks are measurements, never timed tests. Label → dispatch and memory
// (which drives the load generator as ingest does) fit in npm test's budget of 20 s;
// ingest (two apps, four loads), the GitHub economy (a shipped run waits for Probot's
// pacing of writes, a sweep for afk's 10 s at the least) and recovery (a sweep) do not:
// `npm run bench:quick` runs every scenario.

import { describe, expect, it } from "vitest";
import type { BenchPlan } from "../../bench/plan.js";
import { runLabelDispatch } from "../../bench/scenarios/label-dispatch.js";
import { runMemory } from "../../bench/scenarios/memory.js";

const SMOKE: Pick<BenchPlan, "dispatch" | "memory"> = {
  dispatch: { runs: 1, repos: 2, waves: 1, lone: 1, gapMs: 0 },
  memory: { runs: 1, repos: 2, tracked: 4, deliveries: 200, every: 100, settleMs: 200 },
};

const aSpread = {
  min: expect.any(Number),
  median: expect.any(Number),
  max: expect.any(Number),
  runs: expect.any(Array),
};

describe("npm run bench, run tiny", () => {
  it("produces a well-formed result for every scenario", { timeout: 60_000 }, async () => {
    const log = (line: string): void => void (process.env.BENCH_SMOKE_LOG === "1" && console.log(line));
    // Side by side, not one after the other as in a bench: only the shapes count here.
    const [dispatch, memory] = await Promise.all([runLabelDispatch(SMOKE.dispatch, log), runMemory(SMOKE.memory, log)]);
    const results = { dispatch, memory };
    expect(results.dispatch).toMatchObject({ createP99Ms: aSpread, sequentialMedian: aSpread, loneLabelMs: aSpread });
    expect(results.dispatch?.dispatched).toBe(2);
    expect(results.dispatch?.countedDispatched).toBe(2);
    expect(results.memory?.runs[0]?.samples).toHaveLength(2);
  });
});
