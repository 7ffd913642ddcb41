import { describe, expect, it } from "vitest";
import { toThreadId } from "../../../src/core/run/ids.js";
import { toThreadTitle } from "../../../src/core/run/thread-title.js";
import {
  isDispatchCandidate,
  toNextAttempt,
  toRunsInFlight,
  type RunsInFlightInput,
} from "../../../src/core/dispatch/runs-in-flight.js";
import type { Phase } from "../../../src/core/run/run-types.js";
import { aRecord, anIssue } from "../builders.js";

function anInput(overrides: Partial<RunsInFlightInput> = {}): RunsInFlightInput {
  return {
    records: [],
    ready: [],
    installationId: 7,
    inProgressLabel: "afk:in-progress",
    liveThreadIds: null,
    busyThreads: null,
    startingThreads: null,
    ...overrides,
  };
}

describe("toNextAttempt", () => {
  it.each<[Phase | null, number]>([
    [null, 1],
    ["queued", 3],
    ["dispatched", 3],
    ["escalated", 3],
    ["shipped", 4],
    ["cancelled", 4],
    ["taken-over", 4],
  ])("a record in phase %s at attempt 3 → attempt %i", (phase, next) => {
    expect(toNextAttempt(phase === null ? null : aRecord({ phase, attempt: 3 }))).toBe(next);
  });
});

describe("toRunsInFlight", () => {
  it.each<[Phase, string | null]>([
    ["queued", null],
    ["dispatched", "active"],
    ["ci", "active"],
    ["rolling-out", "active"],
    ["escalated", "escalated"],
    ["shipped", null],
    ["cancelled", null],
    ["taken-over", null],
  ])("a record in phase %s holds its repo as %s", (phase, state) => {
    const runs = toRunsInFlight(anInput({ records: [aRecord({ phase })] }));
    expect(runs).toEqual(state === null ? [] : [{ repo: "acme/widgets", issue: 42, state }]);
  });

  it.each([
    ["the agent stopped", "agent", true],
    ["afk lost track of it (an agent may still be in the checkout)", "lost", true],
    ["T3 refused to start its thread (no agent ever had the checkout)", "dispatch-rejected", false],
  ] as const)("an escalated run whose cause is that %s holds its repo: %s", (_why, cause, holds) => {
    const record = aRecord({
      phase: "escalated",
      escalation: { cause, reason: "why", agentSaid: null, at: 0, resumeTo: "dispatched" },
    });
    const runs = toRunsInFlight(anInput({ records: [record] }));
    expect(runs).toEqual(holds ? [{ repo: "acme/widgets", issue: 42, state: "escalated" }] : []);
  });

  it("reads a ready issue carrying the in-progress label without an active record as mid-dispatch", () => {
    const issue = anIssue({ number: 5, labels: ["ready-for-agent", "AFK:In-Progress"] });
    expect(toRunsInFlight(anInput({ ready: [{ issue, record: null }] }))).toEqual([
      { repo: "acme/widgets", issue: 5, state: "dispatching", working: false },
    ]);
  });

  it("reads a live T3 thread with the id of the issue's next attempt as mid-dispatch", () => {
    const issue = anIssue({ number: 5, labels: ["ready-for-agent"] });
    const previous = aRecord({ issue: 5, phase: "cancelled", attempt: 1 });
    const nextThread = toThreadId({ installationId: 7, repo: "acme/widgets", issue: 5, attempt: 2 });
    const oldThread = toThreadId({ installationId: 7, repo: "acme/widgets", issue: 5, attempt: 1 });
    expect(
      toRunsInFlight(anInput({ ready: [{ issue, record: previous }], liveThreadIds: new Set([nextThread]) })),
    ).toEqual([{ repo: "acme/widgets", issue: 5, state: "dispatching", working: false }]);
    // T3 shows that attempt's agent at work already: the healing takes a slot whatever the cap.
    expect(
      toRunsInFlight(
        anInput({
          ready: [{ issue, record: previous }],
          liveThreadIds: new Set([nextThread]),
          busyThreads: [{ id: nextThread, title: "afk acme/widgets#5: Spin" }],
        }),
      ),
    ).toEqual([{ repo: "acme/widgets", issue: 5, state: "dispatching", working: true }]);
    // The finished attempt's thread is still live in T3, but it holds nothing.
    expect(
      toRunsInFlight(anInput({ ready: [{ issue, record: previous }], liveThreadIds: new Set([oldThread]) })),
    ).toEqual([]);
  });

  it("does not count an issue twice when its record is already active", () => {
    const record = aRecord({ issue: 5, phase: "ci" });
    const issue = anIssue({ number: 5, labels: ["ready-for-agent", "afk:in-progress"] });
    expect(toRunsInFlight(anInput({ records: [record], ready: [{ issue, record }] }))).toEqual([
      { repo: "acme/widgets", issue: 5, state: "active" },
    ]);
  });

  it("sees nothing in flight for a plain ready issue", () => {
    const issue = anIssue({ number: 5, labels: ["ready-for-agent"] });
    expect(toRunsInFlight(anInput({ ready: [{ issue, record: null }], liveThreadIds: new Set() }))).toEqual([]);
  });
});

