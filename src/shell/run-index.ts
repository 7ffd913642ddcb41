// afk's in-memory view of its runs: per issue, the run record and the id of the
// progress comment that holds it. GitHub stays the store; this index is rebuilt from
// the progress comments at start and only ever caches what a comment says.

import type { RunRecord } from "../core/run/run-types.js";

export interface IndexedRun {
  /** Null when the issue has no progress comment yet (read and found none). */
  readonly record: RunRecord | null;
  readonly commentId: number | null;
}

function toKey(repo: string, issue: number): string {
  return `${repo.toLowerCase()}#${issue}`;
}

export class RunIndex {
  readonly #runs = new Map<string, IndexedRun>();

  get(repo: string, issue: number): IndexedRun | undefined {
    return this.#runs.get(toKey(repo, issue));
  }

  set(repo: string, issue: number, run: IndexedRun): void {
    this.#runs.set(toKey(repo, issue), run);
  }

  /** Every record held, across repos (for the global cap and the repo lock). */
  records(): RunRecord[] {
    return [...this.#runs.values()].flatMap((run) => (run.record === null ? [] : [run.record]));
  }

  get size(): number {
    return this.#runs.size;
  }
}
