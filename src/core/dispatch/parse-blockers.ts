// Blockers written in an issue body (DESIGN section 3, rule 4): `Blocked by #3, #4 and
// owner/repo#10`. GitHub's native "blocked by" dependencies are read elsewhere; the
// policy merges both.

import { parseRefTokens, toUniqueRefs } from "./parse-issue-refs.js";
import type { IssueRef, RepoName } from "../common/github-types.js";

// Fences may sit in a list item or a quote, hence the leading whitespace and `>`.
const FENCE = /^[ \t]*(?:>[ \t]*)*(`{3,}|~{3,})/;
// Issue templates often explain themselves in comments (`<!-- Blocked by #123 -->`):
// GitHub does not render them, so they are nobody's words. Unclosed runs to the end.
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
// A code span is closed by a backtick run of exactly its opening length (CommonMark);
// spans are taken within one line only, which is where a clause lives anyway.
const CODE_SPAN = /(?<!`)(`+)(?!`)[^\n]*?(?<!`)\1(?!`)/g;
// `blocked by` / `blocked-by`, not `unblocked by`; the clause runs to the end of the line,
// so a colon or markdown (`- **Blocked by:** #3`) around it does not matter.
const CLAUSE = /\bblocked(?:[ \t]+|-)by\b([^\n]*)/gi;

/** The fence a line opens, or null. A backtick fence's info string has no backtick
 * (CommonMark), so ```` ```x``` ```` on one line is a code span, not an endless block. */
function toOpeningFence(line: string): string | null {
  const match = FENCE.exec(line);
  if (match === null) return null;
  const run = match[1]!;
  return run.startsWith("`") && line.slice(match[0].length).includes("`") ? null : run;
}

function isFenceClose(line: string, open: string): boolean {
  const match = FENCE.exec(line);
  if (match === null) return false;
  const run = match[1]!;
  return run[0] === open[0] && run.length >= open.length && line.slice(match[0].length).trim() === "";
}

/** The body without fenced code blocks; an unclosed fence runs to the end (CommonMark). */
function withoutFences(body: string): string {
  const kept: string[] = [];
  let open: string | null = null;
  for (const line of body.split(/\r?\n/)) {
    if (open === null) {
      open = toOpeningFence(line);
      kept.push(open === null ? line : "");
    } else {
      if (isFenceClose(line, open)) open = null;
      kept.push("");
    }
  }
  return kept.join("\n");
}

/** What a reader sees as prose: no code, no hidden comments. Line breaks are kept. */
function toProse(body: string): string {
  return withoutFences(body)
    .replace(HTML_COMMENT, (comment) => comment.replace(/[^\n]/g, ""))
    .replace(CODE_SPAN, " ");
}

/**
 * The issues the body says block it, de-duplicated in order of first appearance.
 * A ref anywhere after `blocked by` on the same line counts (`#N` names `repo`); refs on
 * other lines do not. A ref to the issue itself is kept: whether it blocks is the
 * policy's call, not the parser's. A negated clause (`not blocked by #3`) still counts:
 * waiting on an open issue is the safe error, and the hold reason shows it on the issue.
 */
export function parseBlockers(body: string | null | undefined, repo: RepoName): IssueRef[] {
  if (body === null || body === undefined || body === "") return [];
  const refs: IssueRef[] = [];
  for (const clause of toProse(body).matchAll(CLAUSE)) {
    refs.push(...parseRefTokens(clause[1]!, repo));
  }
  return toUniqueRefs(refs);
}
