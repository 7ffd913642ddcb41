// GitHub's vocabulary as the core uses it: repos, issues, people and their roles.
// Times are epoch milliseconds; repos are `owner/name`, lower-cased.

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
  /** How many comments it has, as the read that listed it said; absent when not known. */
  readonly comments?: number;
  /**
   * How many issues block it natively (`issue_dependencies_summary.total_blocked_by`), as
   * the read that listed it said; absent when not known (a GitHub without dependencies).
   */
  readonly blockedBy?: number;
}

export interface Blocker extends IssueRef {
  /** `unknown` when afk could not read it: treated as open (fail closed). */
  readonly state: "open" | "closed" | "unknown";
}

/** One entry of an issue's events (`GET /repos/{o}/{r}/issues/{n}/events`), as the core reads it. */
export interface IssueEventFact {
  readonly kind: "labeled" | "unlabeled" | "closed" | "reopened" | "edited" | "other";
  readonly actor: Actor | null;
  /** The label of a `labeled` / `unlabeled` event. */
  readonly label: string | null;
  /** The commit that closed the issue (a closing keyword), null for a person's close. */
  readonly commitId: string | null;
  /** Epoch ms. */
  readonly at: number;
}
