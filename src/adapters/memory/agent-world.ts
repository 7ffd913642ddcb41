// The agent twin's projects and threads, in the core's fact shapes (T3's read model as
// afk reads it). The invariants T3 enforces are checked here and answered as false (a
// refused command changes nothing); a mistake in the test's script of the agent throws.

import {
  findProjectByWorkspaceRoot,
  isLiveThread,
  type AgentOverview,
  type LatestTurnFact,
  type MessageFact,
  type ProjectFact,
  type SessionFact,
  type ThreadDetail,
  type ThreadFact,
} from "../../core/observe/agent-threads.js";
import type { ProjectInput, ThreadInput, TurnInput } from "../../ports/agent-runner.js";

export interface EndTurnInput {
  readonly state: "completed" | "interrupted" | "error";
  /** The agent's last message (its status line, say). */
  readonly text: string;
  /** `session.lastError` for a turn that ended in error. */
  readonly lastError?: string;
}

interface Thread {
  readonly id: string;
  readonly projectId: string;
  readonly title: string;
  latestTurn: LatestTurnFact | null;
  session: SessionFact | null;
  readonly messages: MessageFact[];
  archivedAt: number | null;
  deletedAt: number | null;
  pendingUserInput: boolean;
  pendingApprovals: boolean;
  /** When a turn was requested and the agent has not picked it up yet. */
  requestedAt: number | null;
  turns: number;
}

export interface AgentSnapshot {
  readonly projects: readonly ProjectFact[];
  readonly threads: readonly {
    readonly id: string;
    readonly projectId: string;
    readonly title: string;
    readonly live: boolean;
    readonly turnState: LatestTurnFact["state"] | null;
    readonly sessionStatus: SessionFact["status"] | null;
    readonly turnRequested: boolean;
    readonly pendingUserInput: boolean;
    readonly messages: readonly { readonly role: MessageFact["role"]; readonly text: string }[];
  }[];
}

