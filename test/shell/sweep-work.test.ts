import { describe, expect, it } from "vitest";
import type { SweepOutcome } from "../../src/shell/sweep.js";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import {
  aDispatchedRun,
  aWorld,
  IN_PROGRESS,
  INSTALLATION,
  MINUTE,
  pushFix,
  READY,
  REPO,
  type World,
} from "./world.js";

/**
 * One sweep whose read of T3 takes `ms` (the twins' clock moves only when told): what it
 * dispatches is dispatched after T3 was read, as in any real sweep.
 */
async function aSlowSweep(world: World, ms: number = MINUTE): Promise<SweepOutcome> {
  const read = world.agent.knobs.hold("readOverview", { times: 1 });
  const sweeping = sweepOnce(world.afk);
  await read.arrived();
  world.clock.advance(ms);
  read.release();
  return sweeping;
}

const BROKEN = "acme/broken";
const OTHER = "acme/gadgets";

describe("sweepOnce", () => {
  it("reconciles every enrolled repo and observes its runs", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    const { issue, threadId } = await aDispatchedRun(world);
    const waiting = world.readyIssue({ repo: OTHER, body: "Blocked by #99" });
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    const outcome = await sweepOnce(world.afk);
    expect(outcome).toEqual({ failures: [], reposReconciled: 2, runsObserved: 1 });
    expect(world.record(issue)).toMatchObject({ phase: "pushed", sha });
    expect(world.record(waiting, OTHER)).toMatchObject({ phase: "queued", queuedReason: { kind: "blocked" } });
  });

  it("goes on past a repo that fails, and reports it", async () => {
    const world = aWorld({ repos: [BROKEN, REPO] });
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: which colour?" });
    world.github.knobs.fail("listOpenIssuesWithLabel", "transient", {
      times: Infinity,
      when: ([repo]) => repo === BROKEN,
    });
    const outcome = await sweepOnce(world.afk);
    expect(outcome).toMatchObject({ reposReconciled: 1, runsObserved: 1 });
    expect(outcome.failures).toEqual([
      expect.stringMatching(new RegExp(`^${BROKEN}: listing ready issues: GitHub transient`)),
    ]);
    expect(world.record(issue)?.phase).toBe("escalated");
    expect(world.logs.filter((line) => line.level === "warn").at(-1)).toMatchObject({
      msg: "sweep: part of the world could not be brought up to date; the next sweep retries",
      fields: { failure: outcome.failures[0] },
    });
  });

  it("reports T3 being unreadable once, and still reconciles the repos", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    world.agent.knobs.fail("readOverview", "transient");
    const outcome = await sweepOnce(world.afk);
    expect(outcome).toEqual({
      failures: [expect.stringMatching(/^reading T3's threads: T3 transient/)],
      reposReconciled: 2,
      runsObserved: 0,
    });
  });

  it("skips a repo afk knows an installation for but which is no longer enrolled", async () => {
    const world = aWorld({ repos: [REPO, OTHER], config: { allowlist: [REPO] } });
    world.afk.rememberInstallation(OTHER, 7);
    const outcome = await sweepOnce(world.afk);
    expect(outcome.reposReconciled).toBe(1);
    expect(world.github.knobs.calls.every((call) => call.args[0] !== OTHER)).toBe(true);
  });

  it("judges no run it dispatches against T3's threads read before the dispatch (issue 8)", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    // The sweep reads T3 first; the dispatch comes a while later.
    expect(await aSlowSweep(world)).toEqual({ failures: [], reposReconciled: 1, runsObserved: 1 });
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", dispatchedAt: world.clock.now() });
    expect(world.agent.commands.map((command) => command.type)).not.toContain("thread.turn.interrupt");
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.record(issue)?.phase).toBe("dispatched");
  });

  it("looks up the installation of an enrolled repo it could not find before, and sweeps it (issue 8)", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    world.afk.forgetInstallation(OTHER);
    const issue = world.readyIssue({ repo: OTHER });
    world.github.knobs.fail("findInstallation", "transient");
    expect(await aSlowSweep(world)).toMatchObject({ failures: [], reposReconciled: 1 });
    expect(world.logs.some((line) => line.msg.includes("cannot find afk's installation"))).toBe(true);
    expect(world.record(issue, OTHER)).toBeNull();
    expect(await aSlowSweep(world)).toMatchObject({ failures: [], reposReconciled: 2 });
    expect(world.afk.installations.get(OTHER)).toBe(INSTALLATION);
    expect(world.record(issue, OTHER)?.phase).toBe("dispatched");
  });
});
