// The run's vocabulary (DESIGN section 2): the agent's status line, phases, stages,
// escalations and the run record kept in the progress comment. Times are epoch
// milliseconds, passed in by the caller (the core never reads a clock).

import type { RepoConfig } from "../config/config-types.js";
import type { IssueRef, RepoName, Role } from "../common/github-types.js";

// ---------------------------------------------------------------------------
// The agent's status line (DESIGN section 6).

export type AgentStatus =
  | { readonly kind: "tests-red" }
  | { readonly kind: "tests-green" }
  | { readonly kind: "pushed"; readonly sha: string }
  | { readonly kind: "blocked"; readonly question: string }
  | { readonly kind: "gave-up"; readonly why: string };

// ---------------------------------------------------------------------------
// Phases of a run (DESIGN section 2).

export const ACTIVE_PHASES = [
  "dispatched",
  "tests-red",
  "tests-green",
  "pushed",
  "ci",
  "deploying",
  "rolling-out",
] as const;
export const TERMINAL_PHASES = ["shipped", "cancelled", "taken-over"] as const;

export type ActivePhase = (typeof ACTIVE_PHASES)[number];
export type TerminalPhase = (typeof TERMINAL_PHASES)[number];
/** `queued`: waiting for dispatch; `escalated`: resting, waiting for a human. */
export type Phase = "queued" | ActivePhase | "escalated" | TerminalPhase;

export type Stage = "ci" | "deploy" | "rollout";

/** Why a ready issue is not dispatched now (DESIGN section 3). */
export type HoldReason =
  | { readonly kind: "kill-switch-on" }
  | { readonly kind: "repo-not-allowlisted"; readonly repo: RepoName }
  | { readonly kind: "not-ready" }
  | {
      readonly kind: "labeler-untrusted";
      readonly labeler: string | null;
      readonly why: string;
      /** The labeler's standing: a repository role, or what kind of account it is. */
      readonly standing: string;
      /** Said on the issue, except for a label applied at creation by an author without access (issue templates). */
      readonly silent: boolean;
      /** The roles afk obeys, as configured. */
      readonly obeys: readonly string[];
    }
  /** The ready label was applied before the issue's last run ended (left on when it was reopened). */
  | { readonly kind: "label-stale"; readonly endedAt: number }
  /** The title or body changed after a trusted person approved the task, and no trusted person made the change. */
  | { readonly kind: "edited-after-approval"; readonly approvedBy: string; readonly approvedAt: number }
  /** The repo's `.github/afk.yml` cannot be used. */
  | { readonly kind: "repo-config-invalid"; readonly problems: string }
  | {
      readonly kind: "blocked";
      /** Every blocker not known to be closed. */
      readonly by: readonly IssueRef[];
      /** Those among them afk could not read (deleted, no access): unknown counts as open. */
      readonly unreadable: readonly IssueRef[];
      /** References in the body beyond the ones afk reads per issue, left unread. */
      readonly notRead: number;
    }
  | { readonly kind: "repo-busy"; readonly with: number }
  | { readonly kind: "cap-reached"; readonly cap: number };

/** The reasons a queued issue tells on the issue itself (DESIGN section 3: 4–6 only). */
export type QueuedReason = Extract<
  HoldReason,
  {
    kind:
      | "blocked"
      | "repo-busy"
      | "cap-reached"
      | "labeler-untrusted"
      | "label-stale"
      | "edited-after-approval"
      | "repo-config-invalid";
  }
>;

export type EscalationCause =
  /** E1: the agent's turn ended without a push, errored, or the agent asked. */
  | "agent"
  /** E2: a stage is red and the fix-forward budget is spent. */
  | "red-budget-spent"
  /** E3: a time budget ran out. */
  | "time-budget"
  /** E4: afk lost track of the thread or the record. */
  | "lost"
  /**
   * E4: T3 refused to start the agent's thread, and refuses the same ids again. No agent
   * ever had the checkout, so the run does not keep its repo; a resume starts a new attempt.
   */
  | "dispatch-rejected";

export interface Escalation {
  readonly cause: EscalationCause;
  /** One sentence for humans: what happened. */
  readonly reason: string;
  /** The agent's last message or question, when there is one. */
  readonly agentSaid: string | null;
  readonly at: number;
  /** The phase the run continues from when a human resumes it. */
  readonly resumeTo: ActivePhase;
}

export type StageVerdict = "pending" | "green" | "red" | "skipped";

export interface CheckFailure {
  readonly name: string;
  readonly conclusion: string;
  readonly summary: string | null;
  readonly url: string | null;
  /** Tail of the failing job's log, already trimmed by the caller. */
  readonly logTail: string | null;
}

export interface StageState {
  readonly verdict: StageVerdict;
  /** When the stage started waiting (for its timeout). */
  readonly since: number;
  readonly url: string | null;
  /** A short human note: pipeline number, rollout detail, failing checks. */
  readonly detail: string | null;
  /** Woodpecker only: when the pipeline entered `blocked` (approval), else null. */
  readonly blockedSince: number | null;
  /** CI only: whether any check or status has been seen for the sha yet. */
  readonly seenAny: boolean;
  readonly failures: readonly CheckFailure[];
}

