// What people did to an ended run's issue after it ended. afk finishes an ending it left
// half-done (a label left on, the close not made) from the record alone (converge.ts),
// but a person may have taken the issue on since: reopened a shipped issue, or put a
// label on it (`ready-for-human` to hand it to people, `ready-for-agent` for a new
// attempt). Those are theirs to keep: the convergence leaves them as they made them.

import type { IssueEventFact } from "../common/github-types.js";
import { isSameText } from "../common/text.js";
import type { BotIdentity } from "../ingress/is-own-act.js";
import { isSelf } from "./decide-drift.js";
import { isTerminal } from "./run-record.js";
import type { RunRecord } from "./run-types.js";

export interface PeopleAfterEnd {
  /** Labels on the issue that a person applied after the run ended. */
  readonly labels: readonly string[];
  /** A person reopened the issue after the run ended, and it was not closed again since. */
  readonly reopened: boolean;
}

export const NOBODY_AFTER_END: PeopleAfterEnd = { labels: [], reopened: false };

/** From the issue's events (oldest first); nothing for a run that has not ended. */
export function toPeopleAfterEnd(
  record: RunRecord,
  events: readonly IssueEventFact[],
  self: BotIdentity | null,
): PeopleAfterEnd {
  const endedAt = record.endedAt;
  if (!isTerminal(record.phase) || endedAt === null) return NOBODY_AFTER_END;
  const isTheirs = (event: IssueEventFact | undefined): boolean =>
    event !== undefined && event.at > endedAt && !isSelf(event, self);
  const labels: string[] = [];
  for (const event of events) {
    const label = event.label;
    if (event.kind !== "labeled" || label === null || labels.some((each) => isSameText(each, label))) continue;
    const latest = events.findLast(
      (each) => (each.kind === "labeled" || each.kind === "unlabeled") && isSameText(each.label ?? "", label),
    );
    if (latest?.kind === "labeled" && isTheirs(latest)) labels.push(label);
  }
  const lastState = events.findLast((event) => event.kind === "closed" || event.kind === "reopened");
  return { labels, reopened: lastState?.kind === "reopened" && isTheirs(lastState) };
}
