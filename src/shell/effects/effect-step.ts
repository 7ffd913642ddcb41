// What applying one effect came to: done (perhaps with the progress comment's new id, or
// an event the effect produced, such as the doorbell's channel and ts), or failed.

import type { RunEvent } from "../../core/run/run-event.js";
import type { OperatorConfig } from "../../core/config/config-types.js";
import type { ProjectFact } from "../../core/observe/agent-threads.js";
import type { RenderContext } from "../../core/render/render-context.js";
import type { AgentRunner } from "../../ports/agent-runner.js";
import type { Doorbell } from "../../ports/doorbell.js";
import type { IssueTracker } from "../../ports/issue-tracker.js";
import { describeError, type PortError, type Result } from "../../ports/result.js";
import type { Log } from "../log.js";

export type Step =
  | { readonly ok: true; readonly commentId?: number; readonly followUp?: RunEvent }
  | { readonly ok: false; readonly message: string; readonly error: PortError | null };

export const OK: Step = { ok: true };

export function fromPort(result: Result<unknown>, what: string): Step {
  return result.ok ? OK : { ok: false, message: `${what}: ${describeError(result.error)}`, error: result.error };
}

/** The issue the effects are for. */
export interface EffectTarget {
  readonly repo: string;
  readonly issue: number;
}

/** The doorbell, when Slack is configured: the port and the channel it rings in. */
export interface DoorbellChannel {
  readonly port: Doorbell;
  readonly channel: string;
}

export interface EffectDeps {
  readonly issues: IssueTracker;
  readonly agent: AgentRunner | null;
  readonly doorbell: DoorbellChannel | null;
  readonly config: OperatorConfig;
  readonly render: RenderContext;
  readonly clock: () => number;
  /** Bound to the run the effects are for. */
  readonly log: Log;
  /** Creates afk's labels in the repo once (with colour and description). */
  readonly ensureLabels: (repo: string) => Promise<Result<void>>;
  /** Reconciles the repo after the current work (its lock was released). */
  readonly reconcileLater: (repo: string, whenQueued: boolean) => void;
  /** afk's GitHub App: only its own comments count as afk's notices. */
  readonly appId: number;
  /**
   * T3's projects as the reconcile read them a moment ago, so that starting a thread
   * needs no second read (absent or null: read afresh).
   */
  readonly projects?: readonly ProjectFact[] | null;
  /** The notices afk has posted on the run's issue, by marker (a notice is posted once). */
  readonly notices: {
    has(marker: string): boolean;
    add(marker: string): void;
    /** Whether the markers known are all there are (read from the comments, no post failed since). */
    complete(): boolean;
    /** A post failed: it may have landed, so the next one reads the comments first. */
    doubt(): void;
  };
}
