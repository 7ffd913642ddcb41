// The titles of the issues afk has read, for the status page: run records keep no
// title, and reading it from GitHub on every page load would spend the rate limit.
// Bounded and insertion-ordered: a title read again moves to the end, the oldest go first.

export const ISSUE_TITLES_MAX = 2_000;

function toKey(repo: string, issue: number): string {
  return `${repo.toLowerCase()}#${issue}`;
}

export class IssueTitles {
  readonly #titles = new Map<string, string>();
  readonly #max: number;

  constructor(max: number = ISSUE_TITLES_MAX) {
    this.#max = max;
  }

  remember(repo: string, issue: number, title: string): void {
    const key = toKey(repo, issue);
    this.#titles.delete(key);
    this.#titles.set(key, title);
    for (const oldest of this.#titles.keys()) {
      if (this.#titles.size <= this.#max) break;
      this.#titles.delete(oldest);
    }
  }

  /** Null when afk has not read the issue since it started (or forgot it). */
  get(repo: string, issue: number): string | null {
    return this.#titles.get(toKey(repo, issue)) ?? null;
  }

  get size(): number {
    return this.#titles.size;
  }
}
