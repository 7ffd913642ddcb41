import { describe, expect, it } from "vitest";
import type { Actor, IssueEventFact } from "../../../src/core/common/github-types.js";
import { decideDrift, type DriftInput, type IssueView } from "../../../src/core/run/decide-drift.js";
import type { RunRecord } from "../../../src/core/run/run-types.js";
import { aRecord, T0 } from "../builders.js";
import { anEscalatedRecord } from "../transition-fixtures.js";

const READY = "ready-for-agent";
const HUMAN = "ready-for-human";
const LOCK = "afk:in-progress";
const alice: Actor = { login: "alice", id: 1, type: "User" };
const afk: Actor = { login: "afk-test[bot]", id: 2, type: "Bot" };
const SHA = "c".repeat(40);

const event = (
  kind: IssueEventFact["kind"],
  actor: Actor | null,
  extra: Partial<IssueEventFact> = {},
): IssueEventFact => ({
  kind,
  actor,
  label: null,
  commitId: null,
  at: T0,
  ...extra,
});
const unlabeled = (label: string, actor: Actor | null) => event("unlabeled", actor, { label });
const labeled = (label: string, actor: Actor | null) => event("labeled", actor, { label });

function drift(record: RunRecord, issue: IssueView, events: IssueEventFact[]) {
  const input: DriftInput = {
    record,
    issue,
    events,
    self: { login: afk.login },
    labels: { ready: READY, human: HUMAN },
  };
  return decideDrift(input);
}

describe("decideDrift: an active run", () => {
  const active = aRecord({ phase: "ci" });
  it.each<[string, IssueView, IssueEventFact[], unknown]>([
    [
      "a person removed the ready label: cancelled by them",
      { state: "open", labels: [LOCK] },
      [labeled(READY, alice), unlabeled(READY, alice)],
      { kind: "Cancelled", by: "alice", why: "label-removed" },
    ],
    [
      "a person closed the issue: cancelled by them",
      { state: "closed", labels: [READY, LOCK] },
      [event("closed", alice)],
      { kind: "Cancelled", by: "alice", why: "issue-closed" },
    ],
    [
      "the agent's commit closed it: followed to production",
      { state: "closed", labels: [READY, LOCK] },
      [event("closed", alice, { commitId: SHA })],
      { kind: "IssueClosedByCommit", sha: SHA },
    ],
    [
      "afk itself removed the label (a crash mid-transition): nothing of a person's",
      { state: "open", labels: [LOCK] },
      [unlabeled(READY, afk)],
      null,
    ],
    ["the labels are as they should be", { state: "open", labels: [READY, LOCK] }, [], null],
    [
      "closed with no event to say by whom: cancelled, by nobody known",
      { state: "closed", labels: [] },
      [],
      { kind: "Cancelled", by: null, why: "issue-closed" },
    ],
  ])("%s", (_case, issue, events, expected) => {
    expect(drift(active, issue, events)).toEqual(expected);
  });

  it("reads the same commit's close once", () => {
    const followed = { ...active, closedByCommit: SHA };
    expect(drift(followed, { state: "closed", labels: [] }, [event("closed", alice, { commitId: SHA })])).toBeNull();
  });

  // Found by the model-based test (test/chaos/model.test.ts): the run went on for ever.
  it("a person's removal of the ready label after the agent's commit closed the issue: cancelled by them", () => {
    const followed = { ...active, closedByCommit: SHA };
    const events = [event("closed", alice, { commitId: SHA }), unlabeled(READY, alice)];
    expect(drift(followed, { state: "closed", labels: [LOCK] }, events)).toEqual({
      kind: "Cancelled",
      by: "alice",
      why: "label-removed",
    });
  });

  it("ignores a close afk made itself", () => {
    expect(drift(active, { state: "closed", labels: [] }, [event("closed", afk)])).toBeNull();
  });
});

