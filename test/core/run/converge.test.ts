import { describe, expect, it } from "vitest";
import type { ThreadFact } from "../../../src/core/observe/agent-threads.js";
import {
  toConvergence,
  toDoorbellRetryAt,
  TURN_MISSING_AFTER_MS,
  type ConvergeInput,
} from "../../../src/core/run/converge.js";
import type { IssueView } from "../../../src/core/run/decide-drift.js";
import { toCommandId } from "../../../src/core/run/ids.js";
import { toNoticeMarker } from "../../../src/core/render/run-notices.js";
import type { RunRecord } from "../../../src/core/run/run-types.js";
import { aRecord, anOperatorConfig, T0 } from "../builders.js";
import { anEscalatedRecord, aPushedRecord, KEY, kinds, MINUTE, SLACK } from "../transition-fixtures.js";

const READY = "ready-for-agent";
const LOCK = "afk:in-progress";
const HUMAN = "ready-for-human";
const NOW = T0 + 60 * MINUTE;
const config = anOperatorConfig();

function input(record: RunRecord, overrides: Partial<ConvergeInput> = {}): ConvergeInput {
  return {
    record,
    issue: null,
    readyLabeledAt: null,
    notices: null,
    thread: undefined,
    now: NOW,
    config,
    ...overrides,
  };
}

const open = (...labels: string[]): IssueView => ({ state: "open", labels });
const closed = (...labels: string[]): IssueView => ({ state: "closed", labels });

function aThread(overrides: Partial<ThreadFact> = {}): ThreadFact {
  return {
    id: aRecord().threadId,
    projectId: "p",
    title: "t",
    latestTurn: null,
    session: { status: "ready", lastError: null, updatedAt: T0 },
    archivedAt: null,
    deletedAt: null,
    hasPendingApprovals: false,
    hasPendingUserInput: false,
    ...overrides,
  };
}

describe("toConvergence: labels and the issue's state", () => {
  const escalated = anEscalatedRecord({
    escalation: { cause: "agent", reason: "asked", agentSaid: null, at: T0, resumeTo: "ci" },
  });
  it.each<[string, RunRecord, IssueView, Partial<ConvergeInput>, string[]]>([
    ["an active run wants the lock and ready labels", aRecord(), open(), {}, ["AddLabels"]],
    ["an active run already labelled needs nothing", aRecord(), open(READY, LOCK), {}, []],
    ["an active run drops a human label left over", aRecord(), open(READY, LOCK, HUMAN), {}, ["RemoveLabels"]],
    [
      "a queued run drops a lock label left over from a dispatch cut short and held back since",
      aRecord({ phase: "queued", turn: null }),
      open(READY, LOCK),
      {},
      ["RemoveLabels"],
    ],
    ["a queued run leaves the ready label alone", aRecord({ phase: "queued", turn: null }), open(READY), {}, []],
    [
      "an escalation that died before its labels: the human label first, then the others off",
      escalated,
      open(READY, LOCK),
      { readyLabeledAt: T0 - MINUTE },
      ["AddLabels", "RemoveLabels"],
    ],
    [
      "an escalated run keeps a ready label applied after it (a resume to come)",
      escalated,
      open(READY, HUMAN),
      { readyLabeledAt: T0 + MINUTE },
      [],
    ],
    [
      "an escalated run leaves a ready label alone when it cannot tell when it was applied",
      escalated,
      open(READY, HUMAN),
      {},
      [],
    ],
    [
      "a ship that died before the close: closed, then the labels off",
      aRecord({ phase: "shipped", endedAt: T0 }),
      open(READY, LOCK),
      {},
      ["CloseIssue", "RemoveLabels"],
    ],
    [
      "a ship that died after the close: the labels off",
      aRecord({ phase: "shipped", endedAt: T0 }),
      closed(READY, LOCK),
      {},
      ["RemoveLabels"],
    ],
    [
      "a cancel drops the lock and human labels",
      aRecord({ phase: "cancelled", endedAt: T0 }),
      open(LOCK, HUMAN),
      {},
      ["RemoveLabels"],
    ],
    [
      "a take-over clears every label of afk's",
      aRecord({ phase: "taken-over", endedAt: T0 }),
      open(READY),
      {},
      ["RemoveLabels"],
    ],
    [
      "a retry that died before its label: ready on, human off",
      aRecord({ phase: "queued", approval: { by: "U1", role: "slack", via: "retry", at: T0, fingerprint: null } }),
      open(HUMAN),
      {},
      ["AddLabels", "RemoveLabels"],
    ],
    [
      "a queued run approved by a label is never relabelled by afk (a person's removal is theirs)",
      aRecord({ phase: "queued" }),
      open(),
      {},
      [],
    ],
    [
      "an escalated run whose issue the agent's commit closed is reopened",
      { ...escalated, closedByCommit: "c".repeat(40) },
      closed(HUMAN),
      {},
      ["ReopenIssue"],
    ],
  ])("%s", (_case, record, issue, extra, expected) => {
    expect(kinds(toConvergence(input(record, { issue, ...extra })))).toEqual(expected);
  });

  it("adds before it removes, naming exactly what is missing and what is left over", () => {
    const effects = toConvergence(input(escalated, { issue: open(READY, LOCK), readyLabeledAt: T0 - MINUTE }));
    expect(effects).toEqual([
      { kind: "AddLabels", labels: [HUMAN] },
      { kind: "RemoveLabels", labels: [LOCK, READY] },
    ]);
  });

  it("leaves labels and state alone when the issue is not known", () => {
    expect(toConvergence(input(aRecord({ phase: "shipped", endedAt: T0 })))).toEqual([]);
  });
});

