// The agent's threads as the core reads them (contracts/t3.md, "Read model"): the
// "turn done" rule, the agent's last words and the project that owns a checkout.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  findProjectByWorkspaceRoot,
  isLiveThread,
  isThreadBusy,
  isThreadUnstarted,
  toLastAssistantText,
  toTurnFact,
  toTurnFactAt,
  toTurnSeenAt,
  type LatestTurnFact,
  type MessageFact,
  type ProjectFact,
  type SessionFact,
  type ThreadFact,
} from "../../../src/core/observe/agent-threads.js";
import type { TurnFact } from "../../../src/core/observe/observe-types.js";

/** The time afk requested the turn, epoch ms, in every default. */
const REQUESTED = Date.parse("2026-03-01T12:00:00.000Z");

function aLatestTurn(overrides: Partial<LatestTurnFact> = {}): LatestTurnFact {
  return {
    turnId: "turn-1",
    state: "completed",
    requestedAt: REQUESTED + 1_000,
    assistantMessageId: "assistant-1",
    ...overrides,
  };
}

function aSession(overrides: Partial<SessionFact> = {}): SessionFact {
  return { status: "ready", lastError: null, updatedAt: REQUESTED + 60_000, ...overrides };
}

function aThread(overrides: Partial<ThreadFact> = {}): ThreadFact {
  return {
    id: "thread-1",
    projectId: "project-1",
    title: "acme/widgets#7: Fix the widget",
    latestTurn: aLatestTurn(),
    session: aSession(),
    archivedAt: null,
    deletedAt: null,
    hasPendingApprovals: false,
    hasPendingUserInput: false,
    ...overrides,
  };
}

function aMessage(overrides: Partial<MessageFact> = {}): MessageFact {
  return { id: "message-1", role: "assistant", text: "AFK-STATUS: tests-green", streaming: false, ...overrides };
}

function aProject(overrides: Partial<ProjectFact> = {}): ProjectFact {
  return {
    id: "project-1",
    title: "acme/widgets",
    workspaceRoot: "/workspace/acme/widgets",
    deletedAt: null,
    ...overrides,
  };
}

const COMPLETED: TurnFact = { kind: "ended", outcome: "completed", error: null };

