// A stateful in-memory GitHub behind a real HTTP server on 127.0.0.1 (the wire, with
// app authentication, OpenAPI checks, ETags, rate limits and scripted failures, is
// github-fake-http.ts), so that afk's real Octokit calls (through Probot) land on it,
// in-process or from a child process. It answers exactly the REST routes afk uses (see
// src/adapters/github/*.ts), with the quirks afk relies on: `role_name` beside the coarse
// `permission` (maintain→write, triage→read), 404 for a non-collaborator, a raw media
// type for file contents, 404 when removing a label the issue does not carry,
// `performed_via_github_app` on comments written with an installation token, Link-header
// pagination, 404 for a repo the token's installation does not cover. Any other route
// answers 404 and is recorded as unexpected. Every request is recorded.
//
// What GitHub does unasked, it does too (github-fake-hooks.ts delivers it): once
// `connect`ed to the app's webhook URL, every write the app makes through the API comes
// back as the webhook a person's change would fire, with the app's bot as `sender`
// (`issues.labeled`/`unlabeled`/`closed`/`reopened`/`edited`, `issue_comment.created`/
// `edited`); `as(person)` makes a person's change and delivers its webhook with them as
// sender; a commit that says `Fixes #N` on the default branch closes issue N.
//
// CI, as afk follows it (src/adapters/github/github-ci-client.ts): the commits of the
// default branch, GitHub Actions workflow runs with their jobs and check runs (a re-run
// keeps the run id, raises `run_attempt` and makes new check runs; `filter=latest`
// hides the older ones), commit statuses, and job logs served as GitHub does: a 302 to
// a blob host on another port of this fake, every line prefixed with a timestamp.
// Helpers script CI the way GitHub runs it and build the matching webhook payloads.
//
// Repo names are matched case-insensitively, as GitHub does (afk lower-cases them).

