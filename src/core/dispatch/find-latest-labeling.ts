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

/** What a `labeled` delivery says of the labeling: its sender, and when (null: it does not say). */
export interface DeliveredLabeling {
  readonly actor: Actor;
  readonly at: number | null;
}

/**
 * Whether the issue's events show `label` taken off or applied again since the labeling a
 * delivery tells of. GitHub may deliver late (a redelivery after afk was down, or out of
 * order): by then a trusted person may have taken the label off and someone else put it
 * back, and the delivery's sender is no longer the labeler. Events that do not show the
 * delivered labeling yet (GitHub's lists lag behind its webhooks) tell nothing against it.
 */
export function isLabelingSuperseded(
  events: readonly IssueEventFact[],
  label: string,
  delivered: DeliveredLabeling,
): boolean {
  const wanted = label.toLowerCase();
  const ofLabel = events.filter(
    (event) => (event.kind === "labeled" || event.kind === "unlabeled") && event.label?.toLowerCase() === wanted,
  );
  const sender = delivered.actor.login.toLowerCase();
  const index = ofLabel.findLastIndex(
    (event) =>
      event.kind === "labeled" &&
      event.actor?.login.toLowerCase() === sender &&
      (delivered.at === null || event.at <= delivered.at),
  );
  return index !== -1 && index < ofLabel.length - 1;
}