describe("decideDrift: an escalated run", () => {
  const escalated = anEscalatedRecord();
  it.each<[string, IssueView, IssueEventFact[], unknown]>([
    [
      "a person removed the human label: taken over by them",
      { state: "open", labels: [] },
      [unlabeled(HUMAN, alice)],
      { kind: "TakenOver", by: "alice" },
    ],
    [
      "a person closed it: cancelled",
      { state: "closed", labels: [HUMAN] },
      [event("closed", alice)],
      { kind: "Cancelled", by: "alice", why: "issue-closed" },
    ],
    [
      "afk removed the human label itself (a resume that died half-way)",
      { state: "open", labels: [] },
      [unlabeled(HUMAN, afk)],
      null,
    ],
    ["the human label is on", { state: "open", labels: [HUMAN] }, [], null],
    [
      "a commit closed it after the run escalated (GitHub shows afk's human label first): a person's push, a cancellation",
      { state: "closed", labels: [HUMAN] },
      [labeled(HUMAN, afk), event("closed", alice, { commitId: SHA })],
      { kind: "Cancelled", by: "alice", why: "issue-closed" },
    ],
    // Found by the model-based test (test/chaos/model.chaos.test.ts, 5,000 sequences): the
    // agent's push closed the issue, then a spent time budget escalated the run before afk
    // read the close. The close was the agent's, not a person's: no cancellation.
    [
      "a commit closed it before the run escalated: the agent's push, read late, is followed",
      { state: "closed", labels: [HUMAN] },
      [event("closed", alice, { commitId: SHA }), labeled(HUMAN, afk)],
      { kind: "IssueClosedByCommit", sha: SHA },
    ],
    // Issue 8, doubt 3: afk's escalation time and GitHub's close time come from two clocks.
    // The order GitHub reports its events in is one clock's.
    [
      "afk's clock runs ahead of GitHub's: a close after the escalation's label is a person's, though stamped before the escalation",
      { state: "closed", labels: [HUMAN] },
      [labeled(HUMAN, afk), event("closed", alice, { commitId: SHA, at: T0 - 5 * 60_000 })],
      { kind: "Cancelled", by: "alice", why: "issue-closed" },
    ],
    [
      "afk's clock runs behind GitHub's: a close before the escalation's label is the agent's, though stamped after the escalation",
      { state: "closed", labels: [HUMAN] },
      [event("closed", alice, { commitId: SHA, at: T0 + 5 * 60_000 }), labeled(HUMAN, afk)],
      { kind: "IssueClosedByCommit", sha: SHA },
    ],
    [
      "afk died after writing the escalation, before its human label (an earlier one was taken off by a resume): the close came before anyone could see it",
      { state: "closed", labels: [READY, LOCK] },
      [labeled(HUMAN, afk), unlabeled(HUMAN, afk), event("closed", alice, { commitId: SHA, at: T0 + 60_000 })],
      { kind: "IssueClosedByCommit", sha: SHA },
    ],
  ])("%s", (_case, issue, events, expected) => {
    expect(drift(escalated, issue, events)).toEqual(expected);
  });

  it("names someone when GitHub names no one who took it over", () => {
    expect(drift(escalated, { state: "open", labels: [] }, [unlabeled(HUMAN, null)])).toEqual({
      kind: "TakenOver",
      by: "someone",
    });
  });
});

describe("decideDrift: a take-over, then the ready label applied again", () => {
  const escalated = anEscalatedRecord();
  it.each<[string, IssueView, IssueEventFact[], unknown]>([
    [
      "by a person after the take-over: their label stays",
      { state: "open", labels: [READY] },
      [unlabeled(HUMAN, alice), labeled(READY, alice)],
      { kind: "TakenOver", by: "alice", readyAgain: true },
    ],
    [
      "before the take-over (a leftover): it comes off",
      { state: "open", labels: [READY] },
      [labeled(READY, alice), unlabeled(HUMAN, alice)],
      { kind: "TakenOver", by: "alice" },
    ],
  ])("%s", (_case, issue, events, expected) => {
    expect(drift(escalated, issue, events)).toEqual(expected);
  });
});

describe("decideDrift: a resume afk had not finished when a person took the issue over", () => {
  // The resume was written (record first); afk died before its labels: the issue still showed the escalation.
  const resumed = aRecord({ resumptions: [{ by: "U0ALICE", via: "slack", at: T0 }] });
  const at = (when: number, actor: Actor) => event("unlabeled", actor, { label: HUMAN, at: when });
  it.each<[string, IssueEventFact[], unknown]>([
    [
      "their removal of ready-for-human after the resume takes it over",
      [at(T0 + 1, alice)],
      { kind: "TakenOver", by: "alice" },
    ],
    ["afk's own removal is its resume finishing", [at(T0 + 1, afk)], null],
    ["a removal before the resume was answered by the resume", [at(T0 - 1, alice)], null],
  ])("%s", (_case, events, expected) => {
    expect(drift(resumed, { state: "open", labels: [] }, events)).toEqual(expected);
  });

  it("a run never resumed has no such take-over", () => {
    expect(drift(aRecord(), { state: "open", labels: [READY, LOCK] }, [at(T0 + 1, alice)])).toBeNull();
  });
});

describe("decideDrift: other runs", () => {
  it("a queued run whose ready label a person removed is cancelled", () => {
    expect(drift(aRecord({ phase: "queued" }), { state: "open", labels: [] }, [unlabeled(READY, alice)])).toEqual({
      kind: "Cancelled",
      by: "alice",
      why: "label-removed",
    });
  });

  it.each(["shipped", "cancelled", "taken-over"] as const)("a %s run has nothing left to drift", (phase) => {
    expect(drift(aRecord({ phase }), { state: "closed", labels: [] }, [event("closed", alice)])).toBeNull();
  });

  it("without knowing who afk is, never reads an app's bot as a person, but still reads people", () => {
    const base = {
      record: aRecord(),
      issue: { state: "open" as const, labels: [LOCK] },
      self: null,
      labels: { ready: READY, human: HUMAN },
    };
    expect(decideDrift({ ...base, events: [unlabeled(READY, afk)] })).toBeNull();
    expect(decideDrift({ ...base, events: [unlabeled(READY, alice)] })).toMatchObject({
      kind: "Cancelled",
      by: "alice",
    });
  });
});
