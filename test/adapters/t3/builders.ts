// Builders for T3 wire rows: every field defaulted, so a case states only what it varies.

import type {
  T3LatestTurn,
  T3Message,
  T3Project,
  T3Session,
  T3ShellThread,
  T3Thread,
} from "../../../src/adapters/t3/t3-read-model.js";

/** The dispatch time of every default, epoch ms. */
export const DISPATCHED_AT = Date.parse("2026-03-01T12:00:00.000Z");

/** An ISO time `offsetMs` after the dispatch (negative: before it). */
export function at(offsetMs: number): string {
  return new Date(DISPATCHED_AT + offsetMs).toISOString();
}

export function aLatestTurn(overrides: Partial<T3LatestTurn> = {}): T3LatestTurn {
  return {
    turnId: "turn-1",
    state: "completed",
    requestedAt: at(1_000),
    startedAt: at(2_000),
    completedAt: at(60_000),
    assistantMessageId: "assistant-1",
    ...overrides,
  };
}

export function aSession(overrides: Partial<T3Session> = {}): T3Session {
  return {
    threadId: "thread-1",
    status: "ready",
    activeTurnId: null,
    lastError: null,
    updatedAt: at(60_000),
    ...overrides,
  };
}

export function aMessage(overrides: Partial<T3Message> = {}): T3Message {
  return {
    id: "message-1",
    role: "assistant",
    text: "AFK-STATUS: tests-green",
    turnId: "turn-1",
    streaming: false,
    createdAt: at(30_000),
    ...overrides,
  };
}

export function aProject(overrides: Partial<T3Project> = {}): T3Project {
  return {
    id: "project-1",
    title: "acme/widgets",
    workspaceRoot: "/workspace/acme/widgets",
    createdAt: at(-60_000),
    updatedAt: at(-60_000),
    deletedAt: null,
    ...overrides,
  };
}

export function aThread(overrides: Partial<T3Thread> = {}): T3Thread {
  return {
    id: "thread-1",
    projectId: "project-1",
    title: "acme/widgets#7: Fix the widget",
    runtimeMode: "full-access",
    interactionMode: "default",
    branch: null,
    worktreePath: null,
    latestTurn: aLatestTurn(),
    session: aSession(),
    archivedAt: null,
    deletedAt: null,
    messages: [],
    activities: [],
    ...overrides,
  };
}

export function aShellThread(overrides: Partial<T3ShellThread> = {}): T3ShellThread {
  const { messages: _messages, activities: _activities, ...row } = aThread();
  return { ...row, hasPendingApprovals: false, hasPendingUserInput: false, ...overrides };
}
