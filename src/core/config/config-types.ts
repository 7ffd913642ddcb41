// The shape of afk's configuration once validated. `config.ts` builds these from an
// env-like object (operator) and from `.github/afk.yml` (repo); this file only names them.

import type { Role } from "../common/github-types.js";

export type RuntimeMode = "approval-required" | "auto-accept-edits" | "auto" | "full-access";

/** Time budgets in milliseconds, plus the fix-forward turn budget. */
export interface Budgets {
  readonly fixForwardTurns: number;
  /** Whole run, per leg (dispatch, or a human resumption, restarts it). */
  readonly runMs: number;
  /** CI pending for a sha. */
  readonly ciMs: number;
  /** No check run and no status at all for a sha. */
  readonly ciNoChecksMs: number;
  /** Deploy pipeline pending or running. */
  readonly deployMs: number;
  /** A Woodpecker pipeline waiting for approval. */
  readonly deployBlockedMs: number;
  readonly rolloutMs: number;
}

export interface TrustedBot {
  readonly login: string;
  readonly id: number;
}

export interface Labels {
  readonly ready: string;
  readonly inProgress: string;
  readonly human: string;
  /** Labels `<prefix><N>` set the priority, e.g. `priority:1`. */
  readonly priorityPrefix: string;
}

export interface T3Config {
  /** Null while T3 is not configured: afk cannot dispatch then. */
  readonly baseUrl: string | null;
  readonly token: string | null;
  readonly tokenFile: string | null;
  readonly instanceId: string;
  readonly model: string;
  /** Each repo's checkout lives at `<workspaceBase>/<owner>/<name>` on the T3 host. */
  readonly workspaceBase: string;
  readonly runtimeMode: RuntimeMode;
}

export interface WoodpeckerConfig {
  readonly url: string;
  readonly token: string;
}

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret: string;
  readonly channel: string;
  /** Slack user ids allowed to steer agents. */
  readonly allowedUsers: readonly string[];
  readonly apiUrl: string | null;
  readonly announceShipped: boolean;
}

export interface KubeConfig {
  /** Null when neither an override nor the in-cluster service variables are set. */
  readonly apiUrl: string | null;
  readonly tokenFile: string;
  readonly caFile: string;
}

export interface OperatorConfig {
  /** True when afk is disarmed (the default). */
  readonly killSwitch: boolean;
  /** Enrolled repos, `owner/name`, lower-cased. */
  readonly allowlist: readonly string[];
  readonly t3: T3Config;
  readonly labels: Labels;
  readonly trustedRoles: readonly Role[];
  readonly trustedBots: readonly TrustedBot[];
  readonly maxConcurrentRuns: number;
  readonly defaultPriority: number;
  readonly budgets: Budgets;
  readonly sweepIntervalMs: number;
  readonly woodpecker: WoodpeckerConfig | null;
  readonly slack: SlackConfig | null;
  readonly kube: KubeConfig;
  /** The token that opens the status page; null keeps the page off (its routes are not mounted). */
  readonly statusToken: string | null;
}

export type RolloutTarget =
  | {
      readonly kind: "kubernetes";
      readonly namespace: string;
      readonly deployment: string;
      readonly container: string;
    }
  | {
      readonly kind: "version-url";
      readonly url: string;
      /** Consecutive reads that must return the sha. */
      readonly consecutive: number;
    };

/** `.github/afk.yml` of one repo, validated and clamped to the operator's caps. */
export interface RepoConfig {
  /** Check/status names that decide CI; empty means every one on the sha but afk's own. */
  readonly requiredChecks: readonly string[];
  readonly ignoredChecks: readonly string[];
  /** Woodpecker `owner/name`; null skips the deploy stage. */
  readonly woodpeckerRepo: string | null;
  /** Null skips the rollout stage. */
  readonly rollout: RolloutTarget | null;
  readonly budgets: Budgets;
}

/** The pipeline shape of a repo without `.github/afk.yml`: CI only, operator budgets. */
export function defaultRepoConfig(operator: Pick<OperatorConfig, "budgets">): RepoConfig {
  return { requiredChecks: [], ignoredChecks: [], woodpeckerRepo: null, rollout: null, budgets: operator.budgets };
}
