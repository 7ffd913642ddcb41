// T3's read model as afk reads it (contracts/t3.md, "Read model"), and the one rule
// afk needs from it: is the turn it started done, and how did it end.
//
// The schemas require what afk relies on and strip the rest, so a newer server's extra
// fields pass. They accept both snapshot shapes: the full one (≤ v0.0.31, messages and
// activities inline) and the slim one (≥ v0.0.32, both returned empty; the messages are
// read from the thread detail route instead). The enums afk decides on are strict: a
// guessed value such as `pending` or `errored` must fail loudly, not read as "working".
//
// Pure: times are ISO strings on the wire and epoch ms in afk; no clock is read here.

import { z } from "zod";
import type { TurnOutcome } from "../../core/run/run-event.js";

const isoTime = z.string().refine((value) => !Number.isNaN(Date.parse(value)), { message: "not an ISO date-time" });
const nullableIso = isoTime.nullable();

export const T3LatestTurnSchema = z.object({
  turnId: z.string(),
  state: z.enum(["running", "interrupted", "completed", "error"]),
  requestedAt: isoTime,
  startedAt: nullableIso,
  completedAt: nullableIso,
  assistantMessageId: z.string().nullable(),
});

export const T3SessionSchema = z.object({
  threadId: z.string(),
  status: z.enum(["idle", "starting", "running", "ready", "interrupted", "stopped", "error"]),
  activeTurnId: z.string().nullable(),
  lastError: z.string().nullable(),
  updatedAt: isoTime,
});

export const T3MessageSchema = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant", "system"]),
  text: z.string(),
  turnId: z.string().nullable(),
  streaming: z.boolean(),
  createdAt: isoTime,
});

export const T3ProjectSchema = z.object({
  id: z.string(),
  title: z.string(),
  workspaceRoot: z.string(),
  createdAt: isoTime,
  updatedAt: isoTime,
  deletedAt: nullableIso,
});

/** The fields every thread row carries, in the snapshot and in the shell alike. */
const threadCore = {
  id: z.string(),
  projectId: z.string(),
  title: z.string(),
  runtimeMode: z.string(),
  interactionMode: z.string().default("default"),
  branch: z.string().nullable(),
  worktreePath: z.string().nullable(),
  latestTurn: T3LatestTurnSchema.nullable(),
  session: T3SessionSchema.nullable(),
  // Servers before archiving omit the key; T3 itself decodes its absence as null.
  archivedAt: nullableIso.default(null),
};

export const T3ThreadSchema = z.object({
  ...threadCore,
  deletedAt: nullableIso,
  // Empty in the slim (≥ v0.0.32) snapshot; tolerated when absent altogether.
  messages: z.array(T3MessageSchema).default([]),
  activities: z.array(z.unknown()).default([]),
});

export const T3SnapshotSchema = z.object({
  snapshotSequence: z.number().int().nonnegative(),
  projects: z.array(T3ProjectSchema),
  threads: z.array(T3ThreadSchema),
  updatedAt: isoTime,
});

/**
 * `GET /api/orchestration/threads/:id`. Current servers answer
 * `{snapshotSequence, thread, page?}`; a bare thread row is accepted too.
 */
export const T3ThreadDetailSchema = z.union([
  z
    .object({ snapshotSequence: z.number().int().nonnegative(), thread: T3ThreadSchema })
    .transform((detail) => detail.thread),
  T3ThreadSchema,
]);

export const T3ShellThreadSchema = z.object({
  ...threadCore,
  // The shell leaves deleted threads out; the key exists only on some servers.
  deletedAt: nullableIso.default(null),
  hasPendingApprovals: z.boolean(),
  hasPendingUserInput: z.boolean(),
});

export const T3ShellProjectSchema = T3ProjectSchema.extend({ deletedAt: nullableIso.default(null) });

export const T3ShellSchema = z.object({
  snapshotSequence: z.number().int().nonnegative(),
  projects: z.array(T3ShellProjectSchema),
  threads: z.array(T3ShellThreadSchema),
  updatedAt: isoTime,
});

export const T3DispatchResultSchema = z.object({ sequence: z.number().int().nonnegative() });

/** `/.well-known/t3/environment`: only the version is relied on; the rest is kept as sent. */
export const T3EnvironmentSchema = z.looseObject({ serverVersion: z.string().min(1) });

