import { describe, expect, it } from "vitest";
import { toCommandId, toMessageId, toThreadId } from "../../../src/core/run/ids.js";
import { LOGIN_MAX_CHARS, RESUMPTIONS_MAX } from "../../../src/core/run/limits.js";
import { renderRelayPrompt, renderResumePrompt } from "../../../src/core/render/prompts.js";
import type { Escalation, Phase, RunRecord, Turn } from "../../../src/core/run/run-types.js";
import type { RunEvent } from "../../../src/core/run/run-event.js";
import { T0, aRecord, aStage } from "../builders.js";
import {
  CTX,
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

const NOW = T0 + 300 * MINUTE;
const DOORBELL = { channel: "C1", ts: "1.2" };
const working: Turn = { number: 2, kind: "fix-forward", state: "working", startedAt: T0, sha: SHA, relayText: null };
const escalation = (o: Partial<Escalation> = {}): Escalation => ({
  cause: "time-budget",
  reason: "CI for aaaaaaa was still pending after 1 h 00 min.",
  agentSaid: null,
  at: T0,
  resumeTo: "ci",
  ...o,
});

describe("HumanResumed", () => {
  const record = anEscalatedRecord({
    escalation: escalation(),
    turns: 3,
    fixForwards: 2,
    legStartedAt: T0,
    stages: { ci: aStage({ seenAny: true, blockedSince: T0 }), deploy: null, rollout: null },
  });

  it("continues from the phase it left, as a fresh leg with fresh budgets", () => {
    const result = step(record, ev.resumed({ by: "alice", via: "github" }), NOW);
    expect(result.record).toMatchObject({
      phase: "ci",
      escalation: null,
      legStartedAt: NOW,
      fixForwards: 0,
      turns: 4,
      turn: { number: 4, kind: "resume", state: "working", startedAt: NOW, sha: SHA, relayText: null },
      resumptions: [{ by: "alice", via: "github", at: NOW }],
    });
    expect(result.record.stages.ci).toMatchObject({ verdict: "pending", since: NOW, blockedSince: null });
    expect(result.record.history.at(-1)).toMatchObject({ phase: "ci", at: NOW, note: "resumed by alice via github" });
    // The resumed run is not spent at once: its budgets start now.
    expect(step(result.record, { kind: "Ticked" }, NOW + MINUTE).record).toBe(result.record);
  });

  it("via GitHub without text sends a resume turn, relabels, and shows it", () => {
    const result = step(record, ev.resumed({ by: "alice", via: "github", text: null }), NOW);
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment", "AddLabels", "RemoveLabels", "SendTurn"]);
    expect(effectOf(result.effects, "SendTurn")).toEqual({
      kind: "SendTurn",
      threadId: toThreadId(KEY),
      commandId: toCommandId(KEY, "turn:4"),
      messageId: toMessageId(KEY, 4),
      purpose: "resume",
      text: renderResumePrompt({ issueNumber: 42, by: "alice" }),
    });
    expect(effectOf(result.effects, "RemoveLabels").labels).toEqual(["ready-for-human"]);
    expect(effectOf(result.effects, "AddLabels").labels).toEqual(["afk:in-progress", "ready-for-agent"]);
  });

  it("via Slack with text relays the answer and acknowledges in the doorbell thread", () => {
    const result = step(
      { ...record, doorbell: DOORBELL },
      ev.resumed({ by: "U0ALICE", via: "slack", text: "  Use blue.  " }),
      NOW,
    );
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "RemoveLabels",
      "SendTurn",
      "ReplyInDoorbellThread",
    ]);
    expect(effectOf(result.effects, "SendTurn")).toMatchObject({
      purpose: "relay",
      text: renderRelayPrompt({ from: "U0ALICE", via: "slack", text: "Use blue." }),
    });
    expect(effectOf(result.effects, "ReplyInDoorbellThread")).toMatchObject({
      channel: DOORBELL.channel,
      threadTs: DOORBELL.ts,
      text: "Relayed to the agent; the run resumed.",
    });
    expect(result.record.turn?.kind).toBe("relay");
  });

  it("via Slack without a doorbell in the record does not reply in a thread", () => {
    const result = step(record, ev.resumed({ via: "slack", text: "Use blue." }), NOW);
    expect(kinds(result.effects)).not.toContain("ReplyInDoorbellThread");
  });

  it("via GitHub with text relays it, but the turn is a resume", () => {
    const result = step(record, ev.resumed({ via: "github", text: "see my comment" }), NOW);
    expect(effectOf(result.effects, "SendTurn").purpose).toBe("relay");
    expect(result.record.turn?.kind).toBe("resume");
  });

  it("keeps only the last RESUMPTIONS_MAX resumptions and bounds the login", () => {
    const resumptions = Array.from({ length: RESUMPTIONS_MAX }, (_, i) => ({
      by: `p${i}`,
      via: "github" as const,
      at: T0 + i,
    }));
    const result = step({ ...record, resumptions }, ev.resumed({ by: "x".repeat(500) }), NOW);
    expect(result.record.resumptions).toHaveLength(RESUMPTIONS_MAX);
    expect(result.record.resumptions[0]?.by).toBe("p1");
    expect(result.record.resumptions.at(-1)?.by.length).toBe(LOGIN_MAX_CHARS);
  });

  it("leaves a red stage red: the resumed turn's end acts on it with a fresh budget", () => {
    const red = anEscalatedRecord({
      escalation: escalation({ cause: "red-budget-spent" }),
      fixForwards: 2,
      stages: { ci: aStage({ verdict: "red", seenAny: true }), deploy: null, rollout: null },
    });
    const resumed = step(red, ev.resumed(), NOW);
    expect(resumed.record.stages.ci).toEqual(red.stages.ci);
    const ended = step(resumed.record, ev.turnEnded({ status: null }), NOW + MINUTE);
    expect(kinds(ended.effects)).toEqual(["SendTurn", "UpsertProgressComment"]);
    expect(ended.record.fixForwards).toBe(1);
  });

  it("resumes a run that had no stage yet", () => {
    const early = aRecord({
      phase: "escalated",
      escalation: escalation({ cause: "agent", resumeTo: "tests-green" }),
      turn: { ...working, state: "ended" },
    });
    const result = step(early, ev.resumed(), NOW);
    expect(result.record.phase).toBe("tests-green");
    expect(result.record.stages).toEqual(early.stages);
  });

  it.each(["lost", "dispatch-rejected"] as const)(
    "a run escalated as %s has no thread to carry on in: the resumption starts a new attempt",
    (cause) => {
      const lost = anEscalatedRecord({ escalation: escalation({ cause }) });
      const result = step(lost, ev.resumed({ by: "alice" }), NOW);
      expect(result.record).toMatchObject({ phase: "queued", attempt: 2, labeler: "alice" });
    },
  );

  it.each<[string, RunRecord]>([
    ["an active run", aPushedRecord({ phase: "ci" })],
    ["a queued run", aRecord({ phase: "queued" })],
    ["an escalated record without its escalation", anEscalatedRecord({ escalation: null })],
  ])("is ignored for %s", (_name, target) => {
    const result = step(target, ev.resumed(), T0 + MINUTE);
    expect(result.record).toBe(target);
    expect(result.effects).toEqual([]);
  });
});

