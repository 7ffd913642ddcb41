// The agent's threads as T3 reports them (contracts/t3.md, "Read model"), and the rules
// afk reads them by: is the turn it started done and how did it end, what did the agent
// say last, and which project already owns a checkout. Times are epoch ms.

import { CLOCK_SKEW_MARGIN_MS } from "./find-pushed-commit.js";
import type { TurnFact } from "./observe-types.js";

export interface ProjectFact {
  readonly id: string;
  readonly title: string;
  readonly workspaceRoot: string;
  readonly deletedAt: number | null;
}

export interface LatestTurnFact {
  readonly turnId: string;
  readonly state: "running" | "interrupted" | "completed" | "error";
  readonly requestedAt: number;
  readonly assistantMessageId: string | null;
}

export interface SessionFact {
  readonly status: "idle" | "starting" | "running" | "ready" | "interrupted" | "stopped" | "error";
  readonly lastError: string | null;
  readonly updatedAt: number;
}

export interface ThreadFact {
  readonly id: string;
  readonly projectId: string;
  readonly title: string;
  readonly latestTurn: LatestTurnFact | null;
  readonly session: SessionFact | null;
  readonly archivedAt: number | null;
  readonly deletedAt: number | null;
  readonly hasPendingApprovals: boolean;
  readonly hasPendingUserInput: boolean;
}

export interface AgentOverview {
  readonly projects: readonly ProjectFact[];
  readonly threads: readonly ThreadFact[];
}

export interface MessageFact {
  readonly id: string;
  readonly role: "user" | "assistant" | "system";
  readonly text: string;
  readonly streaming: boolean;
}

export interface ThreadDetail {
  readonly latestTurn: LatestTurnFact | null;
  readonly messages: readonly MessageFact[];
}

/** A thread row is live unless it was deleted or archived (T3 keeps both in its read model). */
export function isLiveThread(thread: Pick<ThreadFact, "deletedAt" | "archivedAt">): boolean {
  return thread.deletedAt === null && thread.archivedAt === null;
}

/**
 * The contract's "Done" rule for the turn afk requested at `requestedSince` (epoch ms,
 * already allowing for clock skew): done when the session is not starting/running, the
 * turn is visible (its `requestedAt` is not before it) or the session failed, and nothing
 * waits on a person. Just after `thread.turn.start`, `latestTurn` still shows the
 * previous turn (or null), which is why it is never trusted alone.
 */
export function toTurnFact(thread: ThreadFact | null, requestedSince: number): TurnFact {
  if (thread === null) return { kind: "missing", why: "absent" };
  if (thread.deletedAt !== null) return { kind: "missing", why: "deleted" };
  if (thread.archivedAt !== null) return { kind: "missing", why: "archived" };
  // The agent stays `running` while it waits on a person: check this before the status.
  if (thread.hasPendingUserInput) return { kind: "waiting-on-user", on: "user-input" };
  if (thread.hasPendingApprovals) return { kind: "waiting-on-user", on: "approval" };
  const { session, latestTurn } = thread;
  if (session !== null && (session.status === "starting" || session.status === "running")) return { kind: "working" };
  const turn = latestTurn !== null && latestTurn.requestedAt >= requestedSince ? latestTurn : null;
  // A session error left over from an earlier turn says nothing about this one.
  const failed = session !== null && session.status === "error" && session.updatedAt >= requestedSince;
  if (failed && (turn === null || turn.state === "running")) {
    return { kind: "ended", outcome: "error", error: session.lastError };
  }
  // Not visible yet, or the session settled a moment before the turn row did.
  if (turn === null || turn.state === "running") return { kind: "working" };
  return { kind: "ended", outcome: turn.state, error: turn.state === "error" ? (session?.lastError ?? null) : null };
}

/** The thread's agent is at work: a turn starting or running, or waiting on a person in the middle of one. */
export function isThreadBusy(thread: ThreadFact): boolean {
  const status = thread.session?.status;
  return isLiveThread(thread) && (status === "starting" || status === "running" || thread.hasPendingUserInput);
}

/**
 * A live thread T3 shows no turn and no session of yet: just after `thread.turn.start`
 * the read model lags (contracts/t3.md), so its agent may start any moment.
 */
export function isThreadUnstarted(thread: ThreadFact): boolean {
  return isLiveThread(thread) && thread.latestTurn === null && thread.session === null;
}

/**
 * The live project whose checkout is `root`. T3 refuses a second live project with the
 * same `workspaceRoot`, so afk looks here before `project.create`. A trailing slash does
 * not make a different directory.
 */
export function findProjectByWorkspaceRoot(projects: readonly ProjectFact[], root: string): ProjectFact | null {
  const wanted = toDirectory(root);
  return (
    projects.find((project) => project.deletedAt === null && toDirectory(project.workspaceRoot) === wanted) ?? null
  );
}

function toDirectory(path: string): string {
  const trimmed = path.trim();
  return trimmed.length > 1 ? trimmed.replace(/\/+$/, "") : trimmed;
}

/**
 * The agent's last words: the message the latest turn names, else the last finished
 * assistant message. Null when the agent has said nothing.
 */
export function toLastAssistantText(thread: ThreadDetail): string | null {
  const namedId = thread.latestTurn?.assistantMessageId ?? null;
  const named =
    namedId === null
      ? undefined
      : thread.messages.find((message) => message.id === namedId && message.role === "assistant");
  if (named !== undefined) return named.text;
  const last = thread.messages.findLast((message) => message.role === "assistant" && !message.streaming);
  return last?.text ?? null;
}

/**
 * Whether T3's facts read at `readAt` can say anything about a turn started at
 * `turnStartedAt`. Both are stamped before their request is sent, so on the same clock
 * tick the read may have gone first (a sweep that read T3, then dispatched, within one
 * millisecond or under a clock that did not move): only a later read counts.
 */
export function isReadAfter(readAt: number, turnStartedAt: number): boolean {
  return readAt > turnStartedAt;
}

/**
 * The turn afk started at `turnStartedAt`, as T3's facts read at `readAt` show it. Facts
 * not read after the turn started say nothing about it: the turn counts as working until
 * fresher facts are read. T3 stamps `requestedAt` with its own clock: the margin allows
 * for skew against afk's.
 */
export function toTurnFactAt(
  thread: ThreadFact | null,
  turnStartedAt: number,
  readAt: number,
  turnSeenAt: number | null = null,
): TurnFact {
  if (!isReadAfter(readAt, turnStartedAt)) return { kind: "working" };
  // The skew margin must not reach back to a turn afk already judged: T3 keeps showing it
  // until the agent picks up the next, and it would pass for the next (same T3 clock).
  const since = Math.max(turnStartedAt - CLOCK_SKEW_MARGIN_MS, turnSeenAt === null ? -Infinity : turnSeenAt + 1);
  return toTurnFact(thread, since);
}

/** T3's own time of what the thread shows of its latest turn: its request and its session's last change. */
export function toTurnSeenAt(thread: ThreadFact | null): number | null {
  const times = [thread?.latestTurn?.requestedAt, thread?.session?.updatedAt].filter((at) => at !== undefined);
  return times.length === 0 ? null : Math.max(...times);
}
