// What afk keeps in memory stays flat however long it runs (issue: bounded resources):
// finished runs leave the index after a while (the status page shows the recent ones),
// and the counters kept for runs that no longer need them are dropped.

import { DAY_MS } from "../core/common/time.js";
import { isActive, isTerminal } from "../core/run/run-record.js";
import type { AfkService } from "./afk-service.js";
import { toVersionMatchKey } from "./observers.js";

/** Finished runs are kept this long for the status page, and at most this many. */
export const FINISHED_KEPT_MS = 7 * DAY_MS;
export const FINISHED_KEPT_MAX = 100;

export function pruneState(afk: AfkService, now: number): void {
  const finished = afk.index
    .entries()
    .flatMap(([, entry]) =>
      entry.record !== null && isTerminal(entry.record.phase) && !entry.needsCheck ? [entry.record] : [],
    )
    .sort((a, b) => (b.endedAt ?? 0) - (a.endedAt ?? 0));
  finished.forEach((record, rank) => {
    const old = record.endedAt !== null && now - record.endedAt > FINISHED_KEPT_MS;
    if (old || rank >= FINISHED_KEPT_MAX) afk.index.delete(record.repo, record.issue);
  });
  const following = new Set(
    afk.index
      .records()
      .filter((record) => isActive(record.phase))
      .map((record) => toVersionMatchKey(record)),
  );
  for (const key of [...afk.versionMatches.keys()]) if (!following.has(key)) afk.versionMatches.delete(key);
}

/** The issues of a repo afk read and found no run for are forgotten once they are no longer ready. */
export function forgetUnready(afk: AfkService, repo: string, ready: ReadonlySet<number>): void {
  for (const key of afk.index.keysOf(repo)) {
    const entry = afk.index.get(repo, key);
    if (entry !== undefined && entry.record === null && !ready.has(key)) afk.index.delete(repo, key);
  }
}
