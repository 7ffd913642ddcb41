// The GitHub twin: one world of repos, issues, comments, roles, files, commits and CI,
// seen through the three GitHub ports (`issueTracker(installationId)`,
// `ciReader(installationId)`, `app()`), changed by people (`act`) and by CI (`ci`), and
// announcing every change with the webhook GitHub would send. Webhooks queue until the
// test flushes them, in the order it chooses; it may drop them (lost, or recorded as
// failed deliveries that `app().redeliver` sends again). See knobs.ts for the knobs.

import type { Actor, ActorType, IssueRef, Role } from "../../core/common/github-types.js";
import type { CiReader } from "../../ports/ci-reader.js";
import type { AppIdentity, GitHubApp } from "../../ports/github-app.js";
import type { IssueTracker } from "../../ports/issue-tracker.js";
import { ok, OK_VOID } from "../../ports/result.js";
import type { DeliveryOrder, FlushOptions, FlushReport, Listener } from "./delivery-queue.js";
import { CiControls } from "./github-ci-controls.js";
import { MemoryCiReader } from "./github-ci-reader.js";
import { MemoryIssueTracker, notFound, type GitHubApi } from "./github-issue-tracker.js";
import { PeopleActs, type By } from "./github-people.js";
import type { MemIssue, MemRepo } from "./github-state.js";
import { toGitHubSnapshot, type GitHubSnapshot } from "./github-snapshot.js";
import { GitHubWorld, type DeliveryAttempt, type Webhook } from "./github-world.js";
import { Knobs, TWIN_EPOCH_MS } from "./knobs.js";

export interface MemoryGitHubOptions {
  readonly now?: () => number;
  readonly app?: { readonly appId?: number; readonly slug?: string; readonly botId?: number };
  /** The events the App subscribes to (app.yml); null (default) for every event. */
  readonly subscribedEvents?: readonly string[] | null;
}

export interface RepoInput {
  readonly ownerType?: "User" | "Organization";
  readonly defaultBranch?: string;
  /** Null: afk is not installed there (no webhooks, no access). Default 1. */
  readonly installationId?: number | null;
  /** False: a GitHub Enterprise Server without the dependencies endpoint. */
  readonly nativeBlockers?: boolean;
}

export interface IssueInput {
  readonly title?: string;
  readonly body?: string | null;
  readonly author?: By;
  readonly labels?: readonly string[];
  /** Who applied `labels` (a `labeled` event each); the author when absent. */
  readonly labeledBy?: By;
  readonly state?: "open" | "closed";
  readonly createdAt?: number;
  readonly blockedBy?: readonly IssueRef[];
}

const GITHUB_WRITES = [
  "createComment",
  "updateComment",
  "addLabels",
  "removeLabel",
  "ensureLabel",
  "closeIssue",
  "reopenIssue",
  "redeliver",
] as const;

export class MemoryGitHub {
  readonly knobs = new Knobs<GitHubApi>("github", GITHUB_WRITES);
  readonly identity: AppIdentity;
  readonly act: PeopleActs;
  readonly ci: CiControls;
  readonly #world: GitHubWorld;

