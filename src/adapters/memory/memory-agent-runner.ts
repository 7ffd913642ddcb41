// The agent twin, standing for T3 Code (contracts/t3.md). It enforces what the server
// enforces: a body that does not decode is refused (400), and so is a command that breaks
// an invariant (500 `orchestration_dispatch_failed`): an unknown or deleted project or
// thread, a duplicate project or thread id, a second live project on one workspace root.
// Both are `rejected`. Command ids are idempotent as T3's are: an accepted id answers the
// same again and changes nothing, a rejected id is rejected again, and an id reused for
// another project or thread is rejected.
//
// Turns, as on the real server: after `startTurn`, `latestTurn` stays as it was until
// the agent picks the turn up (`pickUpTurn`, or `endTurn`, which picks it up first);
// `requestedAt` is the twin's clock at the request. The test plays the agent with
// `endTurn`, `failTurnStart`, `askQuestion`; and the operator with `deleteThread`,
// `archiveThread`, `setVersion`.

import type { AgentOverview, LatestTurnFact, ThreadDetail, ThreadFact } from "../../core/observe/agent-threads.js";
import type { AgentRunner, InterruptInput, ProjectInput, ThreadInput, TurnInput } from "../../ports/agent-runner.js";
import { failure, ok, OK_VOID, type Result } from "../../ports/result.js";
import { validateCommand, type AgentCommand } from "./agent-commands.js";
import { AgentWorld, type AgentSnapshot, type EndTurnInput } from "./agent-world.js";
import { Knobs, TWIN_EPOCH_MS } from "./knobs.js";

export interface MemoryAgentRunnerOptions {
  readonly now?: () => number;
  /** `serverVersion` of `/.well-known/t3/environment`. */
  readonly version?: string;
}

type Receipt = { readonly kind: "accepted"; readonly target: string } | { readonly kind: "rejected" };

const DISPATCH = "POST /api/orchestration/dispatch";

export class MemoryAgentRunner implements AgentRunner {
  readonly knobs = new Knobs<AgentRunner>("t3", ["createProject", "createThread", "startTurn", "interruptTurn"]);
  readonly #state: AgentWorld;
  readonly #receipts = new Map<string, Receipt>();
  readonly #commands: AgentCommand[] = [];
  #version: string;
  #traces = 0;

  constructor(options: MemoryAgentRunnerOptions = {}) {
    this.#state = new AgentWorld(options.now ?? (() => TWIN_EPOCH_MS));
    this.#version = options.version ?? "0.0.33";
  }

  // --- The port. ---

