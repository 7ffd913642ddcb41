// The bare command bodies of T3's `POST /api/orchestration/dispatch`
// (contracts/t3.md, "Commands"). The body IS the command: no wrapper. Every key the
// server requires is written out, even when null, because a missing key is a 400
// (`HttpApiSchemaError`) and an earlier client built on a guessed shape failed exactly so.
// The discriminant is `type`, not `kind`: it is T3's wire field.
//
// Pure: the caller passes `createdAt` (the server overwrites it with its receive time,
// but the field is still required).

import type { RuntimeMode } from "../../core/config/config-types.js";

export type InteractionMode = "default" | "plan";

export interface ModelSelection {
  /** A provider instance slug, e.g. `claudeAgent` or `codex`. */
  readonly instanceId: string;
  readonly model: string;
}

export interface ProjectCreateCommand {
  readonly type: "project.create";
  readonly commandId: string;
  readonly projectId: string;
  readonly title: string;
  readonly workspaceRoot: string;
  readonly createWorkspaceRootIfMissing?: boolean;
  readonly defaultModelSelection?: ModelSelection | null;
  readonly createdAt: string;
}

export interface ThreadCreateCommand {
  readonly type: "thread.create";
  readonly commandId: string;
  readonly threadId: string;
  readonly projectId: string;
  readonly title: string;
  readonly modelSelection: ModelSelection;
  readonly runtimeMode: RuntimeMode;
  readonly interactionMode: InteractionMode;
  readonly branch: string | null;
  readonly worktreePath: string | null;
  readonly createdAt: string;
}

export interface TurnStartCommand {
  readonly type: "thread.turn.start";
  readonly commandId: string;
  readonly threadId: string;
  readonly message: {
    readonly messageId: string;
    readonly role: "user";
    readonly text: string;
    readonly attachments: readonly never[];
  };
  readonly runtimeMode: RuntimeMode;
  readonly interactionMode: InteractionMode;
  readonly createdAt: string;
}

export interface TurnInterruptCommand {
  readonly type: "thread.turn.interrupt";
  readonly commandId: string;
  readonly threadId: string;
  readonly turnId?: string;
  readonly createdAt: string;
}

export type T3Command = ProjectCreateCommand | ThreadCreateCommand | TurnStartCommand | TurnInterruptCommand;

export interface ProjectCreateInput {
  readonly commandId: string;
  readonly projectId: string;
  readonly title: string;
  readonly workspaceRoot: string;
  readonly createWorkspaceRootIfMissing?: boolean;
  readonly defaultModelSelection?: ModelSelection | null;
  readonly createdAt: string;
}

export function toProjectCreate(input: ProjectCreateInput): ProjectCreateCommand {
  return {
    type: "project.create",
    commandId: input.commandId,
    projectId: input.projectId,
    title: input.title,
    workspaceRoot: input.workspaceRoot,
    // Optional keys are omitted rather than sent as `undefined`: JSON has no undefined.
    ...(input.createWorkspaceRootIfMissing === undefined
      ? {}
      : { createWorkspaceRootIfMissing: input.createWorkspaceRootIfMissing }),
    ...(input.defaultModelSelection === undefined
      ? {}
      : { defaultModelSelection: toModelSelection(input.defaultModelSelection) }),
    createdAt: input.createdAt,
  };
}

export interface ThreadCreateInput {
  readonly commandId: string;
  readonly threadId: string;
  readonly projectId: string;
  readonly title: string;
  readonly modelSelection: ModelSelection;
  readonly runtimeMode: RuntimeMode;
  readonly interactionMode?: InteractionMode;
  /** Absent means null: the agent works in the project's checkout. */
  readonly branch?: string | null;
  readonly worktreePath?: string | null;
  readonly createdAt: string;
}

export function toThreadCreate(input: ThreadCreateInput): ThreadCreateCommand {
  return {
    type: "thread.create",
    commandId: input.commandId,
    threadId: input.threadId,
    projectId: input.projectId,
    title: input.title,
    modelSelection: toModelSelection(input.modelSelection),
    runtimeMode: input.runtimeMode,
    interactionMode: input.interactionMode ?? "default",
    branch: input.branch ?? null,
    worktreePath: input.worktreePath ?? null,
    createdAt: input.createdAt,
  };
}

export interface TurnStartInput {
  readonly commandId: string;
  readonly threadId: string;
  readonly messageId: string;
  readonly text: string;
  /** Required on the wire, although the server runs the turn with the thread's stored mode. */
  readonly runtimeMode: RuntimeMode;
  readonly interactionMode?: InteractionMode;
  readonly createdAt: string;
}

export function toTurnStart(input: TurnStartInput): TurnStartCommand {
  return {
    type: "thread.turn.start",
    commandId: input.commandId,
    threadId: input.threadId,
    message: { messageId: input.messageId, role: "user", text: input.text, attachments: [] },
    runtimeMode: input.runtimeMode,
    interactionMode: input.interactionMode ?? "default",
    createdAt: input.createdAt,
  };
}

export interface TurnInterruptInput {
  readonly commandId: string;
  readonly threadId: string;
  /** Absent interrupts whatever turn is active. */
  readonly turnId?: string;
  readonly createdAt: string;
}

export function toTurnInterrupt(input: TurnInterruptInput): TurnInterruptCommand {
  return {
    type: "thread.turn.interrupt",
    commandId: input.commandId,
    threadId: input.threadId,
    ...(input.turnId === undefined ? {} : { turnId: input.turnId }),
    createdAt: input.createdAt,
  };
}

/** Copies only the two wire keys, so a wider object never leaks extra fields onto the wire. */
function toModelSelection(selection: ModelSelection): ModelSelection;
function toModelSelection(selection: ModelSelection | null): ModelSelection | null;
function toModelSelection(selection: ModelSelection | null): ModelSelection | null {
  return selection === null ? null : { instanceId: selection.instanceId, model: selection.model };
}
