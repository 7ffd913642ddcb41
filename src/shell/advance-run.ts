// One event for one run: the core's transition, then its effects in order; the index
// keeps the new record only once every effect is applied (otherwise the next reconcile
// redoes it with the same ids). Events the effects produced (the doorbell's channel and
// ts) are applied right after.

import { transition } from "../core/run/transition.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { RunRecord } from "../core/run/run-types.js";
import { applyEffects } from "./apply-effects.js";
import type { EffectDeps } from "./effects/effect-step.js";
import type { RunIndex } from "./run-index.js";

export interface AdvanceDeps extends EffectDeps {
  readonly index: RunIndex;
}

/** The run's record after the event, or null when an effect failed (logged by the runner). */
export async function advanceRun(record: RunRecord, event: RunEvent, deps: AdvanceDeps): Promise<RunRecord | null> {
  const next = transition(record, event, deps.clock(), { config: deps.config });
  const commentId = deps.index.get(record.repo, record.issue)?.commentId ?? null;
  if (next.effects.length === 0) {
    if (next.record !== record) deps.index.set(record.repo, record.issue, { record: next.record, commentId });
    return next.record;
  }
  const applied = await applyEffects(next.effects, { repo: record.repo, issue: record.issue }, commentId, deps);
  if (!applied.ok) return null;
  deps.index.set(record.repo, record.issue, { record: next.record, commentId: applied.commentId });
  return applyFollowUps(next.record, applied.followUps, deps);
}

/** Applies the events the effects produced, in order; null when one of them failed. */
export async function applyFollowUps(
  record: RunRecord,
  followUps: readonly RunEvent[],
  deps: AdvanceDeps,
): Promise<RunRecord | null> {
  let current = record;
  for (const followUp of followUps) {
    const after = await advanceRun(current, followUp, deps);
    if (after === null) return null;
    current = after;
  }
  return current;
}
