// The T3 thread title names the issue, so that until the in-progress label is on, the
// repo lock can also be read from T3 (DESIGN section 5): a live thread whose title
// parses here belongs to a run afk started.

import { toBounded } from "./limits.js";
import type { IssueRef, RepoName } from "../common/github-types.js";

export const THREAD_TITLE_MAX_CHARS = 120;
const PREFIX = "afk ";
const TITLE_PATTERN = /^afk ([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)#(\d+)(?::|$)/;

/**
 * Only the issue's title is cut to fit: the head `afk owner/repo#N` is what
 * `parseThreadTitle` reads, and GitHub's longest names (39 + 100 characters) would not
 * survive a cut of the whole. Such names alone may take the title past the max.
 */
export function toThreadTitle(repo: RepoName, issue: number, title: string): string {
  const head = `${PREFIX}${repo}#${issue}: `;
  const oneLine = title.replace(/\s+/g, " ").trim();
  return `${head}${toBounded(oneLine, Math.max(1, THREAD_TITLE_MAX_CHARS - head.length))}`;
}

/** The issue a thread title names, or null when afk did not make the title. */
export function parseThreadTitle(title: string): IssueRef | null {
  const match = TITLE_PATTERN.exec(title);
  if (match === null) return null;
  const [, repo, number] = match;
  return { repo: repo!.toLowerCase(), number: Number(number) };
}