describe("RetryRequested", () => {
  const record = anEscalatedRecord({
    attempt: 1,
    labeler: "alice",
    doorbell: DOORBELL,
    turns: 3,
    fixForwards: 2,
    fixForwardsTotal: 2,
    agentStatus: { kind: "tests-green" },
    queuedReason: null,
  });
  const result = step(record, { kind: "RetryRequested", by: "bob" }, NOW);

  it("makes a new attempt with its own thread, queued, everything run-specific reset, the doorbell kept", () => {
    expect(result.record).toMatchObject({
      phase: "queued",
      attempt: 2,
      threadId: toThreadId({ ...KEY, attempt: 2 }),
      labeler: "bob",
      turn: null,
      turns: 0,
      sha: null,
      pushedAt: null,
      stages: { ci: null, deploy: null, rollout: null },
      fixForwards: 0,
      fixForwardsTotal: 0,
      escalation: null,
      dispatchedAt: null,
      legStartedAt: null,
      endedAt: null,
      agentStatus: null,
      queuedReason: null,
      doorbell: DOORBELL,
    });
    expect(result.record.history.slice(0, -1)).toEqual(record.history);
    expect(result.record.history.at(-1)).toMatchObject({
      phase: "queued",
      note: "retry from scratch requested by bob: attempt 2",
    });
  });

  it("hands the issue back to the queue and frees the repo now", () => {
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "RemoveLabels",
      "UpdateDoorbell",
      "ReconcileRepo",
    ]);
    expect(effectOf(result.effects, "RemoveLabels").labels).toEqual(["ready-for-human"]);
    expect(effectOf(result.effects, "AddLabels").labels).toEqual(["ready-for-agent"]);
    expect(effectOf(result.effects, "UpdateDoorbell").note).toBe("Retry from scratch requested by bob");
    // The issue itself is ready again, and no queue knows of it: reconciled whatever is queued.
    expect(effectOf(result.effects, "ReconcileRepo").whenQueued).toBe(false);
  });

  it("interrupts a turn of the old attempt still working, by the old attempt's ids", () => {
    const stale = step({ ...record, doorbell: null, turn: working }, { kind: "RetryRequested", by: "bob" }, NOW);
    expect(kinds(stale.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "InterruptTurn",
      "RemoveLabels",
      "ReconcileRepo",
    ]);
    expect(effectOf(stale.effects, "InterruptTurn")).toEqual({
      kind: "InterruptTurn",
      threadId: toThreadId(KEY),
      commandId: toCommandId(KEY, "interrupt:2"),
    });
  });

  it.each<Phase>(["queued", "dispatched", "ci"])("is ignored in %s", (phase) => {
    const target = aPushedRecord({ phase });
    expect(step(target, { kind: "RetryRequested", by: "bob" }).record).toBe(target);
  });
});

