// T3's wire shapes (contracts/t3.md, "Read model") and their mapping to the core's
// thread facts; the rules that read those facts are the core's (agent-threads.test.ts).

import { describe, expect, it } from "vitest";
import {
  T3EnvironmentSchema,
  T3ShellSchema,
  T3ThreadDetailSchema,
  toAgentOverview,
  toThreadDetail,
} from "../../../src/adapters/t3/t3-read-model.js";
import { aLatestTurn, aMessage, aProject, aSession, aShellThread, aThread, at, DISPATCHED_AT } from "./builders.js";

/** The detail route's answer around a thread row. */
function aDetail(thread: Record<string, unknown>): Record<string, unknown> {
  return { snapshotSequence: 3, thread, page: { beforeCursor: null, hasMore: false, snapshotSequence: 3 } };
}

function aShell(threads: readonly Record<string, unknown>[], projects: readonly unknown[] = [aProject()]) {
  return { snapshotSequence: 1, projects, threads, updatedAt: at(0) };
}

describe("thread rows", () => {
  const full = {
    ...aThread({ messages: [aMessage()] }),
    activities: [{ id: "a1", tone: "info" }],
    checkpoints: [],
    proposedPlans: [],
    modelSelection: { instanceId: "codex", model: "gpt" },
  };

  it("unwraps the detail route's {snapshotSequence, thread, page}", () => {
    const parsed = T3ThreadDetailSchema.parse(aDetail(full));
    expect(parsed.id).toBe("thread-1");
    expect(parsed.messages).toHaveLength(1);
  });

  it("accepts a bare thread row from the detail route", () => {
    expect(T3ThreadDetailSchema.parse(aThread()).id).toBe("thread-1");
  });

  it("tolerates a row without messages or activities", () => {
    const { messages: _messages, activities: _activities, ...bare } = full;
    expect(T3ThreadDetailSchema.parse(aDetail(bare)).messages).toEqual([]);
  });

  it("tolerates unknown extra fields and strips them", () => {
    const parsed = T3ThreadDetailSchema.parse(aDetail({ ...full, settledAt: null }));
    expect(parsed).not.toHaveProperty("settledAt");
    expect(parsed).not.toHaveProperty("checkpoints");
  });

  it("reads a thread without archivedAt (older servers) as not archived", () => {
    const { archivedAt: _archived, ...thread } = full;
    expect(T3ThreadDetailSchema.parse(aDetail(thread)).archivedAt).toBeNull();
  });

  it.each([
    ["a guessed turn state", { latestTurn: { ...aLatestTurn(), state: "pending" } }],
    ["a guessed turn state errored", { latestTurn: { ...aLatestTurn(), state: "errored" } }],
    ["a guessed session status", { session: { ...aSession(), status: "in_progress" } }],
    ["a requestedAt that is not a time", { latestTurn: { ...aLatestTurn(), requestedAt: "soon" } }],
    ["a missing deletedAt", { deletedAt: undefined }],
  ])("rejects %s", (_what, change) => {
    expect(T3ThreadDetailSchema.safeParse(aDetail({ ...full, ...change })).success).toBe(false);
  });
});

describe("the shell and environment routes", () => {
  it("reads the shell's pending flags and defaults a missing deletedAt to null", () => {
    const { deletedAt: _deleted, ...row } = aShellThread({ hasPendingUserInput: true });
    const parsed = T3ShellSchema.parse(aShell([row]));
    expect(parsed.threads[0]).toMatchObject({ hasPendingUserInput: true, hasPendingApprovals: false, deletedAt: null });
  });

  it("rejects a shell thread without the pending flags", () => {
    const { hasPendingUserInput: _flag, ...row } = aShellThread();
    expect(T3ShellSchema.safeParse(aShell([row], [])).success).toBe(false);
  });

  it.each([
    ["a guessed turn state", { latestTurn: { ...aLatestTurn(), state: "pending" } }],
    ["a guessed session status", { session: { ...aSession(), status: "in_progress" } }],
  ])("rejects a shell thread with %s", (_what, change) => {
    expect(T3ShellSchema.safeParse(aShell([{ ...aShellThread(), ...change }])).success).toBe(false);
  });

  it("keeps the environment's other fields beside serverVersion", () => {
    expect(T3EnvironmentSchema.parse({ serverVersion: "0.0.33", label: "t3" })).toEqual({
      serverVersion: "0.0.33",
      label: "t3",
    });
  });
});

describe("wire → facts", () => {
  it("maps the shell to projects and threads with times in epoch ms and the pending flags", () => {
    const shell = T3ShellSchema.parse(
      aShell([aShellThread({ hasPendingApprovals: true, archivedAt: at(90_000) })], [aProject()]),
    );
    expect(toAgentOverview(shell)).toEqual({
      projects: [{ id: "project-1", title: "acme/widgets", workspaceRoot: "/workspace/acme/widgets", deletedAt: null }],
      threads: [
        {
          id: "thread-1",
          projectId: "project-1",
          title: "acme/widgets#7: Fix the widget",
          latestTurn: {
            turnId: "turn-1",
            state: "completed",
            requestedAt: DISPATCHED_AT + 1_000,
            assistantMessageId: "assistant-1",
          },
          session: { status: "ready", lastError: null, updatedAt: DISPATCHED_AT + 60_000 },
          archivedAt: DISPATCHED_AT + 90_000,
          deletedAt: null,
          hasPendingApprovals: true,
          hasPendingUserInput: false,
        },
      ],
    });
  });

  it("maps a thread with no turn and no session yet", () => {
    const shell = T3ShellSchema.parse(aShell([aShellThread({ latestTurn: null, session: null })]));
    expect(toAgentOverview(shell).threads[0]).toMatchObject({ latestTurn: null, session: null });
  });

  it("maps a deleted project's time", () => {
    const shell = T3ShellSchema.parse(aShell([], [aProject({ deletedAt: at(5) })]));
    expect(toAgentOverview(shell).projects[0]?.deletedAt).toBe(DISPATCHED_AT + 5);
  });

  it("keeps of a thread detail the latest turn and each message's id, role, text and streaming flag", () => {
    const thread = T3ThreadDetailSchema.parse(
      aDetail(aThread({ messages: [aMessage(), aMessage({ id: "m2", role: "user", streaming: true })] })),
    );
    expect(toThreadDetail(thread)).toEqual({
      latestTurn: expect.objectContaining({ turnId: "turn-1", requestedAt: DISPATCHED_AT + 1_000 }),
      messages: [
        { id: "message-1", role: "assistant", text: "AFK-STATUS: tests-green", streaming: false },
        { id: "m2", role: "user", text: "AFK-STATUS: tests-green", streaming: true },
      ],
    });
  });
});
