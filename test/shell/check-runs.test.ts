// checkRepoRuns through the reconcile, over the twins: what a person did that afk never
// heard of (no webhook: the twins' deliveries are never flushed here) becomes the run's
// event, and what afk left half-done is finished from the record (issue 8).

import { describe, expect, it } from "vitest";
import { DOORBELL_RETRY_MAX_MS, TURN_MISSING_AFTER_MS } from "../../src/core/run/converge.js";
import { checkRepoRuns } from "../../src/shell/check-runs.js";
import { AFK_CONFIG_PATH } from "../../src/shell/dispatch-run.js";
import { observe, readAgentFacts, toFacts } from "../../src/shell/observe-runs.js";
import { startUp } from "../../src/shell/start-up.js";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import {
  aDispatchedRun,
  aWorld,
  CHANNEL,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MAINTAINER,
  MINUTE,
  noticesOf,
  pushFix,
  READY,
  REPO,
  type World,
  type WorldOptions,
} from "./world.js";

const observeRepo = (world: World): Promise<number> => {
  // A T3 read on the dispatch's own clock tick says nothing of its turn: the pass comes a moment later.
  world.clock.advance(1);
  return observe(world.afk, REPO, INSTALLATION, { sweep: true });
};

/** A run whose agent asked a question ten minutes into its turn, escalated by a sweep. */
async function anEscalatedRun(world: World) {
  const run = await aDispatchedRun(world);
  world.clock.advance(10 * MINUTE);
  world.agent.endTurn(run.threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
  await observeRepo(world);
  if (world.record(run.issue)?.phase !== "escalated") throw new Error("not escalated");
  return run;
}

function aWorldWithFile(file: string, options: WorldOptions = {}): World {
  const world = aWorld(options);
  world.github.setFile(REPO, AFK_CONFIG_PATH, file);
  return world;
}

function interruptsOf(world: World, threadId: string): number {
  return world.agent.commands.filter((c) => c.type === "thread.turn.interrupt" && c.threadId === threadId).length;
}

describe("checkRepoRuns: a person's act afk never heard of", () => {
  it("the ready label removed: the run is cancelled, its turn stopped and the repo freed for the next issue", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.pickUpTurn(threadId);
    const waiting = world.readyIssue();
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "cancelled" });
    expect(world.recordOnGitHub(issue)?.history.at(-1)?.note).toContain(`removed by ${MAINTAINER}`);
    expect(world.issue(issue).labels).toEqual([]);
    expect(world.agent.latestTurn(threadId)?.state).toBe("interrupted");
    expect(world.record(waiting)?.phase).toBe("dispatched");
  });

  it("the issue closed by a person: the run is cancelled and its lock label taken off", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    world.github.act.close(REPO, issue, MAINTAINER, "not_planned");
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [READY] });
  });

  it("the human label removed: the run ends taken over and the repo is freed", async () => {
    const world = aWorld();
    const { issue } = await anEscalatedRun(world);
    const waiting = world.readyIssue();
    await world.reconcile();
    expect(world.record(waiting)?.queuedReason).toEqual({ kind: "repo-busy", with: issue });
    world.github.act.unlabel(REPO, issue, HUMAN, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("taken-over");
    expect(world.issue(issue)).toMatchObject({ state: "open", labels: [] });
    expect(world.record(waiting)?.phase).toBe("dispatched");
  });

  it("the issue closed by the agent's own commit: no cancellation, the run is followed to production", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const [sha = ""] = world.github.act.push(REPO, [{ message: `Spin\n\nFixes #${issue}\nAFK-Issue: ${issue}` }], {
      by: "afk-agent",
    });
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", closedByCommit: sha });
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("dispatched");
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    await observeRepo(world);
    expect(world.record(issue)?.phase).toBe("shipped");
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [] });
    expect(noticesOf(world, issue)).toEqual([expect.stringMatching(new RegExp(`^Shipped ${sha}`))]);
  });

  // Found by the model-based test (test/chaos/model.test.ts): afk died between writing an
  // escalation and interrupting the agent, and a person took the run over before afk's next
  // look at T3: the agent worked on, for ever, on a run that had ended.
  it("a run taken over while its agent still works (the escalation's interrupt never landed): the next sweep stops the agent", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.pickUpTurn(threadId);
    world.clock.advance(5 * 60 * MINUTE);
    world.agent.knobs.fail("interruptTurn", "transient");
    await observeRepo(world).catch(() => undefined);
    expect(world.recordOnGitHub(issue)?.phase).toBe("escalated");
    world.github.act.unlabel(REPO, issue, HUMAN, MAINTAINER);
    await world.reconcile().catch(() => undefined);
    expect(world.recordOnGitHub(issue)?.phase).toBe("taken-over");
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.agent.snapshot().threads.find((thread) => thread.id === threadId)?.sessionStatus).toBe("interrupted");
  });

  // Found by the model-based test (test/chaos/model.test.ts).
  it("the issue closed by the agent's own commit, then a person removes the ready label unheard: the sweep cancels the run (issue 8, item 3)", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    world.github.act.push(REPO, [{ message: `Spin\n\nFixes #${issue}` }], { by: "afk-agent" });
    await world.reconcile();
    expect(world.record(issue)?.closedByCommit).not.toBeNull();
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.record(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [] });
  });

  it("the issue closed by the agent's own commit, then red CI with no budget left: escalated, and the issue reopened", async () => {
    const world = aWorldWithFile("budgets: { fix_forward_turns: 0 }\n");
    const { issue, threadId } = await aDispatchedRun(world);
    const [sha = ""] = world.github.act.push(REPO, [{ message: `Spin\n\nCloses #${issue}\nAFK-Issue: ${issue}` }], {
      by: "afk-agent",
    });
    await world.reconcile();
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "failure");
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "escalated", escalation: { cause: "red-budget-spent" } });
    expect(world.issue(issue)).toMatchObject({ state: "open", labels: [HUMAN] });
  });

  it("afk's own removal of the ready label is no person's act: a resume whose labels were not written is finished, not cancelled", async () => {
    const world = aWorld();
    const { issue } = await anEscalatedRun(world);
    world.clock.advance(MINUTE);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    world.github.knobs.fail("addLabels", "transient");
    await expect(world.reconcile()).rejects.toThrow(`resuming #${issue}`);
    expect(world.recordOnGitHub(issue)?.phase).toBe("dispatched");
    // The escalation's own unlabeled event is the ready label's latest, and the resume did not add it back yet.
    world.github.act.unlabel(REPO, issue, READY, world.github.bot);
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
  });
});

