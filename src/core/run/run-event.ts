import type { RepoConfig } from "../config/config-types.js";
import type { Issue } from "../common/github-types.js";
import type { AgentStatus, Approval, CheckFailure, Commenter, ObserverName, QueuedReason } from "./run-types.js";

// ---------------------------------------------------------------------------
// Events: facts that happened (past tense).

export type TurnOutcome = "completed" | "interrupted" | "error";

export type RunEvent =
  /** The policy selected the queued run: start the thread. */
  | {
      readonly kind: "DispatchApproved";
      readonly issue: Issue;
      readonly labeler: string | null;
      readonly defaultBranch: string;
      readonly cloneUrl: string;
      /** `.github/afk.yml` read from the default branch now: pinned for the whole run. */
      readonly repoConfig: RepoConfig;
      /**
       * When T3 already holds this attempt's thread (afk died mid-dispatch): when its
       * opening turn was requested. The run keeps that dispatch time. Null otherwise.
       */
      readonly startedAt: number | null;
      /** The trusted approval this attempt runs under (decide-approval.ts); null when none was formed. */
      readonly approval: Approval | null;
    }
  /** T3 refused to start the thread, and refuses it again for the same ids (a `rejected` answer). */
  | { readonly kind: "DispatchRejected"; readonly message: string }
  /** The policy holds the queued run for a reason worth telling on the issue. */
  | { readonly kind: "Held"; readonly reason: QueuedReason; readonly approval: Approval | null }
  /** A status line seen while the turn is still running. */
  | { readonly kind: "AgentReported"; readonly status: AgentStatus }
  | {
      readonly kind: "TurnEnded";
      readonly outcome: TurnOutcome;
      readonly status: AgentStatus | null;
      readonly lastMessage: string | null;
      readonly error: string | null;
      /** T3's own time of what it showed (`toTurnSeenAt`), when the fact came from T3. */
      readonly seenAt?: number;
    }
  /** The agent waits on a question (T3 `hasPendingUserInput`). */
  | { readonly kind: "QuestionAsked"; readonly question: string | null; readonly seenAt?: number }
  /** A commit on the default branch referencing the issue, authored after dispatch. */
  | { readonly kind: "CommitPushed"; readonly sha: string; readonly url: string | null }
  | {
      readonly kind: "CiObserved";
      readonly sha: string;
      readonly verdict: "pending" | "green" | "red";
      /** False while no check or status exists for the sha at all. */
      readonly seenAny: boolean;
      readonly url: string | null;
      readonly failures: readonly CheckFailure[];
    }
  | {
      readonly kind: "DeployObserved";
      readonly sha: string;
      readonly verdict: "pending" | "blocked" | "green" | "red" | "superseded";
      readonly url: string | null;
      readonly detail: string | null;
    }
  | {
      readonly kind: "RolloutObserved";
      readonly sha: string;
      readonly verdict: "pending" | "green" | "red" | "superseded";
      readonly url: string | null;
      readonly detail: string | null;
    }
  /** Time passed with nothing else observed: check the budgets. */
  | { readonly kind: "Ticked" }
  /** A human answered: a Slack reply, or the ready label applied again by a trusted person. */
  | {
      readonly kind: "HumanResumed";
      readonly by: string;
      readonly via: "slack" | "github";
      readonly text: string | null;
      /** On GitHub: the resumer's application of the label approves the issue as it reads now. */
      readonly approval?: Approval;
      /** On GitHub: who commented while the run waited, for the resume turn. */
      readonly commenters?: readonly Commenter[];
    }
  | { readonly kind: "Cancelled"; readonly by: string | null; readonly why: "label-removed" | "issue-closed" }
  /**
   * `readyAgain`: the person who took it over on GitHub has since applied the ready label
   * again (while afk did not hear of it): that label is theirs, asking for a new attempt.
   */
  | { readonly kind: "TakenOver"; readonly by: string; readonly readyAgain?: boolean }
  | { readonly kind: "RetryRequested"; readonly by: string }
  /** The T3 thread is gone (deleted, archived, or unknown to T3). */
  | { readonly kind: "ThreadLost"; readonly why: string }
  | { readonly kind: "DoorbellRung"; readonly channel: string; readonly ts: string }
  /** The doorbell could not ring (Slack down, the bot not in the channel…). */
  | { readonly kind: "DoorbellFailed"; readonly reason: string }
  /** The issue was closed by a commit's closing keyword: the agent's push, not a person. */
  | { readonly kind: "IssueClosedByCommit"; readonly sha: string }
  /** An observer could not read what it follows this time. */
  | { readonly kind: "ObservationFailed"; readonly what: ObserverName; readonly message: string }
  /** An observer read what it follows again. */
  | { readonly kind: "ObservationRecovered"; readonly what: ObserverName };
