// The GitHub port for one installation: what afk needs from issues, labels, comments,
// files and roles (contracts/github.md, "REST calls afk needs"). Absences that are facts
// come back as values: a missing file is null, a non-collaborator has the role `none`,
// removing a label the issue does not carry succeeds.

import type { Actor, Blocker, Issue, IssueEventFact, Role } from "../core/common/github-types.js";
import type { Result } from "./result.js";

export interface RepoFacts {
  readonly defaultBranch: string;
  readonly cloneUrl: string;
  readonly htmlUrl: string;
  readonly owner: { readonly login: string; readonly type: "User" | "Organization" };
}

export interface LabelSpec {
  readonly name: string;
  readonly color: string;
  readonly description: string;
}

export interface Comment {
  readonly id: number;
  readonly body: string;
  readonly author: Actor | null;
  /** The GitHub App that wrote it (`performed_via_github_app`): afk trusts only its own. */
  readonly appId: number | null;
  /** Epoch ms. */
  readonly createdAt: number;
}

export interface IssueTracker {
  getRepo(repo: string): Promise<Result<RepoFacts>>;
  /** Open issues (never pull requests) carrying the label. */
  listOpenIssuesWithLabel(repo: string, label: string): Promise<Result<Issue[]>>;
  /** Closed issues still carrying the label (afk died between closing one and taking its labels off). */
  listClosedIssuesWithLabel(repo: string, label: string): Promise<Result<Issue[]>>;
  getIssue(repo: string, issue: number): Promise<Result<Issue>>;
  /** GitHub's native "blocked by" dependencies, with their states. */
  listNativeBlockers(repo: string, issue: number): Promise<Result<Blocker[]>>;
  /** The issue's events (labeled, unlabeled, closed, reopened…), oldest first. */
  listIssueEvents(repo: string, issue: number): Promise<Result<IssueEventFact[]>>;
  /** `role_name`; `none` for someone who is not a collaborator. */
  getRole(repo: string, login: string): Promise<Result<Role>>;
  /** The raw text of a file on a ref, or null when it does not exist. */
  readFile(repo: string, path: string, ref: string): Promise<Result<string | null>>;
  listComments(repo: string, issue: number): Promise<Result<Comment[]>>;
  createComment(repo: string, issue: number, body: string): Promise<Result<{ readonly id: number }>>;
  /** `not-found` when the comment was deleted. */
  updateComment(repo: string, commentId: number, body: string): Promise<Result<void>>;
  addLabels(repo: string, issue: number, labels: readonly string[]): Promise<Result<void>>;
  /**
   * Removing a label the issue does not carry is a success (labels are set-like). The
   * value: the labels left on the issue, as the answer lists them; null when not known
   * (the label was not on it).
   */
  removeLabel(repo: string, issue: number, label: string): Promise<Result<readonly string[] | null>>;
  /** Creates the label when the repo does not have it yet; one made meanwhile by someone else counts. */
  ensureLabel(repo: string, label: LabelSpec): Promise<Result<void>>;
  closeIssue(repo: string, issue: number, reason: "completed" | "not_planned"): Promise<Result<void>>;
  reopenIssue(repo: string, issue: number): Promise<Result<void>>;
}
