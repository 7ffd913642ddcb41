// afk's in-memory view of its runs: per issue, the run record, the id of the progress
// comment that holds it, and the notices afk has posted. GitHub stays the store; this
// index is rebuilt from the comments at start and only caches what they say. Runs are
// kept per repo: a delivery about one repo looks at that repo's runs, not at every run
// afk holds (with 1,000 runs tracked, filtering them all halved the ingest rate).

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

function toRepoKey(repo: string): string {
  return repo.toLowerCase();
}

/** Told of a record a transition wrote, with the one it replaced (metrics). */
export type RecordListener = (before: RunRecord | null, after: RunRecord) => void;

export class RunIndex {
  /** Repo (lower case) → issue → what is known of it. */
  readonly #repos = new Map<string, Map<number, IndexedRun>>();
  #size = 0;
  #onRecord: RecordListener | null = null;

  /** One listener for every `setRecord` (records read back with `load` are not changes). */
  onRecordChanged(listener: RecordListener): void {
    this.#onRecord = listener;
  }

  get(repo: string, issue: number): IndexedRun | undefined {
    return this.#repos.get(toRepoKey(repo))?.get(issue);
  }

  /** What a read of the issue's comments found. */
  load(
    repo: string,
    issue: number,
    run: Omit<IndexedRun, "needsCheck" | "unwritten" | "noticesComplete">,
    needsCheck = false,
  ): void {
    this.#set(repo, issue, { ...run, noticesComplete: true, needsCheck, unwritten: false });
  }

  /** The run's new record, written to `commentId`; the notices known so far are kept. */
  setRecord(record: RunRecord, commentId: number | null, needsCheck = false, unwritten = false): void {
    const known = this.get(record.repo, record.issue);
    this.#set(record.repo, record.issue, {
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
    this.#set(repo, issue, { ...known, notices: new Set([...known.notices, marker]) });
  }

  /** A post of a notice failed: it may have landed all the same, so the comments are read before the next. */
  doubtNotices(repo: string, issue: number): void {
    const known = this.get(repo, issue);
    if (known !== undefined) this.#set(repo, issue, { ...known, noticesComplete: false });
  }

  delete(repo: string, issue: number): void {
    const runs = this.#repos.get(toRepoKey(repo));
    if (runs === undefined || !runs.delete(issue)) return;
    this.#size -= 1;
    if (runs.size === 0) this.#repos.delete(toRepoKey(repo));
  }

  /** Every record held, across repos (for the global cap and the repo lock). */
  records(): RunRecord[] {
    return [...this.#repos.values()].flatMap((runs) => toRecords(runs.values()));
  }

  /** The records held for one repo. */
  recordsOf(repo: string): RunRecord[] {
    return toRecords(this.#repos.get(toRepoKey(repo))?.values() ?? []);
  }

  /** The issue numbers held for a repo. */
  keysOf(repo: string): number[] {
    return [...(this.#repos.get(toRepoKey(repo))?.keys() ?? [])];
  }

  /** Every issue held for one repo, with what is known of it. */
  entriesOf(repo: string): [number, IndexedRun][] {
    return [...(this.#repos.get(toRepoKey(repo))?.entries() ?? [])];
  }

  /** Every issue held (keyed `repo#issue`), with what is known of it. */
  entries(): [string, IndexedRun][] {
    return [...this.#repos.entries()].flatMap(([repo, runs]) =>
      [...runs.entries()].map(([issue, run]): [string, IndexedRun] => [`${repo}#${issue}`, run]),
    );
  }

  get size(): number {
    return this.#size;
  }

  #set(repo: string, issue: number, run: IndexedRun): void {
    const key = toRepoKey(repo);
    let runs = this.#repos.get(key);
    if (runs === undefined) {
      runs = new Map();
      this.#repos.set(key, runs);
    }
    if (!runs.has(issue)) this.#size += 1;
    runs.set(issue, run);
  }
}

function toRecords(runs: Iterable<IndexedRun>): RunRecord[] {
  const records: RunRecord[] = [];
  for (const run of runs) if (run.record !== null) records.push(run.record);
  return records;
}
