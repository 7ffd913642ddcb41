import { describe, expect, it } from "vitest";
import { toCommandId, toMessageId } from "../../../src/core/run/ids.js";
import { AGENT_SAID_MAX_CHARS } from "../../../src/core/run/limits.js";
import type { AgentStatus, Phase, RunRecord, Turn } from "../../../src/core/run/run-types.js";
import type { RunEvent } from "../../../src/core/run/run-event.js";
import { T0, aRecord, aStage } from "../builders.js";
import {
  FAILURE,
  KEY,
  MINUTE,
  SHA,
  SHA2,
  SLACK_CTX,
  aPushedRecord,
  effectOf,
  ev,
  kinds,
  step,
} from "../transition-fixtures.js";

const NOW = T0 + MINUTE;
const working = (o: Partial<Turn> = {}): Turn => ({
  number: 1,
  kind: "opening",
  state: "working",
  startedAt: T0,
  sha: null,
  relayText: null,
  ...o,
});
const ended = (o: Partial<Turn> = {}): Turn => ({ ...working(o), state: "ended" });
const ESCALATION_EFFECTS = ["UpsertProgressComment", "AddLabels", "RemoveLabels", "PostNotice"];

describe("AgentReported", () => {
  it.each<[Phase, AgentStatus["kind"], Phase]>([
    ["dispatched", "tests-red", "tests-red"],
    ["dispatched", "tests-green", "tests-green"],
    ["tests-red", "tests-green", "tests-green"],
    ["tests-green", "tests-red", "tests-red"],
  ])("in %s, %s moves the phase while no sha is known, and shows it", (phase, kind, next) => {
    const result = step(aRecord({ phase }), { kind: "AgentReported", status: { kind } as AgentStatus });
    expect(result.record.phase).toBe(next);
    expect(result.record.agentStatus).toEqual({ kind });
    expect(result.record.history.at(-1)).toMatchObject({ phase: next, at: NOW });
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("stores tests-green after a push without moving the phase back, quietly", () => {
    const record = aPushedRecord({ phase: "ci", turn: working() });
    const result = step(record, { kind: "AgentReported", status: { kind: "tests-green" } });
    expect(result.record.phase).toBe("ci");
    expect(result.record.agentStatus).toEqual({ kind: "tests-green" });
    expect(result.effects).toEqual([]);
  });

  it("the same status in the same phase returns the same record", () => {
    const record = aRecord({ phase: "tests-red", agentStatus: { kind: "tests-red" } });
    const result = step(record, { kind: "AgentReported", status: { kind: "tests-red" } });
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });

  it("pushed <sha> is handled as a push: the stage chain starts", () => {
    const result = step(aRecord({ phase: "tests-green" }), {
      kind: "AgentReported",
      status: { kind: "pushed", sha: SHA },
    });
    expect(result.record).toMatchObject({
      phase: "pushed",
      sha: SHA,
      pushedAt: NOW,
      agentStatus: { kind: "pushed", sha: SHA },
    });
    expect(result.record.stages.ci).toMatchObject({ verdict: "pending", since: NOW, seenAny: false });
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("pushed <the known sha> only stores the status", () => {
    const record = aPushedRecord({ phase: "ci", turn: working() });
    const result = step(record, { kind: "AgentReported", status: { kind: "pushed", sha: SHA } });
    expect(result.record.phase).toBe("ci");
    expect(result.record.agentStatus).toEqual({ kind: "pushed", sha: SHA });
    expect(result.effects).toEqual([]);
  });

  it.each<AgentStatus>([
    { kind: "blocked", question: "Which colour?" },
    { kind: "gave-up", why: "No idea" },
  ])("$kind mid-turn is only stored: the turn's end decides", (status) => {
    const result = step(aRecord(), { kind: "AgentReported", status });
    expect(result.record.phase).toBe("dispatched");
    expect(result.record.agentStatus).toEqual(status);
    expect(result.effects).toEqual([]);
  });

  it("bounds the stored question", () => {
    const result = step(aRecord(), { kind: "AgentReported", status: { kind: "blocked", question: "q".repeat(5_000) } });
    expect(result.record.agentStatus).toMatchObject({ kind: "blocked" });
    expect(JSON.stringify(result.record.agentStatus).length).toBeLessThan(AGENT_SAID_MAX_CHARS + 50);
  });

  it("is ignored when no turn is working", () => {
    const record = aRecord({ turn: ended() });
    expect(step(record, { kind: "AgentReported", status: { kind: "tests-red" } }).record).toBe(record);
  });
});

describe("CommitPushed", () => {
  it.each<Phase>(["dispatched", "tests-green", "pushed", "ci", "deploying", "rolling-out"])(
    "a newer push in %s supersedes and restarts the stage chain",
    (phase) => {
      const record = aPushedRecord({
        phase,
        stages: { ci: aStage({ verdict: "green" }), deploy: aStage(), rollout: null },
      });
      const result = step(record, { kind: "CommitPushed", sha: SHA2, url: null });
      expect(result.record).toMatchObject({ phase: "pushed", sha: SHA2, pushedAt: NOW });
      expect(result.record.stages).toEqual({ ci: aStage({ since: NOW }), deploy: null, rollout: null });
      expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
    },
  );

  it.each([
    ["the known sha", SHA],
    ["an empty sha", ""],
    ["a sha longer than the record holds", "f".repeat(101)],
  ])("writes nothing for %s", (_name, sha) => {
    const record = aPushedRecord({ phase: "ci" });
    const result = step(record, { kind: "CommitPushed", sha, url: null });
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });
});

describe("QuestionAsked", () => {
  it("escalates (E1) with the question, interrupting the working turn", () => {
    const result = step(aRecord({ turn: working({ number: 2 }), turns: 2 }), {
      kind: "QuestionAsked",
      question: "Which colour?",
    });
    expect(result.record.escalation).toMatchObject({
      cause: "agent",
      reason: "The agent is waiting for an answer to a question.",
      agentSaid: "Which colour?",
      resumeTo: "dispatched",
    });
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "RemoveLabels",
      "InterruptTurn",
      "PostNotice",
    ]);
    expect(effectOf(result.effects, "InterruptTurn").commandId).toBe(toCommandId(KEY, "interrupt:2"));
    expect(result.record.turn?.state).toBe("ended");
  });

  it.each<[string, RunEvent]>([
    ["a question", { kind: "QuestionAsked", question: "Which colour?", seenAt: 4_242 }],
    [
      "an ended turn",
      {
        kind: "TurnEnded",
        outcome: "completed",
        status: { kind: "blocked", question: "?" },
        lastMessage: null,
        error: null,
        seenAt: 4_242,
      },
    ],
  ])("keeps T3's time of the turn it judged from %s, so that it never passes for the next turn", (_case, event) => {
    expect(step(aRecord({ turn: working() }), event).record.turnSeenAt).toBe(4_242);
  });

  it("without a question, stores no agentSaid", () => {
    expect(step(aRecord(), { kind: "QuestionAsked", question: "  " }).record.escalation?.agentSaid).toBeNull();
  });
});

describe("TurnEnded escalations (E1)", () => {
  type Case = [string, Partial<Extract<RunEvent, { kind: "TurnEnded" }>>, RunRecord, string, string | null];
  const last = "my last words";
  it.each<Case>([
    [
      "an error",
      { outcome: "error", error: "model overloaded", lastMessage: last },
      aRecord(),
      "The agent's turn failed: model overloaded",
      last,
    ],
    [
      "an error without a message",
      { outcome: "error", error: " ", lastMessage: null },
      aRecord(),
      "The agent's turn failed: no error message",
      null,
    ],
    [
      "an error with a null message",
      { outcome: "error", error: null, lastMessage: last },
      aRecord(),
      "The agent's turn failed: no error message",
      last,
    ],
    [
      "an interruption",
      { outcome: "interrupted", lastMessage: last },
      aRecord(),
      "The agent's turn was interrupted before it finished.",
      last,
    ],
    [
      "a blocked status",
      { status: { kind: "blocked", question: "Which colour?" }, lastMessage: last },
      aRecord(),
      "The agent asked a question.",
      "Which colour?",
    ],
    [
      "a gave-up status",
      { status: { kind: "gave-up", why: "no access" }, lastMessage: last },
      aRecord(),
      "The agent gave up: no access",
      last,
    ],
    [
      "no push with a status",
      { status: { kind: "tests-green" }, lastMessage: last },
      aRecord(),
      "The agent's turn ended without a pushed commit (last status: tests-green).",
      last,
    ],
    [
      "no push and no status",
      { status: null, lastMessage: "  " },
      aRecord(),
      "The agent's turn ended without a pushed commit and without a status line.",
      null,
    ],
    [
      "a fix-forward without a new push",
      { status: { kind: "pushed", sha: SHA }, lastMessage: last },
      aPushedRecord({
        phase: "ci",
        turn: working({ number: 2, kind: "fix-forward", sha: SHA }),
        turns: 2,
        fixForwards: 1,
      }),
      "The fix-forward turn ended without a new push.",
      last,
    ],
  ])("on %s", (_name, event, record, reason, agentSaid) => {
    const result = step(record, ev.turnEnded(event));
    expect(result.record.phase).toBe("escalated");
    expect(result.record.escalation).toEqual({ cause: "agent", reason, agentSaid, at: NOW, resumeTo: record.phase });
    expect(result.record.turn?.state).toBe("ended");
    // The turn ended by itself: nothing to interrupt.
    expect(kinds(result.effects)).toEqual(ESCALATION_EFFECTS);
  });

  it("stores the final status even when it escalates", () => {
    const result = step(aRecord(), ev.turnEnded({ status: { kind: "gave-up", why: "stuck" } }));
    expect(result.record.agentStatus).toEqual({ kind: "gave-up", why: "stuck" });
  });

  it("rings the doorbell when Slack is configured", () => {
    const result = step(aRecord(), ev.turnEnded({ status: null }), NOW, SLACK_CTX);
    expect(kinds(result.effects)).toEqual([...ESCALATION_EFFECTS, "RingDoorbell"]);
    expect(effectOf(result.effects, "RingDoorbell").record).toBe(result.record);
  });

  it.each<[string, Partial<RunRecord>, boolean]>([
    ["the attempt's first escalation posts at once", {}, false],
    [
      "a later escalation of an attempt that has no doorbell on record looks for one rung unseen",
      { resumptions: [{ by: "alice", via: "github", at: NOW - 1 }] },
      true,
    ],
    [
      "a later escalation with its doorbell on record updates it",
      { resumptions: [{ by: "alice", via: "github", at: NOW - 1 }], doorbell: { channel: "C1", ts: "1.2" } },
      false,
    ],
  ])("%s", (_case, overrides, mayHaveRung) => {
    const result = step(aRecord(overrides), ev.turnEnded({ status: null }), NOW, SLACK_CTX);
    expect(effectOf(result.effects, "RingDoorbell").mayHaveRung).toBe(mayHaveRung);
  });
});

describe("TurnEnded without escalation", () => {
  it("adopts a pushed sha from the final status and shows the run waiting for CI", () => {
    const result = step(aRecord({ phase: "tests-green" }), ev.turnEnded());
    expect(result.record).toMatchObject({
      phase: "pushed",
      sha: SHA,
      turn: { state: "ended" },
      agentStatus: { kind: "pushed", sha: SHA },
    });
    expect(result.record.stages.ci?.verdict).toBe("pending");
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("a fix-forward that pushed a new sha carries on with the new sha", () => {
    const record = aPushedRecord({
      phase: "ci",
      turn: working({ number: 2, kind: "fix-forward", sha: SHA }),
      turns: 2,
      fixForwards: 1,
    });
    const result = step(record, ev.turnEnded({ status: { kind: "pushed", sha: SHA2 } }));
    expect(result.record).toMatchObject({ phase: "pushed", sha: SHA2 });
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("a relay turn that ends without a status, on a run that has a sha, just shows the ended turn", () => {
    const record = aPushedRecord({ phase: "ci", turn: working({ number: 2, kind: "relay", sha: SHA }), turns: 2 });
    const result = step(record, ev.turnEnded({ status: null }));
    expect(result.record).toMatchObject({ phase: "ci", turn: { state: "ended" }, agentStatus: null });
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("a red stage stored while the agent worked gets its fix-forward when the turn ends", () => {
    const red = aStage({ verdict: "red", seenAny: true, failures: [FAILURE] });
    const record = aPushedRecord({
      phase: "ci",
      turn: working({ sha: null }),
      stages: { ci: red, deploy: null, rollout: null },
    });
    const result = step(record, ev.turnEnded({ status: { kind: "pushed", sha: SHA } }));
    expect(kinds(result.effects)).toEqual(["SendTurn", "UpsertProgressComment"]);
    const send = effectOf(result.effects, "SendTurn");
    expect(send).toMatchObject({
      purpose: "fix-forward",
      commandId: toCommandId(KEY, "turn:2"),
      messageId: toMessageId(KEY, 2),
    });
    expect(send.text).toContain("expected 1 to be 2");
    expect(result.record).toMatchObject({
      fixForwards: 1,
      fixForwardsTotal: 1,
      turns: 2,
      turn: { number: 2, kind: "fix-forward", state: "working", sha: SHA },
    });
  });

  it("a red stage with the budget spent escalates (E2) when the turn ends", () => {
    const red = aStage({ verdict: "red", seenAny: true });
    const record = aPushedRecord({
      phase: "ci",
      turn: working(),
      fixForwards: 2,
      stages: { ci: red, deploy: null, rollout: null },
    });
    const result = step(record, ev.turnEnded({ status: null }));
    expect(result.record.escalation).toMatchObject({
      cause: "red-budget-spent",
      reason: "CI is red for aaaaaaa and the fix-forward budget (2 turns) is spent.",
    });
  });

  it("a run that has a sha but no stage phase just shows the ended turn", () => {
    const record = aRecord({ phase: "tests-green", sha: SHA });
    const result = step(record, ev.turnEnded({ status: null }));
    expect(result.record).toMatchObject({ phase: "tests-green", turn: { state: "ended" } });
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it.each([
    ["no turn", null],
    ["an ended turn", ended()],
  ])("is ignored with %s", (_name, turn) => {
    const record = aRecord({ turn });
    const result = step(record, ev.turnEnded());
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });
});