describe("toTurnFact: the contract's Done rule", () => {
  const cases: ReadonlyArray<[string, ThreadFact | null, TurnFact]> = [
    ["a thread T3 does not list is missing", null, { kind: "missing", why: "absent" }],
    ["a deleted thread is missing", aThread({ deletedAt: REQUESTED + 5_000 }), { kind: "missing", why: "deleted" }],
    ["an archived thread is missing", aThread({ archivedAt: REQUESTED + 5_000 }), { kind: "missing", why: "archived" }],
    [
      "pending user input waits on a person even while the session runs",
      aThread({ session: aSession({ status: "running" }), hasPendingUserInput: true }),
      { kind: "waiting-on-user", on: "user-input" },
    ],
    [
      "a pending approval waits on a person",
      aThread({ session: aSession({ status: "running" }), hasPendingApprovals: true }),
      { kind: "waiting-on-user", on: "approval" },
    ],
    [
      "a question outranks an approval",
      aThread({ hasPendingApprovals: true, hasPendingUserInput: true }),
      { kind: "waiting-on-user", on: "user-input" },
    ],
    [
      "a starting session is working",
      aThread({ latestTurn: null, session: aSession({ status: "starting" }) }),
      { kind: "working" },
    ],
    [
      "a running session is working even when its turn row says completed",
      aThread({ session: aSession({ status: "running" }) }),
      { kind: "working" },
    ],
    [
      "no turn yet (first turn just requested) is working",
      aThread({ latestTurn: null, session: null }),
      { kind: "working" },
    ],
    [
      "a turn requested before afk's is the previous one: working",
      aThread({ latestTurn: aLatestTurn({ requestedAt: REQUESTED - 1 }) }),
      { kind: "working" },
    ],
    [
      "a turn requested at the same instant counts",
      aThread({ latestTurn: aLatestTurn({ requestedAt: REQUESTED }) }),
      COMPLETED,
    ],
    ["a completed turn since the request has ended", aThread(), COMPLETED],
    ["a completed turn with no session row has ended", aThread({ session: null }), COMPLETED],
    [
      "an interrupted turn has ended interrupted",
      aThread({ latestTurn: aLatestTurn({ state: "interrupted" }), session: aSession({ status: "interrupted" }) }),
      { kind: "ended", outcome: "interrupted", error: null },
    ],
    [
      "an errored turn carries the session's lastError",
      aThread({
        latestTurn: aLatestTurn({ state: "error" }),
        session: aSession({ status: "error", lastError: "provider crashed" }),
      }),
      { kind: "ended", outcome: "error", error: "provider crashed" },
    ],
    [
      "an errored turn without a lastError has a null error",
      aThread({ latestTurn: aLatestTurn({ state: "error" }) }),
      { kind: "ended", outcome: "error", error: null },
    ],
    [
      "a turn that failed to start leaves latestTurn unchanged and the session in error: ended error",
      aThread({
        latestTurn: aLatestTurn({ requestedAt: REQUESTED - 3_600_000 }),
        session: aSession({ status: "error", lastError: "no such model" }),
      }),
      { kind: "ended", outcome: "error", error: "no such model" },
    ],
    [
      "a first turn that failed to start: ended error",
      aThread({ latestTurn: null, session: aSession({ status: "error", lastError: "no such model" }) }),
      { kind: "ended", outcome: "error", error: "no such model" },
    ],
    [
      "a session error from before the request says nothing about this turn: working",
      aThread({
        latestTurn: aLatestTurn({ requestedAt: REQUESTED - 3_600_000 }),
        session: aSession({ status: "error", lastError: "old", updatedAt: REQUESTED - 1 }),
      }),
      { kind: "working" },
    ],
    [
      "a session error while the turn row still says running: ended error",
      aThread({
        latestTurn: aLatestTurn({ state: "running", assistantMessageId: null }),
        session: aSession({ status: "error", lastError: "killed" }),
      }),
      { kind: "ended", outcome: "error", error: "killed" },
    ],
    [
      "a settled session whose turn row still says running is working (the row lags)",
      aThread({ latestTurn: aLatestTurn({ state: "running" }) }),
      { kind: "working" },
    ],
  ];

  it.each(cases)("%s", (_rule, thread, expected) => {
    expect(toTurnFact(thread, REQUESTED)).toEqual(expected);
  });

  const offset = fc.integer({ min: -86_400_000, max: 86_400_000 });
  const thread = fc
    .record({
      turn: fc.option(
        fc.record({
          state: fc.constantFrom("running", "interrupted", "completed", "error"),
          requestedAt: offset.map((ms) => REQUESTED + ms),
        }),
      ),
      session: fc.option(
        fc.record({
          status: fc.constantFrom("idle", "starting", "running", "ready", "interrupted", "stopped", "error"),
          updatedAt: offset.map((ms) => REQUESTED + ms),
          lastError: fc.option(fc.string()),
        }),
      ),
    })
    .map(({ turn, session }) =>
      aThread({
        latestTurn: turn === null ? null : aLatestTurn(turn),
        session: session === null ? null : aSession(session),
      }),
    );

  it("a live session (starting or running) is never observed as ended", () => {
    fc.assert(
      fc.property(thread, (row) => {
        const live = row.session?.status === "starting" || row.session?.status === "running";
        return !live || toTurnFact(row, REQUESTED).kind === "working";
      }),
      { numRuns: 300 },
    );
  });

  it("an ended turn is backed by a turn requested since afk's request or a session failing since then", () => {
    fc.assert(
      fc.property(thread, (row) => {
        if (toTurnFact(row, REQUESTED).kind !== "ended") return true;
        const turnSeen = row.latestTurn !== null && row.latestTurn.requestedAt >= REQUESTED;
        const freshError = row.session?.status === "error" && row.session.updatedAt >= REQUESTED;
        return turnSeen || freshError;
      }),
      { numRuns: 300 },
    );
  });
});

describe("isLiveThread", () => {
  it.each([
    ["a thread neither deleted nor archived is live", aThread(), true],
    ["a deleted thread is not", aThread({ deletedAt: REQUESTED }), false],
    ["an archived thread is not", aThread({ archivedAt: REQUESTED }), false],
  ])("%s", (_rule, row, live) => {
    expect(isLiveThread(row)).toBe(live);
  });
});

describe("isThreadBusy: the agent is at work in the checkout", () => {
  it.each([
    ["a session starting", aThread({ session: aSession({ status: "starting" }) }), true],
    ["a session running", aThread({ session: aSession({ status: "running" }) }), true],
    ["a question pending in the middle of a turn", aThread({ hasPendingUserInput: true }), true],
    ["a session ready (the turn ended)", aThread(), false],
    ["a session interrupted", aThread({ session: aSession({ status: "interrupted" }) }), false],
    ["no session yet", aThread({ session: null }), false],
    [
      "a deleted thread, whatever its session says",
      aThread({ deletedAt: REQUESTED, session: aSession({ status: "running" }) }),
      false,
    ],
  ])("%s: %s", (_case, row, busy) => {
    expect(isThreadBusy(row)).toBe(busy);
  });
});

describe("isThreadUnstarted: T3 shows no turn and no session yet (a turn asked for may not show for a while)", () => {
  it.each([
    ["no turn and no session", aThread({ latestTurn: null, session: null }), true],
    ["a turn shown", aThread({ session: null }), false],
    ["a session shown (a turn that failed to start sets one)", aThread({ latestTurn: null }), false],
    ["an archived thread", aThread({ latestTurn: null, session: null, archivedAt: REQUESTED }), false],
  ])("%s: %s", (_case, row, unstarted) => {
    expect(isThreadUnstarted(row)).toBe(unstarted);
  });
});