import { createHash, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { aCheckRunEvent, aPushEvent, aStatusEvent, aWorkflowRunEvent } from "../support/webhook-fixtures.js";
import {
  GitHubWire,
  toPublicKey,
  type ApiRequest,
  type GitHubFailure,
  type RecordedRequest,
  type Reply,
  type Usage,
} from "./github-fake-http.js";
import { FakeWebhooks, type SentWebhook } from "./github-fake-hooks.js";
import {
  toIssueCommentPayload,
  toIssuesPayload,
  type CommentChange,
  type IssueChange,
  type IssueContext,
} from "./github-fake-payloads.js";

export type { GitHubFailure, RecordedRequest, Usage } from "./github-fake-http.js";
export type { HookDelivery, SentWebhook } from "./github-fake-hooks.js";

export const FAKE_APP_ID = 4711;
export const FAKE_APP_SLUG = "afk-test";
export const FAKE_APP_BOT = { login: `${FAKE_APP_SLUG}[bot]`, id: 990_001, type: "Bot" } as const;

/** The host named in the URLs inside JSON bodies (nothing follows them). */
const API = "https://api.github.com";
/** GitHub Actions' app, which creates the check runs of workflow jobs. */
export const GITHUB_ACTIONS_APP = { id: 15368, slug: "github-actions" } as const;
const DEFAULT_PER_PAGE = 30;

export type FakeRole = "admin" | "maintain" | "write" | "triage" | "read";

export interface FakeUser {
  readonly login: string;
  readonly id: number;
  readonly type: "User" | "Bot" | "Organization";
}

export interface FakeEvent {
  readonly id: number;
  readonly event: "labeled" | "unlabeled" | "closed" | "reopened";
  readonly actor: FakeUser;
  readonly label: { readonly name: string; readonly color: string } | null;
  /** The commit that closed the issue (a closing keyword on the default branch); null for a person's close. */
  readonly commitId: string | null;
  readonly created_at: string;
}

export interface FakeComment {
  readonly id: number;
  body: string;
  readonly user: FakeUser;
  /** Set for comments written with an installation token (the app wrote them). */
  readonly viaApp: boolean;
  readonly created_at: string;
  updated_at: string;
}

export interface FakeIssue {
  readonly repo: string;
  readonly number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: "completed" | "not_planned" | "reopened" | null;
  labels: string[];
  readonly created_at: string;
  updated_at: string;
  closed_at: string | null;
  readonly author: FakeUser;
  readonly events: FakeEvent[];
  /** Native "blocked by" dependencies, as `owner/name#N` references. */
  blockedBy: { readonly repo: string; readonly number: number }[];
  readonly comments: FakeComment[];
}

export interface FakeLabel {
  readonly name: string;
  readonly color: string;
  readonly description: string | null;
}

export interface FakeRepo {
  readonly fullName: string;
  readonly id: number;
  readonly owner: FakeUser;
  readonly defaultBranch: string;
  readonly installationId: number | null;
  /** Files on the default branch, by path. */
  readonly files: Map<string, string>;
  readonly collaborators: Map<string, { readonly user: FakeUser; readonly role: FakeRole }>;
  readonly labels: Map<string, FakeLabel>;
  readonly issues: Map<number, FakeIssue>;
  /** The default branch's history, oldest first. */
  readonly commits: FakeCommit[];
  readonly workflowRuns: FakeWorkflowRun[];
  readonly jobs: FakeJob[];
  readonly checkRuns: FakeCheckRun[];
  readonly statuses: FakeStatus[];
}

export interface FakeCommit {
  readonly sha: string;
  readonly message: string;
  /** Committer date, ISO. */
  readonly date: string;
  readonly author: FakeUser;
}

export type FakeConclusion =
  | "success"
  | "failure"
  | "neutral"
  | "cancelled"
  | "skipped"
  | "timed_out"
  | "action_required"
  | "stale"
  | "startup_failure";

export interface FakeWorkflowRun {
  readonly id: number;
  readonly name: string;
  readonly path: string;
  readonly event: string;
  readonly headSha: string;
  readonly headBranch: string;
  /** `head_repository.full_name`: another repo for a fork's run. */
  readonly headRepoFullName: string;
  readonly checkSuiteId: number;
  /** The job names each attempt runs. */
  readonly jobNames: readonly string[];
  runAttempt: number;
  status: "queued" | "in_progress" | "completed";
  conclusion: FakeConclusion | null;
  readonly createdAt: string;
  updatedAt: string;
}

export interface FakeJob {
  readonly id: number;
  readonly runId: number;
  readonly attempt: number;
  readonly name: string;
  readonly checkRunId: number;
  status: "queued" | "in_progress" | "completed";
  conclusion: FakeConclusion | null;
  /** The raw log, each line already prefixed with GitHub's timestamp. */
  log: string;
}

export interface FakeCheckRun {
  readonly id: number;
  readonly name: string;
  readonly headSha: string;
  readonly checkSuiteId: number;
  readonly app: { readonly id: number; readonly slug: string };
  /** The job behind an Actions check run, else null. */
  readonly jobId: number | null;
  readonly runId: number | null;
  status: "queued" | "in_progress" | "completed";
  conclusion: FakeConclusion | null;
  title: string | null;
  summary: string | null;
  readonly startedAt: string;
  completedAt: string | null;
}

export interface FakeStatus {
  readonly id: number;
  readonly sha: string;
  readonly context: string;
  readonly state: "pending" | "success" | "failure" | "error";
  readonly targetUrl: string | null;
  readonly description: string | null;
  readonly createdAt: string;
}

export interface PushInput {
  readonly message: string;
  /** A fresh sha when absent. */
  readonly sha?: string;
  readonly author?: string;
}

export interface WorkflowRunInput {
  readonly sha: string;
  readonly name?: string;
  /** One check run and one job per name; `["test"]` when absent. */
  readonly jobs?: readonly string[];
  readonly event?: string;
  /** The default branch when absent. */
  readonly headBranch?: string;
  /** The repo itself when absent (a fork's name otherwise). */
  readonly headRepo?: string;
}

export interface JobOutcome {
  readonly conclusion: FakeConclusion;
  readonly title?: string;
  readonly summary?: string;
  /** The job's log lines (timestamps are added); a short default otherwise. */
  readonly log?: readonly string[];
}

export interface CompleteRunInput {
  readonly conclusion: FakeConclusion;
  /** Per job name; a job not named here ends with the run's conclusion. */
  readonly jobs?: Readonly<Record<string, JobOutcome>>;
}

export interface StatusInput {
  readonly sha: string;
  readonly context: string;
  readonly state: FakeStatus["state"];
  readonly description?: string;
  readonly targetUrl?: string;
}

/** Permissions (name → read/write/admin) and webhook events, as `GET /app` and an installation name them. */
export interface FakeGrants {
  readonly permissions: Readonly<Record<string, string>>;
  readonly events: readonly string[];
}

/** What app.yml asks for, which the app's settings grant until a test says otherwise. */
export const FAKE_APP_GRANTS: FakeGrants = {
  permissions: {
    issues: "write",
    contents: "read",
    checks: "read",
    statuses: "read",
    actions: "read",
    metadata: "read",
  },
  events: ["issues", "workflow_run", "check_run", "status", "push"],
};

export interface RepoInput {
  /** `Owner/Name`, as GitHub spells it. */
  readonly fullName: string;
  readonly ownerType?: "User" | "Organization";
  readonly defaultBranch?: string;
  /** Null: afk is not installed on it. */
  readonly installationId?: number | null;
  readonly files?: Readonly<Record<string, string>>;
}

export interface IssueInput {
  readonly number?: number;
  readonly title?: string;
  readonly body?: string | null;
  readonly labels?: readonly string[];
  readonly createdAt?: string;
  readonly author?: string | FakeUser;
  /** Who applied `labels` (each gets a `labeled` event); the author when absent. */
  readonly labeledBy?: string | FakeUser;
  readonly blockedBy?: readonly { readonly repo: string; readonly number: number }[];
}

let nextId = 1_000;
function newId(): number {
  nextId += 1;
  return nextId;
}

let nextSha = 0;
/** A fresh 40-hex sha, different every call. */
export function aSha(): string {
  nextSha += 1;
  return createHash("sha1").update(`fake-commit-${nextSha}-${process.pid}`).digest("hex");
}

/** GitHub's per-line log prefix: `2026-01-01T00:00:00.0000000Z `. */
function toLogLine(at: number, text: string): string {
  return `${new Date(at).toISOString().slice(0, -1)}0000Z ${text}`;
}

/** The same login always gets the same id, as on GitHub. */
export function toUser(login: string, type: FakeUser["type"] = "User"): FakeUser {
  let hash = 0;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 50_000_000;
  return { login, id: hash + 1, type };
}

const CLOSING_KEYWORD = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+(?:([\w.-]+\/[\w.-]+))?#(\d+)\b/gi;

/** The issues a commit message closes when it lands on the default branch (GitHub's closing keywords). */
export function toClosingRefs(message: string, repo: string): { repo: string; number: number }[] {
  return [...message.matchAll(CLOSING_KEYWORD)].map((match) => ({
    repo: match[1] ?? repo,
    number: Number(match[2]),
  }));
}

function toActorUser(actor: string | FakeUser): FakeUser {
  return typeof actor === "object" ? actor : toUser(actor);
}

function toKey(fullName: string): string {
  return fullName.toLowerCase();
}

function notFound(): Reply {
  return [404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" }];
}

const PERMISSION_OF_ROLE: Readonly<Record<FakeRole, string>> = {
  admin: "admin",
  maintain: "write",
  write: "write",
  triage: "read",
  read: "read",
};

let appKey: { readonly privateKey: string; readonly publicKey: KeyObject } | undefined;

/** The app's key pair, made once per process (RSA 2048 takes a while): GitHub keeps the public half. */
function appKeyPair(): { readonly privateKey: string; readonly publicKey: KeyObject } {
  if (appKey !== undefined) return appKey;
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  appKey = { privateKey, publicKey: toPublicKey(privateKey) };
  return appKey;
}

/** A person's (or another app's) acts on GitHub, each delivered to the app as its webhook with them as `sender`. */
/** Each act resolves with the delivery once the app answered; null when it changed nothing, so nothing was sent. */
export interface FakeActor {
  label(fullName: string, number: number, name: string, options?: DeliveryOptions): Promise<SentWebhook | null>;
  unlabel(fullName: string, number: number, name: string, options?: DeliveryOptions): Promise<SentWebhook | null>;
  close(
    fullName: string,
    number: number,
    options?: DeliveryOptions & { readonly reason?: "completed" | "not_planned" },
  ): Promise<SentWebhook | null>;
  reopen(fullName: string, number: number, options?: DeliveryOptions): Promise<SentWebhook | null>;
  edit(
    fullName: string,
    number: number,
    change: { readonly title?: string; readonly body?: string | null },
    options?: DeliveryOptions,
  ): Promise<SentWebhook | null>;
  comment(fullName: string, number: number, body: string, options?: DeliveryOptions): Promise<SentWebhook | null>;
  /** Pushes to the default branch: `push`, then `issues.closed` for each issue a closing keyword names. */
  push(
    fullName: string,
    input: Omit<PushInput, "author">,
    options?: DeliveryOptions,
  ): Promise<{ readonly commit: FakeCommit; readonly sent: (SentWebhook | null)[] }>;
}

export interface DeliveryOptions {
  /** The `X-GitHub-Delivery`; a fresh UUID when absent. */
  readonly guid?: string;
}

export class GitHubFake {
  readonly repos = new Map<string, FakeRepo>();
  /** Deliveries to the app: the log, the knobs (delay, drop, hold/release) and `settled()`. */
  readonly webhooks: FakeWebhooks;
  readonly #tokens = new Map<string, number>();
  readonly #wire: GitHubWire;
  readonly #key = appKeyPair();
  /** Webhooks the request being routed caused: sent once its answer has left. */
  #pendingEchoes: { event: string; payload: Record<string, unknown> }[] = [];
  #clock: () => number;
  #appGrants: FakeGrants = FAKE_APP_GRANTS;
  /** Installations still on older grants: an owner has not accepted the app's new permissions. */
  readonly #installationGrants = new Map<number, FakeGrants>();

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
    this.webhooks = new FakeWebhooks(newId, clock);
    this.#wire = new GitHubWire({
      appId: FAKE_APP_ID,
      appPublicKey: this.#key.publicKey,
      installationOfToken: (token) => this.#tokens.get(token),
      route: (request) => this.#route(request),
      takeAfterEffects: () => this.#takeEchoes(),
      blob: (url) => this.#blob(url),
      now: () => this.#clock(),
    });
  }

  /** The webhooks the request just routed caused, and the function that sends them (after its answer). */
  #takeEchoes(): () => void {
    const echoes = this.#pendingEchoes;
    this.#pendingEchoes = [];
    return () => {
      for (const echo of echoes) void this.webhooks.enqueue({ ...echo, echo: true });
    };
  }

  // --- the server ---------------------------------------------------------------

  /** Starts listening on 127.0.0.1 (idempotent). */
  async start(): Promise<void> {
    await this.#wire.start();
  }

  /** Stops listening and delivering. */
  async stop(): Promise<void> {
    this.webhooks.disconnect();
    await this.#wire.close();
  }

  /** Probot's `baseUrl` in-process; for a child process `GHE_HOST` is its host:port, with `GHE_PROTOCOL=http`. */
  get apiUrl(): string {
    return this.#wire.apiUrl;
  }

  /** Where job logs redirect to (another port: the redirect crosses origins, as GitHub's does). */
  get logHostUrl(): string {
    return this.#wire.blobUrl;
  }

  /** The app's private key (PEM), as GitHub hands it out: afk signs its JWTs with it. */
  get appPrivateKey(): string {
    return this.#key.privateKey;
  }

  /**
   * The environment that points a child-process afk (`probot run`) at this fake: Probot
   * then talks to `http://127.0.0.1:PORT/api/v3` as the app. Add WEBHOOK_SECRET and afk's
   * own variables, and `connect` the fake to the child's webhook URL.
   */
  probotEnv(): Record<"APP_ID" | "PRIVATE_KEY" | "GHE_HOST" | "GHE_PROTOCOL", string> {
    return {
      APP_ID: String(FAKE_APP_ID),
      PRIVATE_KEY: this.appPrivateKey,
      GHE_HOST: new URL(this.apiUrl).host,
      GHE_PROTOCOL: "http",
    };
  }

  /** Delivers the app's webhooks to afk from now on, signed with `secret`. */
  connect(target: { readonly webhookUrl: string; readonly secret: string }): void {
    this.webhooks.connect(target);
  }

  /** Resolves once no webhook is queued (held ones excepted) or in flight. */
  deliveriesSettled(): Promise<void> {
    return this.webhooks.settled();
  }

  /** Every request, oldest first. */
  get requests(): RecordedRequest[] {
    return this.#wire.requests;
  }

  /** Requests to routes this fake does not serve (each also answered 404). */
  get unexpected(): RecordedRequest[] {
    return this.#wire.unexpected;
  }

  /** Requests that break GitHub's REST description. */
  get violations(): string[] {
    return this.#wire.violations;
  }

  /** Paths (with query) fetched from the log blob host. */
  get logDownloads(): string[] {
    return this.#wire.logDownloads;
  }

  /** The app's webhook delivery log, oldest first (`GET /app/hook/deliveries` lists newest first). */
  get deliveries(): FakeWebhooks["deliveries"] {
    return this.webhooks.deliveries;
  }

  /** Log downloads that asked for their tail only (a suffix byte range, answered 206). */
  get rangedLogDownloads(): number {
    return this.#wire.rangedLogDownloads;
  }

  /** Delivery ids afk asked GitHub to redeliver. */
  get redelivered(): number[] {
    return this.webhooks.redelivered;
  }

  /** Requests, rate-limit charges, 304s, reads and writes per installation (or the app's JWT). */
  usage(installation: number | "app" | "anonymous"): Usage {
    return this.#wire.usage(installation);
  }

  resetUsage(): void {
    this.#wire.resetUsage();
  }

  /** The log blob host ignores Range and answers 200 with the whole log (it honours it by default). */
  set logHostIgnoresRange(ignores: boolean) {
    this.#wire.logHostIgnoresRange = ignores;
  }

  /** How long each API answer takes to leave (0 by default: at once); benchmarks count round trips with it. */
  set answerDelayMs(ms: number) {
    this.#wire.answerDelayMs = ms;
  }

  /** Each installation's hourly request budget (5,000 by default). */
  set rateLimitPerHour(limit: number) {
    this.#wire.rateLimitPerHour = limit;
  }

  /** The next `times` requests whose method and path (with query, without `/api/v3`) match fail this way. */
  failNext(method: string, path: RegExp, failure: GitHubFailure, times = 1): void {
    this.#wire.failNext(method, path, failure, times);
  }

  /** The `nth` matching request from now fails this way; the ones before it pass. */
  failNth(method: string, path: RegExp, nth: number, failure: GitHubFailure): void {
    this.#wire.failNth(method, path, nth, failure);
  }

  /** Ends every answer held by a scripted `"timeout"`. */
  releaseHeld(): void {
    this.#wire.releaseHeld();
  }

  // --- state, the way a human (or GitHub) changes it -------------------------

  /**
   * The app's settings (Permissions & events). Installations without grants of their own
   * follow them, as after a downgrade, which needs no acceptance; an upgrade an owner has
   * not accepted yet is `setInstallationGrants`.
   */
  setAppGrants(grants: Partial<FakeGrants>): void {
    this.#appGrants = { ...this.#appGrants, ...grants };
  }

  /** What one installation has accepted; by default, whatever the app's settings grant. */
  setInstallationGrants(installationId: number, grants: Partial<FakeGrants>): void {
    this.#installationGrants.set(installationId, { ...this.#appGrants, ...grants });
  }

  addRepo(input: RepoInput): FakeRepo {
    const [ownerLogin = ""] = input.fullName.split("/");
    const repo: FakeRepo = {
      fullName: input.fullName,
      id: newId(),
      owner: toUser(ownerLogin, input.ownerType ?? "User"),
      defaultBranch: input.defaultBranch ?? "main",
      installationId: input.installationId === undefined ? 4242 : input.installationId,
      files: new Map(Object.entries(input.files ?? {})),
      collaborators: new Map(),
      labels: new Map(),
      issues: new Map(),
      commits: [],
      workflowRuns: [],
      jobs: [],
      checkRuns: [],
      statuses: [],
    };
    this.repos.set(toKey(input.fullName), repo);
    return repo;
  }

  repo(fullName: string): FakeRepo {
    const repo = this.repos.get(toKey(fullName));
    if (repo === undefined) throw new Error(`github-fake: no repo ${fullName}`);
    return repo;
  }

  addCollaborator(fullName: string, login: string, role: FakeRole, type: FakeUser["type"] = "User"): void {
    this.repo(fullName).collaborators.set(login.toLowerCase(), { user: toUser(login, type), role });
  }

  addIssue(fullName: string, input: IssueInput = {}): FakeIssue {
    const repo = this.repo(fullName);
    const number = input.number ?? Math.max(0, ...repo.issues.keys()) + 1;
    const author = typeof input.author === "object" ? input.author : toUser(input.author ?? "Codertocat");
    const createdAt = input.createdAt ?? new Date(this.#clock() - 3_600_000 + number * 1000).toISOString();
    const issue: FakeIssue = {
      repo: repo.fullName,
      number,
      title: input.title ?? `Issue ${number}`,
      body: input.body === undefined ? `The body of issue ${number}.` : input.body,
      state: "open",
      state_reason: null,
      labels: [],
      created_at: createdAt,
      updated_at: createdAt,
      closed_at: null,
      author,
      events: [],
      blockedBy: [...(input.blockedBy ?? [])],
      comments: [],
    };
    repo.issues.set(number, issue);
    const labeledBy =
      input.labeledBy === undefined
        ? author
        : typeof input.labeledBy === "object"
          ? input.labeledBy
          : toUser(input.labeledBy);
    for (const label of input.labels ?? []) this.label(fullName, number, label, labeledBy);
    return issue;
  }

  issue(fullName: string, number: number): FakeIssue {
    const issue = this.repo(fullName).issues.get(number);
    if (issue === undefined) throw new Error(`github-fake: no issue ${fullName}#${number}`);
    return issue;
  }

  /** Applies a label as `actor` does in the UI: the label, and a `labeled` event naming them. False: it was on. */
  label(fullName: string, number: number, name: string, actor: string | FakeUser): boolean {
    const issue = this.issue(fullName, number);
    const label = this.#ensureRepoLabel(this.repo(fullName), name);
    if (issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) return false;
    issue.labels.push(label.name);
    issue.events.push(this.#event("labeled", toActorUser(actor), label));
    issue.updated_at = this.#iso();
    return true;
  }

  /** False: the issue did not carry it. */
  unlabel(fullName: string, number: number, name: string, actor: string | FakeUser): boolean {
    const issue = this.issue(fullName, number);
    const before = issue.labels.length;
    issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name.toLowerCase());
    if (issue.labels.length === before) return false;
    issue.events.push(this.#event("unlabeled", toActorUser(actor), this.#ensureRepoLabel(this.repo(fullName), name)));
    issue.updated_at = this.#iso();
    return true;
  }

  /** `commitId`: closed by that commit's closing keyword (the event carries it). False: it was closed. */
  close(
    fullName: string,
    number: number,
    actor: string | FakeUser = "Codertocat",
    reason: "completed" | "not_planned" = "completed",
    commitId: string | null = null,
  ): boolean {
    const issue = this.issue(fullName, number);
    if (issue.state === "closed") return false;
    issue.state = "closed";
    issue.state_reason = reason;
    issue.closed_at = this.#iso();
    issue.updated_at = issue.closed_at;
    issue.events.push(this.#event("closed", toActorUser(actor), null, commitId));
    return true;
  }

  /** False: it was open. */
  reopen(fullName: string, number: number, actor: string | FakeUser = "Codertocat"): boolean {
    const issue = this.issue(fullName, number);
    if (issue.state === "open") return false;
    issue.state = "open";
    issue.state_reason = "reopened";
    issue.closed_at = null;
    issue.updated_at = this.#iso();
    issue.events.push(this.#event("reopened", toActorUser(actor), null));
    return true;
  }

  /** Changes the title and/or body; returns what changed, as the `edited` payload's `changes`. */
  edit(
    fullName: string,
    number: number,
    change: { readonly title?: string; readonly body?: string | null },
  ): { title?: { from: string }; body?: { from: string } } {
    const issue = this.issue(fullName, number);
    const changes: { title?: { from: string }; body?: { from: string } } = {};
    if (change.title !== undefined && change.title !== issue.title) {
      changes.title = { from: issue.title };
      issue.title = change.title;
    }
    if (change.body !== undefined && change.body !== issue.body) {
      changes.body = { from: issue.body ?? "" };
      issue.body = change.body;
    }
    if (Object.keys(changes).length > 0) issue.updated_at = this.#iso();
    return changes;
  }

  /** `actor` acts on GitHub, and GitHub delivers each act's webhook to the app with them as `sender`. */
  as(actor: string | FakeUser): FakeActor {
    const user = toActorUser(actor);
    const deliver = (
      fullName: string,
      number: number,
      change: IssueChange | null,
      options: DeliveryOptions,
    ): Promise<SentWebhook | null> => {
      const payload = change === null ? null : this.#issuesPayload(this.issue(fullName, number), user, change);
      return this.#deliverAct("issues", payload, options);
    };
    return {
      label: (fullName, number, name, options = {}) => {
        const added = this.label(fullName, number, name, user);
        const label = this.#labelJson(this.repo(fullName), this.#ensureRepoLabel(this.repo(fullName), name));
        return deliver(fullName, number, added ? { action: "labeled", label } : null, options);
      },
      unlabel: (fullName, number, name, options = {}) => {
        const removed = this.unlabel(fullName, number, name, user);
        const label = this.#labelJson(this.repo(fullName), this.#ensureRepoLabel(this.repo(fullName), name));
        return deliver(fullName, number, removed ? { action: "unlabeled", label } : null, options);
      },
      close: (fullName, number, options = {}) => {
        const closed = this.close(fullName, number, user, options.reason ?? "completed");
        return deliver(fullName, number, closed ? { action: "closed" } : null, options);
      },
      reopen: (fullName, number, options = {}) => {
        const reopened = this.reopen(fullName, number, user);
        return deliver(fullName, number, reopened ? { action: "reopened" } : null, options);
      },
      edit: (fullName, number, change, options = {}) => {
        const changes = this.edit(fullName, number, change);
        const changed = Object.keys(changes).length > 0;
        return deliver(fullName, number, changed ? { action: "edited", changes } : null, options);
      },
      comment: (fullName, number, body, options = {}) => {
        const issue = this.issue(fullName, number);
        const comment = this.addComment(fullName, number, body, user);
        const json = this.#commentJson(this.repo(fullName), issue, comment);
        return this.#deliverAct(
          "issue_comment",
          this.#commentPayload(issue, user, { action: "created", comment: json }),
          options,
        );
      },
      push: async (fullName, input, options = {}) => {
        const { payload, closed, commit } = this.pushCommit(fullName, { ...input, author: user.login });
        const sent = [await this.#deliverAct("push", payload, options)];
        for (const issue of closed)
          sent.push(await this.#deliverAct("issues", this.#issuesPayload(issue, user, { action: "closed" }), {}));
        return { commit, sent };
      },
    };
  }

  /** A webhook GitHub sends: queued behind the others (the knobs apply); resolves once the app answered. */
  notify(event: string, payload: unknown, options: DeliveryOptions = {}): Promise<SentWebhook> {
    return this.webhooks.enqueue({ event, payload, ...options });
  }

  /** The `issues` payload GitHub would send for the issue as it stands, `sender` acting (for a redelivery by hand). */
  issuesPayload(
    fullName: string,
    number: number,
    sender: string | FakeUser,
    change: IssueChange,
  ): Record<string, unknown> {
    const payload = this.#issuesPayload(this.issue(fullName, number), toActorUser(sender), change);
    if (payload === null) throw new Error(`github-fake: afk is not installed on ${fullName}`);
    return payload;
  }

  /** The repo's label as the API shows it (for a `labeled` change). */
  labelJson(fullName: string, name: string): Record<string, unknown> {
    const repo = this.repo(fullName);
    return this.#labelJson(repo, this.#ensureRepoLabel(repo, name));
  }

  async #deliverAct(event: string, payload: unknown, options: DeliveryOptions): Promise<SentWebhook | null> {
    // No change (or no installation), no webhook: GitHub sends nothing for a label that was already on.
    if (payload === null) return null;
    return this.notify(event, payload, options);
  }

  #issueContext(issue: FakeIssue, sender: FakeUser): IssueContext | null {
    const repo = this.repo(issue.repo);
    if (repo.installationId === null) return null;
    return {
      repo: { fullName: repo.fullName, id: repo.id, ownerType: repo.owner.type, defaultBranch: repo.defaultBranch },
      installationId: repo.installationId,
      issueNumber: issue.number,
      labelNames: [...issue.labels],
      issueJson: this.#issueJson(issue),
      sender: { login: sender.login, id: sender.id, type: sender.type },
    };
  }

  /** Null when the app is not installed on the repo: GitHub then sends it nothing. */
  #issuesPayload(issue: FakeIssue, sender: FakeUser, change: IssueChange): Record<string, unknown> | null {
    const context = this.#issueContext(issue, sender);
    return context === null ? null : toIssuesPayload(context, change);
  }

  #commentPayload(issue: FakeIssue, sender: FakeUser, change: CommentChange): Record<string, unknown> | null {
    const context = this.#issueContext(issue, sender);
    return context === null ? null : toIssueCommentPayload(context, change);
  }

  /** The app wrote through the API: GitHub sends the app the webhook, once the answer has left. */
  #echoIssue(issue: FakeIssue, change: IssueChange): void {
    const payload = this.#issuesPayload(issue, FAKE_APP_BOT, change);
    if (payload !== null) this.#pendingEchoes.push({ event: "issues", payload });
  }

  #echoComment(issue: FakeIssue, change: CommentChange): void {
    const payload = this.#commentPayload(issue, FAKE_APP_BOT, change);
    if (payload !== null) this.#pendingEchoes.push({ event: "issue_comment", payload });
  }

  /** A comment written by a person (or, with `viaApp`, by afk's app). */
  addComment(
    fullName: string,
    number: number,
    body: string,
    author: string | FakeUser = "Codertocat",
    viaApp = false,
  ): FakeComment {
    const at = new Date(this.#clock()).toISOString();
    const comment: FakeComment = {
      id: newId(),
      body,
      user: typeof author === "object" ? author : toUser(author),
      viaApp,
      created_at: at,
      updated_at: at,
    };
    this.issue(fullName, number).comments.push(comment);
    return comment;
  }

  /** The recorded requests with this method whose path matches. */
  calls(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method.toUpperCase() && path.test(request.path));
  }

  /** Comments afk's app wrote on the issue. */
  appComments(fullName: string, number: number): FakeComment[] {
    return this.issue(fullName, number).comments.filter((comment) => comment.viaApp);
  }

  // --- CI, the way GitHub runs it ---------------------------------------------

  /**
   * A commit lands on the default branch; returns it, the `push` payload GitHub sends, and
   * the issues its closing keywords closed (each with a `closed` event naming the commit,
   * the pusher as actor): `close(s|d)`, `fix(es|ed)`, `resolve(s|d)` + `#N` or `owner/repo#N`.
   */
  pushCommit(
    fullName: string,
    input: PushInput,
  ): { commit: FakeCommit; payload: ReturnType<typeof aPushEvent>; closed: FakeIssue[] } {
    const repo = this.repo(fullName);
    const before = repo.commits.at(-1)?.sha ?? "0".repeat(40);
    const commit: FakeCommit = {
      sha: input.sha ?? aSha(),
      message: input.message,
      date: this.#iso(),
      author: toUser(input.author ?? "afk-agent"),
    };
    repo.commits.push(commit);
    const payload = aPushEvent({
      repo: repo.fullName,
      sha: commit.sha,
      message: commit.message,
      ref: `refs/heads/${repo.defaultBranch}`,
      ...(repo.installationId === null ? {} : { installationId: repo.installationId }),
    });
    Object.assign(payload, { before });
    // The pushed commit as GitHub lists it: its own time, not the recorded example's.
    for (const listed of payload.commits.filter((c) => c.id === commit.sha)) listed.timestamp = commit.date;
    if (payload.head_commit !== null) payload.head_commit.timestamp = commit.date;
    Object.assign(payload.repository, {
      id: repo.id,
      default_branch: repo.defaultBranch,
      master_branch: repo.defaultBranch,
    });
    Object.assign(payload.pusher, { name: commit.author.login });
    Object.assign(payload.sender, { login: commit.author.login, id: commit.author.id, type: commit.author.type });
    const closed = toClosingRefs(commit.message, repo.fullName).flatMap((ref) => {
      const issue = this.repos.get(toKey(ref.repo))?.issues.get(ref.number);
      const done = issue !== undefined && this.close(issue.repo, issue.number, commit.author, "completed", commit.sha);
      return done ? [issue] : [];
    });
    return { commit, payload, closed };
  }

  /** A workflow run starts for a sha: the run, and per job a job and an in-progress check run. */
  startWorkflowRun(fullName: string, input: WorkflowRunInput): FakeWorkflowRun {
    const repo = this.repo(fullName);
    const name = input.name ?? "CI";
    const run: FakeWorkflowRun = {
      id: newId(),
      name,
      path: `.github/workflows/${name.toLowerCase()}.yml`,
      event: input.event ?? "push",
      headSha: input.sha,
      headBranch: input.headBranch ?? repo.defaultBranch,
      headRepoFullName: input.headRepo ?? repo.fullName,
      checkSuiteId: newId(),
      jobNames: input.jobs ?? ["test"],
      runAttempt: 1,
      status: "in_progress",
      conclusion: null,
      createdAt: this.#iso(),
      updatedAt: this.#iso(),
    };
    repo.workflowRuns.push(run);
    this.#startAttempt(repo, run);
    return run;
  }

  /** The run's current attempt ends: each job (and its check run) with its outcome. */
  completeWorkflowRun(fullName: string, runId: number, input: CompleteRunInput): FakeWorkflowRun {
    const repo = this.repo(fullName);
    const run = this.#run(repo, runId);
    for (const job of repo.jobs.filter((j) => j.runId === runId && j.attempt === run.runAttempt)) {
      const outcome = input.jobs?.[job.name] ?? { conclusion: input.conclusion };
      const lines = outcome.log ?? [`Run ${job.name}`, `${job.name} finished: ${outcome.conclusion}`];
      job.status = "completed";
      job.conclusion = outcome.conclusion;
      job.log = [...job.log.split("\n"), ...lines.map((line) => toLogLine(this.#clock(), line))].join("\n");
      const check = repo.checkRuns.find((c) => c.id === job.checkRunId);
      if (check === undefined) throw new Error(`github-fake: job ${job.id} has no check run`);
      Object.assign(check, {
        status: "completed",
        conclusion: outcome.conclusion,
        title: outcome.title ?? null,
        summary: outcome.summary ?? null,
        completedAt: this.#iso(),
      });
    }
    Object.assign(run, { status: "completed", conclusion: input.conclusion, updatedAt: this.#iso() });
    return run;
  }

  /** "Re-run all jobs": the same run id, a higher `run_attempt`, new jobs and check runs. */
  rerunWorkflowRun(fullName: string, runId: number): FakeWorkflowRun {
    const repo = this.repo(fullName);
    const run = this.#run(repo, runId);
    Object.assign(run, {
      runAttempt: run.runAttempt + 1,
      status: "in_progress",
      conclusion: null,
      updatedAt: this.#iso(),
    });
    this.#startAttempt(repo, run);
    return run;
  }

  /** A commit status, as Woodpecker or any integration posts it. */
  addStatus(fullName: string, input: StatusInput): FakeStatus {
    const status: FakeStatus = {
      id: newId(),
      sha: input.sha,
      context: input.context,
      state: input.state,
      targetUrl: input.targetUrl ?? null,
      description: input.description ?? null,
      createdAt: this.#iso(),
    };
    this.repo(fullName).statuses.push(status);
    return status;
  }

  /** The `workflow_run` payload GitHub sends for the run as it stands now. */
  workflowRunPayload(fullName: string, runId: number): ReturnType<typeof aWorkflowRunEvent> {
    const repo = this.repo(fullName);
    const run = this.#run(repo, runId);
    const action = run.status === "completed" ? "completed" : run.status === "queued" ? "requested" : "in_progress";
    // The conclusion (any of GitHub's, `startup_failure` too) comes with the run's JSON.
    const payload = aWorkflowRunEvent(action, { repo: repo.fullName, sha: run.headSha, runAttempt: run.runAttempt });
    Object.assign(payload.workflow_run, this.#workflowRunJson(repo, run));
    Object.assign(payload.repository, { default_branch: repo.defaultBranch });
    return payload;
  }

  /** The `check_run` payload for a check run as it stands now. */
  checkRunPayload(fullName: string, checkRunId: number): ReturnType<typeof aCheckRunEvent> {
    const repo = this.repo(fullName);
    const check = repo.checkRuns.find((c) => c.id === checkRunId);
    if (check === undefined) throw new Error(`github-fake: no check run ${checkRunId} in ${fullName}`);
    const action = check.status === "completed" ? "completed" : "created";
    const payload = aCheckRunEvent(action, { repo: repo.fullName, sha: check.headSha, name: check.name });
    const json = this.#checkRunJson(repo, check);
    Object.assign(payload.check_run, {
      ...json,
      check_suite: {
        ...payload.check_run.check_suite,
        id: check.checkSuiteId,
        head_sha: check.headSha,
        head_branch: repo.defaultBranch,
      },
    });
    return payload;
  }

  /** The `status` payload for a commit status. */
  statusPayload(fullName: string, statusId: number): ReturnType<typeof aStatusEvent> {
    const repo = this.repo(fullName);
    const status = repo.statuses.find((s) => s.id === statusId);
    if (status === undefined) throw new Error(`github-fake: no status ${statusId} in ${fullName}`);
    const payload = aStatusEvent({
      repo: repo.fullName,
      sha: status.sha,
      state: status.state,
      context: status.context,
    });
    Object.assign(payload, { id: status.id, target_url: status.targetUrl, description: status.description });
    return payload;
  }

  /** The check runs of a run's current attempt. */
  checkRunsOf(fullName: string, runId: number): FakeCheckRun[] {
    const repo = this.repo(fullName);
    const run = this.#run(repo, runId);
    const jobs = repo.jobs.filter((j) => j.runId === runId && j.attempt === run.runAttempt);
    return repo.checkRuns.filter((c) => jobs.some((j) => j.checkRunId === c.id));
  }

  #run(repo: FakeRepo, runId: number): FakeWorkflowRun {
    const run = repo.workflowRuns.find((r) => r.id === runId);
    if (run === undefined) throw new Error(`github-fake: no workflow run ${runId} in ${repo.fullName}`);
    return run;
  }

  #startAttempt(repo: FakeRepo, run: FakeWorkflowRun): void {
    for (const name of run.jobNames) {
      const checkRunId = newId();
      const jobId = newId();
      const log = [`Current runner version: '2.321.0'`, `Job ${name}, attempt ${run.runAttempt}`]
        .map((line) => toLogLine(this.#clock(), line))
        .join("\n");
      repo.jobs.push({
        id: jobId,
        runId: run.id,
        attempt: run.runAttempt,
        name,
        checkRunId,
        status: "in_progress",
        conclusion: null,
        log,
      });
      repo.checkRuns.push({
        id: checkRunId,
        name,
        headSha: run.headSha,
        checkSuiteId: run.checkSuiteId,
        app: GITHUB_ACTIONS_APP,
        jobId,
        runId: run.id,
        status: "in_progress",
        conclusion: null,
        title: null,
        summary: null,
        startedAt: this.#iso(),
        completedAt: null,
      });
    }
  }

  #iso(): string {
    return new Date(this.#clock()).toISOString();
  }

  // --- routes -----------------------------------------------------------------

  /** The blob host behind a job log's redirect: the log as text, for a path this fake handed out. */
  #blob(url: URL): Reply {
    const jobId = Number(/\/signedlogcontent\/(\d+)$/.exec(url.pathname)?.[1]);
    const job = [...this.repos.values()].flatMap((repo) => repo.jobs).find((j) => j.id === jobId);
    if (job === undefined || url.searchParams.get("urlSignature") === null)
      return [404, "BlobNotFound", { "content-type": "text/plain" }];
    return [200, job.log, { "content-type": "text/plain; charset=utf-8" }];
  }

  #route(request: ApiRequest): Reply | null {
    const { method, segments: s, caller } = request;
    if (method === "POST" && s.length === 4 && s[0] === "app" && s[1] === "installations" && s[3] === "access_tokens")
      return this.#accessToken(Number(s[2]));
    if (method === "GET" && s.length === 1 && s[0] === "app") return [200, this.#appJson()];
    if (s[0] === "app" && s[1] === "hook" && s[2] === "deliveries") return this.#hookDeliveries(request, s.slice(3));
    if (method === "GET" && s.length === 2 && s[0] === "users") return this.#user(s[1] ?? "");
    if (s[0] !== "repos" || s.length < 3) return null;
    const repo = this.repos.get(toKey(`${s[1]}/${s[2]}`));
    const rest = s.slice(3);
    if (method === "GET" && rest.length === 1 && rest[0] === "installation")
      return repo === undefined ? notFound() : this.#installation(repo);
    // An installation's token reaches only the repos that installation covers; GitHub hides the others.
    if (repo === undefined || caller.kind !== "installation" || caller.installationId !== repo.installationId)
      return notFound();
    if (method === "GET" && rest.length === 0) return [200, this.#repoJson(repo)];
    if (method === "GET" && rest[0] === "contents") return this.#contents(repo, rest.slice(1).join("/"), request);
    if (method === "GET" && rest.length === 3 && rest[0] === "collaborators" && rest[2] === "permission")
      return this.#permission(repo, rest[1] ?? "");
    if (rest[0] === "labels") return this.#repoLabels(repo, request, rest.slice(1));
    if (rest[0] === "issues") return this.#issues(repo, request, rest.slice(1));
    if (method === "GET" && rest[0] === "commits") return this.#commits(repo, request, rest.slice(1));
    if (method === "GET" && rest[0] === "actions") return this.#actions(repo, request, rest.slice(1));
    return null;
  }

  #commits(repo: FakeRepo, request: ApiRequest, rest: readonly string[]): Reply | null {
    if (rest.length === 0) return this.#listCommits(repo, request);
    if (rest.length !== 2) return null;
    const sha = rest[0] ?? "";
    if (rest[1] === "check-runs") return [200, this.#checkRunsBody(repo, sha, request)];
    if (rest[1] === "status") return [200, this.#combinedStatusBody(repo, sha)];
    return null;
  }

  /** Newest first; `sha` names the branch (or a commit to list back from), `since` the oldest committer date. */
  #listCommits(repo: FakeRepo, request: ApiRequest): Reply {
    const from = request.url.searchParams.get("sha") ?? repo.defaultBranch;
    const since = request.url.searchParams.get("since");
    const newestFirst = [...repo.commits].reverse();
    const start = from === repo.defaultBranch ? 0 : newestFirst.findIndex((c) => c.sha === from);
    if (start < 0) return notFound();
    const listed = newestFirst.slice(start).filter((c) => since === null || Date.parse(c.date) >= Date.parse(since));
    return this.#page(
      request,
      listed.map((c, i) => this.#commitJson(repo, c, listed[i + 1]?.sha ?? null)),
    );
  }

  /** `filter=latest` (the default) keeps the newest check run per app and name. */
  #checkRunsBody(repo: FakeRepo, sha: string, request: ApiRequest): Record<string, unknown> {
    const onSha = repo.checkRuns.filter((c) => c.headSha === sha);
    const latest =
      request.url.searchParams.get("filter") === "all"
        ? onSha
        : onSha.filter((c) => !onSha.some((o) => o.app.id === c.app.id && o.name === c.name && o.id > c.id));
    const runs = [...latest].sort((a, b) => b.id - a.id).map((c) => this.#checkRunJson(repo, c));
    return { total_count: runs.length, check_runs: runs };
  }

  #combinedStatusBody(repo: FakeRepo, sha: string): Record<string, unknown> {
    const newest = new Map<string, FakeStatus>();
    for (const status of repo.statuses.filter((s) => s.sha === sha)) newest.set(status.context, status);
    const statuses = [...newest.values()].reverse();
    const states = statuses.map((s) => s.state);
    const state = states.some((s) => s === "failure" || s === "error")
      ? "failure"
      : states.length === 0 || states.includes("pending")
        ? "pending"
        : "success";
    return {
      state,
      sha,
      total_count: statuses.length,
      statuses: statuses.map((s) => ({
        id: s.id,
        node_id: `SC_${s.id}`,
        url: `${API}/repos/${repo.fullName}/statuses/${sha}`,
        avatar_url: null,
        state: s.state,
        description: s.description,
        target_url: s.targetUrl,
        context: s.context,
        created_at: s.createdAt,
        updated_at: s.createdAt,
      })),
      repository: this.#repoJson(repo),
      commit_url: `${API}/repos/${repo.fullName}/commits/${sha}`,
      url: `${API}/repos/${repo.fullName}/commits/${sha}/status`,
    };
  }

  #actions(repo: FakeRepo, request: ApiRequest, rest: readonly string[]): Reply | null {
    if (rest.length === 1 && rest[0] === "runs") {
      const sha = request.url.searchParams.get("head_sha");
      const event = request.url.searchParams.get("event");
      const runs = repo.workflowRuns
        .filter((r) => (sha === null || r.headSha === sha) && (event === null || r.event === event))
        .reverse();
      return this.#wrappedPage(
        request,
        "workflow_runs",
        runs.map((r) => this.#workflowRunJson(repo, r)),
      );
    }
    if (rest.length === 5 && rest[0] === "runs" && rest[2] === "attempts" && rest[4] === "jobs") {
      const [runId, attempt] = [Number(rest[1]), Number(rest[3])];
      const run = repo.workflowRuns.find((r) => r.id === runId);
      if (run === undefined || attempt < 1 || attempt > run.runAttempt) return notFound();
      const jobs = repo.jobs.filter((j) => j.runId === runId && j.attempt === attempt);
      return this.#wrappedPage(
        request,
        "jobs",
        jobs.map((j) => this.#jobJson(repo, run, j)),
      );
    }
    if (rest.length === 3 && rest[0] === "jobs" && rest[2] === "logs") {
      const job = repo.jobs.find((j) => j.id === Number(rest[1]));
      if (job === undefined) return notFound();
      const signed = `${this.logHostUrl}/serviceHosts/fake/_apis/pipelines/1/runs/${job.runId}/signedlogcontent/${job.id}?urlExpires=${encodeURIComponent(this.#iso())}&urlSigningMethod=HMACV1&urlSignature=fake`;
      return [302, "", { location: signed }];
    }
    return null;
  }

  /** A page of a list GitHub wraps as `{ total_count, <key>: [...] }`. */
  #wrappedPage(request: ApiRequest, key: string, items: readonly unknown[]): Reply {
    const [status, slice, headers] = this.#page(request, items);
    return [status, { total_count: items.length, [key]: slice }, headers ?? {}];
  }

  /** The app's webhook deliveries (JWT): newest first, a page per `cursor`; an attempt sends one again. */
  #hookDeliveries(request: ApiRequest, rest: readonly string[]): Reply | null {
    if (request.method === "GET" && rest.length === 0) {
      const params = request.url.searchParams;
      const status = params.get("status");
      const listed = [...this.deliveries]
        .reverse()
        .filter((d) => status === null || (status === "success") === (d.status_code >= 200 && d.status_code < 300));
      const perPage = Math.min(100, Number(params.get("per_page") ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE);
      const from = Number(params.get("cursor") ?? 0) || 0;
      if (from + perPage >= listed.length) return [200, listed.slice(from)];
      const next = new URL(request.url.toString());
      next.searchParams.set("cursor", String(from + perPage));
      return [200, listed.slice(from, from + perPage), { link: `<${next.toString()}>; rel="next"` }];
    }
    if (request.method === "POST" && rest.length === 2 && rest[1] === "attempts")
      return this.webhooks.redeliver(Number(rest[0])) ? [202, {}] : notFound();
    return null;
  }

  #appJson(): Record<string, unknown> {
    const owner = toUser("afk-owner", "Organization");
    return {
      id: FAKE_APP_ID,
      slug: FAKE_APP_SLUG,
      node_id: `A_${FAKE_APP_ID}`,
      client_id: `Iv1.fake${FAKE_APP_ID}`,
      owner: this.#userJson(owner),
      name: "afk (test)",
      description: "afk under test",
      external_url: "https://example.invalid",
      html_url: `https://github.com/apps/${FAKE_APP_SLUG}`,
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      permissions: { ...this.#appGrants.permissions },
      events: [...this.#appGrants.events],
      installations_count: new Set([...this.repos.values()].map((repo) => repo.installationId)).size,
    };
  }

  /** Any login is someone; of the `[bot]` logins only the app's own bot user exists here. */
  #user(login: string): Reply {
    if (login.toLowerCase() === FAKE_APP_BOT.login.toLowerCase()) return [200, this.#userJson(FAKE_APP_BOT)];
    if (login.endsWith("[bot]")) return notFound();
    return [200, this.#userJson(toUser(login))];
  }

  #accessToken(installationId: number): Reply {
    const installed = [...this.repos.values()].some((repo) => repo.installationId === installationId);
    if (!installed) return notFound();
    const token = `ghs_${randomBytes(18).toString("base64url")}`;
    this.#tokens.set(token, installationId);
    const expires = new Date(this.#clock() + 3_600_000).toISOString();
    return [
      201,
      {
        token,
        expires_at: expires,
        permissions: { issues: "write", metadata: "read", contents: "read" },
        repository_selection: "selected",
      },
    ];
  }

  #installation(repo: FakeRepo): Reply {
    if (repo.installationId === null) return notFound();
    const grants = this.#installationGrants.get(repo.installationId) ?? this.#appGrants;
    return [
      200,
      {
        id: repo.installationId,
        app_id: FAKE_APP_ID,
        app_slug: FAKE_APP_SLUG,
        account: this.#userJson(repo.owner),
        target_type: repo.owner.type,
        permissions: { ...grants.permissions },
        events: [...grants.events],
      },
    ];
  }

  #contents(repo: FakeRepo, path: string, request: ApiRequest): Reply {
    const ref = request.url.searchParams.get("ref");
    const text = ref === null || ref === repo.defaultBranch ? repo.files.get(path) : undefined;
    if (text === undefined) return notFound();
    if ((request.headers.accept ?? "").includes("raw"))
      return [200, text, { "content-type": "text/plain; charset=utf-8" }];
    return [
      200,
      {
        type: "file",
        encoding: "base64",
        path,
        name: path.split("/").at(-1),
        content: Buffer.from(text).toString("base64"),
      },
    ];
  }

  #permission(repo: FakeRepo, login: string): Reply {
    const found = repo.collaborators.get(login.toLowerCase());
    if (found === undefined) return notFound();
    const permission = PERMISSION_OF_ROLE[found.role];
    const permissions = {
      admin: permission === "admin",
      maintain: found.role === "maintain" || found.role === "admin",
      push: permission !== "read",
      triage: true,
      pull: true,
    };
    return [
      200,
      {
        permission,
        role_name: found.role,
        user: { ...this.#userJson(found.user), permissions, role_name: found.role },
      },
    ];
  }

  #repoLabels(repo: FakeRepo, request: ApiRequest, rest: readonly string[]): Reply | null {
    // GitHub lists a repo's labels by id, which is the order they were created in.
    if (request.method === "GET" && rest.length === 0)
      return this.#page(
        request,
        [...repo.labels.values()].map((label) => this.#labelJson(repo, label)),
      );
    if (request.method === "GET" && rest.length === 1) {
      const label = findLabel(repo, rest[0] ?? "");
      return label === undefined ? notFound() : [200, this.#labelJson(repo, label)];
    }
    if (request.method === "POST" && rest.length === 0) {
      const { name, color, description } = (request.body ?? {}) as {
        name?: string;
        color?: string;
        description?: string;
      };
      if (name === undefined) return [422, { message: "Validation Failed" }];
      if (findLabel(repo, name) !== undefined)
        return [
          422,
          { message: "Validation Failed", errors: [{ resource: "Label", code: "already_exists", field: "name" }] },
        ];
      const label: FakeLabel = { name, color: color ?? "ededed", description: description ?? null };
      repo.labels.set(name.toLowerCase(), label);
      return [201, this.#labelJson(repo, label)];
    }
    return null;
  }

  #issues(repo: FakeRepo, request: ApiRequest, rest: readonly string[]): Reply | null {
    const { method } = request;
    if (method === "GET" && rest.length === 0) return this.#listIssues(repo, request);
    if (rest[0] === "comments" && rest.length === 2 && method === "PATCH")
      return this.#updateComment(repo, Number(rest[1]), request.body);
    if (!/^\d+$/.test(rest[0] ?? "")) return null;
    const issue = repo.issues.get(Number(rest[0]));
    if (issue === undefined) return notFound();
    const sub = rest.slice(1);
    if (sub.length === 0 && method === "GET") return [200, this.#issueJson(issue)];
    if (sub.length === 0 && method === "PATCH") return this.#patchIssue(issue, request.body);
    if (sub.length === 2 && sub[0] === "dependencies" && sub[1] === "blocked_by" && method === "GET")
      return this.#page(
        request,
        issue.blockedBy.flatMap((ref) => this.#refJson(ref)),
      );
    if (sub.length === 1 && sub[0] === "events" && method === "GET")
      return this.#page(
        request,
        issue.events.map((event) => this.#eventJson(repo, issue, event)),
      );
    if (sub.length === 1 && sub[0] === "comments" && method === "GET")
      return this.#page(
        request,
        issue.comments.map((comment) => this.#commentJson(repo, issue, comment)),
      );
    if (sub.length === 1 && sub[0] === "comments" && method === "POST")
      return this.#createComment(repo, issue, request);
    if (sub.length === 1 && sub[0] === "labels" && method === "POST") return this.#addLabels(repo, issue, request);
    if (sub.length === 2 && sub[0] === "labels" && method === "DELETE")
      return this.#removeLabel(repo, issue, sub[1] ?? "");
    return null;
  }

  #listIssues(repo: FakeRepo, request: ApiRequest): Reply {
    const state = request.url.searchParams.get("state") ?? "open";
    const wanted = (request.url.searchParams.get("labels") ?? "")
      .split(",")
      .map((l) => l.trim().toLowerCase())
      .filter((l) => l !== "");
    const issues = [...repo.issues.values()]
      .filter((issue) => state === "all" || issue.state === state)
      .filter((issue) => wanted.every((name) => issue.labels.some((l) => l.toLowerCase() === name)))
      .sort((a, b) => b.number - a.number);
    return this.#page(
      request,
      issues.map((issue) => this.#issueJson(issue)),
    );
  }

  /** Every write below is the app's (repo routes take only its installation token), echoed as its bot's act. */
  #patchIssue(issue: FakeIssue, body: unknown): Reply {
    const patch = (body ?? {}) as {
      state?: "open" | "closed";
      state_reason?: FakeIssue["state_reason"];
      title?: string;
      body?: string | null;
      labels?: (string | { name?: string })[];
    };
    const changes = this.edit(issue.repo, issue.number, {
      ...(patch.title === undefined ? {} : { title: patch.title }),
      ...(patch.body === undefined ? {} : { body: patch.body }),
    });
    if (Object.keys(changes).length > 0) this.#echoIssue(issue, { action: "edited", changes });
    if (patch.labels !== undefined) {
      const wanted = patch.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
      for (const name of issue.labels.filter((l) => !wanted.some((w) => w.toLowerCase() === l.toLowerCase())))
        if (this.unlabel(issue.repo, issue.number, name, FAKE_APP_BOT))
          this.#echoIssue(issue, { action: "unlabeled", label: this.labelJson(issue.repo, name) });
      for (const name of wanted)
        if (this.label(issue.repo, issue.number, name, FAKE_APP_BOT))
          this.#echoIssue(issue, { action: "labeled", label: this.labelJson(issue.repo, name) });
    }
    const reason = patch.state_reason === "not_planned" ? "not_planned" : "completed";
    if (patch.state === "closed" && this.close(issue.repo, issue.number, FAKE_APP_BOT, reason))
      this.#echoIssue(issue, { action: "closed" });
    if (patch.state === "open" && this.reopen(issue.repo, issue.number, FAKE_APP_BOT))
      this.#echoIssue(issue, { action: "reopened" });
    return [200, this.#issueJson(issue)];
  }

  #createComment(repo: FakeRepo, issue: FakeIssue, request: ApiRequest): Reply {
    const { body } = (request.body ?? {}) as { body?: string };
    if (typeof body !== "string") return [422, { message: "Validation Failed" }];
    const comment = this.addComment(issue.repo, issue.number, body, FAKE_APP_BOT, true);
    const json = this.#commentJson(repo, issue, comment);
    this.#echoComment(issue, { action: "created", comment: json });
    return [201, json];
  }

  #updateComment(repo: FakeRepo, id: number, body: unknown): Reply {
    for (const issue of repo.issues.values()) {
      const comment = issue.comments.find((c) => c.id === id);
      if (comment === undefined) continue;
      const from = comment.body;
      comment.body = (body as { body?: string } | undefined)?.body ?? comment.body;
      comment.updated_at = new Date(this.#clock()).toISOString();
      const json = this.#commentJson(repo, issue, comment);
      if (comment.body !== from) this.#echoComment(issue, { action: "edited", comment: json, from });
      return [200, json];
    }
    return notFound();
  }

  #addLabels(repo: FakeRepo, issue: FakeIssue, request: ApiRequest): Reply {
    const { labels } = (request.body ?? {}) as { labels?: string[] };
    for (const name of labels ?? [])
      if (this.label(issue.repo, issue.number, name, FAKE_APP_BOT))
        this.#echoIssue(issue, { action: "labeled", label: this.labelJson(issue.repo, name) });
    return [200, issue.labels.map((name) => this.#labelJson(repo, this.#ensureRepoLabel(repo, name)))];
  }

  #removeLabel(repo: FakeRepo, issue: FakeIssue, name: string): Reply {
    if (!this.unlabel(issue.repo, issue.number, name, FAKE_APP_BOT))
      return [404, { message: "Label does not exist", documentation_url: "https://docs.github.com/rest" }];
    this.#echoIssue(issue, { action: "unlabeled", label: this.labelJson(issue.repo, name) });
    return [200, issue.labels.map((label) => this.#labelJson(repo, this.#ensureRepoLabel(repo, label)))];
  }

  /** A page of `items` as GitHub serves it, with a Link header to the next and last pages. */
  #page(request: ApiRequest, items: readonly unknown[]): Reply {
    const perPage = Math.min(
      100,
      Number(request.url.searchParams.get("per_page") ?? DEFAULT_PER_PAGE) || DEFAULT_PER_PAGE,
    );
    const page = Math.max(1, Number(request.url.searchParams.get("page") ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    if (last === 1) return [200, slice];
    const link = (n: number, rel: string): string => {
      const url = new URL(request.url.toString());
      url.searchParams.set("page", String(n));
      return `<${url.toString()}>; rel="${rel}"`;
    };
    const links = [
      page < last ? link(page + 1, "next") : null,
      link(last, "last"),
      page > 1 ? link(page - 1, "prev") : null,
    ].filter((l) => l !== null);
    return [200, slice, { link: links.join(", ") }];
  }

  #ensureRepoLabel(repo: FakeRepo, name: string): FakeLabel {
    const found = findLabel(repo, name);
    if (found !== undefined) return found;
    // GitHub creates a label applied to an issue when the repo lacks it, grey and bare.
    const label: FakeLabel = { name, color: "ededed", description: null };
    repo.labels.set(name.toLowerCase(), label);
    return label;
  }

  #event(
    event: FakeEvent["event"],
    actor: FakeUser,
    label: FakeLabel | null,
    commitId: string | null = null,
  ): FakeEvent {
    return {
      id: newId(),
      event,
      actor,
      label: label === null ? null : { name: label.name, color: label.color },
      commitId,
      created_at: new Date(this.#clock()).toISOString(),
    };
  }

  // --- JSON shapes --------------------------------------------------------------

  #userJson(user: FakeUser): Record<string, unknown> {
    const url = `${API}/users/${encodeURIComponent(user.login)}`;
    // A bot user's page is its app's (`https://github.com/apps/<slug>`).
    const bot = /^(.+)\[bot\]$/.exec(user.login)?.[1];
    return {
      login: user.login,
      id: user.id,
      node_id: `U_${user.id}`,
      avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      gravatar_id: "",
      url,
      html_url: bot === undefined ? `https://github.com/${user.login}` : `https://github.com/apps/${bot}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type: user.type,
      user_view_type: "public",
      site_admin: false,
    };
  }

  #repoJson(repo: FakeRepo): Record<string, unknown> {
    return {
      id: repo.id,
      name: repo.fullName.split("/")[1],
      full_name: repo.fullName,
      owner: this.#userJson(repo.owner),
      private: false,
      default_branch: repo.defaultBranch,
      clone_url: `https://github.com/${repo.fullName}.git`,
      html_url: `https://github.com/${repo.fullName}`,
      url: `${API}/repos/${repo.fullName}`,
    };
  }

  #labelJson(repo: FakeRepo, label: FakeLabel): Record<string, unknown> {
    const id = labelId(repo, label.name);
    return {
      id,
      node_id: `LA_${id}`,
      name: label.name,
      color: label.color,
      description: label.description,
      default: false,
      url: `${API}/repos/${repo.fullName}/labels/${encodeURIComponent(label.name)}`,
    };
  }

  #issueJson(issue: FakeIssue): Record<string, unknown> {
    const repo = this.repo(issue.repo);
    return {
      id: issue.number + repo.id * 1000,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: issue.state_reason,
      labels: issue.labels.map((name) => this.#labelJson(repo, this.#ensureRepoLabel(repo, name))),
      user: this.#userJson(issue.author),
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      closed_at: issue.closed_at,
      comments: issue.comments.length,
      issue_dependencies_summary: this.#dependenciesSummary(issue),
      locked: false,
      active_lock_reason: null,
      assignee: null,
      assignees: [],
      milestone: null,
      author_association: issue.author.login.toLowerCase() === repo.owner.login.toLowerCase() ? "OWNER" : "NONE",
      reactions: noReactions(`${API}/repos/${repo.fullName}/issues/${issue.number}/reactions`),
      repository_url: `${API}/repos/${repo.fullName}`,
      url: `${API}/repos/${repo.fullName}/issues/${issue.number}`,
      html_url: `https://github.com/${repo.fullName}/issues/${issue.number}`,
    };
  }

  /** GitHub's counts of an issue's native dependencies: `blocked_by` counts the open blockers. */
  #dependenciesSummary(issue: FakeIssue): Record<string, number> {
    const same = (ref: { readonly repo: string; readonly number: number }, other: FakeIssue): boolean =>
      toKey(ref.repo) === toKey(other.repo) && ref.number === other.number;
    const blockers = issue.blockedBy.flatMap((ref) => {
      const found = this.repos.get(toKey(ref.repo))?.issues.get(ref.number);
      return found === undefined ? [] : [found];
    });
    const blocking = [...this.repos.values()]
      .flatMap((repo) => [...repo.issues.values()])
      .filter((other) => other.blockedBy.some((ref) => same(ref, issue)));
    return {
      blocked_by: blockers.filter((blocker) => blocker.state === "open").length,
      blocking: blocking.filter((other) => other.state === "open").length,
      total_blocked_by: blockers.length,
      total_blocking: blocking.length,
    };
  }

  #refJson(ref: { readonly repo: string; readonly number: number }): Record<string, unknown>[] {
    const issue = this.repos.get(toKey(ref.repo))?.issues.get(ref.number);
    return issue === undefined ? [] : [this.#issueJson(issue)];
  }

  #eventJson(repo: FakeRepo, issue: FakeIssue, event: FakeEvent): Record<string, unknown> {
    return {
      id: event.id,
      node_id: `E_${event.id}`,
      url: `${API}/repos/${repo.fullName}/issues/events/${event.id}`,
      actor: this.#userJson(event.actor),
      event: event.event,
      commit_id: event.commitId,
      commit_url: event.commitId === null ? null : `${API}/repos/${repo.fullName}/commits/${event.commitId}`,
      created_at: event.created_at,
      ...(event.label === null ? {} : { label: event.label }),
      issue: { number: issue.number },
    };
  }

  #commitJson(repo: FakeRepo, commit: FakeCommit, parent: string | null): Record<string, unknown> {
    const person = {
      name: commit.author.login,
      email: `${commit.author.login}@users.noreply.github.com`,
      date: commit.date,
    };
    return {
      sha: commit.sha,
      node_id: `C_${commit.sha.slice(0, 12)}`,
      url: `${API}/repos/${repo.fullName}/commits/${commit.sha}`,
      html_url: `https://github.com/${repo.fullName}/commit/${commit.sha}`,
      comments_url: `${API}/repos/${repo.fullName}/commits/${commit.sha}/comments`,
      commit: {
        url: `${API}/repos/${repo.fullName}/git/commits/${commit.sha}`,
        author: person,
        committer: person,
        message: commit.message,
        tree: { sha: commit.sha, url: "" },
        comment_count: 0,
      },
      author: this.#userJson(commit.author),
      committer: this.#userJson(commit.author),
      parents: parent === null ? [] : [{ sha: parent, url: `${API}/repos/${repo.fullName}/commits/${parent}` }],
    };
  }

  #checkRunJson(repo: FakeRepo, check: FakeCheckRun): Record<string, unknown> {
    const html =
      check.runId === null
        ? null
        : `https://github.com/${repo.fullName}/actions/runs/${check.runId}/job/${check.jobId}`;
    return {
      id: check.id,
      node_id: `CR_${check.id}`,
      head_sha: check.headSha,
      external_id: "",
      url: `${API}/repos/${repo.fullName}/check-runs/${check.id}`,
      html_url: html,
      details_url: html,
      status: check.status,
      conclusion: check.conclusion,
      started_at: check.startedAt,
      completed_at: check.completedAt,
      output: { title: check.title, summary: check.summary, text: null, annotations_count: 0, annotations_url: "" },
      name: check.name,
      check_suite: { id: check.checkSuiteId },
      app: {
        id: check.app.id,
        slug: check.app.slug,
        node_id: `A_${check.app.id}`,
        name: check.app.slug === GITHUB_ACTIONS_APP.slug ? "GitHub Actions" : check.app.slug,
      },
      pull_requests: [],
    };
  }

  #workflowRunJson(repo: FakeRepo, run: FakeWorkflowRun): Record<string, unknown> {
    const commit = repo.commits.find((c) => c.sha === run.headSha);
    return {
      id: run.id,
      name: run.name,
      node_id: `WFR_${run.id}`,
      path: run.path,
      display_title: commit?.message.split("\n")[0] ?? run.name,
      run_number: run.id % 1000,
      event: run.event,
      status: run.status,
      conclusion: run.conclusion,
      workflow_id: 7_000 + run.name.length,
      check_suite_id: run.checkSuiteId,
      check_suite_node_id: `CS_${run.checkSuiteId}`,
      head_branch: run.headBranch,
      head_sha: run.headSha,
      run_attempt: run.runAttempt,
      url: `${API}/repos/${repo.fullName}/actions/runs/${run.id}`,
      html_url: `https://github.com/${repo.fullName}/actions/runs/${run.id}`,
      jobs_url: `${API}/repos/${repo.fullName}/actions/runs/${run.id}/jobs`,
      logs_url: `${API}/repos/${repo.fullName}/actions/runs/${run.id}/logs`,
      created_at: run.createdAt,
      updated_at: run.updatedAt,
      run_started_at: run.updatedAt,
      head_commit:
        commit === undefined
          ? null
          : { id: commit.sha, tree_id: commit.sha, message: commit.message, timestamp: commit.date },
      repository: this.#repoJson(repo),
      head_repository: { ...this.#repoJson(repo), full_name: run.headRepoFullName },
    };
  }

  #jobJson(repo: FakeRepo, run: FakeWorkflowRun, job: FakeJob): Record<string, unknown> {
    return {
      id: job.id,
      run_id: job.runId,
      run_attempt: job.attempt,
      node_id: `J_${job.id}`,
      head_sha: run.headSha,
      head_branch: run.headBranch,
      workflow_name: run.name,
      url: `${API}/repos/${repo.fullName}/actions/jobs/${job.id}`,
      html_url: `https://github.com/${repo.fullName}/actions/runs/${run.id}/job/${job.id}`,
      check_run_url: `${API}/repos/${repo.fullName}/check-runs/${job.checkRunId}`,
      status: job.status,
      conclusion: job.conclusion,
      name: job.name,
      steps: [],
      labels: ["ubuntu-latest"],
    };
  }

  #commentJson(repo: FakeRepo, issue: FakeIssue, comment: FakeComment): Record<string, unknown> {
    return {
      id: comment.id,
      node_id: `IC_${comment.id}`,
      body: comment.body,
      user: this.#userJson(comment.user),
      created_at: comment.created_at,
      updated_at: comment.updated_at,
      author_association: comment.viaApp ? "NONE" : "OWNER",
      performed_via_github_app: comment.viaApp ? this.#appJson() : null,
      reactions: noReactions(`${API}/repos/${repo.fullName}/issues/comments/${comment.id}/reactions`),
      issue_url: `${API}/repos/${repo.fullName}/issues/${issue.number}`,
      html_url: `https://github.com/${repo.fullName}/issues/${issue.number}#issuecomment-${comment.id}`,
      url: `${API}/repos/${repo.fullName}/issues/comments/${comment.id}`,
    };
  }
}

function noReactions(url: string): Record<string, unknown> {
  const counts = { "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
  return { url, total_count: 0, ...counts };
}

/** A label keeps its id, as on GitHub. */
function labelId(repo: FakeRepo, name: string): number {
  return Number.parseInt(createHash("sha1").update(`${repo.id}:${name.toLowerCase()}`).digest("hex").slice(0, 7), 16);
}

function findLabel(repo: FakeRepo, name: string): FakeLabel | undefined {
  return repo.labels.get(name.toLowerCase());
}
