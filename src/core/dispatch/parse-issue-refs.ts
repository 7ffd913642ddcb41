// Which issues a commit message names as its own (DESIGN section 6): the agent is told to
// write the trailer `AFK-Issue: N` and never a closing keyword, but agents write `Fixes #N`
// all the same, so both are recognised as the run's push. A bare `#12` is a mention, not
// a reference, so it never counts: a commit that merely mentions the issue must not
// advance the run.

import { LOGIN_SOURCE, REPO_NAME_SOURCE } from "../common/github-names.js";
import type { IssueRef, RepoName } from "../common/github-types.js";

const OWNER = LOGIN_SOURCE;
const NAME = REPO_NAME_SOURCE;
// `#0` is no issue; ten digits keep the number a safe integer.
const NUMBER = "[1-9]\\d{0,9}";

/**
 * One issue reference: `#N`, `owner/repo#N` or `https://github.com/owner/repo/issues/N`.
 * The look-behind rejects a ref glued to a word, path or entity (`a/b/c#3`, `page#3`,
 * `&#39;`), and the look-ahead rejects `#3a`. GitHub Enterprise URLs are not recognised
 * (the parsers are not told the host); `#N` works on every host.
 */
const ISSUE_REF_SOURCE =
  `(?<![\\w./#&-])(?:(${OWNER}/${NAME})#|https?://(?:www\\.)?github\\.com/(${OWNER}/${NAME})/issues/|#)` +
  `(${NUMBER})(?!\\w)`;

/** The ref named by a match whose first three groups are those of `ISSUE_REF_SOURCE`. */
function toIssueRef(match: RegExpExecArray, repo: RepoName): IssueRef {
  const named = match[1] ?? match[2] ?? repo;
  return { repo: named.toLowerCase(), number: Number(match[3]) };
}

/** Every ref in `text`, in order, duplicates kept. */
export function parseRefTokens(text: string, repo: RepoName): IssueRef[] {
  const pattern = new RegExp(ISSUE_REF_SOURCE, "g");
  return [...text.matchAll(pattern)].map((match) => toIssueRef(match, repo));
}

export function toUniqueRefs(refs: readonly IssueRef[]): IssueRef[] {
  const seen = new Set<string>();
  return refs.filter((ref) => {
    const key = `${ref.repo}#${ref.number}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// GitHub's closing keywords; one keyword closes one ref (`Fixes #1, #2` closes #1 only).
const CLOSING = new RegExp(`\\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\\b:?[ \\t]*${ISSUE_REF_SOURCE}`, "gi");
// A trailer line; its value is `N`, `#N` or `owner/repo#N`.
const TRAILER = new RegExp(`^[ \\t]*AFK-Issue[ \\t]*:[ \\t]*(?:(${OWNER}/${NAME})#|#)?(${NUMBER})[ \\t]*$`, "gim");

interface Located {
  readonly index: number;
  readonly ref: IssueRef;
}

function locateClosing(message: string, repo: RepoName): Located[] {
  return [...message.matchAll(CLOSING)].map((match) => ({ index: match.index, ref: toIssueRef(match, repo) }));
}

function locateTrailers(message: string, repo: RepoName): Located[] {
  return [...message.matchAll(TRAILER)].map((match) => ({
    index: match.index,
    ref: { repo: (match[1] ?? repo).toLowerCase(), number: Number(match[2]) },
  }));
}

/**
 * The issues `message` closes: closing keywords (case-insensitive, optional colon) before
 * a ref, and `AFK-Issue:` trailer lines. `#N` names `repo`. De-duplicated, in order.
 */
export function parseIssueRefs(message: string, repo: RepoName): IssueRef[] {
  const located = [...locateClosing(message, repo), ...locateTrailers(message, repo)];
  located.sort((a, b) => a.index - b.index);
  return toUniqueRefs(located.map((entry) => entry.ref));
}

/** Whether `message` closes `ref` (whose repo also names the repo of a bare `#N`). */
export function isIssueReferenced(message: string, ref: IssueRef): boolean {
  const repo = ref.repo.toLowerCase();
  return parseIssueRefs(message, repo).some((found) => found.repo === repo && found.number === ref.number);
}
