// Who applied a label last, and when (DESIGN section 4): for an issue found by the sweep
// (no webhook at hand) the labeler is the actor of the latest `labeled` event for the
// ready label. GitHub compares label names without case. An event without an actor (a
// deleted account) names no one: no attributable labeler, so the issue is untrusted.

import type { Actor, IssueEventFact } from "../common/github-types.js";

export interface Labeling {
  /** Null when GitHub names no actor for it. */
  readonly actor: Actor | null;
  /** Epoch ms. */
  readonly at: number;
}

/** The latest application of `label` in events listed oldest first, or null when it was never applied. */
export function findLatestLabeling(events: readonly IssueEventFact[], label: string): Labeling | null {
  const wanted = label.toLowerCase();
  const latest = events.findLast((event) => event.kind === "labeled" && event.label?.toLowerCase() === wanted);
  return latest === undefined ? null : { actor: latest.actor, at: latest.at };
}