describe("toRunsInFlight: an ended run whose agent still works", () => {
  it.each<Phase>(["shipped", "cancelled", "taken-over", "queued"])(
    "a %s record whose thread T3 shows at work holds its repo as active until the agent stopped",
    (phase) => {
      const record = aRecord({ phase });
      const busy = [{ id: record.threadId, title: toThreadTitle(record.repo, record.issue, "Spin") }];
      expect(toRunsInFlight(anInput({ records: [record], busyThreads: busy }))).toEqual([
        { repo: record.repo, issue: record.issue, state: "active" },
      ]);
      expect(toRunsInFlight(anInput({ records: [record], busyThreads: [] }))).toEqual([]);
    },
  );
  // Found by the model-based test (5,000 sequences, seed 85000): T3 took thread.turn.start
  // but its answer was lost, so the dispatch left a queued record; the agent then started.
  // Held as "active", the run kept its own issue busy ("busy with #1") and was never healed.
  it("a queued record whose agent works, of a ready issue: the healing dispatch itself, its agent at work", () => {
    const record = aRecord({ issue: 5, phase: "queued", attempt: 1 });
    const issue = anIssue({ number: 5, labels: ["ready-for-agent"] });
    const busy = [{ id: record.threadId, title: toThreadTitle(record.repo, 5, "Spin") }];
    const input = anInput({
      records: [record],
      ready: [{ issue, record }],
      liveThreadIds: new Set([record.threadId]),
      busyThreads: busy,
    });
    expect(toRunsInFlight(input)).toEqual([{ repo: record.repo, issue: 5, state: "dispatching", working: true }]);
  });
});