describe("findProjectByWorkspaceRoot", () => {
  it.each([
    ["finds the live project at the root", [aProject()], "/workspace/acme/widgets", "project-1"],
    ["ignores a deleted project at the root", [aProject({ deletedAt: REQUESTED })], "/workspace/acme/widgets", null],
    [
      "prefers the live project over a deleted one at the same root",
      [aProject({ id: "old", deletedAt: REQUESTED }), aProject({ id: "new" })],
      "/workspace/acme/widgets",
      "new",
    ],
    [
      "treats a trailing slash as the same directory",
      [aProject({ workspaceRoot: "/workspace/acme/widgets/" })],
      "/workspace/acme/widgets",
      "project-1",
    ],
    ["does not match a sibling directory", [aProject()], "/workspace/acme/widgets-2", null],
    ["matches the filesystem root", [aProject({ workspaceRoot: "/" })], "/", "project-1"],
    ["finds nothing among no projects", [], "/workspace/acme/widgets", null],
  ])("%s", (_rule, projects, root, expected) => {
    expect(findProjectByWorkspaceRoot(projects, root)?.id ?? null).toBe(expected);
  });
});

describe("toLastAssistantText", () => {
  it.each([
    [
      "the message the latest turn names wins",
      [aMessage({ id: "assistant-1", text: "named" }), aMessage({ id: "later", text: "later" })],
      "assistant-1",
      "named",
    ],
    [
      "without a named message, the last finished assistant message",
      [aMessage({ text: "first" }), aMessage({ id: "m2", text: "second" })],
      null,
      "second",
    ],
    [
      "a streaming message is not finished",
      [aMessage({ text: "done" }), aMessage({ id: "m2", text: "part", streaming: true })],
      null,
      "done",
    ],
    [
      "user and system messages are not the agent's",
      [aMessage({ role: "user", text: "task" }), aMessage({ id: "s", role: "system", text: "sys" })],
      null,
      null,
    ],
    [
      "a named id that is not an assistant message falls back",
      [aMessage({ id: "assistant-1", role: "user", text: "task" }), aMessage({ id: "m2", text: "reply" })],
      "assistant-1",
      "reply",
    ],
    ["no messages: null", [], "assistant-1", null],
  ])("%s", (_rule, messages, named, expected) => {
    const latestTurn = named === null ? null : aLatestTurn({ assistantMessageId: named });
    expect(toLastAssistantText({ messages, latestTurn })).toBe(expected);
  });
});

describe("toTurnFactAt: no turn is judged by facts older than it", () => {
  const gone = null;
  it("says working when the facts were read before the turn started (a sweep that read T3, then dispatched)", () => {
    expect(toTurnFactAt(gone, 2_000_000, 1_999_999)).toEqual({ kind: "working" });
  });

  it("says working when the facts were read on the tick the turn started (the read may have gone first)", () => {
    expect(toTurnFactAt(gone, 2_000_000, 2_000_000)).toEqual({ kind: "working" });
  });

  it("judges the turn by facts read after it started", () => {
    expect(toTurnFactAt(gone, 2_000_000, 2_000_001)).toEqual({ kind: "missing", why: "absent" });
  });
});

describe("toTurnFactAt: a turn afk judged is never taken for the next one", () => {
  // The agent asked a question; afk judged that turn, and relayed an answer 30 s later,
  // within the skew margin of the old turn's request. T3 shows the old turn until the
  // agent picks up the new one.
  const old = aThread({
    latestTurn: aLatestTurn({ requestedAt: REQUESTED, state: "completed" }),
    session: aSession({ updatedAt: REQUESTED + 10_000 }),
  });
  const relayedAt = REQUESTED + 40_000;

  it("without what afk judged, the old turn passes for the new one (the skew margin)", () => {
    expect(toTurnFactAt(old, relayedAt, relayedAt + 5_000)).toEqual(COMPLETED);
  });

  it("with T3's time of the judged turn, the new one is still to come", () => {
    expect(toTurnFactAt(old, relayedAt, relayedAt + 5_000, toTurnSeenAt(old))).toEqual({ kind: "working" });
  });

  it("the new turn, once T3 shows it, is judged", () => {
    const next = aThread({ latestTurn: aLatestTurn({ turnId: "turn-2", requestedAt: relayedAt - 2_000 }) });
    expect(toTurnFactAt(next, relayedAt, relayedAt + 5_000, toTurnSeenAt(old))).toEqual(COMPLETED);
  });
});

describe("toTurnSeenAt", () => {
  it.each([
    ["the later of the turn's request and the session's last change", aThread(), REQUESTED + 60_000],
    ["the turn alone", aThread({ session: null }), REQUESTED + 1_000],
    ["nothing shown", aThread({ session: null, latestTurn: null }), null],
    ["no thread", null, null],
  ])("%s", (_case, thread, at) => {
    expect(toTurnSeenAt(thread)).toBe(at);
  });
});
