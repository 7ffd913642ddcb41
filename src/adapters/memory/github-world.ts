// The GitHub twin's one world and the acts that change it. Port writes (as the app's
// bot) and people's acts (as themselves) both go through these, so both record the
// same issue events and queue the same webhooks GitHub would send, with the actor as
// `sender` (contracts/github.md, "Echoes of an app's own writes"). A change that
// changes nothing (a label already there, closing a closed issue) records and sends
// nothing, as on GitHub.

import type { Actor, ActorType } from "../../core/common/github-types.js";
import type { AppIdentity } from "../../ports/github-app.js";
import { DeliveryQueue, type Delivery } from "./delivery-queue.js";
import {
  sameName,
  toDeliveryGuid,
  type CiState,
  type MemComment,
  type MemEvent,
  type MemIssue,
  type MemLabel,
  type MemRepo,
} from "./github-state.js";
import { toIssueCommentPayload, toIssuesPayload } from "./github-webhooks.js";

export type Webhook = Delivery<Record<string, unknown>>;

/** One attempt of GitHub to deliver a webhook (`GET /app/hook/deliveries` lists these). */
export interface DeliveryAttempt {
  readonly attemptId: number;
  readonly delivery: Webhook;
  readonly at: number;
  readonly ok: boolean;
}

export interface GitHubWorldOptions {
  readonly now: () => number;
  readonly app: AppIdentity;
  /** The app's bot user, as the world's people see it. */
  readonly bot: Actor;
  /** The events the App subscribes to; null for all. GitHub sends nothing else. */
  readonly subscribed: ReadonlySet<string> | null;
}

const DEFAULT_LABEL_COLOR = "ededed";

export class GitHubWorld {
  readonly repos = new Map<string, MemRepo>();
  readonly comments = new Map<number, MemComment>();
  readonly ci: CiState = { checkRuns: [], statuses: [], workflowRuns: [], jobs: [] };
  readonly attempts: DeliveryAttempt[] = [];
  readonly webhooks: DeliveryQueue<Webhook>;
  readonly now: () => number;
  readonly app: AppIdentity;
  readonly bot: Actor;
  readonly #users = new Map<string, Actor>();
  readonly #subscribed: ReadonlySet<string> | null;
  readonly #counters = new Map<string, number>();

  constructor(options: GitHubWorldOptions) {
    this.now = options.now;
    this.app = options.app;
    this.bot = options.bot;
    this.#subscribed = options.subscribed;
    this.#users.set(options.bot.login.toLowerCase(), options.bot);
    this.webhooks = new DeliveryQueue<Webhook>((delivery, ok) => this.recordAttempt(delivery, ok));
  }

