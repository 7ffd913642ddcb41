import { describe, expect, it } from "vitest";
import type { ThreadFact } from "../../../src/core/observe/agent-threads.js";
import {
  decideStrayAgents,
  STRAY_CLOCK_MARGIN_MS,
  toAfkThreads,
  type IssueLook,
} from "../../../src/core/dispatch/stray-agents.js";
import { toCommandId, toThreadId } from "../../../src/core/run/ids.js";
import { toThreadTitle } from "../../../src/core/run/thread-title.js";
import type { Phase, RunRecord } from "../../../src/core/run/run-types.js";
import { aRecord } from "../builders.js";

const T0 = 1_760_000_000_000;
const READ_AT = T0 + 60_000;
const KEY = { installationId: 7, repo: "acme/widgets" };

function threadOf(attempt: number, overrides: Partial<ThreadFact> = {}, issue = 42): ThreadFact {
  return {
    id: toThreadId({ ...KEY, issue, attempt }),
    projectId: "p",
    title: toThreadTitle("acme/widgets", issue, "Spin the widgets"),
    latestTurn: { turnId: `turn-${attempt}`, state: "running", requestedAt: T0, assistantMessageId: null },
    session: { status: "running", lastError: null, updatedAt: T0 },
    archivedAt: null,
    deletedAt: null,
    hasPendingApprovals: false,
    hasPendingUserInput: false,
    ...overrides,
  };
}

const UNSTARTED: Partial<ThreadFact> = { latestTurn: null, session: null };
const IDLE: Partial<ThreadFact> = {
  latestTurn: { turnId: "turn-1", state: "interrupted", requestedAt: T0, assistantMessageId: null },
  session: { status: "interrupted", lastError: null, updatedAt: T0 },
};

function ended(phase: Phase, overrides: Partial<RunRecord> = {}): RunRecord {
  return aRecord({ phase, endedAt: T0, history: [{ at: T0, phase, note: phase }], ...overrides });
}

function decide(threads: readonly ThreadFact[], look: IssueLook, readAt = READ_AT, stopped: string[] = []) {
  const agents = toAfkThreads(threads, KEY);
  return decideStrayAgents({
    ...KEY,
    agents,
    looks: new Map([[42, look]]),
    readAt,
    stoppedUnstarted: new Set(stopped),
  });
}

describe("toAfkThreads", () => {
  it("finds afk's threads of the repo whose agent works or may start any moment, with their issue and attempt", () => {
    const threads = [threadOf(2), threadOf(1, UNSTARTED, 7), threadOf(3, IDLE, 8)];
    expect(toAfkThreads(threads, KEY).map(({ issue, attempt }) => ({ issue, attempt }))).toEqual([
      { issue: 42, attempt: 2 },
      { issue: 7, attempt: 1 },
    ]);
  });

  it.each([
    ["another repo's", { title: toThreadTitle("acme/gadgets", 42, "Spin") }],
    ["a thread afk did not name", { title: "Refactor the parser" }],
    ["a thread whose id is no attempt of this installation's", { id: "someone-elses-thread" }],
    ["a deleted thread", { deletedAt: T0 }],
    ["an archived thread", { archivedAt: T0 }],
  ])("leaves out %s", (_what, overrides: Partial<ThreadFact>) => {
    expect(toAfkThreads([threadOf(1, overrides)], KEY)).toEqual([]);
  });
});

describe("decideStrayAgents: the run's record says it ended", () => {
  // Issue 8, found by the model-based test: a cancel whose interrupt T3 never saw was
  // finished by a look without T3 (the lock label came off), then afk restarted: nothing
  // of afk's was left on the issue, and the agent worked on with no one to stop it.
  it.each<Phase>(["cancelled", "shipped", "taken-over", "escalated"])(
    "an agent at work for a %s run is interrupted, whatever the issue's labels say",
    (phase) => {
      const stray = decide([threadOf(1)], { record: ended(phase), ready: false });
      expect(stray).toEqual([
        {
          threadId: threadOf(1).id,
          issue: 42,
          attempt: 1,
          commandId: toCommandId({ ...KEY, issue: 42, attempt: 1 }, "interrupt:stray:turn-1"),
          unstarted: false,
          why: `its run (attempt 1) is ${phase}`,
        },
      ]);
    },
  );

  it("the command id is the same for the same turn (a retry after a crash does nothing twice) and new for a later one", () => {
    const look = { record: ended("cancelled"), ready: false };
    const first = decide([threadOf(1)], look)[0]?.commandId;
    expect(decide([threadOf(1)], look)[0]?.commandId).toBe(first);
    const later = threadOf(1, {
      latestTurn: { turnId: "turn-9", state: "running", requestedAt: T0, assistantMessageId: null },
    });
    expect(decide([later], look)[0]?.commandId).not.toBe(first);
  });

  it("an agent of a run under way is its run's: left alone", () => {
    expect(decide([threadOf(1)], { record: aRecord({ phase: "ci" }), ready: true })).toEqual([]);
    expect(decide([threadOf(1)], { record: aRecord({ phase: "pushed" }), ready: false })).toEqual([]);
  });

  it("facts read before the record last changed say nothing about it: the next look decides", () => {
    expect(decide([threadOf(1)], { record: ended("cancelled"), ready: false }, T0)).toEqual([]);
    expect(decide([threadOf(1)], { record: ended("cancelled"), ready: false }, T0 - 1)).toEqual([]);
  });

  it("an agent that stopped already is left alone", () => {
    expect(decide([threadOf(1, IDLE)], { record: ended("cancelled"), ready: false })).toEqual([]);
  });

  // A person who took over, or answers straight in the T3 thread linked from the progress
  // comment, starts turns afk never asked for: afk stops only a turn it could have asked for.
  it("a turn requested after its run ended (beyond the clock margin) is a person's: left alone", () => {
    const late = (requestedAt: number) =>
      threadOf(1, { latestTurn: { turnId: "turn-9", state: "running", requestedAt, assistantMessageId: null } });
    const readAt = T0 + 10 * 60_000;
    for (const phase of ["cancelled", "shipped", "taken-over"] as const) {
      const look = { record: ended(phase), ready: false };
      expect(decide([late(T0 + STRAY_CLOCK_MARGIN_MS + 1)], look, readAt)).toEqual([]);
      expect(decide([late(T0 + STRAY_CLOCK_MARGIN_MS)], look, readAt)).toHaveLength(1);
      expect(decide([late(T0 - 1)], look, readAt)).toHaveLength(1);
    }
  });

  it("an escalated run ended at its escalation: a turn requested later is a person's answer in the thread", () => {
    const at = T0 + 5_000;
    const record = ended("escalated", {
      endedAt: null,
      escalation: { cause: "agent", reason: "r", agentSaid: null, at, resumeTo: "dispatched" },
      history: [{ at, phase: "escalated", note: "escalated" }],
    });
    const turn = (requestedAt: number) =>
      threadOf(1, { latestTurn: { turnId: "turn-9", state: "running", requestedAt, assistantMessageId: null } });
    const readAt = at + 10 * 60_000;
    expect(decide([turn(at + STRAY_CLOCK_MARGIN_MS + 1)], { record, ready: false }, readAt)).toEqual([]);
    expect(decide([turn(at)], { record, ready: false }, readAt).map((each) => each.why)).toEqual([
      "its run (attempt 1) is escalated",
    ]);
  });

  it("an earlier attempt's agent, while a later attempt holds the issue, is interrupted", () => {
    const record = aRecord({ attempt: 2, threadId: threadOf(2).id });
    expect(decide([threadOf(1)], { record, ready: true }).map((each) => each.why)).toEqual([
      "attempt 2 of its issue superseded it",
    ]);
  });
});

