// Which attempt a new run of an issue is (DESIGN section 5): attempt numbers never repeat
// for an issue, because T3 answers a repeated command id with its first result — a reused
// attempt would "start" a thread that already ran, and nothing would happen for hours.
// When afk has no record (a comment deleted, one it could not read), T3's threads tell
// which attempts were used: their ids are derived from the attempt.

import { toThreadId, type RunKey } from "../run/ids.js";
import { isThreadBusy, type ThreadFact } from "../observe/agent-threads.js";

/** Attempts afk looks for among T3's threads; far beyond any real issue's retries. */
export const ATTEMPTS_SCAN_MAX = 100;

export interface UsedAttempt {
  readonly attempt: number;
  /** When its latest turn was requested (the opening turn for a thread that just started). */
  readonly requestedAt: number | null;
}

/** The attempts that have a thread in T3, highest first. */
export function toUsedAttempts(key: Omit<RunKey, "attempt">, threads: readonly ThreadFact[]): UsedAttempt[] {
  const byId = new Map(threads.map((thread) => [thread.id, thread]));
  const used: UsedAttempt[] = [];
  for (let attempt = ATTEMPTS_SCAN_MAX; attempt >= 1; attempt -= 1) {
    const thread = byId.get(toThreadId({ ...key, attempt }));
    if (thread !== undefined) used.push({ attempt, requestedAt: thread.latestTurn?.requestedAt ?? null });
  }
  return used;
}

/**
 * The attempt of a new run when afk holds no record: the highest used attempt again when
 * its thread belongs to this approval — its opening turn never started, or started after
 * the ready label was applied (afk died mid-dispatch: the same ids heal it) — else the one
 * after it (an old attempt whose record was lost).
 */
export function toFreshAttempt(used: readonly UsedAttempt[], labeledAt: number | null): number {
  const highest = used[0];
  if (highest === undefined) return 1;
  const healing = highest.requestedAt === null || labeledAt === null || highest.requestedAt >= labeledAt;
  return healing ? highest.attempt : highest.attempt + 1;
}

/** The attempt an unreadable record belonged to: the highest one T3 knows, else the first. */
export function toLostAttempt(used: readonly UsedAttempt[]): number {
  return used[0]?.attempt ?? 1;
}

/**
 * The thread of an earlier attempt whose agent is still at work, when a new attempt is
 * about to start. afk holds no record of it: a dispatch cut short by a crash, after which
 * the ready label was taken off and put back (the new attempt). The person's removal
 * ended that attempt; its agent must stop before another works in the same checkout.
 */
export function findEarlierAgentAtWork(
  key: Omit<RunKey, "attempt">,
  attempt: number,
  threads: readonly ThreadFact[],
): { readonly attempt: number; readonly threadId: string } | null {
  const byId = new Map(threads.map((thread) => [thread.id, thread]));
  for (let earlier = attempt - 1; earlier >= 1; earlier -= 1) {
    const threadId = toThreadId({ ...key, attempt: earlier });
    const thread = byId.get(threadId);
    if (thread !== undefined && isThreadBusy(thread)) return { attempt: earlier, threadId };
  }
  return null;
}