export class AgentWorld {
  readonly #projects = new Map<string, ProjectFact>();
  readonly #threads = new Map<string, Thread>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  createProject(input: ProjectInput): boolean {
    if (this.#projects.has(input.projectId)) return false;
    if (findProjectByWorkspaceRoot([...this.#projects.values()], input.workspaceRoot) !== null) return false;
    this.#projects.set(input.projectId, {
      id: input.projectId,
      title: input.title,
      workspaceRoot: input.workspaceRoot,
      deletedAt: null,
    });
    return true;
  }

  seedProject(project: { readonly id: string; readonly workspaceRoot: string; readonly deleted?: boolean }): void {
    const deletedAt = project.deleted === true ? this.#now() : null;
    this.#projects.set(project.id, {
      id: project.id,
      title: project.id,
      workspaceRoot: project.workspaceRoot,
      deletedAt,
    });
  }

  deleteProject(projectId: string): void {
    const project = this.#projects.get(projectId);
    if (project === undefined) throw new Error(`memory T3: no project ${projectId}`);
    this.#projects.set(projectId, { ...project, deletedAt: this.#now() });
  }

  createThread(input: ThreadInput): boolean {
    const project = this.#projects.get(input.projectId);
    if (project === undefined || project.deletedAt !== null || this.#threads.has(input.threadId)) return false;
    this.#threads.set(input.threadId, {
      id: input.threadId,
      projectId: input.projectId,
      title: input.title,
      latestTurn: null,
      session: null,
      messages: [],
      archivedAt: null,
      deletedAt: null,
      pendingUserInput: false,
      pendingApprovals: false,
      requestedAt: null,
      turns: 0,
    });
    return true;
  }

  requestTurn(input: TurnInput): boolean {
    const thread = this.#threads.get(input.threadId);
    if (thread === undefined || thread.deletedAt !== null) return false;
    thread.messages.push({ id: input.messageId, role: "user", text: input.text, streaming: false });
    thread.requestedAt = this.#now();
    return true;
  }

  /** Interrupting stops the running (or requested) turn; with none, it changes nothing. */
  interrupt(threadId: string): boolean {
    const thread = this.#threads.get(threadId);
    if (thread === undefined || thread.deletedAt !== null) return false;
    if (thread.requestedAt !== null) this.pickUp(threadId);
    const turn = thread.latestTurn;
    if (turn?.state === "running") {
      thread.latestTurn = { ...turn, state: "interrupted" };
      thread.session = this.#session("interrupted", null);
      thread.pendingUserInput = false;
    }
    return true;
  }

  pickUp(threadId: string): string {
    const thread = this.#thread(threadId);
    if (thread.requestedAt === null) throw new Error(`memory T3: no turn was requested on ${threadId}`);
    thread.turns += 1;
    const turnId = `${threadId}:turn-${thread.turns}`;
    thread.latestTurn = { turnId, state: "running", requestedAt: thread.requestedAt, assistantMessageId: null };
    thread.requestedAt = null;
    thread.session = this.#session("running", null);
    return turnId;
  }

  failTurnStart(threadId: string, lastError: string): void {
    const thread = this.#thread(threadId);
    if (thread.requestedAt === null) throw new Error(`memory T3: no turn was requested on ${threadId}`);
    thread.requestedAt = null;
    thread.session = this.#session("error", lastError);
  }

  endTurn(threadId: string, input: EndTurnInput): void {
    const thread = this.#thread(threadId);
    if (thread.requestedAt !== null) this.pickUp(threadId);
    const turn = thread.latestTurn;
    if (turn === null || turn.state !== "running") throw new Error(`memory T3: no running turn on ${threadId}`);
    const messageId = `${turn.turnId}:assistant`;
    thread.messages.push({ id: messageId, role: "assistant", text: input.text, streaming: false });
    thread.latestTurn = { ...turn, state: input.state, assistantMessageId: messageId };
    const status = input.state === "completed" ? "ready" : input.state;
    thread.session = this.#session(status, input.state === "error" ? (input.lastError ?? "the turn failed") : null);
    thread.pendingUserInput = false;
    thread.pendingApprovals = false;
  }

  /** The agent waits on a person; it picks up a requested turn first, to be running at all. */
  setPending(threadId: string, on: "user-input" | "approval", pending: boolean): void {
    const thread = this.#thread(threadId);
    if (pending && thread.requestedAt !== null) this.pickUp(threadId);
    if (on === "user-input") thread.pendingUserInput = pending;
    else thread.pendingApprovals = pending;
  }

  remove(threadId: string, how: "deleted" | "archived"): void {
    const thread = this.#thread(threadId);
    if (how === "deleted") thread.deletedAt = this.#now();
    else thread.archivedAt = this.#now();
  }

  /** The shell route: live projects, threads that were not deleted (archived ones stay). */
  overview(): AgentOverview {
    return {
      projects: [...this.#projects.values()].filter((project) => project.deletedAt === null),
      threads: [...this.#threads.values()].filter((thread) => thread.deletedAt === null).map(toThreadFact),
    };
  }

  /** The thread detail route; T3 keeps deleted rows, so only an unknown id is null (404). */
  detail(threadId: string): ThreadDetail | null {
    const thread = this.#threads.get(threadId);
    return thread === undefined ? null : { latestTurn: thread.latestTurn, messages: [...thread.messages] };
  }

  row(threadId: string): ThreadFact | null {
    const thread = this.#threads.get(threadId);
    return thread === undefined ? null : toThreadFact(thread);
  }

  snapshot(): AgentSnapshot {
    return {
      projects: [...this.#projects.values()],
      threads: [...this.#threads.values()].map((thread) => ({
        id: thread.id,
        projectId: thread.projectId,
        title: thread.title,
        live: isLiveThread(thread),
        turnState: thread.latestTurn?.state ?? null,
        sessionStatus: thread.session?.status ?? null,
        turnRequested: thread.requestedAt !== null,
        pendingUserInput: thread.pendingUserInput,
        messages: thread.messages.map(({ role, text }) => ({ role, text })),
      })),
    };
  }

  #thread(threadId: string): Thread {
    const thread = this.#threads.get(threadId);
    if (thread === undefined) throw new Error(`memory T3: no thread ${threadId}`);
    return thread;
  }

  #session(status: SessionFact["status"], lastError: string | null): SessionFact {
    return { status, lastError, updatedAt: this.#now() };
  }
}

function toThreadFact(thread: Thread): ThreadFact {
  return {
    id: thread.id,
    projectId: thread.projectId,
    title: thread.title,
    latestTurn: thread.latestTurn,
    session: thread.session,
    archivedAt: thread.archivedAt,
    deletedAt: thread.deletedAt,
    hasPendingApprovals: thread.pendingApprovals,
    hasPendingUserInput: thread.pendingUserInput,
  };
}