describe("decideStrayAgents: a dispatch afk never wrote down", () => {
  // Doubt 1 of issue 8: afk died after T3 accepted the dispatch, before the lock label and
  // the record; a person then closed the issue (or took the ready label off).
  it("an agent of an issue with no record that is no longer open and ready is interrupted", () => {
    expect(decide([threadOf(1)], { record: null, ready: false }).map((each) => each.why)).toEqual([
      "no run of its issue wants it: the issue is no longer open with the ready label",
    ]);
  });

  it("an agent of an issue with no record that is still ready is the dispatch to heal: left alone", () => {
    expect(decide([threadOf(1)], { record: null, ready: true })).toEqual([]);
  });

  // Without a record afk numbers a new attempt after the ones T3 knows (attempts.ts): an
  // issue whose comment was deleted may be dispatched as attempt 2, then cut short.
  it("any attempt's agent of a ready issue with no record is left to the dispatch (it heals it, or stops an earlier one first)", () => {
    expect(decide([threadOf(2)], { record: null, ready: true })).toEqual([]);
  });

  it("the next attempt's agent of a ready issue whose last run ended is the dispatch to heal; not once the label is off", () => {
    const record = ended("cancelled");
    expect(decide([threadOf(2)], { record, ready: true })).toEqual([]);
    expect(decide([threadOf(2)], { record, ready: false }).map((each) => each.attempt)).toEqual([2]);
  });

  it("the agent of a queued run (a dispatch held back after T3 took it) is healed while the issue is ready, else stopped", () => {
    const record = aRecord({ phase: "queued", turn: null, dispatchedAt: null });
    expect(decide([threadOf(1)], { record, ready: true })).toEqual([]);
    expect(decide([threadOf(1)], { record, ready: false }).map((each) => each.why)).toEqual([
      "its run (attempt 1) is queued",
    ]);
  });

  // Doubt 2 of issue 8: afk died between thread.create and thread.turn.start, then the ready
  // label came off. The thread never starts; once stopped it must hold no slot.
  it("a thread not started yet that nothing wants is stopped, and said to be unstarted", () => {
    const stray = decide([threadOf(1, UNSTARTED)], { record: null, ready: false });
    expect(stray.map(({ unstarted, commandId }) => ({ unstarted, commandId }))).toEqual([
      { unstarted: true, commandId: toCommandId({ ...KEY, issue: 42, attempt: 1 }, "interrupt:stray:unstarted") },
    ]);
  });

  it("a thread not started yet that took afk's interrupt already is not asked again", () => {
    const unstarted = threadOf(1, UNSTARTED);
    expect(decide([unstarted], { record: null, ready: false }, READ_AT, [unstarted.id])).toEqual([]);
  });

  it("a thread not started yet whose own run ended or waits for a human is its record's: that ending stopped it and frees its slot", () => {
    for (const phase of ["cancelled", "shipped", "taken-over", "escalated"] as const)
      expect(decide([threadOf(1, UNSTARTED)], { record: ended(phase), ready: false })).toEqual([]);
  });

  it("an issue whose record afk could not read is left alone (the issue is escalated where it is ready)", () => {
    expect(decide([threadOf(1)], { record: "unreadable", ready: false })).toEqual([]);
  });

  it("an issue it has not looked at is left alone", () => {
    const agents = toAfkThreads([threadOf(1)], KEY);
    const input = { ...KEY, agents, looks: new Map(), readAt: READ_AT, stoppedUnstarted: new Set<string>() };
    expect(decideStrayAgents(input)).toEqual([]);
  });
});
