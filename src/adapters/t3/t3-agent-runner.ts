// The agent port over T3 Code (contracts/t3.md): the port's inputs become T3's wire
// commands, and T3's routes become the core's facts. The shell route gives the overview
// (projects and threads with their turn state and pending flags, one read for all runs),
// the thread detail route the messages, the environment route the version.
//
// Every command goes out with each key the server requires, nulls included:
// `project.create` creates a missing workspace root; `thread.create` starts in the
// project's checkout (no branch, no worktree) in the default interaction mode; a turn
// is a plain user message without attachments; an interrupt names no turn (whatever is
// active). `createdAt` is stamped from afk's clock, as the contract requires, although
// T3 replaces it with its own receive time.

import type { AgentRunner } from "../../ports/agent-runner.js";
import type { Result } from "../../ports/result.js";
import { createT3Client, type T3ClientOptions } from "./t3-client.js";
import { toProjectCreate, toThreadCreate, toTurnInterrupt, toTurnStart, type T3Command } from "./t3-commands.js";
import { toAgentOverview, toThreadDetail } from "./t3-read-model.js";

export interface T3AgentRunnerOptions extends T3ClientOptions {
  /** Stamps `createdAt` on commands. */
  readonly now?: () => number;
}

function mapValue<T, U>(result: Result<T>, map: (value: T) => U): Result<U> {
  return result.ok ? { ok: true, value: map(result.value) } : result;
}

export function createT3AgentRunner(options: T3AgentRunnerOptions): AgentRunner {
  const t3 = createT3Client(options);
  const now = options.now ?? Date.now;
  const createdAt = (): string => new Date(now()).toISOString();
  const dispatch = async (command: T3Command): Promise<Result<void>> =>
    mapValue(await t3.dispatch(command), () => undefined);

  return {
    readVersion: async () => mapValue(await t3.environment(), (environment) => environment.serverVersion),
    readOverview: async () => mapValue(await t3.shell(), toAgentOverview),
    readThread: async (threadId) => mapValue(await t3.thread(threadId), toThreadDetail),
    createProject: (input) =>
      dispatch(
        toProjectCreate({
          commandId: input.commandId,
          projectId: input.projectId,
          title: input.title,
          workspaceRoot: input.workspaceRoot,
          createWorkspaceRootIfMissing: true,
          createdAt: createdAt(),
        }),
      ),
    createThread: (input) =>
      dispatch(
        toThreadCreate({
          commandId: input.commandId,
          threadId: input.threadId,
          projectId: input.projectId,
          title: input.title,
          modelSelection: input.model,
          runtimeMode: input.runtimeMode,
          interactionMode: "default",
          branch: null,
          worktreePath: null,
          createdAt: createdAt(),
        }),
      ),
    startTurn: (input) =>
      dispatch(
        toTurnStart({
          commandId: input.commandId,
          threadId: input.threadId,
          messageId: input.messageId,
          text: input.text,
          runtimeMode: input.runtimeMode,
          interactionMode: "default",
          createdAt: createdAt(),
        }),
      ),
    interruptTurn: (input) =>
      dispatch(toTurnInterrupt({ commandId: input.commandId, threadId: input.threadId, createdAt: createdAt() })),
    close: () => t3.close(),
  };
}
