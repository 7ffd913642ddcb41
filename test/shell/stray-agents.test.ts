// Issue 8, "never lose a run": afk's agents that no run wants any more are stopped at the
// next look at T3 (the sweep, start-up), whatever afk's labels say and whatever afk
// remembers (core/dispatch/stray-agents.ts, shell/stop-stray-agents.ts).

import { describe, expect, it } from "vitest";
import { startUp } from "../../src/shell/start-up.js";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import { aDispatchedRun, aWorld, MAINTAINER, MINUTE, READY, REPO, type World } from "./world.js";

const OTHER = "acme/gadgets";

/** A maintainer removes the ready label; the interrupt fails, and a reconcile without T3 finishes the cancel. */
async function aCancelWhoseInterruptWasLost(world: World): Promise<{ issue: number; threadId: string }> {
  const dispatched = await aDispatchedRun(world);
  world.agent.pickUpTurn(dispatched.threadId);
  world.agent.knobs.fail("interruptTurn", "transient");
  world.github.act.unlabel(REPO, dispatched.issue, READY, MAINTAINER);
  await world.reconcile().catch(() => undefined);
  await world.reconcile();
  return dispatched;
}

describe("an agent no run wants any more is stopped at the next look at T3", () => {
  // The defect the model-based test found (it was counted, not failed, until this fix): the cancel's
  // interrupt never reached T3, a reconcile that read no T3 finished the cancel (its lock
  // label came off), and afk restarted: nothing of afk's was left on the issue.
  it("a cancel whose interrupt T3 never saw, finished without T3, then a restart: start-up stops the agent", async () => {
    const world = aWorld();
    const { issue, threadId } = await aCancelWhoseInterruptWasLost(world);
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue).labels).toEqual([]);
    expect(world.agent.thread(threadId)?.session?.status).toBe("running");
    world.clock.advance(MINUTE);
    world.restart();
    await startUp(world.afk);
    expect(world.agent.thread(threadId)?.session?.status).toBe("interrupted");
    // Nothing on the issue changed: the run had ended, and says so.
    expect(world.issue(issue).labels).toEqual([]);
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
  });

  it("the same, found by a sweep when start-up could not read T3", async () => {
    const world = aWorld();
    const { threadId } = await aCancelWhoseInterruptWasLost(world);
    world.clock.advance(MINUTE);
    world.restart();
    world.agent.knobs.fail("readOverview", "transient", { times: Infinity });
    await startUp(world.afk);
    expect(world.agent.thread(threadId)?.session?.status).toBe("running");
    world.agent.knobs.clear();
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.agent.thread(threadId)?.session?.status).toBe("interrupted");
  });

  // Doubt 1 of issue 8.
  it.each([
    ["closes the issue", (world: World, issue: number) => world.github.act.close(REPO, issue, MAINTAINER)],
    [
      "takes the ready label off",
      (world: World, issue: number) => world.github.act.unlabel(REPO, issue, READY, MAINTAINER),
    ],
  ])(
    "afk dies after T3 took the dispatch, before its lock label and record; a person %s: the agent is stopped",
    async (_what, stop) => {
      const world = aWorld();
      const issue = world.readyIssue();
      world.github.knobs.fail("addLabels", "transient", { times: Infinity });
      await world.reconcile().catch(() => undefined);
      const threadId = world.threadId(issue);
      world.agent.pickUpTurn(threadId);
      expect(world.issue(issue).labels).toEqual([READY]);
      expect(world.recordOnGitHub(issue)).toBeNull();
      world.restart();
      world.github.knobs.clear();
      stop(world, issue);
      world.clock.advance(MINUTE);
      await startUp(world.afk);
      expect(world.agent.thread(threadId)?.session?.status).toBe("interrupted");
      expect(world.agent.snapshot().threads).toHaveLength(1);
    },
  );

  it("afk dies after T3 took the dispatch, and the issue is still ready: the dispatch is healed, its agent left at work", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    world.github.knobs.fail("addLabels", "transient", { times: Infinity });
    await world.reconcile().catch(() => undefined);
    const threadId = world.threadId(issue);
    world.agent.pickUpTurn(threadId);
    world.restart();
    world.github.knobs.clear();
    world.clock.advance(MINUTE);
    await startUp(world.afk);
    expect(world.agent.thread(threadId)?.session?.status).toBe("running");
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", threadId });
    expect(world.agent.snapshot().threads).toHaveLength(1);
  });

  // Doubt 2 of issue 8: afk killed between thread.create and thread.turn.start, then the
  // ready label taken off. The thread never starts, and held its repo and a slot for ever.
  it("a thread that never got its turn, whose issue is no longer ready, holds no slot once stopped", async () => {
    const world = aWorld({ repos: [REPO, OTHER], config: { maxConcurrentRuns: 1 } });
    const issue = world.readyIssue();
    world.agent.knobs.fail("startTurn", "transient", { times: Infinity });
    await world.reconcile().catch(() => undefined);
    const threadId = world.threadId(issue);
    expect(world.agent.thread(threadId)).toMatchObject({ latestTurn: null, session: null });
    world.restart();
    world.agent.knobs.clear();
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    const other = world.readyIssue({ repo: OTHER });
    world.clock.advance(MINUTE);
    await startUp(world.afk);
    expect(world.record(other, OTHER)?.phase).toBe("dispatched");
    // Its repo is free too: a new ready issue there is dispatched once the cap has room.
    expect(world.agent.snapshot().threads.map((thread) => thread.id)).toEqual([
      threadId,
      world.threadId(other, 1, OTHER),
    ]);
  });

  it("an agent of a run under way is left alone by the sweep", async () => {
    const world = aWorld();
    const { threadId } = await aDispatchedRun(world);
    world.agent.pickUpTurn(threadId);
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.agent.thread(threadId)?.session?.status).toBe("running");
    expect(world.agent.knobs.calls.filter((call) => call.method === "interruptTurn")).toEqual([]);
  });

  it("a turn a person asked for in the thread after the run ended is theirs: not interrupted", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.pickUpTurn(threadId);
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.agent.thread(threadId)?.session?.status).toBe("interrupted");
    // The person opens the T3 thread the progress comment links to and asks the agent on.
    world.clock.advance(5 * MINUTE);
    const asked = {
      threadId,
      commandId: "person-1",
      messageId: "person-msg-1",
      text: "go on",
      runtimeMode: "full-access",
    } as const;
    expect((await world.agent.startTurn(asked)).ok).toBe(true);
    world.agent.pickUpTurn(threadId);
    for (const _ of [1, 2]) {
      world.clock.advance(MINUTE);
      await sweepOnce(world.afk);
    }
    expect(world.agent.thread(threadId)?.session?.status).toBe("running");
  });

  it("a stray agent that works on after T3 took the interrupt is not asked again each sweep: warned once", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.pickUpTurn(threadId);
    // T3 takes every interrupt, and the agent works on (a stuck session).
    world.agent.knobs.value("interruptTurn", undefined, { times: Infinity });
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    const interrupts = () => world.agent.knobs.calls.filter((call) => call.method === "interruptTurn").length;
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    const asked = interrupts();
    const stillWorks = () => world.logs.filter((line) => line.level === "warn" && /still works/.test(line.msg));
    expect(stillWorks()).toHaveLength(0);
    for (const _ of [1, 2, 3]) {
      world.clock.advance(MINUTE);
      await sweepOnce(world.afk);
    }
    expect(interrupts()).toBe(asked);
    expect(stillWorks()).toHaveLength(1);
    expect(world.agent.thread(threadId)?.session?.status).toBe("running");
    // Once it stops, afk forgets it.
    world.agent.knobs.clear();
    world.agent.endTurn(threadId, { state: "completed", text: "done" });
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.afk.strayInterrupts.size).toBe(0);
  });

  it("a stopped thread that never got its turn is forgotten once T3 no longer shows it live", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    world.agent.knobs.fail("startTurn", "transient", { times: Infinity });
    await world.reconcile().catch(() => undefined);
    const threadId = world.threadId(issue);
    world.restart();
    world.agent.knobs.clear();
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    world.clock.advance(MINUTE);
    await startUp(world.afk);
    expect(world.afk.stoppedUnstarted.has(threadId)).toBe(true);
    world.agent.deleteThread(threadId);
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.afk.stoppedUnstarted.has(threadId)).toBe(false);
  });
});
