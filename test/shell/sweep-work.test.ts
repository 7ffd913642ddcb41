import { describe, expect, it } from "vitest";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import { aDispatchedRun, aWorld, pushFix, REPO } from "./world.js";

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
});
