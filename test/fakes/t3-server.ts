// A strict fake of T3 Code's orchestration HTTP API (contracts/t3.md): a real HTTP
// server on 127.0.0.1 that rejects whatever the real server rejects. A fake that
// accepts a guessed shape is a defect: an earlier client passed its own tests against
// one and was refused with 400 by the real server.
//
// It enforces, in the server's order: 401 (no or unknown bearer), 403 (missing scope),
// 400 (the body does not decode: no `type`, an unknown type, a missing key, a wrong
// type or enum value; or a relative workspace root), 500 `orchestration_dispatch_failed`
// (unknown project or thread, duplicate project id, duplicate live workspace root,
// duplicate thread id, a command id reused for another aggregate, a command id that
// was rejected before). A repeated accepted command id gets its original `{sequence}`.
//
// A `serverVersion` below 0.0.29 has no shell and no thread detail route (404), as the
// real server had none.
//
// Tests script the agent's side (`startTurn`, `completeTurn`, `failTurnStart`, pending
// input) and failures (`failNext`). After `thread.turn.start`, `latestTurn` stays as it
// was until the test starts the turn, as on the real server.

import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { ScriptedFailures } from "./scripted-failures.js";

export type T3Scope = "orchestration:read" | "orchestration:operate";
export const ALL_T3_SCOPES: readonly T3Scope[] = ["orchestration:read", "orchestration:operate"];
/** The token every fake starts with, holding both scopes. */
export const FAKE_T3_TOKEN = "fake-t3-token";

export type FakeRoute = "dispatch" | "snapshot" | "shell" | "thread" | "environment";
export type FakeFailure = { readonly status: number; readonly body: unknown } | "timeout" | "reset";

export interface FakeRequest {
  readonly method: string;
  readonly path: string;
  /** Null while held ("timeout") or when the connection was reset. */
  status: number | null;
  commandType: string | null;
  /** The thread a dispatched command names (null for project.create and reads). */
  threadId: string | null;
  /** When the request reached the fake (epoch ms, sub-millisecond), for critical paths in benchmarks. */
  readonly startedAt: number;
  /** When the answer was sent; null while held or when the connection was reset. */
  endedAt: number | null;
}

export interface FakeT3Options {
  readonly tokens?: Readonly<Record<string, readonly T3Scope[]>>;
  /** `full`: ≤ v0.0.31 (messages inline); `slim`: ≥ v0.0.32 (messages only on the detail route). */
  readonly snapshotShape?: "full" | "slim";
  readonly serverVersion?: string;
  readonly now?: () => number;
}

// ---------------------------------------------------------------------------
// Wire schemas of the commands, as T3's contracts declare them. Unknown extra keys
// are ignored (as Effect Schema does); missing keys and wrong types are not.

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const trimmedNonEmpty = z
  .string()
  .min(1)
  .refine((value) => value === value.trim(), "must not have surrounding whitespace");