  readVersion(): Promise<Result<string>> {
    return this.knobs.run("readVersion", [], () => ok(this.#version));
  }

  readOverview(): Promise<Result<AgentOverview>> {
    return this.knobs.run("readOverview", [], () => ok(this.#state.overview()));
  }

  readThread(threadId: string): Promise<Result<ThreadDetail>> {
    return this.knobs.run("readThread", [threadId], () => {
      const detail = this.#state.detail(threadId);
      if (detail !== null) return ok(detail);
      return failure("t3", "not-found", `T3 GET /api/orchestration/threads/${threadId} answered 404`, {
        status: 404,
        detail: "EnvironmentResourceNotFoundError",
        traceId: this.#trace(),
      });
    });
  }

  createProject(input: ProjectInput): Promise<Result<void>> {
    return this.knobs.run("createProject", [input], () =>
      this.#dispatch({ type: "project.create", ...input }, input.projectId, () => this.#state.createProject(input)),
    );
  }

  createThread(input: ThreadInput): Promise<Result<void>> {
    return this.knobs.run("createThread", [input], () =>
      this.#dispatch({ type: "thread.create", ...input }, input.threadId, () => this.#state.createThread(input)),
    );
  }

  startTurn(input: TurnInput): Promise<Result<void>> {
    return this.knobs.run("startTurn", [input], () =>
      this.#dispatch({ type: "thread.turn.start", ...input }, input.threadId, () => this.#state.requestTurn(input)),
    );
  }

  interruptTurn(input: InterruptInput): Promise<Result<void>> {
    return this.knobs.run("interruptTurn", [input], () =>
      this.#dispatch({ type: "thread.turn.interrupt", ...input }, input.threadId, () =>
        this.#state.interrupt(input.threadId),
      ),
    );
  }

  async close(): Promise<void> {
    // Nothing to release: the twin holds no connections.
  }

  // --- The agent's and the operator's side, played by the test. ---

  /** The agent picks up the requested turn: `latestTurn` running, session running. Returns the turn id. */
  pickUpTurn(threadId: string): string {
    return this.#state.pickUp(threadId);
  }

  /** The requested turn never starts: `latestTurn` unchanged, session `error` with `lastError`. */
  failTurnStart(threadId: string, lastError: string): void {
    this.#state.failTurnStart(threadId, lastError);
  }

  /** The agent finishes its turn (picking up a requested one first), leaving `text` as its last message. */
  endTurn(threadId: string, input: EndTurnInput): void {
    this.#state.endTurn(threadId, input);
  }

  /** The agent waits on a person (`hasPendingUserInput`); it stays `running` meanwhile. */
  askQuestion(threadId: string): void {
    this.#state.setPending(threadId, "user-input", true);
  }

  answerQuestion(threadId: string): void {
    this.#state.setPending(threadId, "user-input", false);
  }

  askApproval(threadId: string): void {
    this.#state.setPending(threadId, "approval", true);
  }

  deleteThread(threadId: string): void {
    this.#state.remove(threadId, "deleted");
  }

  archiveThread(threadId: string): void {
    this.#state.remove(threadId, "archived");
  }

  deleteProject(projectId: string): void {
    this.#state.deleteProject(projectId);
  }

  /** A project that exists before the test (a deleted one too, to prove it is ignored). */
  seedProject(project: { readonly id: string; readonly workspaceRoot: string; readonly deleted?: boolean }): void {
    this.#state.seedProject(project);
  }

  setVersion(version: string): void {
    this.#version = version;
  }

  // --- Reading the twin. ---

  /** Every accepted command, in order (a repeated id is not added twice). */
  get commands(): readonly AgentCommand[] {
    return this.#commands;
  }

  thread(threadId: string): ThreadFact | null {
    return this.#state.row(threadId);
  }

  latestTurn(threadId: string): LatestTurnFact | null {
    return this.#state.row(threadId)?.latestTurn ?? null;
  }

  snapshot(): AgentSnapshot {
    return this.#state.snapshot();
  }

  // --- Dispatch, as the server does it. ---

  #dispatch(command: AgentCommand, target: string, apply: () => boolean): Result<void> {
    const invalid = validateCommand(command);
    if (invalid !== null) {
      return failure("t3", "rejected", `T3 ${DISPATCH} answered 400 HttpApiSchemaError: ${invalid}`, {
        status: 400,
        detail: "HttpApiSchemaError",
        traceId: this.#trace(),
      });
    }
    const receipt = this.#receipts.get(command.commandId);
    if (receipt !== undefined) {
      return receipt.kind === "accepted" && receipt.target === target ? OK_VOID : this.#refused(command);
    }
    if (!apply()) {
      this.#receipts.set(command.commandId, { kind: "rejected" });
      return this.#refused(command);
    }
    this.#receipts.set(command.commandId, { kind: "accepted", target });
    this.#commands.push(command);
    return OK_VOID;
  }

  #refused(command: AgentCommand): Result<never> {
    // T3's body does not say which invariant failed; its logs do, under the trace id.
    return failure(
      "t3",
      "rejected",
      `T3 ${DISPATCH} answered 500 EnvironmentInternalError/internal_error/orchestration_dispatch_failed (${command.type})`,
      { status: 500, detail: "EnvironmentInternalError", traceId: this.#trace() },
    );
  }

  #trace(): string {
    this.#traces += 1;
    return `trace-${this.#traces}`;
  }
}
