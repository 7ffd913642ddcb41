// The titles of the issues afk has read, for the status page: run records keep no
// title, and reading it from GitHub on every page load would spend the rate limit.
// Bounded: a title read again is the youngest, the oldest are forgotten first.

import { BoundedMap } from "../core/common/bounded-map.js";

export const ISSUE_TITLES_MAX = 2_000;

function toKey(repo: string, issue: number): string {
  return `${repo.toLowerCase()}#${issue}`;
}

export class IssueTitles {
  readonly #titles: BoundedMap<string, string>;

  constructor(max: number = ISSUE_TITLES_MAX) {
    this.#titles = new BoundedMap(max);
  }

  remember(repo: string, issue: number, title: string): void {
    this.#titles.set(toKey(repo, issue), title);
  }

  /** Null when afk has not read the issue since it started (or forgot it). */
  get(repo: string, issue: number): string | null {
    return this.#titles.get(toKey(repo, issue)) ?? null;
  }

  get size(): number {
    return this.#titles.size;
  }
}
