// A webhook reduced to a nudge (DESIGN 1.2, STYLE: kodiak): "look at repo R / issue N now",
// with the few facts the payload carries that may short-cut a read. A nudge never decides
// a run's fate; the shell re-reads the state and asks the core.

import type { Actor, RepoName } from "../common/github-types.js";
import type { CiPayloadFact } from "../observe/decide-ci-payload.js";
import type { CommitFact } from "../observe/observe-types.js";

/** The Woodpecker pipeline a `ci/woodpecker/…` commit status points at. */
export interface PipelineHint {
  readonly repoId: number;
  readonly number: number;
}

interface IssueNudgeBase {
  readonly repo: RepoName;
  readonly installationId: number;
  readonly issue: number;
  readonly sender: Actor;
}

/** The issue as a delivery saw it: when it changed (`updated_at`) and its task, when the payload had them. */
export interface IssueSeen {
  readonly at: number | null;
  readonly task: { readonly title: string; readonly body: string | null } | null;
  /** How many comments the issue had (`issue.comments`); null when the payload did not say. */
  readonly comments: number | null;
  /** How many issues natively blocked it (`issue_dependencies_summary.total_blocked_by`); null when not said. */
  readonly blockedBy: number | null;
}

export type Nudge =
  /** The ready label was applied: the sender is the labeler afk judges. */
  | ({ readonly kind: "ready-labeled" } & IssueNudgeBase & IssueSeen)
  /** The ready label was removed, or the issue closed (by a person, or by a commit: the events say which). */
  | ({ readonly kind: "stopped"; readonly why: "label-removed" | "issue-closed" } & IssueNudgeBase)
  /** The human label was removed: a person took the escalated run over on GitHub. */
  | ({ readonly kind: "human-label-removed" } & IssueNudgeBase)
  /** The title or body changed (an approval may need to be pinned again). */
  | ({ readonly kind: "issue-edited" } & IssueNudgeBase & IssueSeen)
  /** A CI, deploy or push fact for a commit: observe the runs that follow it. */
  | {
      readonly kind: "ci";
      readonly repo: RepoName;
      readonly installationId: number;
      /** The commit the fact is about, when the payload names one. */
      readonly sha: string | null;
      /** The branch it is about, when the payload names one (a push, a workflow run). */
      readonly branch: string | null;
      /** A push: any run waiting for its agent's commit may be concerned, not only those following `sha`. */
      readonly push: boolean;
      readonly pipeline: PipelineHint | null;
      /** The check run or workflow run the delivery carried, when it carried all of it. */
      readonly fact: CiPayloadFact | null;
      /** A push's commits, newest first (as the commits API lists them); null for other events. */
      readonly commits: readonly CommitFact[] | null;
    }
  /** afk was installed on, or removed from, repositories. */
  | {
      readonly kind: "installation";
      readonly installationId: number;
      readonly added: readonly RepoName[];
      readonly removed: readonly RepoName[];
    }
  /**
   * A bot whose act could be afk's own, while afk does not know its own bot yet: the
   * shell learns who afk is (one read) and maps the delivery again.
   */
  | { readonly kind: "needs-identity"; readonly repo: RepoName }
  /** Nothing to do, and why (for the debug log). */
  | { readonly kind: "ignore"; readonly why: string };

export const IGNORE = (why: string): Nudge => ({ kind: "ignore", why });
