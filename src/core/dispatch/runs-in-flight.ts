// Which runs hold a repo (DESIGN sections 3 and 5), read from the run records afk
// knows plus the traces a crash mid-dispatch leaves behind: the in-progress label on
// an issue without an active record, or a live T3 thread with the id of the issue's
// next attempt. Such a run is `dispatching`: the policy re-dispatches it first, with
// the same ids, so the crash is healed without a second thread.

import type { RunInFlight } from "./dispatch-types.js";
import { toThreadId } from "../run/ids.js";
import { parseThreadTitle } from "../run/thread-title.js";
import { isActive, isTerminal } from "../run/run-record.js";
import type { Issue } from "../common/github-types.js";
import type { RunRecord } from "../run/run-types.js";
import { hasText } from "../common/text.js";

/** The attempt a new dispatch of this issue uses: the queued one, or the one after the last. */
export function toNextAttempt(record: RunRecord | null): number {
  if (record === null) return 1;
  return isTerminal(record.phase) ? record.attempt + 1 : record.attempt;
}

/**
 * A ready issue the policy may dispatch: it has no run yet, its run is queued, or its last
 * attempt ended (shipped, cancelled, taken over). An active or escalated run is followed
 * or waits for a human instead.
 */
export function isDispatchCandidate(record: RunRecord | null): boolean {
  return record === null || record.phase === "queued" || isTerminal(record.phase);
}

export interface ReadyWithRecord {
  readonly issue: Issue;
  readonly record: RunRecord | null;
}

export interface RunsInFlightInput {
  /** Every run record afk holds, across all repos. */
  readonly records: readonly RunRecord[];
  /** The ready issues of the repo being reconciled, with their records when known. */
  readonly ready: readonly ReadyWithRecord[];
  readonly installationId: number;
  readonly inProgressLabel: string;
  /** Ids of live (not deleted, not archived) T3 threads, or null when T3 was not read. */
  readonly liveThreadIds: ReadonlySet<string> | null;
  /** T3 threads whose agent is at work (`isThreadBusy`), or null when T3 was not read. */
  readonly busyThreads: readonly { readonly id: string; readonly title: string }[] | null;
  /** T3 threads with no turn and no session shown yet (`isThreadUnstarted`), or null when T3 was not read. */
  readonly startingThreads: readonly { readonly id: string; readonly title: string }[] | null;
}

export function toRunsInFlight(input: RunsInFlightInput): RunInFlight[] {
  const runs: RunInFlight[] = [];
  const busy = new Set((input.busyThreads ?? []).map((thread) => thread.id));
  const readyKeys = new Set(input.ready.map(({ issue }) => `${issue.repo.toLowerCase()}#${issue.number}`));
  for (const record of input.records) {
    // A run that ended while its agent still works (the interrupt never reached T3) holds
    // its repo and a slot until the agent stopped: one agent per repo, whatever the record says.
    // Not a queued record of a ready issue whose own thread works: T3 took a dispatch whose
    // answer was lost, and re-dispatching it with the same ids is the healing (below).
    const healing = record.phase === "queued" && readyKeys.has(`${record.repo.toLowerCase()}#${record.issue}`);
    const working = busy.has(record.threadId) && !healing;
    if (isActive(record.phase) || working) runs.push({ repo: record.repo, issue: record.issue, state: "active" });
    else if (isHolding(record)) runs.push({ repo: record.repo, issue: record.issue, state: "escalated" });
  }
  const held = new Set(runs.map((run) => `${run.repo}#${run.issue}`));
  for (const { issue, record } of input.ready) {
    if (held.has(`${issue.repo}#${issue.number}`)) continue;
    if (isMidDispatch(issue, record, input)) {
      const next = toThreadId({
        installationId: input.installationId,
        repo: issue.repo,
        issue: issue.number,
        attempt: toNextAttempt(record),
      });
      runs.push({ repo: issue.repo, issue: issue.number, state: "dispatching", working: busy.has(next) });
    }
  }
  // An agent of afk's at work that nothing above names: a dispatch in another repo cut
  // short before its label and record. It holds that repo and a slot of the cap. So does
  // a thread whose turn T3 does not show yet: its agent may start any moment.
  const unnamed = [
    ...(input.busyThreads ?? []).map((thread) => ({ thread, working: true })),
    ...(input.startingThreads ?? [])
      .filter((thread) => !input.records.some((record) => record.threadId === thread.id && isTerminal(record.phase)))
      .map((thread) => ({ thread, working: false })),
  ];
  for (const { thread, working } of unnamed) {
    const named = parseThreadTitle(thread.title);
    const key = named === null ? null : `${named.repo}#${named.issue}`;
    if (named === null || key === null || runs.some((run) => `${run.repo}#${run.issue}` === key)) continue;
    // An earlier attempt's agent of a ready issue: afk died before stopping it (mid-escalation),
    // and a retry asked for a new attempt since. That dispatch stops the old agent first and
    // waits for it (stop-earlier-agent.ts); until then it holds the repo and a slot.
    const later = input.ready.find(({ issue }) => `${issue.repo.toLowerCase()}#${issue.number}` === key);
    if (later !== undefined && thread.id !== toNextThreadId(later, input.installationId)) {
      runs.push({ repo: named.repo, issue: named.issue, state: "dispatching", working });
      continue;
    }
    runs.push({ repo: named.repo, issue: named.issue, state: "active" });
  }
  return runs;
}

function toNextThreadId({ issue, record }: ReadyWithRecord, installationId: number): string {
  return toThreadId({ installationId, repo: issue.repo, issue: issue.number, attempt: toNextAttempt(record) });
}

/**
 * An escalated run keeps its repo while it waits (its agent's checkout is the repo's), except
 * one T3 refused to start: no agent ever had the checkout, and holding the repo for it
 * would stall every other issue there until a human looks.
 */
function isHolding(record: RunRecord): boolean {
  return record.phase === "escalated" && record.escalation?.cause !== "dispatch-rejected";
}

function isMidDispatch(issue: Issue, record: RunRecord | null, input: RunsInFlightInput): boolean {
  if (hasText(issue.labels, input.inProgressLabel)) return true;
  if (input.liveThreadIds === null) return false;
  const key = {
    installationId: input.installationId,
    repo: issue.repo,
    issue: issue.number,
    attempt: toNextAttempt(record),
  };
  return input.liveThreadIds.has(toThreadId(key));
}
