import { describe, expect, it } from "vitest";
import { newRun } from "../../src/core/run/run-start.js";
import type { RunEvent } from "../../src/core/run/run-event.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { advanceRun } from "../../src/shell/advance-run.js";
import { aRecord } from "../core/builders.js";
import { aWorld, botComments, CHANNEL, HUMAN, INSTALLATION, MAINTAINER, REPO, type World } from "./world.js";

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
      { kind: "Held", reason: { kind: "repo-busy", with: 9 } },
      world.runDeps(queued),
    );
    expect(after).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: 9 } });
    expect(world.afk.index.get(REPO, issue)).toEqual({ record: after, commentId: botComments(world, issue)[0]?.id });
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
    const after = await advanceRun(
      record,
      { kind: "AgentReported", status: { kind: "blocked", question: "?" } },
      world.runDeps(record),
    );
    expect(after?.agentStatus).toEqual({ kind: "blocked", question: "?" });
    expect(world.record(record.issue)).toEqual(after);
    expect(world.github.knobs.writes()).toHaveLength(writes);
  });

  it("returns the same record and writes nothing for an event that changes nothing", async () => {
    const world = aWorld();
    const record = await aRunningRecord(world);
    const calls = world.github.knobs.calls.length;
    expect(await advanceRun(record, { kind: "Ticked" }, world.runDeps(record))).toBe(record);
    expect(world.github.knobs.calls).toHaveLength(calls);
  });

  it("applies the follow-ups the effects produced: the doorbell's channel and ts land in the record", async () => {
    const world = aWorld({ slack: true });
    const record = await aRunningRecord(world);
    const after = await advanceRun(record, ASKED, world.runDeps(record));
    const [doorbell] = world.doorbell.messages(CHANNEL);
    expect(after).toMatchObject({ phase: "escalated", doorbell: { channel: CHANNEL, ts: doorbell?.ts } });
    expect(world.record(record.issue)).toEqual(after);
    expect(world.recordOnGitHub(record.issue)?.doorbell).toEqual({ channel: CHANNEL, ts: doorbell?.ts });
  });

  it("leaves the index untouched and answers null when an effect fails", async () => {
    const world = aWorld();
    const record = await aRunningRecord(world);
    const before = world.afk.index.get(REPO, record.issue);
    world.github.knobs.fail("addLabels", "transient");
    expect(await advanceRun(record, ASKED, world.runDeps(record))).toBeNull();
    expect(world.afk.index.get(REPO, record.issue)).toBe(before);
    expect(world.issue(record.issue).labels).not.toContain(HUMAN);
  });

  it("a record the index does not hold yet gets its first comment, and an index entry only on success", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    const queued = aRecord({ repo: REPO, issue, installationId: INSTALLATION, phase: "queued", turn: null });
    world.github.knobs.fail("createComment", "transient");
    const event: RunEvent = { kind: "Held", reason: { kind: "cap-reached", cap: 1 } };
    expect(await advanceRun(queued, event, world.runDeps(queued))).toBeNull();
    expect(world.afk.index.get(REPO, issue)).toBeUndefined();
    expect(await advanceRun(queued, event, world.runDeps(queued))).not.toBeNull();
    expect(world.afk.index.get(REPO, issue)?.commentId).toBe(botComments(world, issue)[0]?.id);
  });

  it("a failing follow-up answers null but keeps the record its own effects wrote", async () => {
    const world = aWorld({ slack: true });
    const record = await aRunningRecord(world);
    // The escalation edits the progress comment once; the DoorbellRung follow-up edits it again.
    world.github.knobs.fail("updateComment", "transient", { nth: 2 });
    expect(await advanceRun(record, ASKED, world.runDeps(record))).toBeNull();
    expect(world.record(record.issue)).toMatchObject({ phase: "escalated", doorbell: null });
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
  });
});