const isoDateTime = z.string().regex(ISO_DATE_TIME, "must be an ISO date-time");
const runtimeMode = z.enum(["approval-required", "auto-accept-edits", "auto", "full-access"]);
const interactionMode = z.enum(["default", "plan"]);
const modelSelection = z.object({
  instanceId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "must be a slug"),
  model: trimmedNonEmpty,
  options: z.unknown().optional(),
});
const imageAttachment = z.object({
  type: z.literal("image"),
  id: trimmedNonEmpty,
  name: trimmedNonEmpty,
  mimeType: z.string().regex(/^image\//i),
  sizeBytes: z.number().int().nonnegative(),
});
const threadCommand = { commandId: trimmedNonEmpty, threadId: trimmedNonEmpty };

const COMMAND_SCHEMAS = {
  "project.create": z.object({
    type: z.literal("project.create"),
    commandId: trimmedNonEmpty,
    projectId: trimmedNonEmpty,
    title: trimmedNonEmpty,
    workspaceRoot: trimmedNonEmpty,
    createWorkspaceRootIfMissing: z.boolean().optional(),
    defaultModelSelection: modelSelection.nullable().optional(),
    createdAt: isoDateTime,
  }),
  "thread.create": z.object({
    type: z.literal("thread.create"),
    ...threadCommand,
    projectId: trimmedNonEmpty,
    title: trimmedNonEmpty,
    modelSelection,
    runtimeMode,
    interactionMode,
    branch: trimmedNonEmpty.nullable(),
    worktreePath: trimmedNonEmpty.nullable(),
    createdAt: isoDateTime,
  }),
  "thread.turn.start": z.object({
    type: z.literal("thread.turn.start"),
    ...threadCommand,
    message: z.object({
      messageId: trimmedNonEmpty,
      role: z.literal("user"),
      text: z.string(),
      attachments: z.array(imageAttachment),
    }),
    modelSelection: modelSelection.optional(),
    titleSeed: trimmedNonEmpty.optional(),
    runtimeMode,
    interactionMode,
    createdAt: isoDateTime,
  }),
  "thread.turn.interrupt": z.object({
    type: z.literal("thread.turn.interrupt"),
    ...threadCommand,
    turnId: trimmedNonEmpty.optional(),
    createdAt: isoDateTime,
  }),
  "thread.delete": z.object({ type: z.literal("thread.delete"), ...threadCommand }),
  "thread.archive": z.object({ type: z.literal("thread.archive"), ...threadCommand }),
  "thread.session.stop": z.object({ type: z.literal("thread.session.stop"), ...threadCommand, createdAt: isoDateTime }),
  "thread.user-input.respond": z.object({
    type: z.literal("thread.user-input.respond"),
    ...threadCommand,
    requestId: trimmedNonEmpty,
    answers: z.record(z.string(), z.unknown()),
    createdAt: isoDateTime,
  }),
  "thread.approval.respond": z.object({
    type: z.literal("thread.approval.respond"),
    ...threadCommand,
    requestId: trimmedNonEmpty,
    decision: z.enum(["accept", "acceptForSession", "decline", "cancel"]),
    createdAt: isoDateTime,
  }),
} as const;

export type FakeCommandType = keyof typeof COMMAND_SCHEMAS;
type Command = { [K in FakeCommandType]: z.infer<(typeof COMMAND_SCHEMAS)[K]> }[FakeCommandType];
export const FAKE_COMMAND_TYPES = Object.keys(COMMAND_SCHEMAS) as FakeCommandType[];

// ---------------------------------------------------------------------------
// The read model, in T3's wire shape.

type TurnState = "running" | "interrupted" | "completed" | "error";
type SessionStatus = "idle" | "starting" | "running" | "ready" | "interrupted" | "stopped" | "error";

export interface FakeLatestTurn {
  turnId: string;
  state: TurnState;
  requestedAt: string;
  startedAt: string | null;
  completedAt: string | null;
  assistantMessageId: string | null;
}

export interface FakeSession {
  threadId: string;
  status: SessionStatus;
  providerName: string | null;
  runtimeMode: string;
  activeTurnId: string | null;
  lastError: string | null;
  updatedAt: string;
}

export interface FakeMessage {
  id: string;
  role: "user" | "assistant" | "system";
  text: string;
  turnId: string | null;
  streaming: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface FakeProject {
  id: string;
  title: string;
  workspaceRoot: string;
  defaultModelSelection: { instanceId: string; model: string } | null;
  scripts: unknown[];
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface FakeThread {
  id: string;
  projectId: string;
  title: string;
  modelSelection: { instanceId: string; model: string };
  runtimeMode: string;
  interactionMode: string;
  branch: string | null;
  worktreePath: string | null;
  latestTurn: FakeLatestTurn | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  deletedAt: string | null;
  messages: FakeMessage[];
  proposedPlans: unknown[];
  activities: unknown[];
  checkpoints: unknown[];
  session: FakeSession | null;
}

/** What the real server keeps beside the row: the agent's side and the shell's flags. */
interface ThreadExtras {
  requestedAt: string | null;
  pendingApprovals: boolean;
  pendingUserInput: boolean;
  turns: number;
}

type Receipt =
  { readonly kind: "accepted"; readonly sequence: number; readonly target: string } | { readonly kind: "rejected" };

export interface CompleteTurnInput {
  readonly text: string;
  readonly state: Exclude<TurnState, "running">;
  readonly lastError?: string;
}

export interface FakeT3 {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  /** Every accepted command body as received, in order (a repeated id is not added twice). */
  readonly commands: readonly Record<string, unknown>[];
  readonly requests: readonly FakeRequest[];
  /** Fail the next `times` requests to a route, or dispatches of a command type (checked after decoding). */
  failNext(target: FakeCommandType | FakeRoute, failure: FakeFailure, times?: number): void;
  /**
   * The next `times` commands of this type break one of T3's invariants: each is refused
   * (500 `orchestration_dispatch_failed`) and its command id stays refused, as on the real
   * server, so a retry with the same id is refused again.
   */
  rejectNext(type: FakeCommandType, times?: number): void;
  /** The agent picks up the requested turn: `latestTurn` running, session running. Returns the turn id. */
  startTurn(threadId: string): string;
  /** The requested turn never starts: `latestTurn` unchanged, session `error` with `lastError`. */
  failTurnStart(threadId: string, lastError: string): void;
  /** The agent finishes (starting the requested turn first if needed), leaving `text` as its message. */
  completeTurn(threadId: string, input: CompleteTurnInput): void;
  setPendingUserInput(threadId: string, pending: boolean): void;
  setPendingApproval(threadId: string, pending: boolean): void;
  /** Rotation: afterwards only `token` is accepted. */
  setToken(token: string, scopes?: readonly T3Scope[]): void;
  setSnapshotShape(shape: "full" | "slim"): void;
  /**
   * How long each answer takes to leave after the request was served (0 by default: at
   * once), as a network would: benchmarks count sequential round trips with it.
   */
  setAnswerDelay(ms: number): void;
  /** A project that exists before the test (e.g. a deleted one, to prove it is ignored). */
  seedProject(project: Partial<FakeProject> & Pick<FakeProject, "id" | "workspaceRoot">): void;
  project(id: string): FakeProject | undefined;
  thread(id: string): FakeThread | undefined;
  close(): Promise<void>;
}

export async function startFakeT3(options: FakeT3Options = {}): Promise<FakeT3> {
  const state = new FakeState(options);
  const server = createServer((req, res) => {
    state.handle(req, res).catch((error: unknown) => {
      // A bug in the fake must show up as a failing test, not a hang.
      if (!res.headersSent) res.writeHead(599, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get commands() {
      return state.commands;
    },
    get requests() {
      return state.requests;
    },
    failNext: (target, failure, times = 1) => state.failNext(target, failure, times),
    rejectNext: (type, times = 1) => state.rejectNext(type, times),
    startTurn: (threadId) => state.startTurn(threadId),
    failTurnStart: (threadId, lastError) => state.failTurnStart(threadId, lastError),
    completeTurn: (threadId, input) => state.completeTurn(threadId, input),
    setPendingUserInput: (threadId, pending) => {
      state.extras(threadId).pendingUserInput = pending;
    },
    setPendingApproval: (threadId, pending) => {
      state.extras(threadId).pendingApprovals = pending;
    },
    setToken: (token, scopes = ALL_T3_SCOPES) => {
      state.tokens = new Map([[token, scopes]]);
    },
    setSnapshotShape: (shape) => {
      state.snapshotShape = shape;
    },
    setAnswerDelay: (ms) => {
      state.answerDelayMs = ms;
    },
    seedProject: (project) => state.seedProject(project),
    project: (id) => state.projects.get(id),
    thread: (id) => state.threads.get(id),
    close: async () => {
      state.releaseHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
    },
  };
}

const ROUTE_SCOPES: Readonly<Record<FakeRoute, T3Scope | null>> = {
  dispatch: "orchestration:operate",
  snapshot: "orchestration:read",
  shell: "orchestration:read",
  thread: "orchestration:read",
  environment: null,
};

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly entry: FakeRequest;
}

class FakeState {
  readonly commands: Record<string, unknown>[] = [];
  readonly requests: FakeRequest[] = [];
  readonly projects = new Map<string, FakeProject>();
  readonly threads = new Map<string, FakeThread>();
  tokens: Map<string, readonly T3Scope[]>;
  snapshotShape: "full" | "slim";
  answerDelayMs = 0;
  private readonly threadExtras = new Map<string, ThreadExtras>();
  private readonly receipts = new Map<string, Receipt>();
  private readonly failures = new ScriptedFailures<string, FakeFailure>();
  private readonly rejections = new ScriptedFailures<FakeCommandType, "rejected">();
  private readonly held = new Set<ServerResponse>();
  private readonly now: () => number;
  private readonly serverVersion: string;
  private sequence = 0;

  constructor(options: FakeT3Options) {
    this.tokens = new Map(Object.entries(options.tokens ?? { [FAKE_T3_TOKEN]: ALL_T3_SCOPES }));
    this.snapshotShape = options.snapshotShape ?? "slim";
    this.serverVersion = options.serverVersion ?? "0.0.33";
    this.now = options.now ?? Date.now;
  }

  // --- HTTP -----------------------------------------------------------------

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.timeOrigin + performance.now();
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const entry: FakeRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      status: null,
      commandType: null,
      threadId: null,
      startedAt,
      endedAt: null,
    };
    this.requests.push(entry);
    const exchange: Exchange = { req, res, entry };
    const route = toRoute(entry.method, url.pathname, this.serverVersion);
    if (route === null)
      return this.send(exchange, 404, {
        _tag: "RouteNotFound",
        message: `no route ${entry.method} ${url.pathname}`,
        traceId: traceId(),
      });
    if (this.fail(exchange, route)) return;
    if (!this.authorize(exchange, ROUTE_SCOPES[route])) return;
    switch (route) {
      case "environment":
        return this.send(exchange, 200, this.environment());
      case "snapshot":
        return this.send(exchange, 200, this.snapshot());
      case "shell":
        return this.send(exchange, 200, this.shell());
      case "thread":
        return this.threadDetail(exchange, decodeURIComponent(url.pathname.slice(THREAD_PREFIX.length)));
      case "dispatch":
        return this.dispatch(exchange, await readBody(req));
    }
  }

  private authorize(exchange: Exchange, scope: T3Scope | null): boolean {
    if (scope === null) return true;
    const header = exchange.req.headers.authorization;
    const match = header === undefined ? null : /^Bearer (\S+)$/.exec(header);
    const scopes = match?.[1] === undefined ? undefined : this.tokens.get(match[1]);
    if (scopes === undefined) {
      const reason = header === undefined ? "missing_credential" : "invalid_credential";
      this.send(exchange, 401, {
        _tag: "EnvironmentAuthInvalidError",
        code: "auth_invalid",
        reason,
        traceId: traceId(),
      });
      return false;
    }
    if (!scopes.includes(scope)) {
      this.send(exchange, 403, {
        _tag: "EnvironmentScopeRequiredError",
        code: "insufficient_scope",
        requiredScope: scope,
        traceId: traceId(),
      });
      return false;
    }
    return true;
  }

  private dispatch(exchange: Exchange, text: string): void {
    const decoded = decodeCommand(text);
    if (!decoded.ok)
      return this.send(exchange, 400, { _tag: "HttpApiSchemaError", message: decoded.message, traceId: traceId() });
    const { command, raw } = decoded;
    exchange.entry.commandType = command.type;
    exchange.entry.threadId = command.type === "project.create" ? null : command.threadId;
    if (this.fail(exchange, command.type)) return;
    // A scripted invariant failure is remembered like a real one: the id is refused for good.
    if (this.rejections.take(command.type) !== undefined && !this.receipts.has(command.commandId))
      this.receipts.set(command.commandId, { kind: "rejected" });
    if (command.type === "project.create" && !command.workspaceRoot.startsWith("/")) {
      return this.send(exchange, 400, {
        _tag: "EnvironmentRequestInvalidError",
        code: "invalid_request",
        reason: "invalid_command",
        traceId: traceId(),
      });
    }
    const sequence = this.accept(command, raw);
    if (sequence === null) {
      return this.send(exchange, 500, {
        _tag: "EnvironmentInternalError",
        code: "internal_error",
        reason: "orchestration_dispatch_failed",
        traceId: traceId(),
      });
    }
    this.send(exchange, 200, { sequence });
  }

  private threadDetail(exchange: Exchange, threadId: string): void {
    const thread = this.threads.get(threadId);
    if (thread === undefined) {
      return this.send(exchange, 404, {
        _tag: "EnvironmentResourceNotFoundError",
        code: "not_found",
        reason: "thread_not_found",
        traceId: traceId(),
      });
    }
    this.send(exchange, 200, { snapshotSequence: this.sequence, thread });
  }

  /** True when a scripted failure answered (or swallowed) the request. */
  private fail(exchange: Exchange, target: string): boolean {
    const failure = this.failures.take(target);
    if (failure === undefined) return false;
    if (failure === "timeout") {
      this.held.add(exchange.res);
    } else if (failure === "reset") {
      exchange.req.socket.destroy();
    } else {
      this.send(exchange, failure.status, failure.body);
    }
    return true;
  }

  failNext(target: string, failure: FakeFailure, times: number): void {
    this.failures.add(target, failure, times);
  }

  rejectNext(type: FakeCommandType, times: number): void {
    this.rejections.add(type, "rejected", times);
  }

  releaseHeld(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }

  private send(exchange: Exchange, status: number, body: unknown): void {
    if (this.answerDelayMs <= 0) return this.write(exchange, status, body);
    setTimeout(() => this.write(exchange, status, body), this.answerDelayMs);
  }

  private write(exchange: Exchange, status: number, body: unknown): void {
    exchange.entry.status = status;
    exchange.entry.endedAt = performance.timeOrigin + performance.now();
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const type = typeof body === "string" ? "text/html" : "application/json";
    exchange.res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
    exchange.res.end(text);
  }

  // --- Commands ---------------------------------------------------------------

  /** The sequence to answer, or null when the command is refused. */
  private accept(command: Command, raw: Record<string, unknown>): number | null {
    const target = command.type === "project.create" ? command.projectId : command.threadId;
    const receipt = this.receipts.get(command.commandId);
    if (receipt !== undefined) {
      return receipt.kind === "accepted" && receipt.target === target ? receipt.sequence : null;
    }
    if (!this.apply(command)) {
      this.receipts.set(command.commandId, { kind: "rejected" });
      return null;
    }
    this.sequence += 1;
    this.receipts.set(command.commandId, { kind: "accepted", sequence: this.sequence, target });
    this.commands.push(raw);
    return this.sequence;
  }

  /** Checks the invariants, then changes the model. False (and no change) when one fails. */
  private apply(command: Command): boolean {
    const at = this.iso();
    if (command.type === "project.create") return this.createProject(command, at);
    if (command.type === "thread.create") return this.createThread(command, at);
    return this.applyToThread(command, at);
  }

  private createProject(command: Extract<Command, { type: "project.create" }>, at: string): boolean {
    if (this.projects.has(command.projectId)) return false;
    if (this.liveProjectAt(command.workspaceRoot) !== undefined) return false;
    this.projects.set(command.projectId, {
      id: command.projectId,
      title: command.title,
      workspaceRoot: command.workspaceRoot,
      defaultModelSelection: command.defaultModelSelection ?? null,
      scripts: [],
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
    });
    return true;
  }

  private createThread(command: Extract<Command, { type: "thread.create" }>, at: string): boolean {
    const project = this.projects.get(command.projectId);
    if (project === undefined || project.deletedAt !== null || this.threads.has(command.threadId)) return false;
    this.threads.set(command.threadId, {
      id: command.threadId,
      projectId: command.projectId,
      title: command.title,
      modelSelection: { instanceId: command.modelSelection.instanceId, model: command.modelSelection.model },
      runtimeMode: command.runtimeMode,
      interactionMode: command.interactionMode,
      branch: command.branch,
      worktreePath: command.worktreePath,
      latestTurn: null,
      createdAt: at,
      updatedAt: at,
      archivedAt: null,
      deletedAt: null,
      messages: [],
      proposedPlans: [],
      activities: [],
      checkpoints: [],
      session: null,
    });
    this.threadExtras.set(command.threadId, {
      requestedAt: null,
      pendingApprovals: false,
      pendingUserInput: false,
      turns: 0,
    });
    return true;
  }

  private applyToThread(command: Exclude<Command, { type: "project.create" | "thread.create" }>, at: string): boolean {
    const thread = this.threads.get(command.threadId);
    if (thread === undefined || thread.deletedAt !== null) return false;
    const extras = this.extras(thread.id);
    thread.updatedAt = at;
    switch (command.type) {
      case "thread.turn.start":
        thread.messages.push({
          id: command.message.messageId,
          role: "user",
          text: command.message.text,
          turnId: null,
          streaming: false,
          createdAt: at,
          updatedAt: at,
        });
        extras.requestedAt = at;
        return true;
      case "thread.turn.interrupt":
        // The provider stops the running turn: T3 shows it interrupted and the session
        // no longer running (an interrupt with no running turn changes nothing).
        if (thread.latestTurn?.state === "running") {
          thread.latestTurn = { ...thread.latestTurn, state: "interrupted", completedAt: at };
          thread.session = this.session(thread, "interrupted", null, null);
        }
        return true;
      case "thread.delete":
        thread.deletedAt = at;
        return true;
      case "thread.archive":
        thread.archivedAt = at;
        return true;
      case "thread.session.stop":
        if (thread.session !== null)
          thread.session = { ...thread.session, status: "stopped", activeTurnId: null, updatedAt: at };
        return true;
      case "thread.user-input.respond":
        extras.pendingUserInput = false;
        return true;
      case "thread.approval.respond":
        extras.pendingApprovals = false;
        return true;
    }
  }

  private liveProjectAt(workspaceRoot: string): FakeProject | undefined {
    return [...this.projects.values()].find(
      (project) => project.deletedAt === null && project.workspaceRoot === workspaceRoot,
    );
  }

  seedProject(project: Partial<FakeProject> & Pick<FakeProject, "id" | "workspaceRoot">): void {
    const at = this.iso();
    this.projects.set(project.id, {
      title: project.id,
      defaultModelSelection: null,
      scripts: [],
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
      ...project,
    });
  }

  // --- The agent's side, scripted by tests ----------------------------------------

  extras(threadId: string): ThreadExtras {
    const extras = this.threadExtras.get(threadId);
    if (extras === undefined) throw new Error(`fake T3: no thread ${threadId}`);
    return extras;
  }

  private liveThread(threadId: string): FakeThread {
    const thread = this.threads.get(threadId);
    if (thread === undefined) throw new Error(`fake T3: no thread ${threadId}`);
    return thread;
  }

  startTurn(threadId: string): string {
    const thread = this.liveThread(threadId);
    const extras = this.extras(threadId);
    if (extras.requestedAt === null) throw new Error(`fake T3: no turn was requested on ${threadId}`);
    const at = this.iso();
    extras.turns += 1;
    const turnId = `${threadId}:turn-${extras.turns}`;
    thread.latestTurn = {
      turnId,
      state: "running",
      requestedAt: extras.requestedAt,
      startedAt: at,
      completedAt: null,
      assistantMessageId: null,
    };
    extras.requestedAt = null;
    thread.session = this.session(thread, "running", turnId, null);
    thread.updatedAt = at;
    return turnId;
  }

  failTurnStart(threadId: string, lastError: string): void {
    const thread = this.liveThread(threadId);
    const extras = this.extras(threadId);
    if (extras.requestedAt === null) throw new Error(`fake T3: no turn was requested on ${threadId}`);
    extras.requestedAt = null;
    thread.session = this.session(thread, "error", null, lastError);
  }

  completeTurn(threadId: string, input: CompleteTurnInput): void {
    const thread = this.liveThread(threadId);
    if (this.extras(threadId).requestedAt !== null) this.startTurn(threadId);
    const turn = thread.latestTurn;
    if (turn === null || turn.state !== "running") throw new Error(`fake T3: no running turn on ${threadId}`);
    const at = this.iso();
    const messageId = `${turn.turnId}:assistant`;
    thread.messages.push({
      id: messageId,
      role: "assistant",
      text: input.text,
      turnId: turn.turnId,
      streaming: false,
      createdAt: at,
      updatedAt: at,
    });
    thread.latestTurn = { ...turn, state: input.state, completedAt: at, assistantMessageId: messageId };
    const status: SessionStatus = input.state === "completed" ? "ready" : input.state;
    const lastError = input.state === "error" ? (input.lastError ?? "the turn failed") : null;
    thread.session = this.session(thread, status, null, lastError);
    thread.updatedAt = at;
  }

  private session(
    thread: FakeThread,
    status: SessionStatus,
    activeTurnId: string | null,
    lastError: string | null,
  ): FakeSession {
    return {
      threadId: thread.id,
      status,
      providerName: thread.modelSelection.instanceId,
      runtimeMode: thread.runtimeMode,
      activeTurnId,
      lastError,
      updatedAt: this.iso(),
    };
  }

  // --- Read routes ---------------------------------------------------------------

  private environment(): Record<string, unknown> {
    return {
      environmentId: "00000000-0000-4000-8000-000000000001",
      label: "fake T3",
      platform: { os: "linux", arch: "x64" },
      serverVersion: this.serverVersion,
      capabilities: { repositoryIdentity: false },
    };
  }

  private snapshot(): Record<string, unknown> {
    const slim = this.snapshotShape === "slim";
    const threads = [...this.threads.values()].map((thread) =>
      slim ? { ...thread, messages: [], activities: [], checkpoints: [] } : thread,
    );
    return { snapshotSequence: this.sequence, projects: [...this.projects.values()], threads, updatedAt: this.iso() };
  }

  private shell(): Record<string, unknown> {
    const projects = [...this.projects.values()]
      .filter((project) => project.deletedAt === null)
      .map(({ deletedAt: _deleted, ...project }) => project);
    const threads = [...this.threads.values()]
      .filter((thread) => thread.deletedAt === null)
      .map((thread) => this.shellThread(thread));
    return { snapshotSequence: this.sequence, projects, threads, updatedAt: this.iso() };
  }

  private shellThread(thread: FakeThread): Record<string, unknown> {
    const {
      messages,
      proposedPlans: _plans,
      activities: _activities,
      checkpoints: _checkpoints,
      deletedAt: _deleted,
      ...row
    } = thread;
    const extras = this.extras(thread.id);
    const latestUser = messages.filter((message) => message.role === "user").at(-1);
    return {
      ...row,
      latestUserMessageAt: latestUser?.createdAt ?? null,
      hasPendingApprovals: extras.pendingApprovals,
      hasPendingUserInput: extras.pendingUserInput,
      hasActionableProposedPlan: false,
    };
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

const THREAD_PREFIX = "/api/orchestration/threads/";

/** Whether a server of `version` has the shell and thread detail routes (contracts/t3.md: from v0.0.29). */
function hasThreadRoutes(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map(Number);
  return major > 0 || minor > 0 || patch >= 29;
}

function toRoute(method: string, path: string, version: string): FakeRoute | null {
  if (method === "POST") return path === "/api/orchestration/dispatch" ? "dispatch" : null;
  if (method !== "GET") return null;
  if (path === "/.well-known/t3/environment") return "environment";
  if (path === "/api/orchestration/snapshot") return "snapshot";
  if (!hasThreadRoutes(version)) return null;
  if (path === "/api/orchestration/shell") return "shell";
  return path.startsWith(THREAD_PREFIX) &&
    path.length > THREAD_PREFIX.length &&
    !path.slice(THREAD_PREFIX.length).includes("/")
    ? "thread"
    : null;
}

type Decoded =
  | { readonly ok: true; readonly command: Command; readonly raw: Record<string, unknown> }
  | { readonly ok: false; readonly message: string };

function decodeCommand(text: string): Decoded {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, message: "the body is not JSON" };
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return { ok: false, message: "the body is not an object" };
  const record = raw as Record<string, unknown>;
  if (!("type" in record)) return { ok: false, message: 'Missing key ["type"]' };
  const schema =
    typeof record.type === "string" && Object.hasOwn(COMMAND_SCHEMAS, record.type)
      ? COMMAND_SCHEMAS[record.type as FakeCommandType]
      : undefined;
  if (schema === undefined) return { ok: false, message: `Unknown command type ${JSON.stringify(record.type)}` };
  const parsed = schema.safeParse(record);
  if (parsed.success) return { ok: true, command: parsed.data as Command, raw: record };
  const issues = parsed.error.issues.map((issue) => `${issue.message} at ["${issue.path.join('"]["')}"]`);
  return { ok: false, message: issues.join("; ") };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function traceId(): string {
  return randomUUID().replace(/-/g, "");
}
