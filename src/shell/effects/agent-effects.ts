// The effects on the agent (T3): start a thread with its opening turn, send a turn,
// interrupt. Command ids are deterministic, so a repeat after a crash creates nothing
// twice (contracts/t3.md, "Idempotency").

import { findProjectByWorkspaceRoot } from "../../core/observe/agent-threads.js";
import type { Effect } from "../../core/run/effect.js";
import type { AgentRunner } from "../../ports/agent-runner.js";
import type { Result } from "../../ports/result.js";
import { fromPort, OK, type EffectDeps, type EffectTarget, type Step } from "./effect-step.js";

function noAgent(what: string): Step {
  return { ok: false, message: `${what}: T3 is not configured (T3_BASE_URL)`, error: null };
}

async function call(
  deps: EffectDeps,
  what: string,
  run: (agent: AgentRunner) => Promise<Result<unknown>>,
): Promise<Step> {
  return deps.agent === null ? noAgent(what) : fromPort(await run(deps.agent), what);
}

export function sendTurn(effect: Extract<Effect, { kind: "SendTurn" }>, deps: EffectDeps): Promise<Step> {
  return call(deps, "thread.turn.start", (agent) =>
    agent.startTurn({
      commandId: effect.commandId,
      threadId: effect.threadId,
      messageId: effect.messageId,
      text: effect.text,
      runtimeMode: deps.config.t3.runtimeMode,
    }),
  );
}

/**
 * T3 refuses every command on a thread it no longer has (deleted, or never known): then
 * nothing is left to stop, and the run must still be able to end (escalate, cancel, ship).
 * Any other refusal stands.
 */
export async function interruptTurn(
  effect: Extract<Effect, { kind: "InterruptTurn" }>,
  deps: EffectDeps,
): Promise<Step> {
  const what = "thread.turn.interrupt";
  const agent = deps.agent;
  if (agent === null) return noAgent(what);
  const interrupted = await agent.interruptTurn({ commandId: effect.commandId, threadId: effect.threadId });
  if (interrupted.ok || interrupted.error.category !== "rejected") return fromPort(interrupted, what);
  const overview = await agent.readOverview();
  const gone = overview.ok && !overview.value.threads.some((thread) => thread.id === effect.threadId);
  if (!gone) return fromPort(interrupted, what);
  deps.log.info({ thread: effect.threadId }, "T3 no longer has the thread: nothing to interrupt; the run goes on");
  return OK;
}

/**
 * The project (found by its checkout among T3's projects, as the reconcile read them or
 * read now, else created), the thread, then the opening turn.
 */
export async function startThread(
  effect: Extract<Effect, { kind: "StartThread" }>,
  target: EffectTarget,
  deps: EffectDeps,
): Promise<Step> {
  const agent = deps.agent;
  if (agent === null) return noAgent("starting the thread");
  let projects = deps.projects ?? null;
  if (projects === null) {
    const overview = await agent.readOverview();
    if (!overview.ok) return fromPort(overview, "reading T3's projects");
    projects = overview.value.projects;
  }
  // T3 refuses a second live project with the same workspace root: reuse the one there.
  let projectId = findProjectByWorkspaceRoot(projects, effect.workspaceRoot)?.id ?? null;
  if (projectId === null) {
    const created = await agent.createProject({
      commandId: effect.commandIds.project,
      projectId: effect.projectId,
      title: target.repo,
      workspaceRoot: effect.workspaceRoot,
    });
    if (!created.ok) return fromPort(created, "project.create");
    projectId = effect.projectId;
  }
  const { instanceId, model, runtimeMode } = deps.config.t3;
  const thread = await agent.createThread({
    commandId: effect.commandIds.thread,
    threadId: effect.threadId,
    projectId,
    title: effect.title,
    model: { instanceId, model },
    runtimeMode,
  });
  if (!thread.ok) return fromPort(thread, "thread.create");
  const turn = await agent.startTurn({
    commandId: effect.commandIds.turn,
    threadId: effect.threadId,
    messageId: effect.messageId,
    text: effect.text,
    runtimeMode,
  });
  return fromPort(turn, "thread.turn.start");
}
