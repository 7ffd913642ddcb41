// Which commit on the default branch is the run's push (DESIGN section 2, `pushed`): one
// that closes the issue the way afk asked (see parse-issue-refs.ts; a mere mention never
// counts) and that was committed after the dispatch.

import type { CommitFact } from "./observe-types.js";
import { isIssueReferenced } from "../dispatch/parse-issue-refs.js";
import type { IssueRef } from "../common/github-types.js";
import { isSameText } from "../common/text.js";
import { MINUTE_MS } from "../common/time.js";

/**
 * Committer clocks (the agent's machine) and afk's clock disagree a little; a commit
 * dated up to a minute before the dispatch is still taken as the agent's. A commit made
 * before the run by someone else would need the issue reference AND this timing.
 */
export const CLOCK_SKEW_MARGIN_MS = MINUTE_MS;

export function isAfterDispatch(committedAt: number, dispatchedAt: number): boolean {
  return committedAt >= dispatchedAt - CLOCK_SKEW_MARGIN_MS;
}

export interface PushedCommitInput {
  /** Newest first, as the commits API lists the default branch. */
  readonly commits: readonly CommitFact[];
  readonly issue: IssueRef;
  readonly dispatchedAt: number;
  /** The sha the run follows now, if any. */
  readonly currentSha: string | null;
}

/**
 * The newest commit that is the run's push, or null when there is none or it is the one
 * the run already follows. The list order decides "newest", not the dates: history is
 * linear on the default branch and committer dates can tie or run backwards. A followed
 * sha listed newer than every match (a push whose message lacks the reference) is kept:
 * the run never steps back to an older commit. An abbreviated `currentSha` (from the
 * agent's status line) is replaced by the full sha.
 */
export function findPushedCommit(input: PushedCommitInput): CommitFact | null {
  const { currentSha } = input;
  for (const commit of input.commits) {
    if (currentSha !== null && isSameText(commit.sha, currentSha)) return null;
    if (isIssueReferenced(commit.message, input.issue) && isAfterDispatch(commit.committedAt, input.dispatchedAt))
      return commit;
  }
  return null;
}
