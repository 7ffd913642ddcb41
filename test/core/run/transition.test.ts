import { describe, expect, it } from "vitest";
import { toCommandId, toMessageId, toProjectCommandId, toProjectId, toThreadId } from "../../../src/core/run/ids.js";
import { HISTORY_MAX, NOTE_MAX_CHARS } from "../../../src/core/run/limits.js";
import { renderOpeningPrompt } from "../../../src/core/render/prompts.js";
import { BLOCKERS_MAX } from "../../../src/core/run/limits.js";
import { transition } from "../../../src/core/run/transition.js";
import { escalateLost } from "../../../src/core/run/run-escalate.js";
import { isActive, isTerminal } from "../../../src/core/run/run-record.js";
import { newRun } from "../../../src/core/run/run-start.js";
import { ACTIVE_PHASES, TERMINAL_PHASES, type Phase, type QueuedReason } from "../../../src/core/run/run-types.js";
import { type RunEvent } from "../../../src/core/run/run-event.js";
import { T0, aRecord, anIssue, anOperatorConfig } from "../builders.js";
import {
  CTX,
  FULL_PIPELINE,
  KEY,
  MINUTE,
  SHA,
  SLACK_CTX,
  aPushedRecord,
  anEscalatedRecord,
  effectOf,
  ev,
  kinds,
  step,
} from "../transition-fixtures.js";

const queued = () => newRun({ ...KEY, labeler: "alice", now: T0, config: anOperatorConfig() });

const EVERY_EVENT: readonly RunEvent[] = [
  ev.dispatch(),
  { kind: "Held", reason: { kind: "cap-reached", cap: 3 }, approval: null },
  { kind: "AgentReported", status: { kind: "tests-red" } },
  ev.turnEnded(),
  { kind: "QuestionAsked", question: "?" },
  { kind: "CommitPushed", sha: SHA, url: null },
  ev.ci({ verdict: "green" }),
  ev.deploy({ verdict: "green" }),
  ev.rollout({ verdict: "green" }),
  { kind: "Ticked" },
  ev.resumed(),
  { kind: "Cancelled", by: "bob", why: "issue-closed" },
  { kind: "TakenOver", by: "bob" },
  { kind: "RetryRequested", by: "bob" },
  { kind: "ThreadLost", why: "gone" },
  { kind: "DoorbellRung", channel: "C1", ts: "1.2" },
];

describe("newRun", () => {
  it("starts queued, with the attempt's thread id, the operator's pipeline shape and one history entry", () => {
    const record = queued();
    expect(record).toMatchObject({
      v: 2,
      approval: null,
      phase: "queued",
      attempt: 1,
      labeler: "alice",
      threadId: toThreadId(KEY),
      turn: null,
      turns: 0,
      sha: null,
      history: [{ at: T0, phase: "queued", note: "queued" }],
    });
    expect(record.repoConfig.budgets).toEqual(anOperatorConfig().budgets);
    expect(record.repoConfig.woodpeckerRepo).toBeNull();
  });

  it("keeps an unknown labeler unknown", () => {
    expect(newRun({ ...KEY, labeler: null, now: T0, config: anOperatorConfig() }).labeler).toBeNull();
  });
});

describe("isTerminal / isActive", () => {
  it.each<[Phase, boolean, boolean]>([
    ["queued", false, false],
    ...ACTIVE_PHASES.map((phase): [Phase, boolean, boolean] => [phase, false, true]),
    ["escalated", false, false],
    ...TERMINAL_PHASES.map((phase): [Phase, boolean, boolean] => [phase, true, false]),
  ])("%s: terminal %s, active %s", (phase, terminal, active) => {
    expect(isTerminal(phase)).toBe(terminal);
    expect(isActive(phase)).toBe(active);
  });
});

describe("terminal phases absorb every event", () => {
  const cases = TERMINAL_PHASES.flatMap((phase) => EVERY_EVENT.map((event) => [phase, event.kind, event] as const));
  it.each(cases)("%s ignores %s: same record, no effects", (phase, _kind, event) => {
    const record = aPushedRecord({ phase, endedAt: T0 });
    const result = transition(record, event, T0 + 100 * 60 * MINUTE, SLACK_CTX);
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });
});

