// The status page's view model (issue 11): the shapes `/status` renders as HTML and
// `/status.json` serves as they are, so both show the same data.

import type { OperatorConfig } from "../config/config-types.js";
import type { Phase, RunRecord } from "../run/run-types.js";
import type { RepoName } from "../common/github-types.js";

export interface StatusInput {
  /** Every run record afk holds, with the issue's title when afk has read it. */
  readonly runs: readonly { readonly record: RunRecord; readonly title: string | null }[];
  readonly config: Pick<OperatorConfig, "t3">;
  /** Web base of GitHub, e.g. `https://github.com`. */
  readonly githubUrl: string;
  /** False while the kill switch is on or no repo is enrolled: the page says so. */
  readonly armed: boolean;
}

export type StatusLinkKind = "thread" | "commit" | "ci" | "pipeline" | "rollout";

/** Only http(s) URLs become links. */
export interface StatusLink {
  readonly kind: StatusLinkKind;
  readonly label: string;
  readonly url: string;
}

export interface StatusBudget {
  /** Fix-forward turns in the current leg, and the repo's limit. */
  readonly fixForwardsUsed: number;
  readonly fixForwardsLimit: number;
  /** Time of the current leg (dispatch or the latest human answer) against the run budget. */
  readonly timeUsedMs: number;
  readonly timeLimitMs: number;
}

export interface StatusRow {
  readonly repo: RepoName;
  readonly issue: number;
  /** The issue on GitHub. */
  readonly url: string;
  readonly attempt: number;
  /** Null when afk has not read the issue since it started. */
  readonly title: string | null;
  readonly phase: Phase;
  /** The phase in words, e.g. `CI red`, `escalated: the agent stopped`. */
  readonly phaseText: string;
  /** Why it waits, what the stage says, why it stopped, or how it ended. */
  readonly note: string | null;
  /** How long the row has been where it is (see `toSince` in status-row.ts); null when unknown. */
  readonly age: { readonly since: string; readonly ms: number } | null;
  readonly approval: { readonly by: string; readonly role: string | null; readonly at: string | null } | null;
  readonly budget: StatusBudget | null;
  /** The T3 thread, the commit, the CI run, the pipeline and the rollout, as far as known. */
  readonly links: readonly StatusLink[];
}

export type StatusGroupKind = "in-flight" | "waiting-for-human" | "queued" | "finished";

export interface StatusGroup {
  readonly kind: StatusGroupKind;
  readonly rows: readonly StatusRow[];
  /** Rows left off (finished runs beyond the most recent ones). */
  readonly omitted: number;
}

export interface StatusView {
  readonly generatedAt: string;
  readonly refreshSeconds: number;
  readonly armed: boolean;
  readonly groups: readonly StatusGroup[];
}
