// Things that happen beside a run's progress: the doorbell failing to ring, the agent's
// own commit closing the issue, an observer that cannot read what it follows, T3
// refusing to start the thread. None of them repeats the escalation or cancels the run;
// each is said on the issue once, when a person should know.

import type { OperatorConfig } from "../config/config-types.js";
import { MINUTE_MS } from "../common/time.js";
import type { Transition } from "./effect.js";
import { PROBLEMS_MAX, REASON_MAX_CHARS, toBounded } from "./limits.js";
import { escalate } from "./run-escalate.js";
import type { RunEvent } from "./run-event.js";
import { isActive, toSha7, toShown, unchanged, withPhase } from "./run-record.js";
import type { ObserveProblem, RunRecord } from "./run-types.js";

/** An observer failing for this long is said on the issue; shorter blips are not. */
export const PROBLEM_TOLD_AFTER_MS = 10 * MINUTE_MS;

type Of<K extends RunEvent["kind"]> = Extract<RunEvent, { kind: K }>;

/** The doorbell did not ring: the escalation stands, the comment says so once per reason. */
export function transitionDoorbellFailed(record: RunRecord, event: Of<"DoorbellFailed">, now: number): Transition {
  if (record.phase !== "escalated" || record.doorbell !== null) return unchanged(record);
  const reason = toBounded(event.reason, REASON_MAX_CHARS);
  const before = record.doorbellFailure;
  const next: RunRecord = { ...record, doorbellFailure: { reason, attempts: (before?.attempts ?? 0) + 1, at: now } };
  return before?.reason === reason ? { record: next, effects: [] } : toShown(next);
}

/** The agent's push closed the issue (a closing keyword): follow it to production all the same. */
export function transitionClosedByCommit(record: RunRecord, event: Of<"IssueClosedByCommit">, now: number): Transition {
  if (record.closedByCommit === event.sha) return unchanged(record);
  // Read only after a spent budget escalated the run: it waits for a human, on an open issue.
  if (record.phase === "escalated") {
    const note = `the issue was closed by commit ${toSha7(event.sha)} before the run escalated; reopened`;
    const shown = toShown({ ...withPhase(record, record.phase, note, now), closedByCommit: event.sha });
    return { record: shown.record, effects: [...shown.effects, { kind: "ReopenIssue" }] };
  }
  if (!isActive(record.phase)) return unchanged(record);
  const note = `the issue was closed by commit ${toSha7(event.sha)}; afk follows it to production`;
  return toShown({ ...withPhase(record, record.phase, note, now), closedByCommit: event.sha });
}

/** A failing read is remembered; said on the issue once it has lasted, and once more when it heals. */
export function transitionObservationFailed(
  record: RunRecord,
  event: Of<"ObservationFailed">,
  now: number,
): Transition {
  if (!isActive(record.phase)) return unchanged(record);
  const message = toBounded(event.message, REASON_MAX_CHARS);
  const known = record.problems.find((problem) => problem.what === event.what);
  const since = known?.since ?? now;
  const told = known?.told === true || now - since >= PROBLEM_TOLD_AFTER_MS;
  const problem: ObserveProblem = { what: event.what, message, since, told };
  const others = record.problems.filter((other) => other.what !== event.what);
  const next: RunRecord = { ...record, problems: [...others, problem].slice(-PROBLEMS_MAX) };
  return told && known?.told !== true ? toShown(next) : { record: next, effects: [] };
}

export function transitionObservationRecovered(record: RunRecord, event: Of<"ObservationRecovered">): Transition {
  const known = record.problems.find((problem) => problem.what === event.what);
  if (known === undefined) return unchanged(record);
  const next: RunRecord = { ...record, problems: record.problems.filter((problem) => problem !== known) };
  return known.told ? toShown(next) : { record: next, effects: [] };
}

/**
 * T3 refused the thread for these ids and will refuse them again (contracts/t3.md): a human
 * must look (E4), and retrying the same ids would only be refused forever.
 */
export function transitionDispatchRejected(
  record: RunRecord,
  event: Of<"DispatchRejected">,
  now: number,
  config: OperatorConfig,
): Transition {
  if (record.phase !== "queued") return unchanged(record);
  const reason = `T3 refused to start the agent's thread: ${event.message}`;
  return escalate(record, { cause: "dispatch-rejected", reason, agentSaid: null }, now, config);
}
