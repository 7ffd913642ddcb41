// Applies the core's effects, in order, stopping at the first failure. Every effect is
// idempotent (deterministic T3 command ids, set-like labels, one comment edited in
// place), so the next reconcile heals a partial application by applying them again.

import type { AgentRunner } from "../ports/agent-runner.js";
import type { Doorbell as DoorbellPort } from "../ports/doorbell.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import { describeError, type Result } from "../ports/result.js";
import { findProjectByWorkspaceRoot } from "../core/observe/agent-threads.js";
import type { OperatorConfig } from "../core/config/config-types.js";
import { renderProgressComment } from "../core/render/render-progress.js";
import type { RenderContext } from "../core/render/render-context.js";
import { renderDoorbell, renderShippedAnnouncement } from "../core/render/render-doorbell.js";
import { assertNever } from "../core/common/assert-never.js";
import { type Effect } from "../core/run/effect.js";
import { type RunEvent } from "../core/run/run-event.js";
import { type RunRecord } from "../core/run/run-types.js";
import type { Log } from "./log.js";

export interface EffectTarget {
  readonly repo: string;
  readonly issue: number;
}

/** The doorbell, when Slack is configured. */
export interface Doorbell {
  readonly client: DoorbellPort;
  readonly channel: string;
}

export interface EffectDeps {
  readonly github: IssueTracker;
  readonly t3: AgentRunner | null;
  readonly config: OperatorConfig;
  readonly render: RenderContext;
  readonly clock: () => number;
  readonly log: Log;
  /** Creates afk's labels in the repo once (with colour and description). */
  readonly ensureLabels: (repo: string) => Promise<Result<void>>;
  /** Queues a reconcile of the repo after the current work (the lock was released). */
  readonly reconcileLater: (repo: string) => void;
  readonly doorbell: Doorbell | null;
}

/** `followUps`: events the effects produced (the doorbell's channel and ts), to apply next. */
export type ApplyResult =
  | { readonly ok: true; readonly commentId: number | null; readonly followUps: readonly RunEvent[] }
  | {
      readonly ok: false;
      readonly commentId: number | null;
      readonly failed: Effect["kind"];
      readonly message: string;
    };

type Step =
  | { readonly ok: true; readonly commentId?: number; readonly followUp?: RunEvent }
  | { readonly ok: false; readonly message: string };

const OK: Step = { ok: true };

function fromPort(result: Result<unknown>, what: string): Step {
  return result.ok ? OK : { ok: false, message: `${what}: ${describeError(result.error)}` };
}

export async function applyEffects(
  effects: readonly Effect[],
  target: EffectTarget,
  commentId: number | null,
  deps: EffectDeps,
): Promise<ApplyResult> {
  let current = commentId;
  const followUps: RunEvent[] = [];
  for (const effect of effects) {
    const step = await applyEffect(effect, target, current, deps);
    if (!step.ok) {
      deps.log.warn({ repo: target.repo, issue: target.issue, effect: effect.kind }, step.message);
      return { ok: false, commentId: current, failed: effect.kind, message: step.message };
    }
    if (step.commentId !== undefined) current = step.commentId;
    if (step.followUp !== undefined) followUps.push(step.followUp);
  }
  return { ok: true, commentId: current, followUps };
}

async function applyEffect(
  effect: Effect,
  target: EffectTarget,
  commentId: number | null,
  deps: EffectDeps,
): Promise<Step> {
  const { github } = deps;
  switch (effect.kind) {
    case "StartThread":
      return startThread(effect, target, deps);
    case "SendTurn":
      return withT3(
        deps,
        (t3) =>
          t3.startTurn({
            commandId: effect.commandId,
            threadId: effect.threadId,
            messageId: effect.messageId,
            text: effect.text,
            runtimeMode: deps.config.t3.runtimeMode,
          }),
        "thread.turn.start",
      );
    case "InterruptTurn":
      return withT3(
        deps,
        (t3) => t3.interruptTurn({ commandId: effect.commandId, threadId: effect.threadId }),
        "thread.turn.interrupt",
      );
    case "AddLabels": {
      const ensured = await deps.ensureLabels(target.repo);
      if (!ensured.ok) return fromPort(ensured, "creating afk's labels");
      return fromPort(
        await github.addLabels(target.repo, target.issue, effect.labels),
        `adding ${effect.labels.join(", ")}`,
      );
    }
    case "RemoveLabels":
      for (const label of effect.labels) {
        const step = fromPort(await github.removeLabel(target.repo, target.issue, label), `removing ${label}`);
        if (!step.ok) return step;
      }
      return OK;
    case "UpsertProgressComment":
      return upsertProgressComment(
        renderProgressComment(effect.record, deps.clock(), deps.render),
        target,
        commentId,
        deps,
      );
    case "PostComment":
      return fromPort(await github.createComment(target.repo, target.issue, effect.body), "posting a comment");
    case "CloseIssue":
      return fromPort(await github.closeIssue(target.repo, target.issue, effect.reason), "closing the issue");
    case "RingDoorbell":
      return ringDoorbell(effect.record, null, deps);
    case "UpdateDoorbell":
      // Only a doorbell that was rung can be updated.
      return effect.record.doorbell === null ? OK : ringDoorbell(effect.record, effect.note, deps);
    case "ReplyInDoorbellThread": {
      if (deps.doorbell === null) return OK;
      const replied = await deps.doorbell.client.replyInThread({
        channel: effect.channel,
        threadTs: effect.threadTs,
        text: effect.text,
      });
      return fromPort(replied, "replying in the doorbell thread");
    }
    case "AnnounceShipped": {
      if (deps.doorbell === null) return OK;
      const posted = await deps.doorbell.client.postMessage({
        channel: deps.doorbell.channel,
        text: renderShippedAnnouncement(effect.record, deps.render.githubUrl),
      });
      // A lost announcement is no reason to redo the ship: say so and go on.
      if (!posted.ok)
        deps.log.warn(
          { repo: target.repo, issue: target.issue },
          `could not announce the ship: ${describeError(posted.error)}`,
        );
      return OK;
    }
    case "ReconcileRepo":
      deps.reconcileLater(effect.repo);
      return OK;
    default:
      return assertNever(effect);
  }
}

