// What a run's issue, thread and doorbell must look like for its record, and the effects
// that make them so (DESIGN 1.4, STYLE habit 13). afk can die between any two writes of a
// transition; the record is written first, so the next look at the run finishes the rest
// from the record alone: labels, the close, the notice, the interrupt, a turn T3 never
// received, the doorbell. Never against a person: decide-drift.ts runs first.

import type { OperatorConfig } from "../config/config-types.js";
import { hasText } from "../common/text.js";
import { MINUTE_MS } from "../common/time.js";
import type { ThreadFact } from "../observe/agent-threads.js";
import { CLOCK_SKEW_MARGIN_MS } from "../observe/find-pushed-commit.js";
import { renderEscalationNotice, renderShippedNotice, toNoticeMarker } from "../render/run-notices.js";
import type { IssueView } from "./decide-drift.js";
import type { Effect } from "./effect.js";
import { toCommandId } from "./ids.js";
import type { PeopleAfterEnd } from "./people-after-end.js";
import { isActive, isTerminal, toKey } from "./run-record.js";
import type { RunRecord } from "./run-types.js";
import { toTurnEffect } from "./turn-text.js";

/** A turn T3 has not shown after this long, with its session idle, never reached it. */
export const TURN_MISSING_AFTER_MS = 2 * MINUTE_MS;
/** The doorbell is tried again after 1, 2, 4… minutes, at most this far apart. */
export const DOORBELL_RETRY_MAX_MS = 60 * MINUTE_MS;

export interface ConvergeInput {
  readonly record: RunRecord;
  /** The issue as listed or read now; null when not known (labels and state are then left alone). */
  readonly issue: IssueView | null;
  /** When the ready label was last applied, when known (an escalated run's leftover label is removed). */
  readonly readyLabeledAt: number | null;
  /** What people did to an ended run's issue since it ended (theirs to keep); null when not known. */
  readonly peopleAfterEnd?: PeopleAfterEnd | null;
  /** The notice markers among afk's comments; null when not known. */
  readonly notices: ReadonlySet<string> | null;
  /** The run's T3 thread: undefined when T3 was not read, null when T3 does not know it. */
  readonly thread: ThreadFact | null | undefined;
  readonly now: number;
  readonly config: Pick<OperatorConfig, "labels" | "slack">;
}

interface LabelPlan {
  readonly present: readonly string[];
  readonly absent: readonly string[];
}

function toLabelPlan(input: ConvergeInput): LabelPlan | null {
  const { record, config, readyLabeledAt } = input;
  const { ready, inProgress, human } = config.labels;
  if (isActive(record.phase)) return { present: [inProgress, ready], absent: [human] };
  if (record.phase === "escalated") {
    const at = record.escalation?.at ?? 0;
    const leftover = readyLabeledAt !== null && readyLabeledAt < at;
    return { present: [human], absent: leftover ? [inProgress, ready] : [inProgress] };
  }
  // A queued run holds no lock: the label is left over from a dispatch cut short and held
  // back since (its agent idle while other repos took the cap), or its record was not written.
  if (record.phase === "queued")
    return record.approval?.via === "retry"
      ? { present: [ready], absent: [human, inProgress] }
      : { present: [], absent: [inProgress] };
  if (record.phase === "cancelled") return { present: [], absent: [inProgress, human] };
  return { present: [], absent: [ready, inProgress, human] };
}

/** The labels to add and to take off, as effects (none when there is nothing to do). */
function toLabelEffects(input: ConvergeInput, issue: IssueView): { readonly add: Effect[]; readonly remove: Effect[] } {
  const plan = toLabelPlan(input);
  if (plan === null) return { add: [], remove: [] };
  const theirs = input.peopleAfterEnd?.labels ?? [];
  const add = plan.present.filter((label) => !hasText(issue.labels, label));
  const remove = plan.absent.filter((label) => hasText(issue.labels, label) && !hasText(theirs, label));
  return {
    add: add.length > 0 ? [{ kind: "AddLabels", labels: add }] : [],
    remove: remove.length > 0 ? [{ kind: "RemoveLabels", labels: remove }] : [],
  };
}