describe("checkRepoRuns: what afk left half-done is finished from the record", () => {
  it("the labels of a half-done escalation are finished, and its notice is posted once", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.clock.advance(10 * MINUTE);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    world.github.knobs.fail("removeLabel", "transient");
    await expect(observeRepo(world)).rejects.toThrow();
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY, HUMAN].sort());
    expect(noticesOf(world, issue)).toEqual([]);
    await world.reconcile();
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    expect(noticesOf(world, issue)).toEqual([expect.stringContaining("afk needs a human")]);
    await world.reconcile();
    expect(noticesOf(world, issue)).toHaveLength(1);
  });

  it("a notice that failed to post is posted by the next look, once", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.clock.advance(10 * MINUTE);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    // The progress comment is edited in place; the only comment afk creates here is the notice.
    world.github.knobs.fail("createComment", "transient");
    await expect(observeRepo(world)).rejects.toThrow();
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    expect(noticesOf(world, issue)).toEqual([]);
    await world.reconcile();
    await world.reconcile();
    expect(noticesOf(world, issue)).toHaveLength(1);
  });

  it("a notice GitHub posted though its answer was lost is not posted again", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.clock.advance(10 * MINUTE);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    world.github.knobs.failAfterApply("createComment", "timeout");
    await expect(observeRepo(world)).rejects.toThrow();
    expect(noticesOf(world, issue)).toHaveLength(1);
    await world.reconcile();
    expect(noticesOf(world, issue)).toHaveLength(1);
  });

  it("a ship whose close failed is finished by the next look: closed, labels off, the notice posted once", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    world.github.knobs.fail("closeIssue", "transient");
    await expect(observeRepo(world)).rejects.toThrow();
    expect(world.recordOnGitHub(issue)?.phase).toBe("shipped");
    expect(world.issue(issue)).toMatchObject({ state: "open", labels: [IN_PROGRESS, READY] });
    await world.reconcile();
    expect(world.issue(issue)).toMatchObject({ state: "closed", stateReason: "completed", labels: [] });
    expect(noticesOf(world, issue)).toHaveLength(1);
    expect(world.agent.snapshot().threads).toHaveLength(1);
    expect(world.record(issue)).toMatchObject({ phase: "shipped", attempt: 1 });
  });

  it("a turn T3 never got is sent again with the same command id, once it has been missing for 2 minutes", async () => {
    const world = aWorld();
    const { issue, threadId } = await anEscalatedRun(world);
    world.clock.advance(MINUTE);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    world.agent.knobs.fail("startTurn", "transient");
    await expect(world.reconcile()).rejects.toThrow(`resuming #${issue}`);
    expect(world.recordOnGitHub(issue)).toMatchObject({ phase: "dispatched", turn: { kind: "resume", number: 2 } });
    const sent = world.agent.knobs.calls.filter((call) => call.method === "startTurn").at(-1)?.args[0];
    const commands = world.agent.commands.length;
    world.clock.advance(TURN_MISSING_AFTER_MS - MINUTE);
    await sweepOnce(world.afk);
    expect(world.agent.commands).toHaveLength(commands);
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.agent.commands.slice(commands)).toEqual([
      expect.objectContaining({
        type: "thread.turn.start",
        threadId,
        commandId: (sent as { commandId: string }).commandId,
        text: expect.stringContaining(`#${issue}`),
      }),
    ]);
    await sweepOnce(world.afk);
    expect(world.agent.commands).toHaveLength(commands + 1);
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", turn: { number: 2, state: "working" } });
  });

  it("a turn still working on an ended run is interrupted by the next look that reads T3", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.pickUpTurn(threadId);
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    world.agent.knobs.fail("interruptTurn", "transient");
    await expect(world.reconcile()).rejects.toThrow();
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.agent.latestTurn(threadId)?.state).toBe("running");
    world.clock.advance(MINUTE);
    const facts = toFacts(await readAgentFacts(world.afk));
    expect(await checkRepoRuns(world.afk, REPO, world.issues(), { ready: [], human: [] }, facts)).toEqual({
      failed: [],
      finished: new Set([issue]),
    });
    expect(interruptsOf(world, threadId)).toBe(1);
    expect(world.agent.latestTurn(threadId)?.state).toBe("interrupted");
  });

  it("a doorbell that cannot ring is retried with backoff, never repeating the escalation, and rings once Slack lets it", async () => {
    const world = aWorld({ slack: true });
    world.doorbell.knobs.fail("postDoorbell", "rejected", { times: 3 });
    const { issue } = await anEscalatedRun(world);
    expect(world.record(issue)).toMatchObject({ doorbell: null, doorbellFailure: { attempts: 1 } });
    const rings = (): number => world.doorbell.knobs.count("postDoorbell");
    const edits = world.github.knobs.count("updateComment");
    await world.reconcile();
    expect(rings()).toBe(1);
    world.clock.advance(MINUTE);
    await world.reconcile();
    expect(rings()).toBe(2);
    expect(world.record(issue)?.doorbellFailure).toMatchObject({ attempts: 2 });
    // The same reason again: the progress comment already says it.
    expect(world.github.knobs.count("updateComment")).toBe(edits);
    world.clock.advance(MINUTE);
    await world.reconcile();
    expect(rings()).toBe(2);
    world.clock.advance(MINUTE);
    await world.reconcile();
    expect(rings()).toBe(3);
    world.clock.advance(4 * MINUTE);
    await world.reconcile();
    expect(rings()).toBe(4);
    expect(world.record(issue)).toMatchObject({ doorbell: { channel: CHANNEL }, doorbellFailure: null });
    world.clock.advance(DOORBELL_RETRY_MAX_MS);
    await world.reconcile();
    expect(rings()).toBe(4);
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
    expect(noticesOf(world, issue)).toHaveLength(1);
    expect(world.issue(issue).labels).toEqual([HUMAN]);
  });

  it("a doorbell whose ts could not be written down is not rung a second time", async () => {
    const world = aWorld({ slack: true });
    const { issue, threadId } = await aDispatchedRun(world);
    world.clock.advance(10 * MINUTE);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    // The escalation edits the progress comment once; the DoorbellRung follow-up edits it again.
    world.github.knobs.fail("updateComment", "transient", { nth: 2 });
    await expect(observeRepo(world)).rejects.toThrow();
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
    world.clock.advance(MINUTE);
    await world.reconcile();
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
    expect(world.record(issue)?.doorbell).toMatchObject({ channel: CHANNEL });
    // Written down, so that a restart does not ring it again either.
    expect(world.recordOnGitHub(issue)?.doorbell).toEqual(world.record(issue)?.doorbell);
    world.restart();
    await startUp(world.afk);
    expect(world.record(issue)?.doorbell).toMatchObject({ channel: CHANNEL });
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
  });

  it("a look that finds every run as its record says writes nothing", async () => {
    const world = aWorld({ slack: true });
    const { issue } = await anEscalatedRun(world);
    const queued = world.readyIssue({ body: "Blocked by #99" });
    await world.reconcile();
    expect(world.record(queued)?.phase).toBe("queued");
    const writes = { github: world.github.knobs.writes().length, t3: world.agent.commands.length };
    await sweepOnce(world.afk);
    await sweepOnce(world.afk);
    expect({ github: world.github.knobs.writes().length, t3: world.agent.commands.length }).toEqual(writes);
    expect(world.doorbell.knobs.count("postDoorbell")).toBe(1);
    expect(world.record(issue)?.phase).toBe("escalated");
  });
});
