// The GitHub twin's world as plain data, for invariants checked after every command of
// a model-based test and for snapshots: repos, their issues with labels, state, comments
// and events, and what is still queued. Copies only: changing it changes nothing.

import type { IssueEventFact } from "../../core/common/github-types.js";
import type { GitHubWorld } from "./github-world.js";

export interface CommentSnapshot {
  readonly id: number;
  readonly author: string;
  readonly appId: number | null;
  readonly body: string;
}

export interface EventSnapshot {
  readonly kind: IssueEventFact["kind"];
  readonly event: string;
  readonly actor: string | null;
  readonly label: string | null;
  readonly commitId: string | null;
  readonly at: number;
}

export interface IssueSnapshot {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly state: "open" | "closed";
  readonly stateReason: "completed" | "not_planned" | "reopened" | null;
  /** Sorted, so two runs that applied labels in another order compare equal. */
  readonly labels: readonly string[];
  readonly author: string;
  readonly isPullRequest: boolean;
  /** Live comments, oldest first. */
  readonly comments: readonly CommentSnapshot[];
  readonly events: readonly EventSnapshot[];
}

export interface RepoSnapshot {
  readonly repo: string;
  readonly labels: readonly string[];
  readonly issues: readonly IssueSnapshot[];
  readonly defaultBranchHead: string | null;
}

export interface GitHubSnapshot {
  readonly repos: readonly RepoSnapshot[];
  readonly pendingWebhooks: readonly { readonly id: string; readonly name: string; readonly action: string | null }[];
}

export function toGitHubSnapshot(world: GitHubWorld): GitHubSnapshot {
  const repos = [...world.repos.values()].map((repo) => ({
    repo: repo.key,
    labels: [...repo.labels.values()].map((label) => label.name).sort(),
    defaultBranchHead: repo.branches.get(repo.defaultBranch)?.at(-1)?.sha ?? null,
    issues: [...repo.issues.values()]
      .sort((a, b) => a.number - b.number)
      .map((issue) => ({
        number: issue.number,
        title: issue.title,
        body: issue.body,
        state: issue.state,
        stateReason: issue.stateReason,
        labels: [...issue.labels].sort(),
        author: issue.author.login,
        isPullRequest: issue.isPullRequest,
        comments: issue.commentIds.flatMap((id) => {
          const comment = world.comments.get(id);
          if (comment === undefined || comment.deleted) return [];
          return [{ id, author: comment.author.login, appId: comment.appId, body: comment.body }];
        }),
        events: issue.events.map((event) => ({
          kind: event.kind,
          event: event.event,
          actor: event.actor?.login ?? null,
          label: event.label,
          commitId: event.commitId,
          at: event.at,
        })),
      })),
  }));
  const pendingWebhooks = world.webhooks.pending.map((webhook) => {
    const action = webhook.payload.action;
    return { id: webhook.id, name: webhook.name, action: typeof action === "string" ? action : null };
  });
  return { repos, pendingWebhooks };
}