describe("toRunsInFlight: an agent at work that no record names", () => {
  const thread = { id: "thread-of-a-cut-short-dispatch", title: toThreadTitle("acme/gadgets", 9, "Hum") };

  it("afk's thread (its title names the issue) holds that repo and a slot: a dispatch cut short before its label and record", () => {
    expect(toRunsInFlight(anInput({ busyThreads: [thread] }))).toEqual([
      { repo: "acme/gadgets", issue: 9, state: "active" },
    ]);
  });

  it("is the healing dispatch itself when its issue is the one being reconciled", () => {
    const issue = anIssue({ repo: "acme/gadgets", number: 9, labels: ["ready-for-agent", "afk:in-progress"] });
    expect(toRunsInFlight(anInput({ ready: [{ issue, record: null }], busyThreads: [thread] }))).toEqual([
      { repo: "acme/gadgets", issue: 9, state: "dispatching", working: false },
    ]);
  });

  // Found by the model-based test (test/chaos/model.test.ts): afk died right after writing
  // an escalation, before stopping the agent; a Retry from scratch then queued attempt 2,
  // and attempt 1's agent, at work, held the issue's own repo ("busy with #1") for ever.
  it("an earlier attempt's agent still at work, for a ready issue afk holds a later attempt of: that dispatch, whose agent works (its dispatch stops the old agent first)", () => {
    const record = aRecord({ repo: "acme/gadgets", issue: 9, phase: "queued", attempt: 2 });
    const issue = anIssue({ repo: "acme/gadgets", number: 9 });
    const old = {
      id: toThreadId({ installationId: 7, repo: "acme/gadgets", issue: 9, attempt: 1 }),
      title: thread.title,
    };
    expect(toRunsInFlight(anInput({ ready: [{ issue, record }], busyThreads: [old] }))).toEqual([
      { repo: "acme/gadgets", issue: 9, state: "dispatching", working: true },
    ]);
  });

  it("a thread that is not afk's (another title) is none of afk's business", () => {
    expect(toRunsInFlight(anInput({ busyThreads: [{ id: "t", title: "Refactor the parser" }] }))).toEqual([]);
  });

  // Found by the model-based test (test/chaos/model.test.ts, 5,000 sequences): afk died right
  // after thread.turn.start in another repo, before its label and record. T3 shows no turn
  // and no session yet for a while (contracts/t3.md), so the agent was not seen at work;
  // a dispatch after restart took the slot, and the agent then started: over the cap.
  it("afk's thread of another repo whose turn T3 does not show yet holds that repo and a slot: its agent may start any moment", () => {
    expect(toRunsInFlight(anInput({ startingThreads: [thread] }))).toEqual([
      { repo: "acme/gadgets", issue: 9, state: "active" },
    ]);
  });

  it("a not yet started thread whose run ended (its record says so) holds nothing", () => {
    const record = aRecord({ repo: "acme/gadgets", issue: 9, phase: "cancelled", threadId: thread.id });
    expect(toRunsInFlight(anInput({ records: [record], startingThreads: [thread] }))).toEqual([]);
  });

  it("a not yet started thread of the issue being reconciled is the healing dispatch itself, its agent not at work", () => {
    const issue = anIssue({ repo: "acme/gadgets", number: 9 });
    const next = toThreadId({ installationId: 7, repo: "acme/gadgets", issue: 9, attempt: 1 });
    const input = anInput({
      ready: [{ issue, record: null }],
      liveThreadIds: new Set([next]),
      startingThreads: [{ id: next, title: thread.title }],
    });
    expect(toRunsInFlight(input)).toEqual([{ repo: "acme/gadgets", issue: 9, state: "dispatching", working: false }]);
  });

  it("an earlier attempt's thread not yet started, for a ready issue afk holds a later attempt of: that dispatch, its agent not at work", () => {
    const record = aRecord({ repo: "acme/gadgets", issue: 9, phase: "queued", attempt: 2 });
    const issue = anIssue({ repo: "acme/gadgets", number: 9 });
    const old = {
      id: toThreadId({ installationId: 7, repo: "acme/gadgets", issue: 9, attempt: 1 }),
      title: thread.title,
    };
    expect(toRunsInFlight(anInput({ ready: [{ issue, record }], startingThreads: [old] }))).toEqual([
      { repo: "acme/gadgets", issue: 9, state: "dispatching", working: false },
    ]);
  });
});

describe("isDispatchCandidate", () => {
  it.each<[string, Phase | null, boolean]>([
    ["an issue without a run", null, true],
    ["a queued run", "queued", true],
    ["a shipped run (a new attempt)", "shipped", true],
    ["a cancelled run", "cancelled", true],
    ["a run taken over", "taken-over", true],
    ["an active run", "ci", false],
    ["an escalated run (it waits for a human)", "escalated", false],
  ])("%s: %s", (_case, phase, expected) => {
    expect(isDispatchCandidate(phase === null ? null : aRecord({ phase }))).toBe(expected);
  });
});
