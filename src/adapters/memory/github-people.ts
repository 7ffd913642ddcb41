// People's acts on the GitHub twin: the same world afk writes to, the same issue
// events, and the same webhooks with the person as `sender`. `push` lands commits on a
// branch; on the default branch a closing keyword closes the issue as GitHub does
// (contracts/github.md, "Closing keywords"): state_reason `completed`, a `closed` event
// carrying the commit id, and an `issues.closed` delivery whose sender is the pusher.

import type { Actor } from "../../core/common/github-types.js";
import { toMadeUpSha, type MemComment, type MemCommit, type MemRepo } from "./github-state.js";
import { toPushPayload } from "./github-webhooks.js";
import type { GitHubWorld } from "./github-world.js";

/** A login (the twin makes up the user the first time) or a full actor. */
export type By = string | Actor;

export interface CommitInput {
  readonly message: string;
  /** Made up (deterministically) when absent. */
  readonly sha?: string;
  /** Epoch ms; the twin's clock when absent. */
  readonly committedAt?: number;
}

export interface IssueReference {
  /** Lower-case `owner/name`. */
  readonly repo: string;
  readonly number: number;
  readonly closes: boolean;
}

const REF = String.raw`((?:[\w.-]+/[\w.-]+)?#\d+)`;
const CLOSING = new RegExp(String.raw`\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\b:?\s+${REF}`, "gi");
const ANY_REF = new RegExp(String.raw`(?:^|[^\w/#])${REF}`, "g");
const NO_SHA = "0".repeat(40);

/** The issues a commit message names, and whether a closing keyword precedes each (GitHub's rule). */
export function findIssueReferences(message: string, repo: string): IssueReference[] {
  const toRef = (text: string): { repo: string; number: number } => {
    const [named, number] = text.split("#");
    return { repo: (named === "" || named === undefined ? repo : named).toLowerCase(), number: Number(number) };
  };
  const closing = [...message.matchAll(CLOSING)].map((match) => toRef(match[1] ?? ""));
  const all = [...message.matchAll(ANY_REF)].map((match) => toRef(match[1] ?? ""));
  const found = new Map<string, IssueReference>();
  for (const ref of all) found.set(`${ref.repo}#${ref.number}`, { ...ref, closes: false });
  for (const ref of closing) found.set(`${ref.repo}#${ref.number}`, { ...ref, closes: true });
  return [...found.values()];
}

export class PeopleActs {
  readonly #world: GitHubWorld;

  constructor(world: GitHubWorld) {
    this.#world = world;
  }

  #actor(by: By): Actor {
    return typeof by === "string" ? this.#world.user(by) : by;
  }

  label(repo: string, number: number, label: string, by: By): void {
    const found = this.#world.requireIssue(repo, number);
    this.#world.addLabel(found.repo, found.issue, label, this.#actor(by));
  }

  unlabel(repo: string, number: number, label: string, by: By): void {
    const found = this.#world.requireIssue(repo, number);
    this.#world.removeLabel(found.repo, found.issue, label, this.#actor(by));
  }

  close(repo: string, number: number, by: By, reason: "completed" | "not_planned" = "completed"): void {
    const found = this.#world.requireIssue(repo, number);
    this.#world.close(found.repo, found.issue, this.#actor(by), reason, null);
  }

  reopen(repo: string, number: number, by: By): void {
    const found = this.#world.requireIssue(repo, number);
    this.#world.reopen(found.repo, found.issue, this.#actor(by));
  }

  edit(repo: string, number: number, by: By, change: { readonly title?: string; readonly body?: string | null }): void {
    const found = this.#world.requireIssue(repo, number);
    this.#world.edit(found.repo, found.issue, this.#actor(by), change);
  }

  /** A person's comment (no app wrote it). Returns its id. */
  comment(repo: string, number: number, by: By, body: string): number {
    const found = this.#world.requireIssue(repo, number);
    return this.#world.comment(found.repo, found.issue, this.#actor(by), body, null).id;
  }

  editComment(commentId: number, by: By, body: string): void {
    const { repo, comment } = this.#comment(commentId);
    this.#world.editComment(repo, comment, this.#actor(by), body);
  }

  deleteComment(commentId: number, by: By): void {
    const { repo, comment } = this.#comment(commentId);
    this.#world.deleteComment(repo, comment, this.#actor(by));
  }

  /**
   * A new issue. Labels given at creation (an issue template's) are applied as the
   * author: `opened` and one `labeled` per label, in no guaranteed order.
   */
  openIssue(
    repoName: string,
    by: By,
    input: { readonly title: string; readonly body?: string | null; readonly labels?: readonly string[] },
  ): number {
    const repo = this.#repo(repoName);
    const author = this.#actor(by);
    const issue = this.#world.createIssue(repo, {
      title: input.title,
      body: input.body ?? null,
      author,
      createdAt: this.#world.now(),
    });
    this.#world.emitIssues("opened", repo, issue, author);
    for (const label of input.labels ?? []) this.#world.addLabel(repo, issue, label, author);
    return issue.number;
  }

  /**
   * Commits land on a branch (the default one unless told) and GitHub sends `push`. On
   * the default branch, each closing keyword closes its issue and any other `#N` leaves a
   * `referenced` event. Returns the shas, oldest first.
   */
  push(
    repoName: string,
    commits: readonly CommitInput[],
    options: { readonly by: By; readonly branch?: string },
  ): string[] {
    const repo = this.#repo(repoName);
    const pusher = this.#actor(options.by);
    const branch = options.branch ?? repo.defaultBranch;
    const history = repo.branches.get(branch) ?? [];
    const before = history.at(-1)?.sha ?? NO_SHA;
    const made: MemCommit[] = commits.map((commit) => ({
      sha: commit.sha ?? toMadeUpSha(this.#world.nextId("commit")),
      message: commit.message,
      committedAt: commit.committedAt ?? this.#world.now(),
      author: pusher,
    }));
    history.push(...made);
    repo.branches.set(branch, history);
    this.#world.emit(repo, "push", toPushPayload(repo, branch, before, made, pusher));
    if (branch === repo.defaultBranch) for (const commit of made) this.#follow(repo, commit, pusher);
    return made.map((commit) => commit.sha);
  }

  #follow(repo: MemRepo, commit: MemCommit, pusher: Actor): void {
    for (const ref of findIssueReferences(commit.message, repo.key)) {
      const target = this.#world.repo(ref.repo);
      const issue = target?.issues.get(ref.number);
      if (target === undefined || issue === undefined) continue;
      if (ref.closes && issue.state === "open") {
        this.#world.close(target, issue, pusher, "completed", commit.sha);
      } else {
        this.#world.recordEvent(issue, { kind: "other", event: "referenced", actor: pusher, commitId: commit.sha });
      }
    }
  }

  #repo(name: string): MemRepo {
    const repo = this.#world.repo(name);
    if (repo === undefined) throw new Error(`memory GitHub: no repo ${name}`);
    return repo;
  }

  #comment(commentId: number): { repo: MemRepo; comment: MemComment } {
    const comment = this.#world.comments.get(commentId);
    const repo = comment === undefined ? undefined : this.#world.repo(comment.repo);
    if (comment === undefined || repo === undefined || comment.deleted)
      throw new Error(`memory GitHub: no comment ${commentId}`);
    return { repo, comment };
  }
}
