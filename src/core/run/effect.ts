import type { OperatorConfig } from "../config/config-types.js";
import type { RepoName } from "../common/github-types.js";
import type { RunRecord } from "./run-types.js";

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
  /**
   * A new comment where a person should be notified (escalated, shipped), posted once:
   * the runner skips it when a comment of afk's already carries its marker.
   */
  | { readonly kind: "PostNotice"; readonly marker: string; readonly body: string }
  | { readonly kind: "CloseIssue"; readonly reason: "completed" | "not_planned" }
  /** The agent's own commit closed the issue, and the run needs a human after all. */
  | { readonly kind: "ReopenIssue" }
  /**
   * Post the doorbell, or update it when the record already names one. `mayHaveRung`: an
   * earlier try may have posted it unseen (a timeout, or afk died before writing its ts
   * down), so afk looks for it in the channel first: Slack has no idempotency key.
   */
  | { readonly kind: "RingDoorbell"; readonly record: RunRecord; readonly mayHaveRung: boolean }
  | { readonly kind: "UpdateDoorbell"; readonly record: RunRecord; readonly note: string }
  | {
      readonly kind: "ReplyInDoorbellThread";
      readonly channel: string;
      readonly threadTs: string;
      readonly text: string;
    }
  /** A one-line "shipped" message in the doorbell channel (AFK_SLACK_ANNOUNCE_SHIPPED). */
  | { readonly kind: "AnnounceShipped"; readonly record: RunRecord }
  /**
   * The repo's lock is free: reconcile it now, not at the next sweep. `whenQueued`: only
   * when afk holds a queued run of the repo (core/dispatch/is-release-awaited.ts); false
   * when the ended run's own issue is ready again (a retry), which no queue knows of.
   */
  | { readonly kind: "ReconcileRepo"; readonly repo: RepoName; readonly whenQueued: boolean };

export interface Transition {
  readonly record: RunRecord;
  readonly effects: readonly Effect[];
}

/** What the machine needs to know beyond the record. */
export interface MachineContext {
  readonly config: OperatorConfig;
}