/** Posts the doorbell, or updates it in place when the record already names one (DESIGN 8). */
async function ringDoorbell(record: RunRecord, note: string | null, deps: EffectDeps): Promise<Step> {
  if (deps.doorbell === null) {
    deps.log.info(
      { repo: record.repo, issue: record.issue },
      "no Slack doorbell configured; the issue carries the escalation",
    );
    return OK;
  }
  // The record keeps no title: read it (one call per ring; without it the doorbell still rings).
  const issue = await deps.github.getIssue(record.repo, record.issue);
  const issueTitle = issue.ok ? issue.value.title : null;
  const rendered = renderDoorbell(record, {
    githubUrl: deps.render.githubUrl,
    t3BaseUrl: deps.config.t3.baseUrl,
    issueTitle,
    note,
  });
  const { client } = deps.doorbell;
  if (record.doorbell !== null) {
    const updated = await client.updateDoorbell({
      channel: record.doorbell.channel,
      ts: record.doorbell.ts,
      text: rendered.text,
      blocks: rendered.blocks,
    });
    return fromPort(updated, "updating the doorbell");
  }
  const posted = await client.postDoorbell({
    channel: deps.doorbell.channel,
    text: rendered.text,
    blocks: rendered.blocks,
    metadata: rendered.metadata,
  });
  if (!posted.ok) return fromPort(posted, "ringing the doorbell");
  return { ok: true, followUp: { kind: "DoorbellRung", channel: posted.value.channel, ts: posted.value.ts } };
}

async function withT3(
  deps: EffectDeps,
  call: (t3: AgentRunner) => Promise<Result<unknown>>,
  what: string,
): Promise<Step> {
  if (deps.t3 === null) return { ok: false, message: `${what}: T3 is not configured (T3_BASE_URL)` };
  return fromPort(await call(deps.t3), what);
}

async function startThread(
  effect: Extract<Effect, { kind: "StartThread" }>,
  target: EffectTarget,
  deps: EffectDeps,
): Promise<Step> {
  const t3 = deps.t3;
  if (t3 === null) return { ok: false, message: "starting the thread: T3 is not configured (T3_BASE_URL)" };
  const overview = await t3.readOverview();
  if (!overview.ok) return fromPort(overview, "reading T3's projects");
  // T3 refuses a second live project with the same workspace root: reuse the one there.
  let projectId = findProjectByWorkspaceRoot(overview.value.projects, effect.workspaceRoot)?.id ?? null;
  if (projectId === null) {
    const created = await t3.createProject({
      commandId: effect.commandIds.project,
      projectId: effect.projectId,
      title: target.repo,
      workspaceRoot: effect.workspaceRoot,
    });
    if (!created.ok) return fromPort(created, "project.create");
    projectId = effect.projectId;
  }
  const { instanceId, model, runtimeMode } = deps.config.t3;
  const thread = await t3.createThread({
    commandId: effect.commandIds.thread,
    threadId: effect.threadId,
    projectId,
    title: effect.title,
    model: { instanceId, model },
    runtimeMode,
  });
  if (!thread.ok) return fromPort(thread, "thread.create");
  const turn = await t3.startTurn({
    commandId: effect.commandIds.turn,
    threadId: effect.threadId,
    messageId: effect.messageId,
    text: effect.text,
    runtimeMode,
  });
  return fromPort(turn, "thread.turn.start");
}

async function upsertProgressComment(
  body: string,
  target: EffectTarget,
  commentId: number | null,
  deps: EffectDeps,
): Promise<Step> {
  if (commentId !== null) {
    const updated = await deps.github.updateComment(target.repo, commentId, body);
    if (updated.ok) return OK;
    // Deleted by a human: write a new one rather than lose the record.
    if (updated.error.category !== "not-found") return fromPort(updated, "editing the progress comment");
  }
  const created = await deps.github.createComment(target.repo, target.issue, body);
  if (!created.ok) return fromPort(created, "creating the progress comment");
  return { ok: true, commentId: created.value.id };
}
