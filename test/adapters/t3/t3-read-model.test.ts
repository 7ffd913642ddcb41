import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  T3EnvironmentSchema,
  T3ShellSchema,
  T3SnapshotSchema,
  T3ThreadDetailSchema,
  findProjectByWorkspaceRoot,
  lastAssistantText,
  toTurnObservation,
  type T3Pending,
  type T3ThreadState,
  type TurnObservation,
} from "../../../src/adapters/t3/t3-read-model.js";
import {
  DISPATCHED_AT,
  NOTHING_PENDING,
  aLatestTurn,
  aMessage,
  aProject,
  aSession,
  aShellThread,
  aThread,
  at,
} from "./builders.js";

describe("toTurnObservation: the contract's Done rule", () => {
  const cases: ReadonlyArray<[string, T3ThreadState | null, T3Pending, TurnObservation]> = [
    ["a thread T3 does not list is missing", null, NOTHING_PENDING, { kind: "missing", why: "absent" }],
    [
      "a deleted thread is missing",
      aThread({ deletedAt: at(5_000) }),
      NOTHING_PENDING,
      { kind: "missing", why: "deleted" },
    ],
    [
      "an archived thread is missing",
      aThread({ archivedAt: at(5_000) }),
      NOTHING_PENDING,
      { kind: "missing", why: "archived" },
    ],
    [
      "pending user input waits on a person even while the session runs",
      aThread({ session: aSession({ status: "running" }) }),
      { hasPendingApprovals: false, hasPendingUserInput: true },
      { kind: "waiting-on-user", on: "user-input" },
    ],
    [
      "a pending approval waits on a person",
      aThread({ session: aSession({ status: "running" }) }),
      { hasPendingApprovals: true, hasPendingUserInput: false },
      { kind: "waiting-on-user", on: "approval" },
    ],
    [
      "a question outranks an approval",
      aThread(),
      { hasPendingApprovals: true, hasPendingUserInput: true },
      { kind: "waiting-on-user", on: "user-input" },
    ],
    [
      "a starting session is working",
      aThread({ latestTurn: null, session: aSession({ status: "starting" }) }),
      NOTHING_PENDING,
      { kind: "working" },
    ],
    [
      "a running session is working even when its turn row says completed",
      aThread({ session: aSession({ status: "running" }) }),
      NOTHING_PENDING,
      { kind: "working" },
    ],
    [
      "no turn yet (first turn just dispatched) is working",
      aThread({ latestTurn: null, session: null }),
      NOTHING_PENDING,
      { kind: "working" },
    ],
    [
      "a turn requested before the dispatch is the previous one: working",
      aThread({ latestTurn: aLatestTurn({ requestedAt: at(-1) }), session: aSession({ status: "ready" }) }),
      NOTHING_PENDING,
      { kind: "working" },
    ],
    [
      "a turn requested at the dispatch instant counts",
      aThread({ latestTurn: aLatestTurn({ requestedAt: at(0) }) }),
      NOTHING_PENDING,
      { kind: "ended", outcome: "completed", error: null, assistantMessageId: "assistant-1" },
    ],
    [
      "a completed turn after the dispatch has ended",
      aThread(),
      NOTHING_PENDING,
      { kind: "ended", outcome: "completed", error: null, assistantMessageId: "assistant-1" },
    ],
    [
      "a completed turn with no session row has ended",
      aThread({ session: null }),
      NOTHING_PENDING,
      { kind: "ended", outcome: "completed", error: null, assistantMessageId: "assistant-1" },
    ],
    [
      "an interrupted turn has ended interrupted",
      aThread({ latestTurn: aLatestTurn({ state: "interrupted" }), session: aSession({ status: "interrupted" }) }),
      NOTHING_PENDING,
      { kind: "ended", outcome: "interrupted", error: null, assistantMessageId: "assistant-1" },
    ],
    [
      "an errored turn carries the session's lastError",
      aThread({
        latestTurn: aLatestTurn({ state: "error" }),
        session: aSession({ status: "error", lastError: "provider crashed" }),
      }),
      NOTHING_PENDING,
      { kind: "ended", outcome: "error", error: "provider crashed", assistantMessageId: "assistant-1" },
    ],
    [
      "an errored turn without a lastError has a null error",
      aThread({ latestTurn: aLatestTurn({ state: "error" }), session: aSession({ status: "ready" }) }),
      NOTHING_PENDING,
      { kind: "ended", outcome: "error", error: null, assistantMessageId: "assistant-1" },
    ],
    [
      "a turn that failed to start leaves latestTurn unchanged and the session in error: ended error",
      aThread({
        latestTurn: aLatestTurn({ requestedAt: at(-3_600_000) }),
        session: aSession({ status: "error", lastError: "no such model" }),
      }),
      NOTHING_PENDING,
      { kind: "ended", outcome: "error", error: "no such model", assistantMessageId: null },
    ],
    [
      "a first turn that failed to start: ended error",
      aThread({ latestTurn: null, session: aSession({ status: "error", lastError: "no such model" }) }),
      NOTHING_PENDING,
      { kind: "ended", outcome: "error", error: "no such model", assistantMessageId: null },
    ],
    [
      "a session error from before the dispatch says nothing about this turn: working",
      aThread({
        latestTurn: aLatestTurn({ requestedAt: at(-3_600_000) }),
        session: aSession({ status: "error", lastError: "old", updatedAt: at(-1) }),
      }),
      NOTHING_PENDING,
      { kind: "working" },
    ],
    [
      "a session error while the turn row still says running: ended error",
      aThread({
        latestTurn: aLatestTurn({ state: "running", assistantMessageId: null }),
        session: aSession({ status: "error", lastError: "killed" }),
      }),
      NOTHING_PENDING,
      { kind: "ended", outcome: "error", error: "killed", assistantMessageId: null },
    ],
    [
      "a settled session whose turn row still says running is working (the row lags)",
      aThread({ latestTurn: aLatestTurn({ state: "running" }), session: aSession({ status: "ready" }) }),
      NOTHING_PENDING,
      { kind: "working" },
    ],
    [
      "a shell row is read the same way",
      aShellThread(),
      aShellThread({ hasPendingUserInput: true }),
      { kind: "waiting-on-user", on: "user-input" },
    ],
  ];

  it.each(cases)("%s", (_rule, thread, pending, expected) => {
    expect(toTurnObservation(thread, DISPATCHED_AT, pending)).toEqual(expected);
  });

  const offset = fc.integer({ min: -86_400_000, max: 86_400_000 });
  const turn = fc.option(
    fc.record({
      state: fc.constantFrom("running", "interrupted", "completed", "error"),
      requestedAt: offset.map(at),
    }),
  );
  const session = fc.option(
    fc.record({
      status: fc.constantFrom("idle", "starting", "running", "ready", "interrupted", "stopped", "error"),
      updatedAt: offset.map(at),
      lastError: fc.option(fc.string()),
    }),
  );
  const state = fc.record({ turn, session }).map(({ turn, session }) =>
    aThread({
      latestTurn: turn === null ? null : aLatestTurn(turn),
      session: session === null ? null : aSession(session),
    }),
  );

  it("a live session (starting or running) is never observed as ended", () => {
    fc.assert(
      fc.property(state, (thread) => {
        const live = thread.session?.status === "starting" || thread.session?.status === "running";
        return !live || toTurnObservation(thread, DISPATCHED_AT, NOTHING_PENDING).kind === "working";
      }),
      { numRuns: 300 },
    );
  });

  it("an ended turn is backed by a turn requested since the dispatch or a session failing since then", () => {
    fc.assert(
      fc.property(state, (thread) => {
        if (toTurnObservation(thread, DISPATCHED_AT, NOTHING_PENDING).kind !== "ended") return true;
        const turnSeen = thread.latestTurn !== null && Date.parse(thread.latestTurn.requestedAt) >= DISPATCHED_AT;
        const freshError = thread.session?.status === "error" && Date.parse(thread.session.updatedAt) >= DISPATCHED_AT;
        return turnSeen || freshError;
      }),
      { numRuns: 300 },
    );
  });
});