export interface Turn {
  /** 1 for the opening turn; each follow-up adds one. */
  readonly number: number;
  readonly kind: "opening" | "fix-forward" | "relay" | "resume";
  readonly state: "working" | "ended";
  readonly startedAt: number;
  /** The sha that was current when the turn was sent (fix-forward: the red sha). */
  readonly sha: string | null;
  /**
   * A relayed answer's text: the one turn afk could not write again from the record
   * alone, should T3 never have received it (afk died between the record and the send).
   */
  readonly relayText: string | null;
  /**
   * A resume turn's new comments on the issue, each author with their standing, so the
   * agent can tell a trusted person's instructions from text it must treat as data.
   */
  readonly commenters?: readonly Commenter[];
}

/** The author of a comment posted while the run waited for a human. */
export interface Commenter {
  readonly login: string;
  /** Their repository role, or what kind of account it is. */
  readonly standing: string;
  readonly trusted: boolean;
  /** How many of the new comments are theirs. */
  readonly comments: number;
}

export interface Resumption {
  readonly by: string;
  readonly via: "slack" | "github";
  readonly at: number;
}

/** Who a run answers to, by the standing they had when they approved its task. */
export type ApprovalRole = Exclude<Role, "read" | "none"> | "owner" | "bot" | "slack";

/**
 * The approval this attempt runs under (DESIGN section 4): a trusted person's application
 * of the ready label, or an allowed Slack user's "Retry from scratch" (afk re-applies the
 * label itself then, and only this field lets afk's own label stand in for theirs).
 */
export interface Approval {
  readonly by: string;
  readonly role: ApprovalRole;
  /** A label application, a Slack retry, or an edit of the issue by a trusted person (re-pinned). */
  readonly via: "label" | "retry" | "edit";
  readonly at: number;
  /** A hash of the issue's title and body as they stood when approved; null when not pinned. */
  readonly fingerprint: string | null;
}

/** What an observer follows: the agent (T3), the default branch's commits, and each stage. */
export type ObserverName = "agent" | "commits" | "ci" | "deploy" | "rollout";

/** An observer that keeps failing: said on the issue once it has lasted (`told`). */
export interface ObserveProblem {
  readonly what: ObserverName;
  readonly message: string;
  readonly since: number;
  readonly told: boolean;
}

/** The doorbell could not ring: why, how often afk tried, and when it last did. */
export interface DoorbellFailure {
  readonly reason: string;
  readonly attempts: number;
  readonly at: number;
}

export interface HistoryEntry {
  readonly at: number;
  readonly phase: Phase;
  readonly note: string;
}

/** Run record: the hidden state of one attempt, kept in the progress comment. */
export interface RunRecord {
  readonly v: 2;
  readonly repo: RepoName;
  readonly issue: number;
  readonly installationId: number;
  readonly attempt: number;
  readonly phase: Phase;
  readonly threadId: string;
  /** Who applied the ready label that started (or last resumed) this attempt. */
  readonly labeler: string | null;
  readonly approval: Approval | null;
  readonly queuedReason: QueuedReason | null;
  readonly dispatchedAt: number | null;
  /** Start of the current leg: dispatch, or the latest human resumption. */
  readonly legStartedAt: number | null;
  readonly endedAt: number | null;
  readonly turn: Turn | null;
  readonly turns: number;
  /** The agent's latest status line. */
  readonly agentStatus: AgentStatus | null;
  readonly sha: string | null;
  readonly pushedAt: number | null;
  readonly stages: {
    readonly ci: StageState | null;
    readonly deploy: StageState | null;
    readonly rollout: StageState | null;
  };
  /** Fix-forward turns in the current leg (the budget), and in the whole attempt. */
  readonly fixForwards: number;
  readonly fixForwardsTotal: number;
  readonly escalation: Escalation | null;
  readonly doorbell: { readonly channel: string; readonly ts: string } | null;
  readonly doorbellFailure: DoorbellFailure | null;
  /**
   * The commit whose closing keyword closed the issue (the agent's own push, contracts/
   * github.md "Closing keywords"): not a cancellation; the run goes on to production.
   */
  readonly closedByCommit: string | null;
  /**
   * T3's own time (its clock) of the latest turn afk judged (ended, or asking): T3 shows that
   * turn as the latest until the agent picks up the next, so only newer facts tell of it.
   */
  readonly turnSeenAt: number | null;
  /** Observers failing for a while; at most one per observer. */
  readonly problems: readonly ObserveProblem[];
  readonly resumptions: readonly Resumption[];
  readonly history: readonly HistoryEntry[];
  /** The repo's `.github/afk.yml`, as it stood at dispatch, already clamped. */
  readonly repoConfig: RepoConfig;
}
