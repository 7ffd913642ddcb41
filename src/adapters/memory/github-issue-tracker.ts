// The IssueTracker port over the GitHub twin's world, for one installation. It answers
// as the real adapter does over GitHub's REST API (src/adapters/github/github-client.ts):
// a repo the installation cannot see is `not-found` (GitHub answers 404 to a token
// without access), absences that are facts come back as values (a missing file is null,
// a non-collaborator has the role `none`, removing an absent label succeeds), and every
// write is made as the app's bot and echoed as a webhook.

import type { Actor, Blocker, Issue, IssueEventFact, Role } from "../../core/common/github-types.js";
import type { CiReader } from "../../ports/ci-reader.js";
import type { GitHubApp } from "../../ports/github-app.js";
import type { Comment, IssueTracker, LabelSpec, RepoFacts } from "../../ports/issue-tracker.js";
import { failure, ok, OK_VOID, type Result } from "../../ports/result.js";
import { sameName, type MemIssue, type MemRepo } from "./github-state.js";
import type { GitHubWorld } from "./github-world.js";
import type { Knobs } from "./knobs.js";

/** Every GitHub method a test can turn a knob on. */
export type GitHubApi = IssueTracker & CiReader & GitHubApp;

export function notFound(what: string): Result<never> {
  return failure("github", "not-found", `${what} answered 404: Not Found`, { status: 404 });
}

/** The repo as one installation's token sees it: GitHub answers 404 for a repo outside the installation. */
export function visibleRepo(world: GitHubWorld, installationId: number, name: string): Result<MemRepo> {
  const repo = world.repo(name);
  if (repo === undefined || repo.installationId !== installationId) return notFound(`GET /repos/${name}`);
  return ok(repo);
}

export function toIssueFact(repo: MemRepo, issue: MemIssue): Issue {
  return {
    repo: repo.key,
    number: issue.number,
    title: issue.title,
    body: issue.body,
    state: issue.state,
    labels: [...issue.labels],
    createdAt: issue.createdAt,
    author: issue.author.login,
    comments: issue.commentIds.length,
    // GitHub says it only where native dependencies exist.
    ...(repo.nativeBlockers ? { blockedBy: issue.blockedBy.length } : {}),
  };
}

export class MemoryIssueTracker implements IssueTracker {
  readonly #world: GitHubWorld;
  readonly #knobs: Knobs<GitHubApi>;
  readonly #installationId: number;

  constructor(world: GitHubWorld, knobs: Knobs<GitHubApi>, installationId: number) {
    this.#world = world;
    this.#knobs = knobs;
    this.#installationId = installationId;
  }

