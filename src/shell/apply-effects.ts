// Applies the core's effects, in order, stopping at the first failure. Every effect is
// idempotent (deterministic T3 command ids, set-like labels, one comment edited in
// place), so the next reconcile heals a partial application by applying them again.

import { assertNever } from "../core/common/assert-never.js";
import type { Effect } from "../core/run/effect.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { PortError } from "../ports/result.js";
import { interruptTurn, sendTurn, startThread } from "./effects/agent-effects.js";
import { announceShipped, replyInThread, ringDoorbell } from "./effects/doorbell-effects.js";
import { fromPort, OK, type EffectDeps, type EffectTarget, type Step } from "./effects/effect-step.js";
import { addLabels, postNotice, removeLabels, upsertProgressComment } from "./effects/issue-effects.js";
import { errorFields } from "./log.js";

/** `followUps`: events the effects produced (the doorbell's channel and ts), to apply next. */
export type ApplyResult =
  | { readonly ok: true; readonly commentId: number | null; readonly followUps: readonly RunEvent[] }
  | {
      readonly ok: false;
      readonly commentId: number | null;
      readonly failed: Effect["kind"];
      readonly message: string;
      readonly error: PortError | null;
      /** How many effects were applied before the one that failed. */
      readonly applied: number;
    };

/** Told of each effect once it is applied, before the next one starts. */
export type EffectListener = (effect: Effect) => void;

export async function applyEffects(
  effects: readonly Effect[],
  target: EffectTarget,
  commentId: number | null,
  deps: EffectDeps,
  onApplied?: EffectListener,
): Promise<ApplyResult> {
  let current = commentId;
  const followUps: RunEvent[] = [];
  for (const [applied, effect] of effects.entries()) {
    const step = await applyEffect(effect, target, current, deps);
    if (!step.ok) {
      deps.log.warn(
        { effect: effect.kind, ...(step.error === null ? {} : errorFields(step.error)) },
        `${step.message}; the next delivery or sweep applies it again with the same ids`,
      );
      const { message, error } = step;
      return { ok: false, commentId: current, failed: effect.kind, message, error, applied };
    }
    if (step.commentId !== undefined) current = step.commentId;
    if (step.followUp !== undefined) followUps.push(step.followUp);
    onApplied?.(effect);
  }
  return { ok: true, commentId: current, followUps };
}

async function applyEffect(
  effect: Effect,
  target: EffectTarget,
  commentId: number | null,
  deps: EffectDeps,
): Promise<Step> {
  switch (effect.kind) {
    case "StartThread":
      return startThread(effect, target, deps);
    case "SendTurn":
      return sendTurn(effect, deps);
    case "InterruptTurn":
      return interruptTurn(effect, deps);
    case "AddLabels":
      return addLabels(effect, target, deps);
    case "RemoveLabels":
      return removeLabels(effect, target, deps);
    case "UpsertProgressComment":
      return upsertProgressComment(effect.record, target, commentId, deps);
    case "PostNotice":
      return postNotice(effect, target, deps);
    case "CloseIssue":
      return fromPort(await deps.issues.closeIssue(target.repo, target.issue, effect.reason), "closing the issue");
    case "ReopenIssue":
      return fromPort(await deps.issues.reopenIssue(target.repo, target.issue), "reopening the issue");
    case "RingDoorbell":
      return ringDoorbell(effect.record, null, deps, effect.mayHaveRung);
    case "UpdateDoorbell":
      // Only a doorbell that was rung can be updated.
      return effect.record.doorbell === null ? OK : ringDoorbell(effect.record, effect.note, deps);
    case "ReplyInDoorbellThread":
      return replyInThread(effect, deps);
    case "AnnounceShipped":
      return announceShipped(effect.record, deps);
    case "ReconcileRepo":
      deps.reconcileLater(effect.repo, effect.whenQueued);
      return OK;
    default:
      return assertNever(effect);
  }
}