  /** 1, 2, 3… per kind of id: deterministic, as tests need. */
  nextId(kind: string, start = 1): number {
    const next = (this.#counters.get(kind) ?? start - 1) + 1;
    this.#counters.set(kind, next);
    return next;
  }

  /** The person (or bot) with this login; made up, with a stable id, the first time. */
  user(login: string, type: ActorType = "User"): Actor {
    const key = login.toLowerCase();
    const known = this.#users.get(key);
    if (known !== undefined) return known;
    const made: Actor = { login, id: 100_000 + this.nextId("user"), type };
    this.#users.set(key, made);
    return made;
  }

  repo(name: string): MemRepo | undefined {
    return this.repos.get(name.toLowerCase());
  }

  /** For test set-up and people's acts: a mistake in the test is thrown, not answered. */
  requireIssue(name: string, number: number): { repo: MemRepo; issue: MemIssue } {
    const repo = this.repo(name);
    const issue = repo?.issues.get(number);
    if (repo === undefined || issue === undefined) throw new Error(`memory GitHub: no issue ${name}#${number}`);
    return { repo, issue };
  }

  /** The repo's label of that name (GitHub matches label names case-insensitively), created when missing. */
  ensureRepoLabel(repo: MemRepo, name: string, spec: Partial<MemLabel> = {}): MemLabel {
    const found = repo.labels.get(name.toLowerCase());
    if (found !== undefined) return found;
    const made: MemLabel = { name, color: spec.color ?? DEFAULT_LABEL_COLOR, description: spec.description ?? "" };
    repo.labels.set(name.toLowerCase(), made);
    return made;
  }

  addLabel(repo: MemRepo, issue: MemIssue, name: string, actor: Actor): boolean {
    // Adding a label the repo does not define creates it, as `POST …/labels` does.
    const label = this.ensureRepoLabel(repo, name);
    if (issue.labels.some((on) => sameName(on, label.name))) return false;
    issue.labels.push(label.name);
    this.#record(issue, { kind: "labeled", event: "labeled", actor, label: label.name });
    this.emitIssues("labeled", repo, issue, actor, { label: label.name });
    return true;
  }

  removeLabel(repo: MemRepo, issue: MemIssue, name: string, actor: Actor): boolean {
    const on = issue.labels.find((label) => sameName(label, name));
    if (on === undefined) return false;
    issue.labels = issue.labels.filter((label) => label !== on);
    this.#record(issue, { kind: "unlabeled", event: "unlabeled", actor, label: on });
    this.emitIssues("unlabeled", repo, issue, actor, { label: on });
    return true;
  }

  close(
    repo: MemRepo,
    issue: MemIssue,
    actor: Actor,
    reason: "completed" | "not_planned",
    commitId: string | null,
  ): boolean {
    if (issue.state === "closed") return false;
    issue.state = "closed";
    issue.stateReason = reason;
    this.#record(issue, { kind: "closed", event: "closed", actor, commitId });
    this.emitIssues("closed", repo, issue, actor);
    return true;
  }

  reopen(repo: MemRepo, issue: MemIssue, actor: Actor): boolean {
    if (issue.state === "open") return false;
    issue.state = "open";
    issue.stateReason = "reopened";
    this.#record(issue, { kind: "reopened", event: "reopened", actor });
    this.emitIssues("reopened", repo, issue, actor);
    return true;
  }

  /**
   * A title or body edit. GitHub's events API records a title change (`renamed`, read
   * as `edited`) and nothing for a body edit; the `issues.edited` webhook says both.
   */
  edit(
    repo: MemRepo,
    issue: MemIssue,
    actor: Actor,
    change: { readonly title?: string; readonly body?: string | null },
  ): boolean {
    const changes: Record<string, unknown> = {};
    if (change.title !== undefined && change.title !== issue.title) {
      changes.title = { from: issue.title };
      issue.title = change.title;
      this.#record(issue, { kind: "edited", event: "renamed", actor });
    }
    if (change.body !== undefined && change.body !== issue.body) {
      changes.body = { from: issue.body };
      issue.body = change.body;
    }
    if (Object.keys(changes).length === 0) return false;
    this.emitIssues("edited", repo, issue, actor, { changes });
    return true;
  }

  comment(repo: MemRepo, issue: MemIssue, actor: Actor, body: string, appId: number | null): MemComment {
    const at = this.now();
    const comment: MemComment = {
      id: this.nextId("comment", 9_000_001),
      repo: repo.key,
      issue: issue.number,
      body,
      author: actor,
      appId,
      createdAt: at,
      updatedAt: at,
      deleted: false,
    };
    this.comments.set(comment.id, comment);
    issue.commentIds.push(comment.id);
    this.#emitComment("created", repo, issue, comment, actor);
    return comment;
  }

  editComment(repo: MemRepo, comment: MemComment, actor: Actor, body: string): void {
    const from = comment.body;
    comment.body = body;
    comment.updatedAt = this.now();
    const issue = repo.issues.get(comment.issue);
    if (issue !== undefined) this.#emitComment("edited", repo, issue, comment, actor, { body: { from } });
  }

  deleteComment(repo: MemRepo, comment: MemComment, actor: Actor): void {
    comment.deleted = true;
    const issue = repo.issues.get(comment.issue);
    if (issue !== undefined) this.#emitComment("deleted", repo, issue, comment, actor);
  }

  /** A new issue (or pull request: they share the numbering) with no labels yet; nothing is sent. */
  createIssue(
    repo: MemRepo,
    input: { readonly title: string; readonly body: string | null; readonly author: Actor; readonly createdAt: number },
    isPullRequest = false,
  ): MemIssue {
    const number = Math.max(0, ...repo.issues.keys()) + 1;
    const issue: MemIssue = {
      repo: repo.key,
      number,
      title: input.title,
      body: input.body,
      state: "open",
      stateReason: null,
      labels: [],
      author: input.author,
      createdAt: input.createdAt,
      events: [],
      blockedBy: [],
      isPullRequest,
      commentIds: [],
    };
    repo.issues.set(number, issue);
    return issue;
  }

  /** Records an issue event without a webhook (set-up, references). */
  recordEvent(issue: MemIssue, event: Omit<MemEvent, "at" | "label" | "commitId"> & Partial<MemEvent>): void {
    this.#record(issue, event);
  }

  /**
   * Queues a webhook for the App, as GitHub sends it: only for repos the App is
   * installed on, only for events it subscribes to.
   */
  emit(repo: MemRepo, name: string, payload: Record<string, unknown>): void {
    if (repo.installationId === null) return;
    if (this.#subscribed !== null && !this.#subscribed.has(name)) return;
    this.webhooks.push({ id: toDeliveryGuid(this.nextId("delivery")), name, payload });
  }

  recordAttempt(delivery: Webhook, ok: boolean): void {
    this.attempts.push({ attemptId: this.nextId("attempt", 70_000_001), delivery, at: this.now(), ok });
  }

  #record(issue: MemIssue, event: Omit<MemEvent, "at" | "label" | "commitId"> & Partial<MemEvent>): void {
    issue.events.push({ label: null, commitId: null, at: this.now(), ...event });
  }

  emitIssues(
    action: Parameters<typeof toIssuesPayload>[0],
    repo: MemRepo,
    issue: MemIssue,
    sender: Actor,
    extra: Parameters<typeof toIssuesPayload>[4] = {},
  ): void {
    const payload = toIssuesPayload(action, repo, issue, sender, extra);
    // Labels on a pull request arrive as `pull_request.labeled`, never `issues.labeled`.
    if (!issue.isPullRequest) return this.emit(repo, "issues", payload);
    const { issue: pullRequest, ...rest } = payload;
    this.emit(repo, "pull_request", { ...rest, pull_request: pullRequest });
  }

  #emitComment(
    action: "created" | "edited" | "deleted",
    repo: MemRepo,
    issue: MemIssue,
    comment: MemComment,
    sender: Actor,
    changes?: Record<string, unknown>,
  ): void {
    this.emit(repo, "issue_comment", toIssueCommentPayload(action, repo, issue, comment, sender, changes));
  }
}