describe("Cancelled", () => {
  const cancel = (why: "label-removed" | "issue-closed", by: string | null = "bob"): RunEvent => ({
    kind: "Cancelled",
    by,
    why,
  });

  it("a queued run only says so on the issue", () => {
    const result = step(aRecord({ phase: "queued", turn: null }), cancel("issue-closed"), NOW);
    expect(result.record).toMatchObject({ phase: "cancelled", endedAt: NOW });
    expect(result.record.history.at(-1)?.note).toBe("Cancelled: the issue was closed by bob");
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("a run queued by a retry from scratch takes the human label off too (the retry's relabelling may be unfinished)", () => {
    const approval = { by: "alice", role: "slack" as const, via: "retry" as const, at: T0, fingerprint: null };
    const result = step(aRecord({ phase: "queued", turn: null, approval }), cancel("issue-closed"), NOW);
    expect(result.record).toMatchObject({ phase: "cancelled" });
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment", "RemoveLabels"]);
    expect(effectOf(result.effects, "RemoveLabels").labels).toEqual(["ready-for-human"]);
  });

  it.each<[string, RunRecord, string[]]>([
    [
      "an active run with a working turn",
      aRecord(),
      ["UpsertProgressComment", "InterruptTurn", "RemoveLabels", "ReconcileRepo"],
    ],
    [
      "an active run with a doorbell",
      aPushedRecord({ phase: "ci", doorbell: DOORBELL }),
      ["UpsertProgressComment", "RemoveLabels", "UpdateDoorbell", "ReconcileRepo"],
    ],
    [
      "an escalated run",
      anEscalatedRecord({ doorbell: DOORBELL }),
      ["UpsertProgressComment", "RemoveLabels", "UpdateDoorbell", "ReconcileRepo"],
    ],
  ])("%s stops the agent, drops afk's labels and frees the repo", (_name, record, effects) => {
    const result = step(record, cancel("label-removed"), T0 + MINUTE);
    expect(result.record).toMatchObject({ phase: "cancelled", endedAt: T0 + MINUTE });
    expect(result.record.turn === null || result.record.turn.state === "ended").toBe(true);
    expect(kinds(result.effects)).toEqual(effects);
    expect(effectOf(result.effects, "RemoveLabels").labels).toEqual(["afk:in-progress", "ready-for-human"]);
    expect(effectOf(result.effects, "UpsertProgressComment").record).toBe(result.record);
  });

  it("names the label and the person in the doorbell note", () => {
    const result = step(anEscalatedRecord({ doorbell: DOORBELL }), cancel("label-removed"), NOW);
    expect(effectOf(result.effects, "UpdateDoorbell").note).toBe(
      "Cancelled: the ready-for-agent label was removed by bob",
    );
  });

  it("says nothing of who when nobody is known", () => {
    const result = step(anEscalatedRecord({ doorbell: DOORBELL }), cancel("issue-closed", null), NOW);
    expect(effectOf(result.effects, "UpdateDoorbell").note).toBe("Cancelled: the issue was closed");
  });
});

// Found by the model-based test (test/chaos/model.test.ts): afk died between writing a
// time-budget escalation and its interrupt; the run then ended (taken over, cancelled,
// retried) with its agent still at work, for ever.
describe("a run escalated on a time budget, ended by a person", () => {
  const timedOut = anEscalatedRecord({
    turn: { ...working, state: "ended" },
    escalation: {
      cause: "time-budget",
      reason: "The run exceeded its time budget.",
      agentSaid: null,
      at: T0,
      resumeTo: "ci",
    },
  });
  it.each<[string, RunEvent]>([
    ["taken over", { kind: "TakenOver", by: "carol" }],
    ["cancelled", { kind: "Cancelled", by: "bob", why: "label-removed" }],
    ["retried from scratch", { kind: "RetryRequested", by: "bob" }],
  ])(
    "%s: the escalation's interrupt is sent again, by the same id (a repeat is answered with the first result)",
    (_name, event) => {
      const result = step(timedOut, event, NOW);
      expect(effectOf(result.effects, "InterruptTurn")).toEqual({
        kind: "InterruptTurn",
        threadId: toThreadId(KEY),
        commandId: toCommandId(KEY, `interrupt:${working.number}`),
      });
    },
  );
});

describe("TakenOver", () => {
  it.each<[string, RunRecord, string[]]>([
    [
      "a queued run",
      aRecord({ phase: "queued", turn: null }),
      ["UpsertProgressComment", "RemoveLabels", "ReconcileRepo"],
    ],
    [
      "an active run with a working turn",
      aRecord({ doorbell: DOORBELL }),
      ["UpsertProgressComment", "InterruptTurn", "RemoveLabels", "UpdateDoorbell", "ReconcileRepo"],
    ],
    [
      "an escalated run",
      anEscalatedRecord({ doorbell: DOORBELL }),
      ["UpsertProgressComment", "RemoveLabels", "UpdateDoorbell", "ReconcileRepo"],
    ],
  ])("%s ends, every afk label cleared, the issue left open for the human", (_name, record, effects) => {
    const result = step(record, { kind: "TakenOver", by: "carol" }, NOW);
    expect(result.record).toMatchObject({ phase: "taken-over", endedAt: NOW });
    expect(result.record.history.at(-1)).toMatchObject({ phase: "taken-over", note: "Taken over by carol" });
    expect(kinds(result.effects)).toEqual(effects);
    expect(kinds(result.effects)).not.toContain("CloseIssue");
    expect(effectOf(result.effects, "RemoveLabels").labels).toEqual([
      "ready-for-agent",
      "afk:in-progress",
      "ready-for-human",
    ]);
  });

  it("leaves the ready label a person applied again after taking over (it asks for a new attempt)", () => {
    const result = step(anEscalatedRecord(), { kind: "TakenOver", by: "carol", readyAgain: true }, NOW);
    expect(result.record.phase).toBe("taken-over");
    expect(effectOf(result.effects, "RemoveLabels").labels).toEqual(["afk:in-progress", "ready-for-human"]);
  });

  it("notes who took over on the doorbell", () => {
    const result = step(anEscalatedRecord({ doorbell: DOORBELL }), { kind: "TakenOver", by: "carol" }, NOW);
    expect(effectOf(result.effects, "UpdateDoorbell")).toMatchObject({
      note: "Taken over by carol",
      record: result.record,
    });
  });
});

describe("escalation", () => {
  const escalateNow = (record: RunRecord, ctx = CTX) =>
    step(record, { kind: "QuestionAsked", question: "Which <b>colour</b>?" }, T0 + MINUTE, ctx);

  it("hands the issue to people: labels swapped, comment shown, a notice posted, the doorbell rung", () => {
    const result = escalateNow(aRecord({ labeler: "alice" }), SLACK_CTX);
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "RemoveLabels",
      "InterruptTurn",
      "PostNotice",
      "RingDoorbell",
    ]);
    expect(effectOf(result.effects, "RemoveLabels").labels).toEqual(["ready-for-agent", "afk:in-progress"]);
    expect(effectOf(result.effects, "AddLabels").labels).toEqual(["ready-for-human"]);
    expect(effectOf(result.effects, "RingDoorbell").record).toBe(result.record);
  });

  it("the notice mentions the labeler, gives the reason and points at the progress comment", () => {
    const notice = effectOf(escalateNow(aRecord({ labeler: "alice" })).effects, "PostNotice");
    expect(notice.body).toBe(
      [
        "@alice afk needs a human to carry on with this issue.",
        "",
        "Why: The agent is waiting for an answer to a question\\.",
        "",
        "The progress comment above says what the agent said last and what you can do next.",
        "",
        notice.marker,
      ].join("\n"),
    );
    // The marker names the run and the occasion, so the notice is posted once.
    expect(notice.marker).toBe(`<!-- afk:notice escalated acme/widgets#42/1 ${T0 + MINUTE} -->`);
  });

  it("the notice escapes the reason: no markup, no HTML, no mention", () => {
    const result = step(
      aRecord(),
      { kind: "ThreadLost", why: "<script>x</script> @everyone [a](javascript:x)" },
      T0 + MINUTE,
    );
    const body = effectOf(result.effects, "PostNotice").body;
    expect(body).not.toContain("<script>");
    expect(body).not.toContain("@everyone");
    expect(body).not.toContain("[a](");
    expect(body.startsWith("afk needs a human")).toBe(true);
  });

  it("a labeler that is no GitHub login is named, escaped, without an @", () => {
    const body = effectOf(escalateNow(aRecord({ labeler: "Jane Doe_" })).effects, "PostNotice").body;
    expect(body.startsWith("Jane Doe\\_: afk needs a human")).toBe(true);
  });

  it("the agent's words are trimmed and stored; the reason is bounded", () => {
    const result = step(
      aRecord(),
      ev.turnEnded({ outcome: "error", error: "e".repeat(2_000), lastMessage: "  bye  " }),
      T0 + MINUTE,
    );
    expect(result.record.escalation?.agentSaid).toBe("bye");
    expect(result.record.escalation?.reason.length).toBe(500);
  });
});
