// One event for one run: the core's transition, then its effects in order; the index
// keeps the new record only once every effect is applied (otherwise the next reconcile
// redoes it with the same ids). Events the effects produced (the doorbell's channel and
// ts) are applied right after.

import type { IssueTracker } from "../ports/issue-tracker.js";
import { transition } from "../core/run/transition.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { RunRecord } from "../core/run/run-types.js";
import { applyEffects, type EffectDeps } from "./apply-effects.js";
import type { RunIndex } from "./run-index.js";

export type AdvanceDeps = Omit<EffectDeps, "github"> & { readonly index: RunIndex };

/** The run's record after the event, or null when an effect failed (logged by the runner). */
export async function advanceRun(
  record: RunRecord,
  event: RunEvent,
  github: IssueTracker,
  deps: AdvanceDeps,
): Promise<RunRecord | null> {
  const next = transition(record, event, deps.clock(), { config: deps.config });
  const commentId = deps.index.get(record.repo, record.issue)?.commentId ?? null;
  if (next.effects.length === 0) {
    if (next.record !== record) deps.index.set(record.repo, record.issue, { record: next.record, commentId });
    return next.record;
  }
  const applied = await applyEffects(next.effects, { repo: record.repo, issue: record.issue }, commentId, {
    ...deps,
    github,
  });
  if (!applied.ok) return null;
  deps.index.set(record.repo, record.issue, { record: next.record, commentId: applied.commentId });
  let current = next.record;
  for (const followUp of applied.followUps) {
    const after = await advanceRun(current, followUp, github, deps);
    if (after === null) return null;
    current = after;
  }
  return current;
}
