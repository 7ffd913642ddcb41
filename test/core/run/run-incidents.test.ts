import { describe, expect, it } from "vitest";
import { PROBLEM_TOLD_AFTER_MS } from "../../../src/core/run/run-incidents.js";
import { aRecord, T0 } from "../builders.js";
import { anEscalatedRecord, kinds, MINUTE, step } from "../transition-fixtures.js";

const SHA = "c".repeat(40);

describe("DoorbellFailed", () => {
  const escalated = anEscalatedRecord();
  it("records why, says it once on the issue, and counts the tries without repeating the escalation", () => {
    const first = step(escalated, { kind: "DoorbellFailed", reason: "Slack rejected (not_in_channel)" }, T0);
    expect(first.record.doorbellFailure).toEqual({ reason: "Slack rejected (not_in_channel)", attempts: 1, at: T0 });
    expect(kinds(first.effects)).toEqual(["UpsertProgressComment"]);
    const again = step(
      first.record,
      { kind: "DoorbellFailed", reason: "Slack rejected (not_in_channel)" },
      T0 + MINUTE,
    );
    expect(again.record.doorbellFailure).toMatchObject({ attempts: 2, at: T0 + MINUTE });
    expect(again.effects).toEqual([]);
    const other = step(again.record, { kind: "DoorbellFailed", reason: "Slack transient" }, T0 + 2 * MINUTE);
    expect(kinds(other.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("is forgotten once the doorbell rings", () => {
    const failed = step(escalated, { kind: "DoorbellFailed", reason: "down" }, T0).record;
    expect(step(failed, { kind: "DoorbellRung", channel: "C1", ts: "1.2" }).record.doorbellFailure).toBeNull();
  });

  it.each([
    ["an active run", aRecord()],
    ["a run whose doorbell rang", { ...escalated, doorbell: { channel: "C1", ts: "1.2" } }],
  ])("changes nothing for %s", (_case, record) => {
    expect(step(record, { kind: "DoorbellFailed", reason: "down" }).record).toBe(record);
  });
});

describe("IssueClosedByCommit", () => {
  it("is not a cancellation: the run goes on and remembers the commit, once", () => {
    const result = step(aRecord({ phase: "ci" }), { kind: "IssueClosedByCommit", sha: SHA }, T0);
    expect(result.record).toMatchObject({ phase: "ci", closedByCommit: SHA });
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
    expect(step(result.record, { kind: "IssueClosedByCommit", sha: SHA }).record).toBe(result.record);
    const queued = aRecord({ phase: "queued" });
    expect(step(queued, { kind: "IssueClosedByCommit", sha: SHA }).record).toBe(queued);
  });

  it("reopens the issue when the run then needs a human", () => {
    const closed = step(aRecord({ phase: "ci" }), { kind: "IssueClosedByCommit", sha: SHA }, T0).record;
    const escalated = step(closed, { kind: "QuestionAsked", question: "why?" }, T0 + MINUTE);
    expect(kinds(escalated.effects)).toContain("ReopenIssue");
  });

  it("for a run that escalated before afk read its agent's closing push: remembers the commit and reopens the issue, once", () => {
    const escalated = anEscalatedRecord();
    const result = step(escalated, { kind: "IssueClosedByCommit", sha: SHA }, T0 + MINUTE);
    expect(result.record).toMatchObject({ phase: "escalated", closedByCommit: SHA });
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment", "ReopenIssue"]);
    expect(step(result.record, { kind: "IssueClosedByCommit", sha: SHA }).record).toBe(result.record);
  });
});

describe("ObservationFailed and ObservationRecovered", () => {
  const failing = { kind: "ObservationFailed" as const, what: "ci" as const, message: "GitHub transient (502)" };
  it("remembers a failure quietly, says it on the issue once it lasts, and once more when it heals", () => {
    const first = step(aRecord(), failing, T0);
    expect(first.record.problems).toEqual([{ what: "ci", message: failing.message, since: T0, told: false }]);
    expect(first.effects).toEqual([]);
    const still = step(first.record, failing, T0 + PROBLEM_TOLD_AFTER_MS - 1);
    expect(still.effects).toEqual([]);
    const told = step(still.record, failing, T0 + PROBLEM_TOLD_AFTER_MS);
    expect(told.record.problems[0]).toMatchObject({ told: true, since: T0 });
    expect(kinds(told.effects)).toEqual(["UpsertProgressComment"]);
    expect(step(told.record, failing, T0 + PROBLEM_TOLD_AFTER_MS + MINUTE).effects).toEqual([]);
    const healed = step(told.record, { kind: "ObservationRecovered", what: "ci" }, T0 + 20 * MINUTE);
    expect(healed.record.problems).toEqual([]);
    expect(kinds(healed.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("heals a short blip without a word, and ignores a recovery of nothing", () => {
    const blip = step(aRecord(), failing, T0).record;
    expect(step(blip, { kind: "ObservationRecovered", what: "ci" }, T0 + MINUTE).effects).toEqual([]);
    const record = aRecord();
    expect(step(record, { kind: "ObservationRecovered", what: "agent" }).record).toBe(record);
    const queued = aRecord({ phase: "queued" });
    expect(step(queued, failing).record).toBe(queued);
  });
});

describe("DispatchRejected", () => {
  it("escalates a queued run with T3's words (E4) instead of retrying forever", () => {
    const result = step(
      aRecord({ phase: "queued", turn: null }),
      { kind: "DispatchRejected", message: "duplicate id" },
      T0,
    );
    expect(result.record).toMatchObject({ phase: "escalated", escalation: { cause: "dispatch-rejected" } });
    expect(result.record.escalation?.reason).toContain("T3 refused to start the agent's thread: duplicate id");
    const active = aRecord();
    expect(step(active, { kind: "DispatchRejected", message: "x" }).record).toBe(active);
  });
});
