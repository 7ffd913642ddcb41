// The webhook payloads the GitHub twin sends, shaped as GitHub's (contracts/github.md;
// `@octokit/openapi-webhooks`), reduced to the fields afk or a reader of a test needs.
// Every payload carries `sender`, `installation` and `repository` as an App receives them.

import type { Actor } from "../../core/common/github-types.js";
import type {
  MemCheckRun,
  MemComment,
  MemCommit,
  MemIssue,
  MemRepo,
  MemStatus,
  MemWorkflowRun,
} from "./github-state.js";

type Json = Record<string, unknown>;

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function toUserJson(actor: Actor): Json {
  return { login: actor.login, id: actor.id, type: actor.type };
}

export function toRepositoryJson(repo: MemRepo): Json {
  return {
    id: repo.id,
    name: repo.name,
    full_name: repo.fullName,
    private: false,
    owner: toUserJson(repo.owner),
    default_branch: repo.defaultBranch,
    clone_url: repo.cloneUrl,
    html_url: repo.htmlUrl,
  };
}

export function toIssueJson(repo: MemRepo, issue: MemIssue): Json {
  return {
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    state_reason: issue.stateReason,
    labels: issue.labels.map((name) => {
      const label = repo.labels.get(name.toLowerCase());
      return { name, color: label?.color ?? "ededed", description: label?.description ?? null };
    }),
    user: toUserJson(issue.author),
    created_at: toIso(issue.createdAt),
    html_url: `${repo.htmlUrl}/issues/${issue.number}`,
    ...(issue.isPullRequest ? { pull_request: { html_url: `${repo.htmlUrl}/pull/${issue.number}` } } : {}),
  };
}

/** The parts every delivery to the App shares. */
export function toEnvelope(repo: MemRepo, sender: Actor): Json {
  return { sender: toUserJson(sender), installation: { id: repo.installationId }, repository: toRepositoryJson(repo) };
}

export function toIssuesPayload(
  action: "opened" | "labeled" | "unlabeled" | "closed" | "reopened" | "edited",
  repo: MemRepo,
  issue: MemIssue,
  sender: Actor,
  extra: { readonly label?: string; readonly changes?: Json } = {},
): Json {
  return {
    action,
    issue: toIssueJson(repo, issue),
    ...(extra.label === undefined ? {} : { label: { name: extra.label } }),
    ...(extra.changes === undefined ? {} : { changes: extra.changes }),
    ...toEnvelope(repo, sender),
  };
}

export function toCommentJson(repo: MemRepo, comment: MemComment): Json {
  return {
    id: comment.id,
    body: comment.body,
    user: toUserJson(comment.author),
    created_at: toIso(comment.createdAt),
    updated_at: toIso(comment.updatedAt),
    html_url: `${repo.htmlUrl}/issues/${comment.issue}#issuecomment-${comment.id}`,
    performed_via_github_app: comment.appId === null ? null : { id: comment.appId },
  };
}

export function toIssueCommentPayload(
  action: "created" | "edited" | "deleted",
  repo: MemRepo,
  issue: MemIssue,
  comment: MemComment,
  sender: Actor,
  changes?: Json,
): Json {
  return {
    action,
    issue: toIssueJson(repo, issue),
    comment: toCommentJson(repo, comment),
    ...(changes === undefined ? {} : { changes }),
    ...toEnvelope(repo, sender),
  };
}

export function toPushPayload(
  repo: MemRepo,
  branch: string,
  before: string,
  commits: readonly MemCommit[],
  pusher: Actor,
): Json {
  const toCommitJson = (commit: MemCommit): Json => ({
    id: commit.sha,
    message: commit.message,
    timestamp: toIso(commit.committedAt),
    url: `${repo.htmlUrl}/commit/${commit.sha}`,
    author: { name: commit.author.login, username: commit.author.login },
  });
  const head = commits.at(-1);
  return {
    ref: `refs/heads/${branch}`,
    before,
    after: head?.sha ?? before,
    commits: commits.map(toCommitJson),
    head_commit: head === undefined ? null : toCommitJson(head),
    pusher: { name: pusher.login },
    ...toEnvelope(repo, pusher),
  };
}

export function toCheckRunJson(repo: MemRepo, run: MemCheckRun): Json {
  return {
    id: run.id,
    name: run.name,
    head_sha: run.headSha,
    status: run.status,
    conclusion: run.conclusion,
    html_url: `${repo.htmlUrl}/runs/${run.id}`,
    details_url: run.detailsUrl,
    app: { id: run.app.id, slug: run.app.slug },
    check_suite: { id: run.checkSuiteId, head_branch: run.headBranch, head_sha: run.headSha },
    output: { title: run.title, summary: run.summary },
  };
}

export function toCheckRunPayload(
  action: "created" | "completed" | "rerequested",
  repo: MemRepo,
  run: MemCheckRun,
  sender: Actor,
): Json {
  return { action, check_run: toCheckRunJson(repo, run), ...toEnvelope(repo, sender) };
}

export function toWorkflowRunJson(repo: MemRepo, run: MemWorkflowRun): Json {
  return {
    id: run.id,
    name: run.name,
    path: run.path,
    event: run.event,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    head_repository: { full_name: run.headRepoFullName },
    run_attempt: run.runAttempt,
    status: run.status,
    conclusion: run.conclusion,
    check_suite_id: run.checkSuiteId,
    html_url: `${repo.htmlUrl}/actions/runs/${run.id}`,
  };
}

export function toWorkflowRunPayload(
  action: "requested" | "in_progress" | "completed",
  repo: MemRepo,
  run: MemWorkflowRun,
  sender: Actor,
): Json {
  return { action, workflow_run: toWorkflowRunJson(repo, run), ...toEnvelope(repo, sender) };
}

export function toStatusPayload(repo: MemRepo, status: MemStatus, sender: Actor): Json {
  return {
    id: status.id,
    sha: status.sha,
    state: status.state,
    context: status.context,
    target_url: status.targetUrl,
    description: status.description,
    ...toEnvelope(repo, sender),
  };
}