export type T3LatestTurn = z.infer<typeof T3LatestTurnSchema>;
export type T3Session = z.infer<typeof T3SessionSchema>;
export type T3Message = z.infer<typeof T3MessageSchema>;
export type T3Project = z.infer<typeof T3ProjectSchema>;
export type T3Thread = z.infer<typeof T3ThreadSchema>;
export type T3Snapshot = z.infer<typeof T3SnapshotSchema>;
export type T3ShellThread = z.infer<typeof T3ShellThreadSchema>;
export type T3Shell = z.infer<typeof T3ShellSchema>;
export type T3DispatchResult = z.infer<typeof T3DispatchResultSchema>;
export type T3Environment = z.infer<typeof T3EnvironmentSchema>;

/** What `toTurnObservation` reads of a thread: a snapshot row and a shell row both fit. */
export type T3ThreadState = Pick<T3Thread, "latestTurn" | "session" | "archivedAt" | "deletedAt">;

/** The shell route's flags for the thread; a shell row fits as is. */
export interface T3Pending {
  readonly hasPendingApprovals: boolean;
  readonly hasPendingUserInput: boolean;
}

export type TurnObservation =
  | { readonly kind: "working" }
  | {
      readonly kind: "ended";
      readonly outcome: TurnOutcome;
      /** `session.lastError` when the turn ended in error, else null. */
      readonly error: string | null;
      readonly assistantMessageId: string | null;
    }
  | { readonly kind: "waiting-on-user"; readonly on: "approval" | "user-input" }
  | { readonly kind: "missing"; readonly why: "absent" | "deleted" | "archived" };

/**
 * The contract's "Done" rule for the turn afk dispatched at `dispatchedAt` (epoch ms):
 * done when the session is not starting/running, the turn is visible (its
 * `requestedAt` is not before the dispatch) or the session failed, and nothing waits on
 * a person. Just after `thread.turn.start`, `latestTurn` still shows the previous turn
 * (or null), which is why it is never trusted alone.
 */
export function toTurnObservation(
  thread: T3ThreadState | null,
  dispatchedAt: number,
  pending: T3Pending,
): TurnObservation {
  if (thread === null) return { kind: "missing", why: "absent" };
  if (thread.deletedAt !== null) return { kind: "missing", why: "deleted" };
  if (thread.archivedAt !== null) return { kind: "missing", why: "archived" };
  // The agent stays `running` while it waits on a person: check this before the status.
  if (pending.hasPendingUserInput) return { kind: "waiting-on-user", on: "user-input" };
  if (pending.hasPendingApprovals) return { kind: "waiting-on-user", on: "approval" };
  const { session, latestTurn } = thread;
  if (session !== null && (session.status === "starting" || session.status === "running")) return { kind: "working" };
  const turn = latestTurn !== null && Date.parse(latestTurn.requestedAt) >= dispatchedAt ? latestTurn : null;
  // A session error left over from an earlier turn says nothing about this one.
  const failed = session !== null && session.status === "error" && Date.parse(session.updatedAt) >= dispatchedAt;
  if (failed && (turn === null || turn.state === "running")) {
    return {
      kind: "ended",
      outcome: "error",
      error: session.lastError,
      assistantMessageId: turn?.assistantMessageId ?? null,
    };
  }
  // Not visible yet, or the session settled a moment before the turn row did.
  if (turn === null || turn.state === "running") return { kind: "working" };
  return {
    kind: "ended",
    outcome: turn.state,
    error: turn.state === "error" ? (session?.lastError ?? null) : null,
    assistantMessageId: turn.assistantMessageId,
  };
}

/**
 * The live project whose checkout is `root`. T3 refuses a second live project with
 * the same `workspaceRoot`, so afk looks here before `project.create`. A trailing slash
 * does not make a different directory.
 */
export function findProjectByWorkspaceRoot(snapshot: Pick<T3Snapshot, "projects">, root: string): T3Project | null {
  const wanted = toDirectory(root);
  return (
    snapshot.projects.find((project) => project.deletedAt === null && toDirectory(project.workspaceRoot) === wanted) ??
    null
  );
}

function toDirectory(path: string): string {
  const trimmed = path.trim();
  return trimmed.length > 1 ? trimmed.replace(/\/+$/, "") : trimmed;
}

/**
 * The agent's last words in a thread detail: the message the latest turn names, else
 * the last finished assistant message. Null when the agent has said nothing.
 */
export function lastAssistantText(thread: Pick<T3Thread, "messages" | "latestTurn">): string | null {
  const namedId = thread.latestTurn?.assistantMessageId ?? null;
  const named =
    namedId === null
      ? undefined
      : thread.messages.find((message) => message.id === namedId && message.role === "assistant");
  if (named !== undefined) return named.text;
  const last = thread.messages.findLast((message) => message.role === "assistant" && !message.streaming);
  return last?.text ?? null;
}
