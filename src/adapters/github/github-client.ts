// GitHub REST calls afk needs (contracts/github.md), one installation's Octokit at a
// time. Every call returns a value (GitHubResult); failures carry a category. REST
// only, so that each request can be checked against GitHub's OpenAPI description.

import type { ProbotOctokit } from "probot";
import type { Actor, Blocker, Issue, Role } from "../../core/common/github-types.js";
import { toGitHubError, type GitHubResult } from "./github-error.js";
import {
  toActor,
  toBlocker,
  toIssue,
  toLatestLabeler,
  toOwnerAndName,
  toRole,
  type RestIssue,
  type RestIssueEvent,
} from "./github-mapping.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;

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
}

export interface GitHubClient {
  getRepo(repo: string): Promise<GitHubResult<RepoFacts>>;
  listOpenIssuesWithLabel(repo: string, label: string): Promise<GitHubResult<Issue[]>>;
  getIssue(repo: string, issue: number): Promise<GitHubResult<Issue>>;
  listNativeBlockers(repo: string, issue: number): Promise<GitHubResult<Blocker[]>>;
  findLatestLabeler(repo: string, issue: number, label: string): Promise<GitHubResult<Actor | null>>;
  getRole(repo: string, login: string): Promise<GitHubResult<Role>>;
  /** The raw text of a file on a ref, or null when it does not exist. */
  readFile(repo: string, path: string, ref: string): Promise<GitHubResult<string | null>>;
  listComments(repo: string, issue: number): Promise<GitHubResult<Comment[]>>;
  createComment(repo: string, issue: number, body: string): Promise<GitHubResult<{ readonly id: number }>>;
  updateComment(repo: string, commentId: number, body: string): Promise<GitHubResult<void>>;
  addLabels(repo: string, issue: number, labels: readonly string[]): Promise<GitHubResult<void>>;
  /** Removing a label the issue does not carry is a success (labels are set-like). */
  removeLabel(repo: string, issue: number, label: string): Promise<GitHubResult<void>>;
  /** Creates the label when the repo does not have it yet. */
  ensureLabel(repo: string, label: LabelSpec): Promise<GitHubResult<void>>;
  closeIssue(repo: string, issue: number, reason: "completed" | "not_planned"): Promise<GitHubResult<void>>;
}

const PER_PAGE = 100;

export function createGitHubClient(octokit: Octokit, clock: () => number = Date.now): GitHubClient {
  async function attempt<T>(call: () => Promise<T>): Promise<GitHubResult<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      return { ok: false, error: toGitHubError(error, clock()) };
    }
  }

  return {
    getRepo: (repo) =>
      attempt(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}", toOwnerAndName(repo));
        return {
          defaultBranch: data.default_branch,
          cloneUrl: data.clone_url,
          htmlUrl: data.html_url,
          owner: { login: data.owner.login, type: data.owner.type === "Organization" ? "Organization" : "User" },
        } satisfies RepoFacts;
      }),

    listOpenIssuesWithLabel: (repo, label) =>
      attempt(async () => {
        const issues = (await octokit.paginate("GET /repos/{owner}/{repo}/issues", {
          ...toOwnerAndName(repo),
          state: "open",
          labels: label,
          per_page: PER_PAGE,
        })) as unknown as RestIssue[];
        // The issues endpoint also lists pull requests; labels on PRs never dispatch.
        return issues.filter((issue) => issue.pull_request === undefined).map((issue) => toIssue(repo, issue));
      }),

    getIssue: (repo, issue) =>
      attempt(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
          ...toOwnerAndName(repo),
          issue_number: issue,
        });
        return toIssue(repo, data as unknown as RestIssue);
      }),

    listNativeBlockers: (repo, issue) =>
      attempt(async () => {
        const blockers = (await octokit.paginate(
          "GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by",
          {
            ...toOwnerAndName(repo),
            issue_number: issue,
            per_page: PER_PAGE,
          },
        )) as unknown as RestIssue[];
        return blockers.map((blocker) => toBlocker(blocker, repo));
      }),

    findLatestLabeler: (repo, issue, label) =>
      attempt(async () => {
        const events = (await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/events", {
          ...toOwnerAndName(repo),
          issue_number: issue,
          per_page: PER_PAGE,
        })) as unknown as RestIssueEvent[];
        return toLatestLabeler(events, label);
      }),

    getRole: async (repo, login) => {
      const result = await attempt(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
          ...toOwnerAndName(repo),
          username: login,
        });
        return toRole(data.role_name);
      });
      // Not a collaborator at all: a role, not a failure.
      if (!result.ok && result.error.category === "not-found") return { ok: true, value: "none" };
      return result;
    },

    readFile: async (repo, path, ref) => {
      const result = await attempt(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
          ...toOwnerAndName(repo),
          path,
          ref,
          headers: { accept: "application/vnd.github.raw+json" },
        });
        return typeof data === "string" ? data : null;
      });
      if (!result.ok && result.error.category === "not-found") return { ok: true, value: null };
      return result;
    },

    listComments: (repo, issue) =>
      attempt(async () => {
        const comments = await octokit.paginate("GET /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...toOwnerAndName(repo),
          issue_number: issue,
          per_page: PER_PAGE,
        });
        return comments.map((comment) => ({
          id: Number(comment.id),
          body: comment.body ?? "",
          author: toActor(comment.user),
          appId: comment.performed_via_github_app?.id ?? null,
        }));
      }),

    createComment: (repo, issue, body) =>
      attempt(async () => {
        const { data } = await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
          ...toOwnerAndName(repo),
          issue_number: issue,
          body,
        });
        return { id: Number(data.id) };
      }),

    updateComment: (repo, commentId, body) =>
      attempt(async () => {
        await octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
          ...toOwnerAndName(repo),
          comment_id: commentId,
          body,
        });
      }),

    addLabels: (repo, issue, labels) =>
      attempt(async () => {
        await octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
          ...toOwnerAndName(repo),
          issue_number: issue,
          labels: [...labels],
        });
      }),

    removeLabel: async (repo, issue, label) => {
      const result = await attempt(async () => {
        await octokit.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
          ...toOwnerAndName(repo),
          issue_number: issue,
          name: label,
        });
      });
      if (!result.ok && result.error.category === "not-found") return { ok: true, value: undefined };
      return result;
    },

    ensureLabel: async (repo, label) => {
      const found = await attempt(async () => {
        await octokit.request("GET /repos/{owner}/{repo}/labels/{name}", { ...toOwnerAndName(repo), name: label.name });
      });
      if (found.ok || found.error.category !== "not-found") return found;
      const created = await attempt(async () => {
        await octokit.request("POST /repos/{owner}/{repo}/labels", { ...toOwnerAndName(repo), ...label });
      });
      // Created meanwhile by someone else (422 already_exists): the label is there.
      if (!created.ok && created.error.category === "invalid-request") return { ok: true, value: undefined };
      return created;
    },

    closeIssue: (repo, issue, reason) =>
      attempt(async () => {
        await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
          ...toOwnerAndName(repo),
          issue_number: issue,
          state: "closed",
          state_reason: reason,
        });
      }),
  };
}
