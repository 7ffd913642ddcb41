// What a person did to a run's issue that afk did not hear about (DESIGN 1.2: webhooks
// are lost; the sweep reads the state). Given the issue as it is now and its events, the
// change that is a person's act becomes the run's event; one that is afk's own unfinished
// work (it died between two writes) is left to the convergence (converge.ts).

import type { IssueEventFact } from "../common/github-types.js";
import { hasText, isSameText } from "../common/text.js";
import type { BotIdentity } from "../ingress/is-own-act.js";
import type { RunEvent } from "./run-event.js";
import { isActive } from "./run-record.js";
import type { RunRecord } from "./run-types.js";

export interface IssueView {
  readonly state: "open" | "closed";
  readonly labels: readonly string[];
}

export interface DriftInput {
  readonly record: RunRecord;
  readonly issue: IssueView;
  /** The issue's events, oldest first. */
  readonly events: readonly IssueEventFact[];
  /** afk's own bot; null while unknown (then any app's bot may be afk, never a person). */
  readonly self: BotIdentity | null;
  readonly labels: { readonly ready: string; readonly human: string };
}

/** afk's own act; while afk does not know its bot yet, any app's bot might be it, and is no person. */
export function isSelf(event: IssueEventFact, self: BotIdentity | null): boolean {
  const actor = event.actor;
  if (actor?.type !== "Bot") return false;
  return self === null ? actor.login.toLowerCase().endsWith("[bot]") : isSameText(actor.login, self.login);
}

/** The latest `labeled`/`unlabeled` event of `label`. */
function latestOf(events: readonly IssueEventFact[], label: string): IssueEventFact | undefined {
  return events.findLast(
    (event) =>
      (event.kind === "labeled" || event.kind === "unlabeled") &&
      event.label !== null &&
      isSameText(event.label, label),
  );
}

/** A person's removal of `label`, or null when it is on, or afk itself took it off. */
function toRemoval(input: DriftInput, label: string): IssueEventFact | null {
  if (hasText(input.issue.labels, label)) return null;
  const latest = latestOf(input.events, label);
  return latest?.kind === "unlabeled" && !isSelf(latest, input.self) ? latest : null;
}

/**
 * Whether GitHub showed the run's escalation before `closed`: afk's own last act on the
 * human label before it is the label's application (a resume takes it off, so an earlier
 * escalation's does not count). Told by the order GitHub lists its events in, never by
 * comparing afk's clock with GitHub's (two machines). An escalation afk wrote but had not
 * labelled yet (it died in between) was shown to no one: a close then came before it.
 */
function isEscalationShownBefore(input: DriftInput, closed: IssueEventFact): boolean {
  const before = input.events.slice(0, input.events.indexOf(closed));
  const ours = before.findLast(
    (event) =>
      (event.kind === "labeled" || event.kind === "unlabeled") &&
      event.label !== null &&
      isSameText(event.label, input.labels.human) &&
      isSelf(event, input.self),
  );
  return ours?.kind === "labeled";
}

/** The close: the agent's own commit, a person, or afk (null: nothing to do). */
function toClose(input: DriftInput): RunEvent | null {
  const closed = input.events.findLast((event) => event.kind === "closed");
  if (closed !== undefined && isSelf(closed, input.self)) return null;
  const commit = closed?.commitId ?? null;
  const { record } = input;
  if (commit !== null && isActive(record.phase))
    return commit === record.closedByCommit ? null : { kind: "IssueClosedByCommit", sha: commit };
  if (commit !== null && commit === record.closedByCommit) return null;
  // The agent's push closed it before the run escalated (a spent budget won over the news): not a person's act.
  if (
    commit !== null &&
    closed !== undefined &&
    record.phase === "escalated" &&
    !isEscalationShownBefore(input, closed)
  )
    return { kind: "IssueClosedByCommit", sha: commit };
  return { kind: "Cancelled", by: closed?.actor?.login ?? null, why: "issue-closed" };
}

/**
 * A resume afk wrote but had not finished (it died before its labels): the issue still
 * showed the escalation, and a person took it over by removing ready-for-human after the
 * resume. Their act on the issue is the last word: the run ends taken over.
 */
function toTakeOverOfUnfinishedResume(input: DriftInput): RunEvent | null {
  const { record, labels } = input;
  const resumedAt = record.resumptions.at(-1)?.at;
  if (!isActive(record.phase) || resumedAt === undefined) return null;
  const removed = toRemoval(input, labels.human);
  return removed !== null && removed.at >= resumedAt ? toTakenOver(input, removed) : null;
}

/** The take-over of a person's removal of ready-for-human, and whether they applied the ready label again since. */
function toTakenOver(input: DriftInput, removed: IssueEventFact): RunEvent {
  const by = removed.actor?.login ?? "someone";
  const ready = latestOf(input.events, input.labels.ready);
  const readyAgain =
    hasText(input.issue.labels, input.labels.ready) &&
    ready?.kind === "labeled" &&
    !isSelf(ready, input.self) &&
    input.events.indexOf(ready) > input.events.indexOf(removed);
  return readyAgain ? { kind: "TakenOver", by, readyAgain } : { kind: "TakenOver", by };
}

/** The run's event for what a person did to its issue, or null when nothing of theirs changed. */
export function decideDrift(input: DriftInput): RunEvent | null {
  const { record, issue, labels } = input;
  const waiting = record.phase === "queued" || record.phase === "escalated" || isActive(record.phase);
  if (!waiting) return null;
  // Closed by the agent's own commit, followed: the ready label is still the person's to take off.
  const followed = issue.state === "closed" && isActive(record.phase) && record.closedByCommit !== null;
  if (issue.state === "closed") {
    const closed = toClose(input);
    if (closed !== null || !followed) return closed;
  }
  if (record.phase === "escalated") {
    const removed = toRemoval(input, labels.human);
    return removed === null ? null : toTakenOver(input, removed);
  }
  const takenOver = toTakeOverOfUnfinishedResume(input);
  if (takenOver !== null) return takenOver;
  const removed = toRemoval(input, labels.ready);
  return removed === null ? null : { kind: "Cancelled", by: removed.actor?.login ?? null, why: "label-removed" };
}