describe("Held", () => {
  const blocked: QueuedReason = {
    kind: "blocked",
    by: [{ repo: "acme/widgets", number: 3 }],
    unreadable: [],
    notRead: 0,
  };

  it("stores a new reason on a queued run and shows it", () => {
    const result = step(queued(), { kind: "Held", reason: blocked, approval: null });
    expect(result.record.queuedReason).toEqual(blocked);
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
    expect(effectOf(result.effects, "UpsertProgressComment").record).toBe(result.record);
  });

  it("writes nothing when the reason is deep-equal to the stored one", () => {
    const record = { ...queued(), queuedReason: blocked };
    const same: QueuedReason = {
      kind: "blocked",
      by: [{ number: 3, repo: "acme/widgets" }],
      unreadable: [],
      notRead: 0,
    };
    const result = step(record, { kind: "Held", reason: same, approval: null });
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });

  it.each<QueuedReason>([
    { kind: "repo-busy", with: 12 },
    { kind: "cap-reached", cap: 3 },
  ])("replaces a different reason ($kind)", (reason) => {
    const result = step({ ...queued(), queuedReason: blocked }, { kind: "Held", reason, approval: null });
    expect(result.record.queuedReason).toEqual(reason);
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("cuts a blocker list longer than the record holds", () => {
    const by = Array.from({ length: 30 }, (_, i) => ({ repo: "acme/widgets", number: i + 1 }));
    const result = step(queued(), {
      kind: "Held",
      reason: { kind: "blocked", by, unreadable: [], notRead: 0 },
      approval: null,
    });
    expect(result.record.queuedReason).toEqual({
      kind: "blocked",
      by: by.slice(0, BLOCKERS_MAX),
      unreadable: [],
      notRead: 0,
    });
  });

  it.each<Phase>(["dispatched", "ci", "escalated"])("is ignored in %s", (phase) => {
    const record = aPushedRecord({ phase });
    const result = step(record, { kind: "Held", reason: blocked, approval: null });
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });
});

describe("DispatchApproved", () => {
  const now = T0 + 5 * MINUTE;
  const result = step(queued(), ev.dispatch({ labeler: "carol", repoConfig: FULL_PIPELINE }), now);

  it("moves a queued run to dispatched with the opening turn working and the repo config pinned", () => {
    expect(result.record).toMatchObject({
      phase: "dispatched",
      dispatchedAt: now,
      legStartedAt: now,
      queuedReason: null,
      labeler: "carol",
      repoConfig: FULL_PIPELINE,
      turn: { number: 1, kind: "opening", state: "working", startedAt: now, sha: null, relayText: null },
      turns: 1,
      stages: { ci: null, deploy: null, rollout: null },
    });
    expect(result.record.history.at(-1)).toMatchObject({ at: now, phase: "dispatched" });
  });

  it("starts the thread first, then takes the lock label, then writes the comment", () => {
    expect(kinds(result.effects)).toEqual(["StartThread", "AddLabels", "UpsertProgressComment"]);
    expect(effectOf(result.effects, "AddLabels").labels).toEqual(["afk:in-progress"]);
    expect(effectOf(result.effects, "UpsertProgressComment").record).toBe(result.record);
  });

  it("derives every id of the thread start from the run, so a retried dispatch creates nothing twice", () => {
    const start = effectOf(result.effects, "StartThread");
    expect(start).toEqual({
      kind: "StartThread",
      threadId: toThreadId(KEY),
      projectId: toProjectId(7, "acme/widgets"),
      workspaceRoot: "/workspace/acme/widgets",
      title: "afk acme/widgets#42: Widgets should spin",
      commandIds: {
        project: toProjectCommandId(7, "acme/widgets"),
        thread: toCommandId(KEY, "thread.create"),
        turn: toCommandId(KEY, "turn:1"),
      },
      messageId: toMessageId(KEY, 1),
      text: renderOpeningPrompt({
        issue: anIssue(),
        defaultBranch: "main",
        cloneUrl: "https://github.com/acme/widgets.git",
        workspaceRoot: "/workspace/acme/widgets",
      }),
    });
    expect(step(queued(), ev.dispatch({ labeler: "carol", repoConfig: FULL_PIPELINE }), now)).toEqual(result);
  });

  it("keeps an unknown labeler unknown", () => {
    expect(step(queued(), ev.dispatch({ labeler: null })).record.labeler).toBeNull();
  });

  it.each<Phase>(["dispatched", "ci", "escalated"])("is ignored in %s", (phase) => {
    const record = aPushedRecord({ phase });
    expect(step(record, ev.dispatch()).record).toBe(record);
  });
});

describe("history", () => {
  it("keeps only the last HISTORY_MAX entries, each note bounded", () => {
    const history = Array.from({ length: HISTORY_MAX }, (_, i) => ({
      at: T0 + i,
      phase: "dispatched" as const,
      note: `n${i}`,
    }));
    const record = aPushedRecord({ history });
    const result = step(record, { kind: "ThreadLost", why: "x".repeat(1_000) });
    expect(result.record.history).toHaveLength(HISTORY_MAX);
    expect(result.record.history[0]?.note).toBe("n1");
    expect(result.record.history.at(-1)?.phase).toBe("escalated");
    expect(result.record.history.at(-1)?.note.length).toBe(NOTE_MAX_CHARS);
  });
});

describe("handling priority", () => {
  // Far past every budget: any observation would escalate the active run first.
  const late = T0 + 100 * 60 * MINUTE;

  it.each<[string, RunEvent, Phase]>([
    ["Cancelled", { kind: "Cancelled", by: "bob", why: "label-removed" }, "cancelled"],
    ["TakenOver", { kind: "TakenOver", by: "bob" }, "taken-over"],
    ["DoorbellRung", { kind: "DoorbellRung", channel: "C1", ts: "1.2" }, "ci"],
  ])("%s is handled before the budgets", (_name, event, phase) => {
    const record = aPushedRecord({ phase: "ci" });
    expect(step(record, event, late).record.phase).toBe(phase);
  });

  it("ThreadLost is handled before the budgets: the cause is lost, not time", () => {
    const result = step(aPushedRecord({ phase: "ci" }), { kind: "ThreadLost", why: "deleted" }, late);
    expect(result.record.escalation?.cause).toBe("lost");
  });

  it("a spent budget wins over an observation, which is then not applied", () => {
    const result = step(aPushedRecord({ phase: "ci" }), ev.ci({ verdict: "green" }), late);
    expect(result.record.phase).toBe("escalated");
    expect(result.record.escalation?.cause).toBe("time-budget");
    expect(result.record.stages.ci?.verdict).toBe("pending");
  });

  it.each<Phase>(["queued", "escalated"])("budgets are not checked in %s", (phase) => {
    const record = aPushedRecord({ phase, escalation: anEscalatedRecord().escalation });
    const result = step(record, { kind: "Ticked" }, late);
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });

  it.each<RunEvent>(
    EVERY_EVENT.filter((e) =>
      ["AgentReported", "TurnEnded", "QuestionAsked", "CommitPushed", "CiObserved"].includes(e.kind),
    ),
  )("agent and stage observations are ignored outside active phases ($kind)", (event) => {
    const record = anEscalatedRecord({
      turn: { number: 1, kind: "opening", state: "working", startedAt: T0, sha: null, relayText: null },
    });
    expect(step(record, event).record).toBe(record);
  });

  it("Ticked within every budget writes nothing", () => {
    const record = aPushedRecord({ phase: "ci" });
    const result = step(record, { kind: "Ticked" });
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });
});

describe("escalateLost", () => {
  const result = escalateLost({
    ...KEY,
    attempt: 3,
    now: T0,
    config: anOperatorConfig({ slack: SLACK_CTX.config.slack }),
    why: "invalid: phase",
  });

  it("makes a fresh escalated record, cause lost, naming why the record could not be read", () => {
    expect(result.record).toMatchObject({
      phase: "escalated",
      attempt: 3,
      threadId: toThreadId({ ...KEY, attempt: 3 }),
      labeler: null,
      turn: null,
      escalation: { cause: "lost", at: T0, agentSaid: null, resumeTo: "dispatched" },
    });
    expect(result.record.escalation?.reason).toContain("invalid: phase");
    expect(result.record.history).toEqual([{ at: T0, phase: "escalated", note: expect.stringContaining("escalated") }]);
  });

  it("has the effects of an escalation (no turn to interrupt)", () => {
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "RemoveLabels",
      "PostNotice",
      "RingDoorbell",
    ]);
  });

  it("a human resuming a lost run starts a new attempt", () => {
    const resumed = step(result.record, ev.resumed({ by: "dave" }), T0 + MINUTE, CTX);
    expect(resumed.record).toMatchObject({ phase: "queued", attempt: 4, labeler: "dave" });
  });
});

