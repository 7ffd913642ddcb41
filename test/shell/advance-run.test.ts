import { describe, expect, it } from "vitest";
import { newRun } from "../../src/core/run/run-start.js";
import type { RunEvent } from "../../src/core/run/run-event.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { transition } from "../../src/core/run/transition.js";
import { defaultRepoConfig } from "../../src/core/config/config-types.js";
import { advanceRun, applyTransition, type AdvanceResult } from "../../src/shell/advance-run.js";
import { aRecord, anIssue } from "../core/builders.js";
import {
  aWorld,
  botComments,
  CHANNEL,
  IN_PROGRESS,
  INSTALLATION,
  MAINTAINER,
  noticesOf,
  READY,
  REPO,
  type World,
} from "./world.js";

const ASKED: RunEvent = {
  kind: "TurnEnded",
  outcome: "completed",
  status: { kind: "blocked", question: "Which colour?" },
  lastMessage: "AFK-STATUS: blocked: Which colour?",
  error: null,
};

function aQueuedRun(world: World, issue: number): RunRecord {
  return newRun({
    repo: REPO,
    issue,
    installationId: INSTALLATION,
    attempt: 1,
    labeler: MAINTAINER,
    now: world.clock.now(),
    config: world.config,
  });
}

/** The record of a successful advance; throws on a failed one. */
function recordOf(result: AdvanceResult): RunRecord {
  if (!result.ok) throw new Error(`${result.failed} failed`);
  return result.record;
}

function dispatchApproved(world: World, issue: number): RunEvent {
  return {
    kind: "DispatchApproved",
    issue: anIssue({ repo: REPO, number: issue }),
    labeler: MAINTAINER,
    defaultBranch: "main",
    cloneUrl: `https://github.com/${REPO}.git`,
    repoConfig: defaultRepoConfig(world.config),
    startedAt: null,
    approval: null,
  };
}

/** A dispatched run whose thread is in T3 and whose record is in the index and on GitHub. */
async function aRunningRecord(world: World): Promise<RunRecord> {
  const issue = world.readyIssue();
  await world.reconcile();
  const record = world.record(issue);
  if (record === null) throw new Error("not dispatched");
  return record;
}