function toStateEffects(record: RunRecord, issue: IssueView, people: PeopleAfterEnd | null): Effect[] {
  if (record.phase === "shipped" && issue.state === "open" && people?.reopened !== true)
    return [{ kind: "CloseIssue", reason: "completed" }];
  if (record.phase === "escalated" && record.closedByCommit !== null && issue.state === "closed")
    return [{ kind: "ReopenIssue" }];
  return [];
}

function toNoticeEffects(record: RunRecord, notices: ReadonlySet<string>): Effect[] {
  if (record.phase === "escalated" && record.escalation !== null) {
    const marker = toNoticeMarker("escalated", record, record.escalation.at);
    if (notices.has(marker)) return [];
    return [
      { kind: "PostNotice", marker, body: `${renderEscalationNotice(record, record.escalation.reason)}\n\n${marker}` },
    ];
  }
  if (record.phase === "shipped" && record.endedAt !== null) {
    const marker = toNoticeMarker("shipped", record, record.endedAt);
    return notices.has(marker)
      ? []
      : [{ kind: "PostNotice", marker, body: `${renderShippedNotice(record)}\n\n${marker}` }];
  }
  return [];
}

function isSessionBusy(thread: ThreadFact): boolean {
  return thread.session?.status === "starting" || thread.session?.status === "running";
}

/** T3 never received the turn the record says is working: its thread shows no turn as recent, and idles. */
export function isTurnMissing(record: RunRecord, thread: ThreadFact, now: number): boolean {
  const { turn } = record;
  if (turn === null || turn.state !== "working" || now - turn.startedAt < TURN_MISSING_AFTER_MS) return false;
  if (isSessionBusy(thread) || thread.hasPendingApprovals || thread.hasPendingUserInput) return false;
  const latest = thread.latestTurn;
  if (latest === null || latest.requestedAt < turn.startedAt - CLOCK_SKEW_MARGIN_MS) return true;
  // The latest turn T3 shows is one afk judged already: the record's turn never came.
  return record.turnSeenAt !== null && latest.requestedAt <= record.turnSeenAt;
}

function toAgentEffects(record: RunRecord, thread: ThreadFact | null): Effect[] {
  if (thread === null) return [];
  const stopped = record.phase === "escalated" || isTerminal(record.phase);
  if (stopped && isSessionBusy(thread) && record.turn !== null) {
    const commandId = toCommandId(toKey(record), `interrupt:${record.turn.number}`);
    return [{ kind: "InterruptTurn", threadId: record.threadId, commandId }];
  }
  return [];
}

/** When the doorbell is due to be tried again after `attempts` failures. */
export function toDoorbellRetryAt(failure: { readonly attempts: number; readonly at: number }): number {
  return failure.at + Math.min(MINUTE_MS * 2 ** Math.max(0, failure.attempts - 1), DOORBELL_RETRY_MAX_MS);
}

function toDoorbellEffects(input: ConvergeInput): Effect[] {
  const { record, config, now } = input;
  if (record.phase !== "escalated" || config.slack === null || record.doorbell !== null) return [];
  const failure = record.doorbellFailure;
  return failure === null || now >= toDoorbellRetryAt(failure)
    ? [{ kind: "RingDoorbell", record, mayHaveRung: true }]
    : [];
}

/** The effects that bring the run's world in line with its record; none when it already is. */
export function toConvergence(input: ConvergeInput): Effect[] {
  const { record, issue, notices, thread, now } = input;
  const effects: Effect[] = [];
  if (issue !== null) {
    // Added first, taken off last, the close or reopen between: dying after any of them
    // leaves an issue that carries one of afk's labels, which a restart finds.
    const labels = toLabelEffects(input, issue);
    effects.push(...labels.add, ...toStateEffects(record, issue, input.peopleAfterEnd ?? null), ...labels.remove);
  }
  if (notices !== null) effects.push(...toNoticeEffects(record, notices));
  if (thread !== undefined) {
    effects.push(...toAgentEffects(record, thread));
    const turn = thread !== null && isTurnMissing(record, thread, now) ? toTurnEffect(record) : null;
    if (turn !== null) effects.push(turn);
  }
  effects.push(...toDoorbellEffects(input));
  return effects;
}
