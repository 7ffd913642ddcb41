// Pure mapping from GitHub's REST shapes to the core's types.

import type { Actor, ActorType, Blocker, Issue, IssueEventFact, Role } from "../../core/common/github-types.js";

export interface RestLabel {
  readonly name?: string;
}

export interface RestUser {
  readonly login: string;
  readonly id: number;
  readonly type?: string;
}

export interface RestIssue {
  readonly number: number;
  readonly title: string;
  readonly body?: string | null;
  readonly state: string;
  readonly labels: readonly (string | RestLabel)[];
  readonly created_at: string;
  readonly user: RestUser | null;
  readonly pull_request?: unknown;
  readonly repository_url?: string;
  readonly comments?: number;
  readonly issue_dependencies_summary?: { readonly total_blocked_by: number } | null;
}

export interface RestIssueEvent {
  readonly event: string;
  readonly actor: RestUser | null;
  readonly label?: RestLabel | null;
  readonly commit_id?: string | null;
  readonly created_at: string;
}

const ACTOR_TYPES: readonly ActorType[] = ["User", "Bot", "Organization", "Mannequin"];
const ROLES: readonly Role[] = ["admin", "maintain", "write", "triage", "read", "none"];
const EVENT_KINDS: readonly IssueEventFact["kind"][] = ["labeled", "unlabeled", "closed", "reopened", "edited"];

export function toRepoName(owner: string, name: string): string {
  return `${owner}/${name}`.toLowerCase();
}

export function toOwnerAndName(repo: string): { readonly owner: string; readonly repo: string } {
  const slash = repo.indexOf("/");
  return { owner: repo.slice(0, slash), repo: repo.slice(slash + 1) };
}

export function toLabelNames(labels: readonly (string | RestLabel)[]): string[] {
  return labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))).filter((name) => name !== "");
}

export function toIssue(repo: string, issue: RestIssue): Issue {
  return {
    repo: repo.toLowerCase(),
    number: issue.number,
    title: issue.title,
    body: issue.body ?? null,
    state: issue.state === "closed" ? "closed" : "open",
    labels: toLabelNames(issue.labels),
    createdAt: Date.parse(issue.created_at),
    author: issue.user?.login ?? "",
    ...(issue.comments === undefined ? {} : { comments: issue.comments }),
    ...(typeof issue.issue_dependencies_summary?.total_blocked_by === "number"
      ? { blockedBy: issue.issue_dependencies_summary.total_blocked_by }
      : {}),
  };
}

export function toActor(user: RestUser | null | undefined): Actor | null {
  if (user === null || user === undefined) return null;
  const type = ACTOR_TYPES.find((t) => t === user.type) ?? "User";
  return { login: user.login, id: user.id, type };
}

/** `https://api.github.com/repos/OWNER/NAME` → `owner/name`. */
export function toRepoFromUrl(repositoryUrl: string | undefined, fallback: string): string {
  const match = repositoryUrl === undefined ? null : /\/repos\/([^/]+)\/([^/]+)$/.exec(repositoryUrl);
  return match === null ? fallback : toRepoName(match[1] ?? "", match[2] ?? "");
}

export function toBlocker(issue: RestIssue, fallbackRepo: string): Blocker {
  return {
    repo: toRepoFromUrl(issue.repository_url, fallbackRepo),
    number: issue.number,
    state: issue.state === "closed" ? "closed" : "open",
  };
}

/** `role_name` from the collaborator permission endpoint; custom roles count as none. */
export function toRole(roleName: string | undefined | null): Role {
  return ROLES.find((role) => role === roleName) ?? "none";
}

/**
 * One issue event as the core reads it. Kinds afk has no rule for are `other`; the label
 * is kept for (un)labeled events, the commit for a close by a closing keyword.
 */
export function toIssueEventFact(event: RestIssueEvent): IssueEventFact {
  const kind = EVENT_KINDS.find((known) => known === event.event) ?? "other";
  const labeling = kind === "labeled" || kind === "unlabeled";
  return {
    kind,
    actor: toActor(event.actor),
    label: labeling ? (event.label?.name ?? null) : null,
    commitId: kind === "closed" ? (event.commit_id ?? null) : null,
    at: Date.parse(event.created_at),
  };
}
