// The GitHub twin's world as plain mutable records: repos with their issues, labels,
// roles, files, branches and CI. Only the twin's own files touch these; tests read the
// world through `MemoryGitHub.snapshot()` and the accessors, which hand out copies.

import { createHash } from "node:crypto";
import type { Actor, IssueEventFact, IssueRef, Role } from "../../core/common/github-types.js";

export interface MemLabel {
  readonly name: string;
  readonly color: string;
  readonly description: string;
}

export interface MemEvent {
  readonly kind: IssueEventFact["kind"];
  /** GitHub's own event name (`labeled`, `renamed`, `referenced`…). */
  readonly event: string;
  readonly actor: Actor | null;
  readonly label: string | null;
  readonly commitId: string | null;
  readonly at: number;
}

export interface MemComment {
  readonly id: number;
  /** The repo's key (lower-case `owner/name`). */
  readonly repo: string;
  readonly issue: number;
  body: string;
  readonly author: Actor;
  /** `performed_via_github_app`: set for comments written with an installation token. */
  readonly appId: number | null;
  readonly createdAt: number;
  updatedAt: number;
  deleted: boolean;
}

export interface MemIssue {
  readonly repo: string;
  readonly number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "reopened" | null;
  /** Label names as the repo spells them, in the order applied. */
  labels: string[];
  readonly author: Actor;
  readonly createdAt: number;
  readonly events: MemEvent[];
  /** Native "blocked by" dependencies. */
  readonly blockedBy: IssueRef[];
  readonly isPullRequest: boolean;
  readonly commentIds: number[];
}

export interface MemCommit {
  readonly sha: string;
  readonly message: string;
  readonly committedAt: number;
  readonly author: Actor;
}

export interface MemRepo {
  /** Lower-case `owner/name`: GitHub matches repo names case-insensitively. */
  readonly key: string;
  readonly fullName: string;
  readonly name: string;
  readonly id: number;
  readonly owner: Actor;
  readonly defaultBranch: string;
  readonly cloneUrl: string;
  readonly htmlUrl: string;
  readonly installationId: number | null;
  /** False on a GitHub Enterprise Server without the dependencies endpoint (404). */
  readonly nativeBlockers: boolean;
  /** By lower-case name. */
  readonly labels: Map<string, MemLabel>;
  readonly issues: Map<number, MemIssue>;
  /** By lower-case login. */
  readonly roles: Map<string, Role>;
  /** ref → path → text. A ref is a branch name or a sha. */
  readonly files: Map<string, Map<string, string>>;
  /** branch → commits, oldest first. */
  readonly branches: Map<string, MemCommit[]>;
}

export interface MemApp {
  readonly id: number;
  readonly slug: string;
}

/** GitHub Actions, the app that creates the check runs of workflow jobs. */
export const GITHUB_ACTIONS_APP: MemApp = { id: 15368, slug: "github-actions" };

export interface MemCheckRun {
  readonly id: number;
  readonly repo: string;
  readonly headSha: string;
  readonly headBranch: string | null;
  readonly name: string;
  status: string;
  conclusion: string | null;
  readonly app: MemApp;
  readonly checkSuiteId: number;
  readonly detailsUrl: string | null;
  title: string | null;
  summary: string | null;
}

export interface MemStatus {
  readonly id: number;
  readonly repo: string;
  readonly sha: string;
  readonly context: string;
  readonly state: "pending" | "success" | "failure" | "error";
  readonly targetUrl: string | null;
  readonly description: string | null;
}

export interface MemWorkflowRun {
  readonly id: number;
  readonly repo: string;
  readonly name: string;
  readonly path: string;
  readonly event: string;
  readonly headBranch: string | null;
  readonly headSha: string;
  readonly headRepoFullName: string;
  runAttempt: number;
  status: string;
  conclusion: string | null;
  checkSuiteId: number;
}

export interface MemJob {
  readonly id: number;
  readonly runId: number;
  readonly runAttempt: number;
  readonly name: string;
  status: string;
  conclusion: string | null;
  readonly htmlUrl: string;
  /** Null once GitHub has expired it. */
  log: string | null;
  readonly checkRunId: number;
}

export interface CiState {
  readonly checkRuns: MemCheckRun[];
  readonly statuses: MemStatus[];
  readonly workflowRuns: MemWorkflowRun[];
  readonly jobs: MemJob[];
}

/** A deterministic 40-hex sha for the n-th commit made up by the twin. */
export function toMadeUpSha(n: number): string {
  return createHash("sha1").update(`memory-github commit ${n}`).digest("hex");
}

/** A deterministic delivery GUID (GitHub's `X-GitHub-Delivery` is a UUID). */
export function toDeliveryGuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