describe("snapshot schema", () => {
  const full = {
    snapshotSequence: 12,
    projects: [{ ...aProject(), scripts: [], defaultModelSelection: null, faviconPath: null }],
    threads: [
      {
        ...aThread({ messages: [aMessage()] }),
        activities: [{ id: "a1", tone: "info" }],
        checkpoints: [],
        proposedPlans: [],
        modelSelection: { instanceId: "codex", model: "gpt" },
      },
    ],
    updatedAt: at(0),
  };

  it("accepts the full (≤ v0.0.31) shape with messages inline", () => {
    const parsed = T3SnapshotSchema.parse(full);
    expect(parsed.threads[0]?.messages).toHaveLength(1);
  });

  it("accepts the slim (≥ v0.0.32) shape with messages and activities empty", () => {
    const slim = {
      ...full,
      threads: full.threads.map((thread) => ({ ...thread, messages: [], activities: [], checkpoints: [] })),
    };
    expect(T3SnapshotSchema.parse(slim).threads[0]?.messages).toEqual([]);
  });

  it("tolerates unknown extra fields and strips them", () => {
    const parsed = T3SnapshotSchema.parse({
      ...full,
      futureField: 1,
      threads: [{ ...full.threads[0], settledAt: null }],
    });
    expect(parsed).not.toHaveProperty("futureField");
    expect(parsed.threads[0]).not.toHaveProperty("settledAt");
  });

  it("reads a thread without archivedAt (older servers) as not archived", () => {
    const { archivedAt: _archived, ...thread } = full.threads[0] ?? aThread();
    expect(T3SnapshotSchema.parse({ ...full, threads: [thread] }).threads[0]?.archivedAt).toBeNull();
  });

  it.each([
    ["a guessed turn state", { latestTurn: { ...aLatestTurn(), state: "pending" } }],
    ["a guessed turn state errored", { latestTurn: { ...aLatestTurn(), state: "errored" } }],
    ["a guessed session status", { session: { ...aSession(), status: "in_progress" } }],
    ["a requestedAt that is not a time", { latestTurn: { ...aLatestTurn(), requestedAt: "soon" } }],
    ["a missing deletedAt", { deletedAt: undefined }],
  ])("rejects %s", (_what, change) => {
    expect(T3SnapshotSchema.safeParse({ ...full, threads: [{ ...full.threads[0], ...change }] }).success).toBe(false);
  });
});

