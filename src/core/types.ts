// The shared vocabulary of afk's pure core. Times are epoch milliseconds, passed in
// by the caller (the core never reads a clock). Repos are `owner/name`, lower-cased.

import type { OperatorConfig, RepoConfig } from "./config-types.js";

export type RepoName = string;

/** `owner/name#number`, the display form of an issue reference. */
export interface IssueRef {
  readonly repo: RepoName;
  readonly number: number;
}

export type ActorType = "User" | "Bot" | "Organization" | "Mannequin";

export interface Actor {
  readonly login: string;
  readonly id: number;
  readonly type: ActorType;
}

/** Repository role as GitHub's collaborator permission endpoint names it (`role_name`). */
export type Role = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface Issue {
  readonly repo: RepoName;
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly state: "open" | "closed";
  readonly labels: readonly string[];
  readonly createdAt: number;
  readonly author: string;
}

export interface Blocker extends IssueRef {
  /** `unknown` when afk could not read it: treated as open (fail closed). */
  readonly state: "open" | "closed" | "unknown";
}

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
  | { readonly kind: "labeler-untrusted"; readonly labeler: string | null; readonly why: string }
  | { readonly kind: "blocked"; readonly by: readonly IssueRef[] }
  | { readonly kind: "repo-busy"; readonly with: number }
  | { readonly kind: "cap-reached"; readonly cap: number };

/** The reasons a queued issue tells on the issue itself (DESIGN section 3: 4–6 only). */
export type QueuedReason = Extract<HoldReason, { kind: "blocked" | "repo-busy" | "cap-reached" }>;

export type EscalationCause =
  /** E1: the agent's turn ended without a push, errored, or the agent asked. */
  | "agent"
  /** E2: a stage is red and the fix-forward budget is spent. */
  | "red-budget-spent"
  /** E3: a time budget ran out. */
  | "time-budget"
  /** E4: afk lost track of the thread or the record. */
  | "lost";

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
}

export interface Resumption {
  readonly by: string;
  readonly via: "slack" | "github";
  readonly at: number;
}

export interface HistoryEntry {
  readonly at: number;
  readonly phase: Phase;
  readonly note: string;
}

/** Run record: the hidden state of one attempt, kept in the progress comment. */
export interface RunRecord {
  readonly v: 1;
  readonly repo: RepoName;
  readonly issue: number;
  readonly installationId: number;
  readonly attempt: number;
  readonly phase: Phase;
  readonly threadId: string;
  /** Who applied the ready label that started (or last resumed) this attempt. */
  readonly labeler: string | null;
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
  readonly stages: { readonly ci: StageState | null; readonly deploy: StageState | null; readonly rollout: StageState | null };
  /** Fix-forward turns in the current leg (the budget), and in the whole attempt. */
  readonly fixForwards: number;
  readonly fixForwardsTotal: number;
  readonly escalation: Escalation | null;
  readonly doorbell: { readonly channel: string; readonly ts: string } | null;
  readonly resumptions: readonly Resumption[];
  readonly history: readonly HistoryEntry[];
  /** The repo's `.github/afk.yml`, as it stood at dispatch, already clamped. */
  readonly repoConfig: RepoConfig;
}

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
    }
  /** The policy holds the queued run for a reason worth telling on the issue. */
  | { readonly kind: "Held"; readonly reason: QueuedReason }
  /** A status line seen while the turn is still running. */
  | { readonly kind: "AgentReported"; readonly status: AgentStatus }
  | {
      readonly kind: "TurnEnded";
      readonly outcome: TurnOutcome;
      readonly status: AgentStatus | null;
      readonly lastMessage: string | null;
      readonly error: string | null;
    }
  /** The agent waits on a question (T3 `hasPendingUserInput`). */
  | { readonly kind: "QuestionAsked"; readonly question: string | null }
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
  | { readonly kind: "HumanResumed"; readonly by: string; readonly via: "slack" | "github"; readonly text: string | null }
  | { readonly kind: "Cancelled"; readonly by: string | null; readonly why: "label-removed" | "issue-closed" }
  | { readonly kind: "TakenOver"; readonly by: string }
  | { readonly kind: "RetryRequested"; readonly by: string }
  /** The T3 thread is gone (deleted, archived, or unknown to T3). */
  | { readonly kind: "ThreadLost"; readonly why: string }
  | { readonly kind: "DoorbellRung"; readonly channel: string; readonly ts: string };

// ---------------------------------------------------------------------------
// Effects: what the shell must do (imperative), in order. Each is idempotent.

export type TurnPurpose = "opening" | "fix-forward" | "relay" | "resume";

export type Effect =
  | {
      readonly kind: "StartThread";
      readonly threadId: string;
      readonly projectId: string;
      readonly workspaceRoot: string;
      readonly title: string;
      readonly commandIds: { readonly project: string; readonly thread: string; readonly turn: string };
      readonly messageId: string;
      readonly text: string;
    }
  | {
      readonly kind: "SendTurn";
      readonly threadId: string;
      readonly commandId: string;
      readonly messageId: string;
      readonly purpose: TurnPurpose;
      readonly text: string;
    }
  | { readonly kind: "InterruptTurn"; readonly threadId: string; readonly commandId: string }
  | { readonly kind: "AddLabels"; readonly labels: readonly string[] }
  | { readonly kind: "RemoveLabels"; readonly labels: readonly string[] }
  /** Create or edit the progress comment from this record. */
  | { readonly kind: "UpsertProgressComment"; readonly record: RunRecord }
  /** A new comment, only where a person should be notified (escalated, shipped). */
  | { readonly kind: "PostComment"; readonly body: string }
  | { readonly kind: "CloseIssue"; readonly reason: "completed" | "not_planned" }
  /** Post the doorbell, or update it when the record already names one. */
  | { readonly kind: "RingDoorbell"; readonly record: RunRecord }
  | { readonly kind: "UpdateDoorbell"; readonly record: RunRecord; readonly note: string }
  | { readonly kind: "ReplyInDoorbellThread"; readonly channel: string; readonly threadTs: string; readonly text: string }
  /** A one-line "shipped" message in the doorbell channel (AFK_SLACK_ANNOUNCE_SHIPPED). */
  | { readonly kind: "AnnounceShipped"; readonly record: RunRecord }
  /** The repo's lock is free: reconcile it now, not at the next sweep. */
  | { readonly kind: "ReconcileRepo"; readonly repo: RepoName };

export interface Transition {
  readonly record: RunRecord;
  readonly effects: readonly Effect[];
}

/** What the machine needs to know beyond the record. */
export interface MachineContext {
  readonly config: OperatorConfig;
}

export function assertNever(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