  get #bot(): Actor {
    return this.#world.bot;
  }

  #repo(name: string): Result<MemRepo> {
    return visibleRepo(this.#world, this.#installationId, name);
  }

  #issue(name: string, number: number): Result<{ repo: MemRepo; issue: MemIssue }> {
    const repo = this.#repo(name);
    if (!repo.ok) return repo;
    const issue = repo.value.issues.get(number);
    return issue === undefined
      ? notFound(`GET /repos/${name}/issues/${number}`)
      : ok({ repo: repo.value, issue: issue });
  }

  getRepo(repo: string): Promise<Result<RepoFacts>> {
    return this.#knobs.run("getRepo", [repo], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const { defaultBranch, cloneUrl, htmlUrl, owner } = found.value;
      const ownerType = owner.type === "Organization" ? "Organization" : "User";
      return ok({ defaultBranch, cloneUrl, htmlUrl, owner: { login: owner.login, type: ownerType } });
    });
  }

  listOpenIssuesWithLabel(repo: string, label: string): Promise<Result<Issue[]>> {
    return this.#knobs.run("listOpenIssuesWithLabel", [repo, label], () => this.#listWithLabel(repo, label, "open"));
  }

  listClosedIssuesWithLabel(repo: string, label: string): Promise<Result<Issue[]>> {
    return this.#knobs.run("listClosedIssuesWithLabel", [repo, label], () =>
      this.#listWithLabel(repo, label, "closed"),
    );
  }

  #listWithLabel(repo: string, label: string, state: "open" | "closed"): Result<Issue[]> {
    const found = this.#repo(repo);
    if (!found.ok) return found;
    // The issues endpoint lists newest first and includes pull requests, which the adapter drops.
    const issues = [...found.value.issues.values()]
      .filter((issue) => issue.state === state && !issue.isPullRequest)
      .filter((issue) => issue.labels.some((on) => sameName(on, label)))
      .sort((a, b) => b.number - a.number);
    return ok(issues.map((issue) => toIssueFact(found.value, issue)));
  }

  getIssue(repo: string, issue: number): Promise<Result<Issue>> {
    return this.#knobs.run("getIssue", [repo, issue], () => {
      const found = this.#issue(repo, issue);
      return found.ok ? ok(toIssueFact(found.value.repo, found.value.issue)) : found;
    });
  }

  listNativeBlockers(repo: string, issue: number): Promise<Result<Blocker[]>> {
    return this.#knobs.run("listNativeBlockers", [repo, issue], () => {
      const found = this.#issue(repo, issue);
      if (!found.ok) return found;
      if (!found.value.repo.nativeBlockers)
        return notFound(`GET /repos/${repo}/issues/${issue}/dependencies/blocked_by`);
      const blockers = found.value.issue.blockedBy.flatMap((ref): Blocker[] => {
        const blocker = this.#world.repo(ref.repo)?.issues.get(ref.number);
        return blocker === undefined ? [] : [{ repo: blocker.repo, number: blocker.number, state: blocker.state }];
      });
      return ok(blockers);
    });
  }

  listIssueEvents(repo: string, issue: number): Promise<Result<IssueEventFact[]>> {
    return this.#knobs.run("listIssueEvents", [repo, issue], () => {
      const found = this.#issue(repo, issue);
      if (!found.ok) return found;
      return ok(
        found.value.issue.events.map(({ kind, actor, label, commitId, at }) => ({ kind, actor, label, commitId, at })),
      );
    });
  }

  getRole(repo: string, login: string): Promise<Result<Role>> {
    return this.#knobs.run("getRole", [repo, login], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const { owner, roles } = found.value;
      // The owner of a user-owned repo is its admin; anyone else without a role is not a collaborator.
      if (owner.type === "User" && sameName(owner.login, login)) return ok("admin");
      return ok(roles.get(login.toLowerCase()) ?? "none");
    });
  }

  readFile(repo: string, path: string, ref: string): Promise<Result<string | null>> {
    return this.#knobs.run("readFile", [repo, path, ref], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      return ok(found.value.files.get(ref)?.get(path) ?? null);
    });
  }

  listComments(repo: string, issue: number): Promise<Result<Comment[]>> {
    return this.#knobs.run("listComments", [repo, issue], () => {
      const found = this.#issue(repo, issue);
      if (!found.ok) return found;
      const comments = found.value.issue.commentIds.flatMap((id): Comment[] => {
        const comment = this.#world.comments.get(id);
        if (comment === undefined || comment.deleted) return [];
        return [
          {
            id: comment.id,
            body: comment.body,
            author: comment.author,
            appId: comment.appId,
            createdAt: comment.createdAt,
          },
        ];
      });
      return ok(comments);
    });
  }

  createComment(repo: string, issue: number, body: string): Promise<Result<{ readonly id: number }>> {
    return this.#knobs.run("createComment", [repo, issue, body], () => {
      const found = this.#issue(repo, issue);
      if (!found.ok) return found;
      const comment = this.#world.comment(found.value.repo, found.value.issue, this.#bot, body, this.#world.app.appId);
      return ok({ id: comment.id });
    });
  }

  updateComment(repo: string, commentId: number, body: string): Promise<Result<void>> {
    return this.#knobs.run("updateComment", [repo, commentId, body], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const comment = this.#world.comments.get(commentId);
      if (comment === undefined || comment.deleted || comment.repo !== found.value.key)
        return notFound(`PATCH /repos/${repo}/issues/comments/${commentId}`);
      this.#world.editComment(found.value, comment, this.#bot, body);
      return OK_VOID;
    });
  }

  addLabels(repo: string, issue: number, labels: readonly string[]): Promise<Result<void>> {
    return this.#knobs.run("addLabels", [repo, issue, [...labels]], () => {
      const found = this.#issue(repo, issue);
      if (!found.ok) return found;
      for (const label of labels) this.#world.addLabel(found.value.repo, found.value.issue, label, this.#bot);
      return OK_VOID;
    });
  }

  removeLabel(repo: string, issue: number, label: string): Promise<Result<readonly string[] | null>> {
    return this.#knobs.run("removeLabel", [repo, issue, label], () => {
      // GitHub answers 404 for an absent label, an absent issue and an unseen repo alike;
      // the adapter reads every 404 here as "not on the issue", a success that lists nothing.
      // A removal answers the labels left on the issue.
      const found = this.#issue(repo, issue);
      if (!found.ok || !this.#world.removeLabel(found.value.repo, found.value.issue, label, this.#bot))
        return { ok: true, value: null };
      return { ok: true, value: [...found.value.issue.labels] };
    });
  }

  ensureLabel(repo: string, label: LabelSpec): Promise<Result<void>> {
    return this.#knobs.run("ensureLabel", [repo, label], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      this.#world.ensureRepoLabel(found.value, label.name, label);
      return OK_VOID;
    });
  }

  closeIssue(repo: string, issue: number, reason: "completed" | "not_planned"): Promise<Result<void>> {
    return this.#knobs.run("closeIssue", [repo, issue, reason], () => {
      const found = this.#issue(repo, issue);
      if (!found.ok) return found;
      this.#world.close(found.value.repo, found.value.issue, this.#bot, reason, null);
      return OK_VOID;
    });
  }

  reopenIssue(repo: string, issue: number): Promise<Result<void>> {
    return this.#knobs.run("reopenIssue", [repo, issue], () => {
      const found = this.#issue(repo, issue);
      if (!found.ok) return found;
      this.#world.reopen(found.value.repo, found.value.issue, this.#bot);
      return OK_VOID;
    });
  }
}
