// Once GitHub answers a read with a rate limit, afk (its own Octokit, as main.ts runs it)
// sends no read until the time GitHub named: a sweep during the pause fails without
// reading, and the one after it reads again.

import { describe, expect, it } from "vitest";
import { FakeClock, harnessPerTest } from "./harness.js";

const started = harnessPerTest();

describe("a read GitHub rate-limits", () => {
  it("holds every read until retry-after has passed: a sweep meanwhile reads nothing", async () => {
    const clock = new FakeClock();
    const h = await started({ clock, afkOctokit: true });
    await h.settle();
    const reads = () => h.github.requests.filter((request) => request.method === "GET").length;

    h.github.failNext("GET", /./, "secondary-rate-limit");
    expect((await h.sweepOnce()).failures).not.toEqual([]);
    const limited = reads();

    clock.advance(59_000);
    expect((await h.sweepOnce()).failures).not.toEqual([]);
    expect(reads()).toBe(limited);

    clock.advance(1_000);
    expect((await h.sweepOnce()).failures).toEqual([]);
    expect(reads()).toBeGreaterThan(limited);
  });
});
