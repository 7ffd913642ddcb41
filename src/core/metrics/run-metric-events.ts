// What a change of a run's record means for the metrics (issue 11): a dispatch (with the
// time from the trusted label to it), an escalation and its cause, fix-forward turns sent,
// a run shipped (with the time from dispatch). Read from the record before and after a
// transition, so that one transition counts once however the shell got there, and a
// record written again unchanged (a heal, a retry of the same transition) counts nothing.
// Records read back at start-up are not changes: the shell does not ask then.

import { SECOND_MS } from "../common/time.js";
import type { EscalationCause, RunRecord } from "../run/run-types.js";

export type RunMetricEvent =
  | { readonly kind: "dispatched"; readonly labelToDispatchSeconds: number | null }
  | { readonly kind: "escalated"; readonly cause: EscalationCause }
  | { readonly kind: "fix-forward-turns"; readonly count: number }
  | { readonly kind: "shipped"; readonly dispatchToShippedSeconds: number | null };

function toSeconds(from: number | null, to: number | null): number | null {
  if (from === null || to === null) return null;
  // Label times come from GitHub's clock, dispatch times from afk's: never below zero.
  return Math.max(0, (to - from) / SECOND_MS);
}

function isDispatch(before: RunRecord | null, after: RunRecord): boolean {
  return after.dispatchedAt !== null && (before === null || before.dispatchedAt === null);
}

function isEscalation(before: RunRecord | null, after: RunRecord): boolean {
  if (after.phase !== "escalated" || after.escalation === null) return false;
  return before === null || before.phase !== "escalated" || before.escalation?.at !== after.escalation.at;
}

export function toRunMetricEvents(before: RunRecord | null, after: RunRecord): RunMetricEvent[] {
  // Another attempt of the issue starts from nothing.
  const previous = before !== null && before.attempt === after.attempt ? before : null;
  const events: RunMetricEvent[] = [];
  if (isDispatch(previous, after))
    events.push({
      kind: "dispatched",
      labelToDispatchSeconds: toSeconds(after.approval?.at ?? null, after.dispatchedAt),
    });
  const turns = after.fixForwardsTotal - (previous?.fixForwardsTotal ?? 0);
  if (turns > 0) events.push({ kind: "fix-forward-turns", count: turns });
  if (isEscalation(previous, after) && after.escalation !== null)
    events.push({ kind: "escalated", cause: after.escalation.cause });
  if (after.phase === "shipped" && previous?.phase !== "shipped")
    events.push({ kind: "shipped", dispatchToShippedSeconds: toSeconds(after.dispatchedAt, after.endedAt) });
  return events;
}
