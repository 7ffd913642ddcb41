// The inputs and outputs of the trust check and the dispatch policy (DESIGN sections 3
// and 4). The shell gathers these facts from GitHub and T3; the core decides.

import type { OperatorConfig } from "../config/config-types.js";
import type { Actor, Blocker, Issue, RepoName } from "../common/github-types.js";
import type { Approval, ApprovalRole, HoldReason } from "../run/run-types.js";

/**
 * `why` is one sentence for humans and logs, in both outcomes. `standing` is what the
 * decision rests on: the repository role, the repo's owner, an allowlisted bot, the
 * Slack user behind a retry, or, refused, what kind of account it is.
 */
export type TrustDecision =
  | { readonly trusted: true; readonly why: string; readonly standing: ApprovalRole }
  | { readonly trusted: false; readonly why: string; readonly standing: string };

export interface RepoOwner {
  readonly login: string;
  readonly type: "User" | "Organization";
}

export type TrustConfig = Pick<OperatorConfig, "trustedRoles" | "trustedBots">;

export interface ReadyIssue {
  readonly issue: Issue;
  /** Who last applied the ready label, or null when no one can be named. */
  readonly labeler: Actor | null;
  /** When the ready label was last applied (epoch ms), when known. */
  readonly labeledAt: number | null;
  readonly trust: TrustDecision;
  /** Read only for a trusted labeler: nothing is read for an issue afk would not dispatch. */
  readonly blockers: readonly Blocker[];
  /** Body references beyond the ones afk reads per issue (BLOCKERS_READ_MAX): they count as open. */
  readonly blockersNotRead: number;
  /** The trusted approval a dispatch runs under (decide-approval.ts); null when afk formed none. */
  readonly approval: Approval | null;
  /** Why afk will not run this approval (stale label, edited task, unusable repo file), or null. */
  readonly refusal: HoldReason | null;
}

/**
 * A run that holds its repo. `dispatching`: T3 has the thread but the in-progress label
 * and the comment are not written yet (a crash mid-dispatch).
 */
export interface RunInFlight {
  readonly repo: RepoName;
  readonly issue: number;
  readonly state: "active" | "escalated" | "dispatching";
  /** `dispatching` only: T3 shows its agent at work already (it holds a slot whatever the cap). */
  readonly working?: boolean;
}

export type DispatchConfig = Pick<
  OperatorConfig,
  "killSwitch" | "allowlist" | "maxConcurrentRuns" | "defaultPriority" | "labels" | "trustedRoles"
>;

export interface DispatchInput {
  readonly config: DispatchConfig;
  /** May span several repos. */
  readonly ready: readonly ReadyIssue[];
  readonly runs: readonly RunInFlight[];
  /**
   * Enrolled repos whose runs afk has not read yet (its run index there is not rebuilt: the
   * installation lookup or a listing failed). Each may hold a run afk cannot see, so each
   * counts as one slot of the cap until it is read. None when absent.
   */
  readonly unread?: readonly RepoName[];
}

export interface HeldIssue {
  readonly issue: ReadyIssue;
  readonly reason: HoldReason;
}

/** Every ready issue is in exactly one of the two lists. */
export interface DispatchDecision {
  /** In dispatch order: healing re-dispatches first, then priority, age, number, repo. */
  readonly dispatch: readonly ReadyIssue[];
  /** In the order of `DispatchInput.ready`. */
  readonly held: readonly HeldIssue[];
}
