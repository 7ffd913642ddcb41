// One event for one run: the core's transition, then its effects in order. The index
// keeps the new record once the progress comment holds it. When an effect fails, the run
// is marked for a check: a failed write may have landed all the same (the answer timed
// out), so the next look reads the progress comment back from GitHub and finishes the
// run from the record it holds (check-runs.ts, core/run/converge.ts); when the record was
// not written, the next reconcile redoes the transition with the same ids. Events the
// effects produced (the doorbell's channel and ts, or why it could not ring) are applied
// right after; one that could not be written down is kept in the index for the next
// check to write.

import type { Effect } from "../core/run/effect.js";
import { transition } from "../core/run/transition.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { RunRecord } from "../core/run/run-types.js";
import type { PortError } from "../ports/result.js";
import { applyEffects, type EffectListener } from "./apply-effects.js";
import type { EffectDeps } from "./effects/effect-step.js";
import type { RunIndex } from "./run-index.js";

export interface AdvanceDeps extends EffectDeps {
  readonly index: RunIndex;
}

export type AdvanceResult =
  | { readonly ok: true; readonly record: RunRecord }
  | { readonly ok: false; readonly failed: Effect["kind"]; readonly error: PortError | null };

/**
 * The run's record after the event, or what failed (logged by the effect runner).
 * `onApplied` hears of each of the event's own effects as it lands (not of follow-ups').
 */
export async function advanceRun(
  record: RunRecord,
  event: RunEvent,
  deps: AdvanceDeps,
  onApplied?: EffectListener,
): Promise<AdvanceResult> {
  const next = transition(record, event, deps.clock(), { config: deps.config });
  return applyTransition(record, next.record, next.effects, deps, onApplied);
}

/** Applies `effects` that take `record` to `next`, keeping the index in step with the comment. */
export async function applyTransition(
  record: RunRecord,
  next: RunRecord,
  effects: readonly Effect[],
  deps: AdvanceDeps,
  onApplied?: EffectListener,
): Promise<AdvanceResult> {
  const commentId = deps.index.get(record.repo, record.issue)?.commentId ?? null;
  if (effects.length === 0) {
    if (next !== record) deps.index.setRecord(next, commentId);
    return { ok: true, record: next };
  }
  const applied = await applyEffects(effects, { repo: record.repo, issue: record.issue }, commentId, deps, onApplied);
  if (!applied.ok) {
    const written = effects.slice(0, applied.applied).some((effect) => effect.kind === "UpsertProgressComment");
    deps.index.setRecord(written ? next : record, applied.commentId, true);
    return { ok: false, failed: applied.failed, error: applied.error };
  }
  deps.index.setRecord(next, applied.commentId);
  return applyFollowUps(next, applied.followUps, deps);
}

/** Applies the events the effects produced, in order. */
export async function applyFollowUps(
  record: RunRecord,
  followUps: readonly RunEvent[],
  deps: AdvanceDeps,
): Promise<AdvanceResult> {
  let current = record;
  for (const followUp of followUps) {
    const after = await advanceRun(current, followUp, deps);
    if (!after.ok) {
      keepUnwritten(current, followUp, deps);
      return after;
    }
    current = after.record;
  }
  return { ok: true, record: current };
}

/**
 * A follow-up is a fact only afk knows (Slack has no lookup for the doorbell it posted):
 * when it could not be written down, the index keeps it, marked for a check, which writes
 * the record, rather than lose it and ring the doorbell a second time.
 */
function keepUnwritten(record: RunRecord, followUp: RunEvent, deps: AdvanceDeps): void {
  const next = transition(record, followUp, deps.clock(), { config: deps.config }).record;
  const commentId = deps.index.get(record.repo, record.issue)?.commentId ?? null;
  if (next !== record) deps.index.setRecord(next, commentId, true, true);
}