describe("advanceRun", () => {
  it("keeps the new record in the index, with the progress comment's id, once every effect applied", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    const queued = aQueuedRun(world, issue);
    const after = await advanceRun(
      queued,
      { kind: "Held", reason: { kind: "repo-busy", with: 9 }, approval: null },
      world.runDeps(queued),
    );
    expect(after).toMatchObject({
      ok: true,
      record: { phase: "queued", queuedReason: { kind: "repo-busy", with: 9 } },
    });
    expect(world.afk.index.get(REPO, issue)).toEqual({
      record: recordOf(after),
      commentId: botComments(world, issue)[0]?.id,
      notices: new Set(),
      noticesComplete: false,
      needsCheck: false,
      unwritten: false,
    });
  });

  it("edits the comment the index names rather than writing a second one", async () => {
    const world = aWorld();
    const record = await aRunningRecord(world);
    const commentId = world.afk.index.get(REPO, record.issue)?.commentId;
    await advanceRun(record, { kind: "CommitPushed", sha: "c".repeat(40), url: null }, world.runDeps(record));
    expect(botComments(world, record.issue).map((comment) => comment.id)).toEqual([commentId]);
    expect(world.recordOnGitHub(record.issue)).toMatchObject({ phase: "pushed", sha: "c".repeat(40) });
  });

  it("keeps a record changed without effects (a status line mid-turn is only stored)", async () => {
    const world = aWorld();
    const record = await aRunningRecord(world);
    const writes = world.github.knobs.writes().length;
    const after = recordOf(
      await advanceRun(
        record,
        { kind: "AgentReported", status: { kind: "blocked", question: "?" } },
        world.runDeps(record),
      ),
    );
    expect(after.agentStatus).toEqual({ kind: "blocked", question: "?" });
    expect(world.record(record.issue)).toEqual(after);
    expect(world.github.knobs.writes()).toHaveLength(writes);
  });

  it("returns the same record and writes nothing for an event that changes nothing", async () => {
    const world = aWorld();
    const record = await aRunningRecord(world);
    const calls = world.github.knobs.calls.length;
    expect(recordOf(await advanceRun(record, { kind: "Ticked" }, world.runDeps(record)))).toBe(record);
    expect(world.github.knobs.calls).toHaveLength(calls);
  });

  it("applies the follow-ups the effects produced: the doorbell's channel and ts land in the record", async () => {
    const world = aWorld({ slack: true });
    const record = await aRunningRecord(world);
    const after = recordOf(await advanceRun(record, ASKED, world.runDeps(record)));
    const [doorbell] = world.doorbell.messages(CHANNEL);
    expect(after).toMatchObject({ phase: "escalated", doorbell: { channel: CHANNEL, ts: doorbell?.ts } });
    expect(world.record(record.issue)).toEqual(after);
    expect(world.recordOnGitHub(record.issue)?.doorbell).toEqual({ channel: CHANNEL, ts: doorbell?.ts });
  });

  it("a failing effect before the record is written keeps the index's record, marked for a check that reads the comment back, and names what failed", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    const queued = aQueuedRun(world, issue);
    await advanceRun(
      queued,
      { kind: "Held", reason: { kind: "repo-busy", with: 9 }, approval: null },
      world.runDeps(queued),
    );
    const before = world.afk.index.get(REPO, issue);
    const held = before?.record ?? queued;
    world.agent.knobs.fail("createThread", "transient");
    expect(await advanceRun(held, dispatchApproved(world, issue), world.runDeps(held))).toEqual({
      ok: false,
      failed: "StartThread",
      error: expect.objectContaining({ system: "t3", category: "transient" }),
    });
    expect(world.afk.index.get(REPO, issue)).toEqual({ ...before, needsCheck: true, unwritten: false });
    expect(world.recordOnGitHub(issue)?.phase).toBe("queued");
    expect(world.issue(issue).labels).toEqual([READY]);
  });

  it("the record written before the labels: a failing label write keeps the new record, marked for a check", async () => {
    const world = aWorld();
    const record = await aRunningRecord(world);
    world.github.knobs.fail("addLabels", "transient");
    expect(await advanceRun(record, ASKED, world.runDeps(record))).toEqual({
      ok: false,
      failed: "AddLabels",
      error: expect.objectContaining({ system: "github", category: "transient" }),
    });
    expect(world.recordOnGitHub(record.issue)?.phase).toBe("escalated");
    expect(world.afk.index.get(REPO, record.issue)).toMatchObject({ record: { phase: "escalated" }, needsCheck: true });
    // The issue still carries afk's labels: a restart finds the run and finishes it.
    expect(world.issue(record.issue).labels).toEqual([IN_PROGRESS, READY]);
    expect(noticesOf(world, record.issue)).toEqual([]);
  });

  it("a record the index does not hold yet: a failed first comment (it may have landed) is marked for a check, and written once", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    const queued = aRecord({ repo: REPO, issue, installationId: INSTALLATION, phase: "queued", turn: null });
    world.github.knobs.fail("createComment", "transient");
    const event: RunEvent = { kind: "Held", reason: { kind: "cap-reached", cap: 1 }, approval: null };
    expect(await advanceRun(queued, event, world.runDeps(queued))).toMatchObject({
      ok: false,
      failed: "UpsertProgressComment",
    });
    expect(world.afk.index.get(REPO, issue)).toMatchObject({ record: queued, commentId: null, needsCheck: true });
    expect((await advanceRun(queued, event, world.runDeps(queued))).ok).toBe(true);
    expect(world.afk.index.get(REPO, issue)?.commentId).toBe(botComments(world, issue)[0]?.id);
    expect(botComments(world, issue)).toHaveLength(1);
  });

  it("a failing follow-up names what failed; the index keeps the doorbell it rang, marked for a check that writes it down", async () => {
    const world = aWorld({ slack: true });
    const record = await aRunningRecord(world);
    // The escalation edits the progress comment once; the DoorbellRung follow-up edits it again.
    world.github.knobs.fail("updateComment", "transient", { nth: 2 });
    expect(await advanceRun(record, ASKED, world.runDeps(record))).toMatchObject({
      ok: false,
      failed: "UpsertProgressComment",
    });
    const [rung] = world.doorbell.messages(CHANNEL);
    expect(world.recordOnGitHub(record.issue)).toMatchObject({ phase: "escalated", doorbell: null });
    expect(world.afk.index.get(REPO, record.issue)).toMatchObject({
      record: { phase: "escalated", doorbell: { channel: CHANNEL, ts: rung?.ts } },
      needsCheck: true,
      unwritten: true,
    });
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
  });

  it("a notice is posted once: the same ship applied again after its close failed posts no second notice", async () => {
    const world = aWorld();
    const record = await aRunningRecord(world);
    const sha = "c".repeat(40);
    const pushed = recordOf(await advanceRun(record, { kind: "CommitPushed", sha, url: null }, world.runDeps(record)));
    const green: RunEvent = { kind: "CiObserved", sha, verdict: "green", seenAny: true, url: null, failures: [] };
    const shipped = transition(pushed, green, world.clock.now(), { config: world.config });
    expect(shipped.effects.map((effect) => effect.kind)).toContain("PostNotice");
    world.github.knobs.fail("closeIssue", "transient");
    expect(await applyTransition(pushed, shipped.record, shipped.effects, world.runDeps(pushed))).toMatchObject({
      ok: false,
      failed: "CloseIssue",
    });
    expect(noticesOf(world, record.issue)).toHaveLength(1);
    expect((await applyTransition(pushed, shipped.record, shipped.effects, world.runDeps(pushed))).ok).toBe(true);
    expect(noticesOf(world, record.issue)).toHaveLength(1);
    expect(world.issue(record.issue)).toMatchObject({ state: "closed", labels: [] });
  });
});
