// The reconciler's writes for one issue (src/shell/dispatch-run.ts), through the
// reconcile over the twins: a dispatch T3 refuses, a dispatch healed after a crash, the
// ready label on an escalated issue, and the attempt a new run of an issue takes.

import { describe, expect, it } from "vitest";
import { observe } from "../../src/shell/observe-runs.js";
import {
  aDispatchedRun,
  aWorld,
  botComments,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MAINTAINER,
  MINUTE,
  noticesOf,
  pushFix,
  READY,
  REPO,
  T0,
  type World,
} from "./world.js";

const observeRepo = (world: World): Promise<number> => observe(world.afk, REPO, INSTALLATION, { sweep: true });

describe("dispatch: T3 refuses the thread", () => {
  it("a rejected thread.create escalates the run (E4) instead of retrying the same ids forever", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    world.agent.knobs.fail("createThread", "rejected", { times: Infinity });
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({
      phase: "escalated",
      escalation: {
        cause: "dispatch-rejected",
        reason: expect.stringContaining("T3 refused to start the agent's thread"),
      },
    });
    expect(world.recordOnGitHub(issue)?.phase).toBe("escalated");
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    expect(noticesOf(world, issue)).toEqual([expect.stringContaining("afk needs a human")]);
    const tries = world.agent.knobs.count("createThread");
    await world.reconcile();
    await world.reconcile();
    expect(world.agent.knobs.count("createThread")).toBe(tries);
    expect(noticesOf(world, issue)).toHaveLength(1);
  });

  it("the run T3 refused holds no repo: the repo's next ready issue is dispatched", async () => {
    const world = aWorld();
    const refused = world.readyIssue();
    world.agent.knobs.fail("createThread", "rejected");
    await world.reconcile();
    expect(world.record(refused)?.phase).toBe("escalated");
    const next = world.readyIssue();
    await world.reconcile();
    expect(world.record(next)).toMatchObject({ phase: "dispatched", threadId: world.threadId(next) });
  });

  it("a transient refusal is no verdict: the next reconcile dispatches with the same ids", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    world.agent.knobs.fail("createThread", "transient");
    await expect(world.reconcile()).rejects.toThrow(`dispatching #${issue}`);
    expect(world.issue(issue).labels).toEqual([READY]);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", threadId: world.threadId(issue) });
    expect(world.agent.snapshot().threads.map((thread) => thread.id)).toEqual([world.threadId(issue)]);
  });
});

describe("dispatch: healed after a crash", () => {
  it("keeps the time T3 first received the opening turn, so the agent's work while afk was down counts", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    // afk dies after T3 took the thread and before the lock label and the comment.
    world.github.knobs.fail("addLabels", "transient");
    await expect(world.reconcile()).rejects.toThrow();
    const threadId = world.threadId(issue);
    world.agent.pickUpTurn(threadId);
    world.clock.advance(10 * MINUTE);
    const sha = pushFix(world, issue);
    world.clock.advance(10 * MINUTE);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.clock.advance(30 * MINUTE);
    world.restart();
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({
      phase: "dispatched",
      attempt: 1,
      dispatchedAt: T0,
      turn: { number: 1, startedAt: T0 },
    });
    expect(world.agent.snapshot().threads).toHaveLength(1);
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "pushed", sha, turn: { state: "ended" } });
  });
});

describe("dispatch: the ready label on an escalated issue", () => {
  /** A run escalated after ten minutes whose ready label afk could not take off (it died, or GitHub failed). */
  async function anEscalationThatLeftTheReadyLabel(world: World) {
    const run = await aDispatchedRun(world);
    world.clock.advance(10 * MINUTE);
    world.agent.endTurn(run.threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    world.github.knobs.fail("removeLabel", "transient", { when: ([, , label]) => label === READY });
    await expect(observeRepo(world)).rejects.toThrow();
    expect(world.issue(run.issue).labels).toEqual([IN_PROGRESS, READY, HUMAN].sort());
    return run;
  }

  it("a leftover ready label (applied before the escalation) is taken off after a restart, not read as a resume", async () => {
    const world = aWorld();
    const { issue } = await anEscalationThatLeftTheReadyLabel(world);
    const commands = world.agent.commands.length;
    world.clock.advance(MINUTE);
    world.restart();
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "escalated", resumptions: [] });
    expect(world.issue(issue).labels).not.toContain(READY);
    expect(world.agent.commands).toHaveLength(commands);
    await world.reconcile();
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    expect(world.record(issue)?.phase).toBe("escalated");
  });

  it("the same leftover, while afk still runs: the next reconcile finishes the escalation's labels, and resumes nothing", async () => {
    const world = aWorld();
    const { issue } = await anEscalationThatLeftTheReadyLabel(world);
    const commands = world.agent.commands.length;
    world.clock.advance(MINUTE);
    await world.reconcile();
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    expect(world.record(issue)).toMatchObject({ phase: "escalated", resumptions: [] });
    expect(world.agent.commands).toHaveLength(commands);
  });

  it("the ready label applied again after the escalation by a trusted person resumes the same thread", async () => {
    const world = aWorld();
    const { issue, threadId } = await anEscalationThatLeftTheReadyLabel(world);
    world.clock.advance(MINUTE);
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", resumptions: [{ by: MAINTAINER }] });
    expect(world.agent.commands.at(-1)).toMatchObject({ type: "thread.turn.start", threadId });
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
  });
});

describe("dispatch: the attempt of a new run", () => {
  it("a shipped issue a person reopens and labels ready again gets attempt 2, in a new thread", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    await observeRepo(world);
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [] });
    world.clock.advance(MINUTE);
    world.github.act.reopen(REPO, issue, MAINTAINER);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", attempt: 2, threadId: world.threadId(issue, 2) });
    expect(world.agent.snapshot().threads.map((thread) => thread.id)).toEqual([threadId, world.threadId(issue, 2)]);
  });

  it("an issue whose progress comment was deleted starts the attempt after the one T3 knows, never reusing its ids", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    const [comment] = botComments(world, issue);
    world.github.act.deleteComment(comment?.id ?? 0, MAINTAINER);
    world.restart();
    world.clock.advance(MINUTE);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", attempt: 2 });
    expect(world.agent.snapshot().threads).toHaveLength(2);
  });

  it("a dispatch cut short, then the label taken off and put back while afk was down: the old agent stops before attempt 2 starts", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    // afk dies right after T3 started the agent: no lock label, no record.
    world.github.knobs.fail("addLabels", "transient");
    await expect(world.reconcile()).rejects.toThrow();
    world.agent.pickUpTurn(world.threadId(issue, 1));
    world.restart();
    world.clock.advance(MINUTE);
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    const busy = () => world.agent.snapshot().threads.filter((thread) => thread.turnState === "running").length;
    await world.reconcile();
    expect(world.agent.latestTurn(world.threadId(issue, 1))?.state).toBe("interrupted");
    expect(world.agent.snapshot().threads).toHaveLength(1);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", attempt: 2 });
    world.agent.pickUpTurn(world.threadId(issue, 2));
    expect(busy()).toBe(1);
  });
});

describe("tellHeld: the attempt of a queued run", () => {
  it("an issue labelled ready again after its run ended waits as the next attempt, with that attempt's ids", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("cancelled");
    const other = await aDispatchedRun(world);
    world.clock.advance(MINUTE);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({
      phase: "queued",
      attempt: 2,
      threadId: world.threadId(issue, 2),
      queuedReason: { kind: "repo-busy", with: other.issue },
    });
    expect(world.record(issue)?.threadId).not.toBe(threadId);
    expect(botComments(world, issue)).toHaveLength(1);
  });
});