describe("DoorbellRung", () => {
  it.each<Phase>(["queued", "dispatched", "escalated"])("stores the doorbell in %s and shows it", (phase) => {
    const result = step(aRecord({ phase }), { kind: "DoorbellRung", channel: "C1", ts: "1.2" });
    expect(result.record.doorbell).toEqual({ channel: "C1", ts: "1.2" });
    expect(result.record.phase).toBe(phase);
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it.each([
    ["the same doorbell", "C1", "1.2"],
    ["an empty channel", "", "1.2"],
    ["a ts longer than the record holds", "C1", "9".repeat(101)],
  ])("writes nothing for %s", (_name, channel, ts) => {
    const record = aRecord({ doorbell: { channel: "C1", ts: "1.2" } });
    const result = step(record, { kind: "DoorbellRung", channel, ts });
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });
});

describe("ThreadLost", () => {
  it("escalates an active run as lost; a working turn is still interrupted (the command is idempotent)", () => {
    const result = step(aRecord(), { kind: "ThreadLost", why: "thread deleted" });
    expect(result.record.escalation).toMatchObject({
      cause: "lost",
      reason: "afk lost track of the agent's thread: thread deleted",
      resumeTo: "dispatched",
    });
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "RemoveLabels",
      "InterruptTurn",
      "PostNotice",
    ]);
  });

  it.each<Phase>(["queued", "escalated"])("is ignored in %s", (phase) => {
    const record = aRecord({ phase });
    expect(step(record, { kind: "ThreadLost", why: "x" }).record).toBe(record);
  });
});
