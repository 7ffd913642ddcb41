// afk's agents that no run wants any more (issue 8): a run's ending whose interrupt T3
// never saw (then finished by a look that did not read T3, and forgotten at a restart
// once afk's labels were off), a dispatch afk died in the middle of that a person then
// stopped (closed the issue, took the ready label off), an earlier attempt's agent.
// Level-triggered: whenever afk reads T3's threads (the sweep, start-up), each of its
// threads whose agent works or may start any moment is matched with its issue's run
// record and readiness, whatever afk's labels say, and the ones nothing wants are stopped.
// Only a turn afk could have asked for is stopped: one T3 shows requested after the run
// ended (beyond STRAY_CLOCK_MARGIN_MS) is a person's, in the thread the progress comment links.

import { isThreadBusy, isThreadUnstarted, type ThreadFact } from "../observe/agent-threads.js";
import { toCommandId, toThreadId } from "../run/ids.js";
import { isActive } from "../run/run-record.js";
import type { RunRecord } from "../run/run-types.js";
import { parseThreadTitle } from "../run/thread-title.js";
import type { RepoName } from "../common/github-types.js";
import { ATTEMPTS_SCAN_MAX } from "./attempts.js";
import { isDispatchCandidate, toNextAttempt } from "./runs-in-flight.js";

/** One of afk's threads in a repo, whose agent works or may start any moment. */
export interface AfkThread {
  readonly thread: ThreadFact;
  readonly issue: number;
  readonly attempt: number;
}

/** What afk knows of an issue an agent works on. */
export interface IssueLook {
  /** Its run record; null when it has none (no progress comment), `unreadable` when it cannot be read. */
  readonly record: RunRecord | null | "unreadable";
  /** Open and carrying the ready label, as listed now. */
  readonly ready: boolean;
}

export interface StrayAgent {
  readonly threadId: string;
  readonly issue: number;
  readonly attempt: number;
  /** Keyed by the turn T3 shows: the same turn is never interrupted twice, a later one is. */
  readonly commandId: string;
  /** T3 shows no turn of it yet: once the interrupt is taken, it holds no slot (nothing more can stop it). */
  readonly unstarted: boolean;
  readonly why: string;
}

export interface StrayInput {
  readonly installationId: number;
  readonly repo: RepoName;
  readonly agents: readonly AfkThread[];
  /** By issue number; an issue missing here was not looked at, and its agents are left alone. */
  readonly looks: ReadonlyMap<number, IssueLook>;
  /** When T3's threads were read (afk's clock). */
  readonly readAt: number;
  /** Threads T3 shows no turn of that took afk's interrupt already: asking again changes nothing. */
  readonly stoppedUnstarted: ReadonlySet<string>;
}

/** The attempt a thread of the issue belongs to (its id is derived from it), or null when it is no attempt of this installation's. */
function toAttempt(threadId: string, key: { installationId: number; repo: RepoName; issue: number }): number | null {
  for (let attempt = 1; attempt <= ATTEMPTS_SCAN_MAX; attempt += 1)
    if (toThreadId({ ...key, attempt }) === threadId) return attempt;
  return null;
}

/** afk's threads of the repo whose agent works, or whose turn T3 does not show yet. */
export function toAfkThreads(
  threads: readonly ThreadFact[],
  key: { readonly installationId: number; readonly repo: RepoName },
): AfkThread[] {
  const repo = key.repo.toLowerCase();
  return threads.flatMap((thread) => {
    if (!isThreadBusy(thread) && !isThreadUnstarted(thread)) return [];
    const named = parseThreadTitle(thread.title);
    if (named === null || named.repo !== repo) return [];
    const attempt = toAttempt(thread.id, { installationId: key.installationId, repo, issue: named.issue });
    return attempt === null ? [] : [{ thread, issue: named.issue, attempt }];
  });
}

/** When the record last changed (its phase, its ending); facts read no later say nothing about it. */
function toChangedAt(record: RunRecord): number {
  return Math.max(record.history.at(-1)?.at ?? -Infinity, record.endedAt ?? -Infinity);
}

/**
 * How much later than a run's end (afk's clock) T3 may stamp a turn afk asked for before it
 * (T3's clock: it stamps a command with its own receive time). A turn requested later than
 * the end plus this is not afk's: a person who took over, or answers straight in the T3
 * thread the progress comment links to. Two minutes covers clocks kept by NTP and a
 * request's time in flight many times over; a person rarely types an answer that fast.
 */
export const STRAY_CLOCK_MARGIN_MS = 2 * 60_000;

/** When the run stopped wanting its agent: its ending, or its escalation (null when it has not). */
function toEndAt(record: RunRecord): number | null {
  if (record.phase === "escalated") return record.escalation?.at ?? record.history.at(-1)?.at ?? null;
  return record.endedAt;
}

/** The turn T3 shows was asked for after the run ended: not afk's (afk asks for no turn of a run that ended). */
function isPersonsTurn(thread: ThreadFact, record: RunRecord): boolean {
  const endAt = toEndAt(record);
  const turn = thread.latestTurn;
  return endAt !== null && turn !== null && turn.requestedAt > endAt + STRAY_CLOCK_MARGIN_MS;
}

/** Why no run wants the agent, or null when one does (or afk cannot tell). */
function toUnwanted(agent: AfkThread, look: IssueLook, readAt: number): string | null {
  const { record, ready } = look;
  if (record === "unreadable") return null;
  if (record !== null && toChangedAt(record) >= readAt) return null;
  if (record !== null && record.attempt === agent.attempt) {
    // A run under way, or a dispatch T3 took that the reconcile heals with the same ids.
    if (isActive(record.phase) || (record.phase === "queued" && ready)) return null;
    // Its ending sent the interrupt, and its record frees the slot (runs-in-flight.ts): an
    // agent that starts after all is at work, and stopped then.
    if (isThreadUnstarted(agent.thread) && record.phase !== "queued") return null;
    // A person's turn in the run's own thread, after it ended: theirs, not afk's to stop.
    if (isPersonsTurn(agent.thread, record)) return null;
    return `its run (attempt ${record.attempt}) is ${record.phase}`;
  }
  if (record !== null && agent.attempt < record.attempt) return `attempt ${record.attempt} of its issue superseded it`;
  // A later attempt's thread of a ready issue: a dispatch cut short, which the reconcile heals
  // with the same ids (or, with no record, stops first when it is an earlier one of T3's).
  if (ready && (record === null || (isDispatchCandidate(record) && agent.attempt >= toNextAttempt(record))))
    return null;
  return ready
    ? `attempt ${agent.attempt} is not the one its issue is at`
    : "no run of its issue wants it: the issue is no longer open with the ready label";
}

/** The agents to interrupt, each with a command id stable for the turn T3 shows. */
export function decideStrayAgents(input: StrayInput): StrayAgent[] {
  return input.agents.flatMap((agent) => {
    const look = input.looks.get(agent.issue);
    const why = look === undefined ? null : toUnwanted(agent, look, input.readAt);
    if (why === null || (isThreadUnstarted(agent.thread) && input.stoppedUnstarted.has(agent.thread.id))) return [];
    const key = { installationId: input.installationId, repo: input.repo, issue: agent.issue, attempt: agent.attempt };
    const turnId = agent.thread.latestTurn?.turnId ?? "unstarted";
    return [
      {
        threadId: agent.thread.id,
        issue: agent.issue,
        attempt: agent.attempt,
        commandId: toCommandId(key, `interrupt:stray:${turnId}`),
        unstarted: isThreadUnstarted(agent.thread),
        why,
      },
    ];
  });
}
