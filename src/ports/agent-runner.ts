// The agent port, over T3 Code (contracts/t3.md): start a thread with a task, send it
// more turns, interrupt it, and read how its turns went. Command ids are chosen by afk
// (deterministic UUIDv5): T3 answers a repeated accepted id with the original result
// and a rejected one with the same rejection (`rejected`), so a retry is always safe.

import type { RuntimeMode } from "../core/config/config-types.js";
import type { AgentOverview, ThreadDetail } from "../core/observe/agent-threads.js";
import type { Result } from "./result.js";

export interface ProjectInput {
  readonly commandId: string;
  readonly projectId: string;
  readonly title: string;
  /** The checkout the agent works in; created when missing. */
  readonly workspaceRoot: string;
}

export interface ThreadInput {
  readonly commandId: string;
  readonly threadId: string;
  readonly projectId: string;
  readonly title: string;
  readonly model: { readonly instanceId: string; readonly model: string };
  readonly runtimeMode: RuntimeMode;
}

export interface TurnInput {
  readonly commandId: string;
  readonly threadId: string;
  readonly messageId: string;
  readonly text: string;
  readonly runtimeMode: RuntimeMode;
}

export interface InterruptInput {
  readonly commandId: string;
  readonly threadId: string;
}

export interface AgentRunner {
  /** The server's version (unauthenticated): readiness, and the version gate at start. */
  readVersion(): Promise<Result<string>>;
  /** Every live project and thread with its turn state, in one read (T3's shell route). */
  readOverview(): Promise<Result<AgentOverview>>;
  /** One thread with its messages; `not-found` when T3 does not know it. */
  readThread(threadId: string): Promise<Result<ThreadDetail>>;
  createProject(input: ProjectInput): Promise<Result<void>>;
  createThread(input: ThreadInput): Promise<Result<void>>;
  startTurn(input: TurnInput): Promise<Result<void>>;
  interruptTurn(input: InterruptInput): Promise<Result<void>>;
  close(): Promise<void>;
}
