// The T3 thread title names the issue, so that a person looking at T3 sees which issue
// each agent works on. afk itself finds its threads by their deterministic ids (ids.ts).

import { toBounded } from "./limits.js";
import type { RepoName } from "../common/github-types.js";

export const THREAD_TITLE_MAX_CHARS = 120;
const PREFIX = "afk ";
const HEAD = /^afk ([^\s/#]+\/[^\s/#]+)#(\d+): /;

/**
 * Only the issue's title is cut to fit: the head `afk owner/repo#N` stays whole, since
 * GitHub's longest names (39 + 100 characters) would not survive a cut of the whole.
 * Such names alone may take the title past the max.
 */
export function toThreadTitle(repo: RepoName, issue: number, title: string): string {
  const head = `${PREFIX}${repo}#${issue}: `;
  const oneLine = title.replace(/\s+/g, " ").trim();
  return `${head}${toBounded(oneLine, Math.max(1, THREAD_TITLE_MAX_CHARS - head.length))}`;
}

/** The issue an afk thread works on, from its title's head; null for a thread afk did not name. */
export function parseThreadTitle(title: string): { readonly repo: RepoName; readonly issue: number } | null {
  const match = HEAD.exec(title);
  if (match === null) return null;
  const [, repo = "", issue = ""] = match;
  return { repo: repo.toLowerCase(), issue: Number(issue) };
}
