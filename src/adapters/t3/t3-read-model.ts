// T3's read model on the wire (contracts/t3.md, "Read model") and its mapping to the
// core's thread facts (src/core/observe/agent-threads.ts). What the facts mean (is the
// turn done, which project owns a checkout) is the core's business.
//
// The schemas require what afk relies on and strip the rest, so a newer server's extra
// fields pass. The enums afk decides on are strict: a guessed value such as `pending` or
// `errored` must fail loudly, not read as "working". Times are ISO strings on the wire
// and epoch ms in the facts; no clock is read here.

import { z } from "zod";
import type {
  AgentOverview,
  LatestTurnFact,
  ProjectFact,
  SessionFact,
  ThreadDetail,
  ThreadFact,
} from "../../core/observe/agent-threads.js";

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

/** The fields every thread row carries, in the detail route and the shell alike. */
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

/** A full thread row, messages included (the detail route; the snapshot's rows too). */
export const T3ThreadSchema = z.object({
  ...threadCore,
  deletedAt: nullableIso,
  // Tolerated when absent altogether.
  messages: z.array(T3MessageSchema).default([]),
  activities: z.array(z.unknown()).default([]),
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

/** `GET /api/orchestration/shell` (v0.0.29+): every live project and thread, without bodies. */
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
export type T3ShellThread = z.infer<typeof T3ShellThreadSchema>;
export type T3Shell = z.infer<typeof T3ShellSchema>;
export type T3DispatchResult = z.infer<typeof T3DispatchResultSchema>;
export type T3Environment = z.infer<typeof T3EnvironmentSchema>;

function toMs(iso: string): number;
function toMs(iso: string | null): number | null;
function toMs(iso: string | null): number | null {
  return iso === null ? null : Date.parse(iso);
}

export function toProjectFact(project: Pick<T3Project, "id" | "title" | "workspaceRoot" | "deletedAt">): ProjectFact {
  return {
    id: project.id,
    title: project.title,
    workspaceRoot: project.workspaceRoot,
    deletedAt: toMs(project.deletedAt),
  };
}

export function toLatestTurnFact(turn: T3LatestTurn | null): LatestTurnFact | null {
  if (turn === null) return null;
  return {
    turnId: turn.turnId,
    state: turn.state,
    requestedAt: toMs(turn.requestedAt),
    assistantMessageId: turn.assistantMessageId,
  };
}

function toSessionFact(session: T3Session | null): SessionFact | null {
  if (session === null) return null;
  return { status: session.status, lastError: session.lastError, updatedAt: toMs(session.updatedAt) };
}

export function toThreadFact(thread: T3ShellThread): ThreadFact {
  return {
    id: thread.id,
    projectId: thread.projectId,
    title: thread.title,
    latestTurn: toLatestTurnFact(thread.latestTurn),
    session: toSessionFact(thread.session),
    archivedAt: toMs(thread.archivedAt),
    deletedAt: toMs(thread.deletedAt),
    hasPendingApprovals: thread.hasPendingApprovals,
    hasPendingUserInput: thread.hasPendingUserInput,
  };
}

/** The shell route as the core reads it: projects and threads with their turn state. */
export function toAgentOverview(shell: T3Shell): AgentOverview {
  return { projects: shell.projects.map(toProjectFact), threads: shell.threads.map(toThreadFact) };
}

export function toThreadDetail(thread: Pick<T3Thread, "latestTurn" | "messages">): ThreadDetail {
  return {
    latestTurn: toLatestTurnFact(thread.latestTurn),
    messages: thread.messages.map(({ id, role, text, streaming }) => ({ id, role, text, streaming })),
  };
}