describe("toConvergence: notices", () => {
  const escalated = anEscalatedRecord();
  const shipped = aRecord({ phase: "shipped", endedAt: T0 });
  const escalatedMarker = toNoticeMarker("escalated", escalated, escalated.escalation?.at ?? 0);
  const shippedMarker = toNoticeMarker("shipped", shipped, T0);

  it.each<[string, RunRecord, ReadonlySet<string>, string[]]>([
    ["an escalation whose notice is missing posts it", escalated, new Set(), ["PostNotice"]],
    ["an escalation whose notice is there posts nothing", escalated, new Set([escalatedMarker]), []],
    ["a ship whose notice is missing posts it", shipped, new Set(), ["PostNotice"]],
    ["a ship whose notice is there posts nothing", shipped, new Set([shippedMarker]), []],
    ["an active run posts no notice", aRecord(), new Set(), []],
  ])("%s", (_case, record, notices, expected) => {
    expect(kinds(toConvergence(input(record, { notices })))).toEqual(expected);
  });

  it("posts the notice with the marker it is found by", () => {
    const [notice] = toConvergence(input(shipped, { notices: new Set() }));
    expect(notice).toMatchObject({ kind: "PostNotice", marker: shippedMarker });
    expect(notice?.kind === "PostNotice" && notice.body.endsWith(shippedMarker)).toBe(true);
  });
});

describe("toConvergence: the agent", () => {
  const startedAt = T0;
  const working = aPushedRecord({
    turn: { number: 2, kind: "resume", state: "working", startedAt, sha: null, relayText: null },
    turns: 2,
    resumptions: [{ by: "alice", via: "github", at: startedAt }],
  });

  it("stops an agent still running for a run that rests or ended", () => {
    const record = anEscalatedRecord({
      turn: { number: 3, kind: "opening", state: "ended", startedAt, sha: null, relayText: null },
    });
    const effects = toConvergence(
      input(record, { thread: aThread({ session: { status: "running", lastError: null, updatedAt: T0 } }) }),
    );
    expect(effects).toEqual([
      { kind: "InterruptTurn", threadId: record.threadId, commandId: toCommandId(KEY, "interrupt:3") },
    ]);
  });

  it("sends again, with the same ids, a turn T3 never received, once it has had time to show", () => {
    const thread = aThread({
      latestTurn: { turnId: "t1", state: "completed", requestedAt: startedAt - 10 * MINUTE, assistantMessageId: null },
    });
    expect(toConvergence(input(working, { thread, now: startedAt + TURN_MISSING_AFTER_MS - 1 }))).toEqual([]);
    const [turn] = toConvergence(input(working, { thread, now: startedAt + TURN_MISSING_AFTER_MS }));
    expect(turn).toMatchObject({ kind: "SendTurn", commandId: toCommandId(KEY, "turn:2"), purpose: "resume" });
  });

  it.each<[string, Partial<ThreadFact>]>([
    [
      "T3 shows the turn",
      { latestTurn: { turnId: "t2", state: "running", requestedAt: startedAt, assistantMessageId: null } },
    ],
    ["the session is working", { session: { status: "running", lastError: null, updatedAt: T0 } }],
    ["the agent waits on a question", { hasPendingUserInput: true }],
  ])("sends nothing again when %s", (_case, thread) => {
    expect(toConvergence(input(working, { thread: aThread(thread), now: NOW }))).toEqual([]);
  });

  it("sends again a turn T3 never received even when the turn T3 shows was asked for within the skew margin, when afk judged that one already", () => {
    const asked = startedAt - 20_000;
    const thread = aThread({
      latestTurn: { turnId: "t1", state: "completed", requestedAt: asked, assistantMessageId: null },
      session: { status: "ready", lastError: null, updatedAt: asked + 5_000 },
    });
    const now = startedAt + TURN_MISSING_AFTER_MS;
    expect(toConvergence(input(working, { thread, now }))).toEqual([]);
    const [turn] = toConvergence(input({ ...working, turnSeenAt: asked + 5_000 }, { thread, now }));
    expect(turn).toMatchObject({ kind: "SendTurn", commandId: toCommandId(KEY, "turn:2") });
  });

  it("leaves the agent alone when T3 was not read", () => {
    expect(toConvergence(input(working, { now: NOW }))).toEqual([]);
  });
});

describe("toConvergence: the doorbell", () => {
  const slack = anOperatorConfig({ slack: SLACK });
  const escalated = anEscalatedRecord();

  it("rings a doorbell that never rang (afk died before it)", () => {
    expect(kinds(toConvergence(input(escalated, { config: slack })))).toEqual(["RingDoorbell"]);
  });

  it("tries a failed doorbell again after 1, 2, 4… minutes, at most an hour apart", () => {
    const failure = (attempts: number) => ({ reason: "Slack rejected (not_in_channel)", attempts, at: T0 });
    expect(toDoorbellRetryAt(failure(1))).toBe(T0 + MINUTE);
    expect(toDoorbellRetryAt(failure(3))).toBe(T0 + 4 * MINUTE);
    expect(toDoorbellRetryAt(failure(30))).toBe(T0 + 60 * MINUTE);
    const record = { ...escalated, doorbellFailure: failure(2) };
    expect(toConvergence(input(record, { config: slack, now: T0 + 2 * MINUTE - 1 }))).toEqual([]);
    expect(kinds(toConvergence(input(record, { config: slack, now: T0 + 2 * MINUTE })))).toEqual(["RingDoorbell"]);
  });

  it("never rings without Slack, nor twice", () => {
    expect(toConvergence(input(escalated))).toEqual([]);
    expect(toConvergence(input({ ...escalated, doorbell: { channel: "C1", ts: "1.2" } }, { config: slack }))).toEqual(
      [],
    );
  });
});