describe("thread detail, shell and environment schemas", () => {
  it("unwraps the detail route's {snapshotSequence, thread, page}", () => {
    const thread = aThread({ messages: [aMessage()] });
    const parsed = T3ThreadDetailSchema.parse({
      snapshotSequence: 3,
      thread,
      page: { beforeCursor: null, hasMore: false, snapshotSequence: 3 },
    });
    expect(parsed.id).toBe("thread-1");
    expect(parsed.messages).toHaveLength(1);
  });

  it("accepts a bare thread row from the detail route", () => {
    expect(T3ThreadDetailSchema.parse(aThread()).id).toBe("thread-1");
  });

  it("reads the shell's pending flags and defaults a missing deletedAt to null", () => {
    const { deletedAt: _deleted, ...row } = aShellThread({ hasPendingUserInput: true });
    const parsed = T3ShellSchema.parse({
      snapshotSequence: 1,
      projects: [aProject()],
      threads: [row],
      updatedAt: at(0),
    });
    expect(parsed.threads[0]).toMatchObject({ hasPendingUserInput: true, hasPendingApprovals: false, deletedAt: null });
  });

  it("rejects a shell thread without the pending flags", () => {
    const { hasPendingUserInput: _flag, ...row } = aShellThread();
    expect(
      T3ShellSchema.safeParse({ snapshotSequence: 1, projects: [], threads: [row], updatedAt: at(0) }).success,
    ).toBe(false);
  });

  it("keeps the environment's other fields beside serverVersion", () => {
    expect(T3EnvironmentSchema.parse({ serverVersion: "0.0.33", label: "t3" })).toEqual({
      serverVersion: "0.0.33",
      label: "t3",
    });
  });
});

describe("findProjectByWorkspaceRoot", () => {
  it.each([
    ["finds the live project at the root", [aProject()], "/workspace/acme/widgets", "project-1"],
    ["ignores a deleted project at the root", [aProject({ deletedAt: at(0) })], "/workspace/acme/widgets", null],
    [
      "prefers the live project over a deleted one at the same root",
      [aProject({ id: "old", deletedAt: at(0) }), aProject({ id: "new" })],
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
    ["finds nothing in an empty snapshot", [], "/workspace/acme/widgets", null],
  ])("%s", (_rule, projects, root, expected) => {
    expect(findProjectByWorkspaceRoot({ projects }, root)?.id ?? null).toBe(expected);
  });
});

describe("lastAssistantText", () => {
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
    expect(lastAssistantText({ messages, latestTurn })).toBe(expected);
  });
});
