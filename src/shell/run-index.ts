// afk's in-memory view of its runs: per issue, the run record, the id of the progress
// comment that holds it, and the notices afk has posted. GitHub stays the store; this
// index is rebuilt from the comments at start and only caches what they say.

import type { RunRecord } from "../core/run/run-types.js";

export interface IndexedRun {
  /** Null when the issue has no progress comment yet (read and found none). */
  readonly record: RunRecord | null;
  readonly commentId: number | null;
  /** The markers of the notices among afk's comments on the issue (found at load, or posted since). */
  readonly notices: ReadonlySet<string>;
  /**
   * Whether `notices` is all there is: read from the comments, and no post of a notice
   * failed since (a post whose answer was lost may have landed unseen).
   */
  readonly noticesComplete: boolean;
  /** A transition stopped half-way: the issue may lag behind the record until the next check. */
  readonly needsCheck: boolean;
  /**
   * With `needsCheck`: the record holds what its comment may not (a follow-up only afk
   * knows), so the check writes it; otherwise the check reads the comment back first.
   */
  readonly unwritten: boolean;
}

function toKey(repo: string, issue: number): string {
  return `${repo.toLowerCase()}#${issue}`;
}

/** Told of a record a transition wrote, with the one it replaced (metrics). */
export type RecordListener = (before: RunRecord | null, after: RunRecord) => void;

export class RunIndex {
  readonly #runs = new Map<string, IndexedRun>();
  #onRecord: RecordListener | null = null;

  /** One listener for every `setRecord` (records read back with `load` are not changes). */
  onRecordChanged(listener: RecordListener): void {
    this.#onRecord = listener;
  }

  get(repo: string, issue: number): IndexedRun | undefined {
    return this.#runs.get(toKey(repo, issue));
  }

  /** What a read of the issue's comments found. */
  load(
    repo: string,
    issue: number,
    run: Omit<IndexedRun, "needsCheck" | "unwritten" | "noticesComplete">,
    needsCheck = false,
  ): void {
    this.#runs.set(toKey(repo, issue), { ...run, noticesComplete: true, needsCheck, unwritten: false });
  }

  /** The run's new record, written to `commentId`; the notices known so far are kept. */
  setRecord(record: RunRecord, commentId: number | null, needsCheck = false, unwritten = false): void {
    const known = this.get(record.repo, record.issue);
    this.#runs.set(toKey(record.repo, record.issue), {
      record,
      commentId,
      notices: known?.notices ?? new Set(),
      noticesComplete: known?.noticesComplete ?? false,
      needsCheck,
      unwritten: needsCheck && unwritten,
    });
    this.#onRecord?.(known?.record ?? null, record);
  }

  addNotice(repo: string, issue: number, marker: string): void {
    const known = this.get(repo, issue);
    if (known === undefined) return;
    this.#runs.set(toKey(repo, issue), { ...known, notices: new Set([...known.notices, marker]) });
  }

  /** A post of a notice failed: it may have landed all the same, so the comments are read before the next. */
  doubtNotices(repo: string, issue: number): void {
    const known = this.get(repo, issue);
    if (known !== undefined) this.#runs.set(toKey(repo, issue), { ...known, noticesComplete: false });
  }

  delete(repo: string, issue: number): void {
    this.#runs.delete(toKey(repo, issue));
  }

  /** Every record held, across repos (for the global cap and the repo lock). */
  records(): RunRecord[] {
    return [...this.#runs.values()].flatMap((run) => (run.record === null ? [] : [run.record]));
  }

  /** The issue numbers held for a repo. */
  keysOf(repo: string): number[] {
    const prefix = `${repo.toLowerCase()}#`;
    return [...this.#runs.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => Number(key.slice(prefix.length)));
  }

  /** Every issue held, with what is known of it. */
  entries(): [string, IndexedRun][] {
    return [...this.#runs.entries()];
  }

  get size(): number {
    return this.#runs.size;
  }
}