  constructor(options: MemoryGitHubOptions = {}) {
    const slug = options.app?.slug ?? "afk-test";
    const bot: Actor = { login: `${slug}[bot]`, id: options.app?.botId ?? 990_001, type: "Bot" };
    this.identity = { appId: options.app?.appId ?? 4711, slug, botLogin: bot.login };
    const subscribed = options.subscribedEvents ?? null;
    this.#world = new GitHubWorld({
      now: options.now ?? (() => TWIN_EPOCH_MS),
      app: this.identity,
      bot,
      subscribed: subscribed === null ? null : new Set(subscribed),
    });
    this.act = new PeopleActs(this.#world);
    this.ci = new CiControls(this.#world);
  }

  get bot(): Actor {
    return this.#world.bot;
  }

  // --- Set-up: the world before the test starts. Nothing here sends a webhook. ---

  addRepo(fullName: string, input: RepoInput = {}): void {
    const [ownerLogin = "", name = ""] = fullName.split("/");
    const key = fullName.toLowerCase();
    if (this.#world.repos.has(key)) throw new Error(`memory GitHub: repo ${fullName} exists`);
    const htmlUrl = `https://github.com/${fullName}`;
    const defaultBranch = input.defaultBranch ?? "main";
    this.#world.repos.set(key, {
      key,
      fullName,
      name,
      id: this.#world.nextId("repo", 500_001),
      owner: this.#world.user(ownerLogin, input.ownerType ?? "Organization"),
      defaultBranch,
      cloneUrl: `${htmlUrl}.git`,
      htmlUrl,
      installationId: input.installationId === undefined ? 1 : input.installationId,
      nativeBlockers: input.nativeBlockers ?? true,
      labels: new Map(),
      issues: new Map(),
      roles: new Map(),
      files: new Map(),
      branches: new Map([[defaultBranch, []]]),
    });
  }

  /** A person (made up with a stable id the first time). */
  user(login: string, type: ActorType = "User"): Actor {
    return this.#world.user(login, type);
  }

  setRole(repo: string, login: string, role: Role): void {
    const roles = this.#repo(repo).roles;
    if (role === "none") roles.delete(login.toLowerCase());
    else roles.set(login.toLowerCase(), role);
  }

  /** A file on a ref (the default branch unless told); null deletes it. */
  setFile(repo: string, path: string, text: string | null, ref?: string): void {
    const found = this.#repo(repo);
    const at = ref ?? found.defaultBranch;
    const files = found.files.get(at) ?? new Map<string, string>();
    if (text === null) files.delete(path);
    else files.set(path, text);
    found.files.set(at, files);
  }

  defineLabel(
    repo: string,
    label: { readonly name: string; readonly color?: string; readonly description?: string },
  ): void {
    this.#world.ensureRepoLabel(this.#repo(repo), label.name, label);
  }

  /** An issue as it stands when the test starts, its labels' `labeled` events included. Returns its number. */
  addIssue(repo: string, input: IssueInput = {}): number {
    return this.#seed(repo, input, false).number;
  }

  /** A pull request: it shares the issue numbering and never appears as an issue to afk. */
  addPullRequest(repo: string, input: IssueInput = {}): number {
    return this.#seed(repo, input, true).number;
  }

  /** A native "blocked by" dependency. */
  addBlocker(repo: string, number: number, blocker: IssueRef): void {
    this.#world.requireIssue(blocker.repo, blocker.number);
    this.#world
      .requireIssue(repo, number)
      .issue.blockedBy.push({ repo: blocker.repo.toLowerCase(), number: blocker.number });
  }

  // --- The ports. ---

  issueTracker(installationId: number): IssueTracker {
    return new MemoryIssueTracker(this.#world, this.knobs, installationId);
  }

  ciReader(installationId: number): CiReader {
    return new MemoryCiReader(this.#world, this.knobs, installationId);
  }

  app(): GitHubApp {
    const world = this.#world;
    const knobs = this.knobs;
    return {
      readIdentity: () => knobs.run("readIdentity", [], () => ok(this.identity)),
      findInstallation: (repo) =>
        knobs.run("findInstallation", [repo], () => ok(world.repo(repo)?.installationId ?? null)),
      listFailedDeliveries: (sinceMs) =>
        knobs.run("listFailedDeliveries", [sinceMs], () => ok(toRedeliveries(world.attempts, sinceMs))),
      redeliver: (deliveryId) =>
        knobs.run("redeliver", [deliveryId], () => {
          const attempt = world.attempts.find((each) => each.attemptId === deliveryId);
          if (attempt === undefined) return notFound(`POST /app/hook/deliveries/${deliveryId}/attempts`);
          world.webhooks.push(attempt.delivery);
          return OK_VOID;
        }),
    };
  }

  // --- Webhooks. ---

  onWebhook(listener: Listener<Webhook>): () => void {
    return this.#world.webhooks.subscribe(listener);
  }

  get pendingWebhooks(): readonly Webhook[] {
    return this.#world.webhooks.pending;
  }

  /** Every delivery attempt so far (GitHub's delivery log), oldest first. */
  get deliveryAttempts(): readonly DeliveryAttempt[] {
    return this.#world.attempts;
  }

  /** Delivers queued webhooks to the listeners; a listener that throws makes a failed delivery. */
  flushWebhooks(options?: FlushOptions): Promise<FlushReport<Webhook>> {
    return this.#world.webhooks.flush(options);
  }

  /**
   * Loses queued webhooks (all, or those that match). `failed` (default): GitHub could not
   * reach afk and lists them as failed deliveries; `lost`: gone without a trace (a handler
   * that failed after the 2xx). Returns how many.
   */
  dropWebhooks(filter?: (webhook: Webhook) => boolean, as: "failed" | "lost" = "failed"): number {
    const dropped = this.#world.webhooks.take(filter);
    if (as === "failed") for (const webhook of dropped) this.#world.recordAttempt(webhook, false);
    return dropped.length;
  }

  /** Removes queued webhooks (all, or those that match) and hands them to the test to deliver itself. */
  takeWebhooks(filter?: (webhook: Webhook) => boolean): Webhook[] {
    return this.#world.webhooks.take(filter);
  }

  /** The order in which flushes deliver: `fifo` (default), `lifo`, or a pick (see `seededOrder`). */
  setWebhookOrder(order: DeliveryOrder<Webhook>): void {
    this.#world.webhooks.order = order;
  }

  // --- Reading the world. ---

  snapshot(): GitHubSnapshot {
    return toGitHubSnapshot(this.#world);
  }

  #repo(name: string): MemRepo {
    const repo = this.#world.repo(name);
    if (repo === undefined) throw new Error(`memory GitHub: no repo ${name}`);
    return repo;
  }

  #seed(repoName: string, input: IssueInput, isPullRequest: boolean): MemIssue {
    const repo = this.#repo(repoName);
    const actor = (by: By): Actor => (typeof by === "string" ? this.#world.user(by) : by);
    const author = actor(input.author ?? "octocat");
    const createdAt = input.createdAt ?? this.#world.now();
    const issue = this.#world.createIssue(
      repo,
      { title: input.title ?? "An issue", body: input.body ?? null, author, createdAt },
      isPullRequest,
    );
    const labeler = actor(input.labeledBy ?? author);
    for (const name of input.labels ?? []) {
      const label = this.#world.ensureRepoLabel(repo, name);
      issue.labels.push(label.name);
      this.#world.recordEvent(issue, { kind: "labeled", event: "labeled", actor: labeler, label: label.name });
    }
    if (input.state === "closed") {
      issue.state = "closed";
      issue.stateReason = "completed";
      this.#world.recordEvent(issue, { kind: "closed", event: "closed", actor: author });
    }
    for (const blocker of input.blockedBy ?? []) this.addBlocker(repoName, issue.number, blocker);
    return issue;
  }
}

/** For each event (guid), its latest attempt's id when that one failed and was made since `sinceMs`. */
function toRedeliveries(attempts: readonly DeliveryAttempt[], sinceMs: number): number[] {
  const latest = new Map<string, DeliveryAttempt>();
  for (const attempt of attempts) if (attempt.at >= sinceMs) latest.set(attempt.delivery.id, attempt);
  return [...latest.values()].filter((attempt) => !attempt.ok).map((attempt) => attempt.attemptId);
}
