// The issue tracker port over GitHub's REST API (contracts/github.md), one
// installation's Octokit at a time. Every call returns a Result; absences that are facts
// come back as values (a missing file, a non-collaborator, an absent label). REST only,
// so that each request can be checked against GitHub's OpenAPI description. Every read is
// a conditional request (conditional-read.ts): a read that finds nothing changed is a 304,
// which GitHub does not charge.

import type { Issue } from "../../core/common/github-types.js";
import type { IssueTracker, RepoFacts } from "../../ports/issue-tracker.js";
import { OK_VOID, type Result } from "../../ports/result.js";
import { createConditionalReads, createReadList, toReadKey } from "./conditional-read.js";
import { createEtagCache, type EtagCache } from "./etag-cache.js";
import { attemptGitHub } from "./github-error.js";
import {
  toActor,
  toBlocker,
  toIssue,
  toIssueEventFact,
  toOwnerAndName,
  toRole,
  type RestIssue,
  type RestIssueEvent,
  type RestUser,
} from "./github-mapping.js";
import type { Octokit } from "./octokit.js";

/** The fields of an issue comment afk reads. */
interface RestComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user: RestUser | null;
  readonly performed_via_github_app?: { readonly id: number } | null;
  readonly created_at: string;
}

export function createGitHubClient(
  octokit: Octokit,
  clock: () => number = Date.now,
  etags: EtagCache = createEtagCache(),
): IssueTracker {
  const attempt = <T>(call: () => Promise<T>): Promise<Result<T>> => attemptGitHub(call, clock);
  const reads = createConditionalReads(octokit, etags);
  const readList = createReadList(octokit, reads, attempt);

  /** The repo's label names (lower case); calls while one read is on its way share it. */
  const labelReads = new Map<string, Promise<Result<ReadonlySet<string>>>>();
  function readLabelNames(repo: string): Promise<Result<ReadonlySet<string>>> {
    const key = repo.toLowerCase();
    const reading = labelReads.get(key);
    if (reading !== undefined) return reading;
    const read = readList(
      "GET /repos/{owner}/{repo}/labels",
      toOwnerAndName(repo),
      (data: { readonly name: string }[]) => data,
      (labels): ReadonlySet<string> => new Set(labels.map((label) => label.name.toLowerCase())),
    ).finally(() => labelReads.delete(key));
    labelReads.set(key, read);
    return read;
  }

  function listWithLabel(repo: string, label: string, state: "open" | "closed"): Promise<Result<Issue[]>> {
    return readList(
      "GET /repos/{owner}/{repo}/issues",
      { ...toOwnerAndName(repo), state, labels: label },
      (data: RestIssue[]) => data,
      // The issues endpoint also lists pull requests; labels on PRs never dispatch.
      (issues) => issues.filter((issue) => issue.pull_request === undefined).map((issue) => toIssue(repo, issue)),
    );
  }

  return {
    getRepo: (repo) => {
      const params = toOwnerAndName(repo);
      return attempt(() =>
        reads.one(
          toReadKey("GET /repos/{owner}/{repo}", params),
          (headers) => octokit.request("GET /repos/{owner}/{repo}", { ...params, headers }),
          (data): RepoFacts => ({
            defaultBranch: data.default_branch,
            cloneUrl: data.clone_url,
            htmlUrl: data.html_url,
            owner: { login: data.owner.login, type: data.owner.type === "Organization" ? "Organization" : "User" },
          }),
        ),
      );
    },

    listOpenIssuesWithLabel: (repo, label) => listWithLabel(repo, label, "open"),

    listClosedIssuesWithLabel: (repo, label) => listWithLabel(repo, label, "closed"),

    getIssue: (repo, issue) => {
      const params = { ...toOwnerAndName(repo), issue_number: issue };
      return attempt(() =>
        reads.one(
          toReadKey("GET /repos/{owner}/{repo}/issues/{issue_number}", params),
          (headers) => octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...params, headers }),
          (data) => toIssue(repo, data as unknown as RestIssue),
        ),
      );
    },

    listNativeBlockers: (repo, issue) => {
      return readList(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/dependencies/blocked_by",
        { ...toOwnerAndName(repo), issue_number: issue },
        (data: RestIssue[]) => data,
        (blockers) => blockers.map((blocker) => toBlocker(blocker, repo)),
      );
    },

    // GitHub lists an issue's events oldest first; sorting keeps that promise for the port.
    listIssueEvents: (repo, issue) => {
      return readList(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/events",
        { ...toOwnerAndName(repo), issue_number: issue },
        (data: RestIssueEvent[]) => data,
        (events) => events.map(toIssueEventFact).sort((a, b) => a.at - b.at),
      );
    },

    getRole: async (repo, login) => {
      const params = { ...toOwnerAndName(repo), username: login };
      const route = "GET /repos/{owner}/{repo}/collaborators/{username}/permission";
      const result = await attempt(() =>
        reads.one(
          toReadKey(route, params),
          (headers) => octokit.request(route, { ...params, headers }),
          (data) => toRole(data.role_name),
        ),
      );
      // Not a collaborator at all: a role, not a failure.
      if (!result.ok && result.error.category === "not-found") return { ok: true, value: "none" as const };
      return result;
    },

    readFile: async (repo, path, ref) => {
      const params = { ...toOwnerAndName(repo), path, ref };
      const accept = "application/vnd.github.raw+json";
      const result = await attempt(() =>
        reads.one(
          toReadKey(`GET /repos/{owner}/{repo}/contents/{path} ${accept}`, params),
          (headers) =>
            octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
              ...params,
              headers: { ...headers, accept },
            }),
          (data) => (typeof data === "string" ? data : null),
        ),
      );
      if (!result.ok && result.error.category === "not-found") return { ok: true, value: null };
      return result;
    },

    listComments: (repo, issue) => {
      return readList(
        "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
        { ...toOwnerAndName(repo), issue_number: issue },
        (data: RestComment[]) => data,
        (comments) =>
          comments.map((comment) => ({
            id: Number(comment.id),
            body: comment.body ?? "",
            author: toActor(comment.user),
            appId: comment.performed_via_github_app?.id ?? null,
            createdAt: Date.parse(comment.created_at),
          })),
      );
    },

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
        const { data } = await octokit.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
          ...toOwnerAndName(repo),
          issue_number: issue,
          name: label,
        });
        return data.map((left) => left.name);
      });
      if (!result.ok && result.error.category === "not-found") return { ok: true, value: null };
      return result;
    },

    // afk makes sure of its three labels side by side: one read of the repo's labels
    // answers all three (issue 12: it was one read each).
    ensureLabel: async (repo, label) => {
      const names = await readLabelNames(repo);
      if (!names.ok) return names;
      if (names.value.has(label.name.toLowerCase())) return OK_VOID;
      const created = await attempt(async () => {
        await octokit.request("POST /repos/{owner}/{repo}/labels", { ...toOwnerAndName(repo), ...label });
      });
      // Created meanwhile by someone else (422 already_exists): the label is there.
      if (!created.ok && created.error.category === "rejected") return OK_VOID;
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

    reopenIssue: (repo, issue) =>
      attempt(async () => {
        await octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
          ...toOwnerAndName(repo),
          issue_number: issue,
          state: "open",
        });
      }),
  };
}
