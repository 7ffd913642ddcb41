// A stateful in-memory GitHub behind nock, so that afk's real Octokit calls (through
// Probot) land on it. It answers exactly the REST routes afk uses (see
// src/adapters/github/github-client.ts and github-app.ts), with the quirks afk relies
// on: `role_name` beside the coarse `permission` (maintain→write, triage→read), 404
// for a non-collaborator, a raw media type for file contents, 404 when removing a
// label the issue does not carry, `performed_via_github_app` on comments written with
// an installation token, Link-header pagination. Any other route answers 404 and is
// recorded as unexpected. Every request is recorded; failures can be scripted.
//
// CI, as afk follows it (src/adapters/github/github-ci-client.ts): the commits of the
// default branch, GitHub Actions workflow runs with their jobs and check runs (a re-run
// keeps the run id, raises `run_attempt` and makes new check runs; `filter=latest`
// hides the older ones), commit statuses, and job logs served as GitHub does: a 302 to
// a blob host that this fake also serves, every line prefixed with a timestamp. The
// check-run and combined-status reads carry an ETag and answer `If-None-Match` with a
// 304 while nothing changed. Helpers script CI the way GitHub runs it and build the
// matching webhook payloads.
//
// Repo names are matched case-insensitively, as GitHub does (afk lower-cases them).

import { createHash } from "node:crypto";
import nock from "nock";
import { aCheckRunEvent, aPushEvent, aStatusEvent, aWorkflowRunEvent } from "../support/webhook-fixtures.js";

export const FAKE_APP_ID = 4711;
export const FAKE_APP_SLUG = "afk-test";
export const FAKE_APP_BOT = { login: `${FAKE_APP_SLUG}[bot]`, id: 990_001, type: "Bot" } as const;

const API = "https://api.github.com";
/** Where GitHub redirects a job's log download (a short-lived signed blob URL). */
export const FAKE_LOG_HOST = "https://pipelines.actions.githubusercontent.com";
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

export interface RecordedRequest {
  readonly method: string;
  /** As sent: percent-encoded, with the query string. */
  readonly path: string;
  readonly body: unknown;
  /** The status answered (304 for a conditional read that found nothing changed). */
  status: number | null;
}

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

interface Failure {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  remaining: number;
}

interface Request {
  readonly method: string;
  readonly url: URL;
  readonly segments: readonly string[];
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

type Reply = readonly [number, unknown, Record<string, string>?];

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

function toEtag(body: unknown): string {
  return `W/"${createHash("sha1").update(JSON.stringify(body)).digest("hex")}"`;
}

/** The same login always gets the same id, as on GitHub. */
export function toUser(login: string, type: FakeUser["type"] = "User"): FakeUser {
  let hash = 0;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 50_000_000;
  return { login, id: hash + 1, type };
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

export class GitHubFake {
  readonly repos = new Map<string, FakeRepo>();
  readonly requests: RecordedRequest[] = [];
  /** The app's webhook deliveries, oldest first (`GET /app/hook/deliveries` lists newest first). */
  readonly deliveries: {
    id: number;
    guid: string;
    delivered_at: string;
    redelivery: boolean;
    duration: number;
    status: string;
    status_code: number;
    event: string;
    action: string | null;
    installation_id: number | null;
    repository_id: number | null;
  }[] = [];
  /** Delivery ids afk asked GitHub to redeliver. */
  readonly redelivered: number[] = [];
  /** Requests to routes this fake does not serve (each also answered 404). */
  readonly unexpected: RecordedRequest[] = [];
  readonly #failures: Failure[] = [];
  readonly #tokens = new Map<string, number>();
  #scope: nock.Scope | null = null;
  #logScope: nock.Scope | null = null;
  #clock: () => number;
  /** Paths (with query) fetched from the log blob host. */
  readonly logDownloads: string[] = [];

  constructor(clock: () => number = Date.now) {
    this.#clock = clock;
  }

  // --- state, the way a human (or GitHub) changes it -------------------------

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
    const issue: FakeIssue = {
      repo: repo.fullName,
      number,
      title: input.title ?? `Issue ${number}`,
      body: input.body === undefined ? `The body of issue ${number}.` : input.body,
      state: "open",
      state_reason: null,
      labels: [],
      created_at: input.createdAt ?? new Date(this.#clock() - 3_600_000 + number * 1000).toISOString(),
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

  /** Applies a label as `actor` does in the UI: the label, and a `labeled` event naming them. */
  label(fullName: string, number: number, name: string, actor: string | FakeUser): void {
    const issue = this.issue(fullName, number);
    const label = this.#ensureRepoLabel(this.repo(fullName), name);
    if (issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) return;
    issue.labels.push(label.name);
    issue.events.push(this.#event("labeled", typeof actor === "object" ? actor : toUser(actor), label));
  }

  unlabel(fullName: string, number: number, name: string, actor: string | FakeUser): void {
    const issue = this.issue(fullName, number);
    const before = issue.labels.length;
    issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name.toLowerCase());
    if (issue.labels.length !== before)
      issue.events.push(
        this.#event(
          "unlabeled",
          typeof actor === "object" ? actor : toUser(actor),
          this.#ensureRepoLabel(this.repo(fullName), name),
        ),
      );
  }

  close(
    fullName: string,
    number: number,
    actor: string | FakeUser = "Codertocat",
    reason: "completed" | "not_planned" = "completed",
  ): void {
    const issue = this.issue(fullName, number);
    issue.state = "closed";
    issue.state_reason = reason;
    issue.events.push(this.#event("closed", typeof actor === "object" ? actor : toUser(actor), null));
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

  /** The next `times` requests whose method and path (with query) match answer `status`. */
  failNext(method: string, path: RegExp, status: number, times = 1): void {
    this.#failures.push({ method: method.toUpperCase(), path, status, remaining: times });
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

  /** A commit lands on the default branch; returns it and the `push` payload GitHub sends. */
  pushCommit(fullName: string, input: PushInput): { commit: FakeCommit; payload: ReturnType<typeof aPushEvent> } {
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
    });
    Object.assign(payload, { before });
    Object.assign(payload.repository, { default_branch: repo.defaultBranch, master_branch: repo.defaultBranch });
    return { commit, payload };
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

  // --- nock -------------------------------------------------------------------

  /** Serves api.github.com from this fake until `uninstall` (or `nock.cleanAll()`). */
  install(): void {
    const handle = (method: string, uri: string, body: unknown, headers: Record<string, string>): Reply =>
      this.#handle(method, uri, body, headers);
    const scope = nock(API).persist();
    for (const method of ["GET", "POST", "PATCH", "PUT", "DELETE"]) {
      // A function (not an arrow) reply: nock hands the request in as `this`.
      scope.intercept(/.*/, method).reply(function (uri, body) {
        const reply = handle(method, uri, body, this.req.headers);
        return [reply[0], reply[1] as nock.Body, reply[2] ?? {}];
      });
    }
    this.#scope = scope;
    const logs = nock(FAKE_LOG_HOST).persist();
    logs.get(/.*/).reply((uri) => this.#blob(uri));
    this.#logScope = logs;
  }

  uninstall(): void {
    this.#scope?.persist(false);
    this.#logScope?.persist(false);
    this.#scope = null;
    this.#logScope = null;
    nock.cleanAll();
  }

  /** The blob host behind a job log's redirect: the log as text, for a path this fake handed out. */
  #blob(uri: string): [number, string, Record<string, string>] {
    const url = new URL(uri, FAKE_LOG_HOST);
    this.logDownloads.push(`${url.pathname}${url.search}`);
    const jobId = Number(/\/signedlogcontent\/(\d+)$/.exec(url.pathname)?.[1]);
    const job = [...this.repos.values()].flatMap((repo) => repo.jobs).find((j) => j.id === jobId);
    if (job === undefined || url.searchParams.get("urlSignature") === null)
      return [404, "BlobNotFound", { "content-type": "text/plain" }];
    return [200, job.log, { "content-type": "text/plain; charset=utf-8" }];
  }

  #handle(method: string, uri: string, rawBody: unknown, headers: Record<string, string>): Reply {
    const url = new URL(uri, API);
    const body =
      typeof rawBody === "string" && rawBody !== "" ? safeJson(rawBody) : rawBody === "" ? undefined : rawBody;
    const recorded: RecordedRequest = { method, path: `${url.pathname}${url.search}`, body, status: null };
    this.requests.push(recorded);
    const reply = this.#answer(recorded, { method, url, body, headers: lowerKeys(headers) });
    recorded.status = reply[0];
    return reply;
  }

  #answer(recorded: RecordedRequest, request: Omit<Request, "segments">): Reply {
    const failure = this.#failures.find(
      (f) => f.remaining > 0 && f.method === request.method && f.path.test(recorded.path),
    );
    if (failure !== undefined) {
      failure.remaining -= 1;
      return [
        failure.status,
        { message: `scripted failure ${failure.status}`, documentation_url: "https://docs.github.com/rest" },
      ];
    }
    const segments = request.url.pathname
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
    const reply = this.#route({ ...request, segments });
    if (reply !== null) return reply;
    this.unexpected.push(recorded);
    return notFound();
  }

  #route(request: Request): Reply | null {
    const { method, segments: s } = request;
    if (method === "POST" && s.length === 4 && s[0] === "app" && s[1] === "installations" && s[3] === "access_tokens")
      return this.#accessToken(Number(s[2]));
    if (s[0] === "app" && s[1] === "hook" && s[2] === "deliveries") return this.#hookDeliveries(request, s.slice(3));
    if (s[0] !== "repos" || s.length < 3) return null;
    const repo = this.repos.get(toKey(`${s[1]}/${s[2]}`));
    const rest = s.slice(3);
    if (repo === undefined) return notFound();
    if (method === "GET" && rest.length === 0) return [200, this.#repoJson(repo)];
    if (method === "GET" && rest.length === 1 && rest[0] === "installation") return this.#installation(repo);
    if (method === "GET" && rest[0] === "contents") return this.#contents(repo, rest.slice(1).join("/"), request);
    if (method === "GET" && rest.length === 3 && rest[0] === "collaborators" && rest[2] === "permission")
      return this.#permission(repo, rest[1] ?? "");
    if (rest[0] === "labels") return this.#repoLabels(repo, request, rest.slice(1));
    if (rest[0] === "issues") return this.#issues(repo, request, rest.slice(1));
    if (method === "GET" && rest[0] === "commits") return this.#commits(repo, request, rest.slice(1));
    if (method === "GET" && rest[0] === "actions") return this.#actions(repo, request, rest.slice(1));
    return null;
  }

  #commits(repo: FakeRepo, request: Request, rest: readonly string[]): Reply | null {
    if (rest.length === 0) return this.#listCommits(repo, request);
    if (rest.length !== 2) return null;
    const sha = rest[0] ?? "";
    if (rest[1] === "check-runs") return this.#conditional(request, this.#checkRunsBody(repo, sha, request));
    if (rest[1] === "status") return this.#conditional(request, this.#combinedStatusBody(repo, sha));
    return null;
  }

  /** Newest first; `sha` names the branch (or a commit to list back from), `since` the oldest committer date. */
  #listCommits(repo: FakeRepo, request: Request): Reply {
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
  #checkRunsBody(repo: FakeRepo, sha: string, request: Request): Record<string, unknown> {
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

  /** A body with its ETag, or a bare 304 when the client already holds that ETag. */
  #conditional(request: Request, body: Record<string, unknown>): Reply {
    const etag = toEtag(body);
    if (request.headers["if-none-match"] === etag) return [304, "", { etag }];
    return [200, body, { etag }];
  }

  #actions(repo: FakeRepo, request: Request, rest: readonly string[]): Reply | null {
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
      const signed = `${FAKE_LOG_HOST}/serviceHosts/fake/_apis/pipelines/1/runs/${job.runId}/signedlogcontent/${job.id}?urlExpires=${encodeURIComponent(this.#iso())}&urlSigningMethod=HMACV1&urlSignature=fake`;
      return [302, "", { location: signed }];
    }
    return null;
  }

  /** A page of a list GitHub wraps as `{ total_count, <key>: [...] }`. */
  #wrappedPage(request: Request, key: string, items: readonly unknown[]): Reply {
    const [status, slice, headers] = this.#page(request, items);
    return [status, { total_count: items.length, [key]: slice }, headers ?? {}];
  }

  /** The app's webhook deliveries (JWT): listed newest first; a redelivery is recorded. */
  #hookDeliveries(request: Request, rest: readonly string[]): Reply | null {
    if (request.method === "GET" && rest.length === 0) return [200, [...this.deliveries].reverse()];
    if (request.method === "POST" && rest.length === 2 && rest[1] === "attempts") {
      const id = Number(rest[0]);
      if (!this.deliveries.some((delivery) => delivery.id === id)) return notFound();
      this.redelivered.push(id);
      return [202, {}];
    }
    return null;
  }

  #accessToken(installationId: number): Reply {
    const installed = [...this.repos.values()].some((repo) => repo.installationId === installationId);
    if (!installed) return notFound();
    const token = `ghs_fake${installationId}x${newId()}`;
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
    return [
      200,
      {
        id: repo.installationId,
        app_id: FAKE_APP_ID,
        app_slug: FAKE_APP_SLUG,
        account: this.#userJson(repo.owner),
        target_type: repo.owner.type,
        permissions: {},
        events: [],
      },
    ];
  }

  #contents(repo: FakeRepo, path: string, request: Request): Reply {
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

  #repoLabels(repo: FakeRepo, request: Request, rest: readonly string[]): Reply | null {
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

  #issues(repo: FakeRepo, request: Request, rest: readonly string[]): Reply | null {
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
      return this.#removeLabel(repo, issue, sub[1] ?? "", request);
    return null;
  }

  #listIssues(repo: FakeRepo, request: Request): Reply {
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

  #patchIssue(issue: FakeIssue, body: unknown): Reply {
    const { state, state_reason } = (body ?? {}) as {
      state?: "open" | "closed";
      state_reason?: FakeIssue["state_reason"];
    };
    if (state === "closed" && issue.state !== "closed")
      this.close(issue.repo, issue.number, FAKE_APP_BOT, state_reason === "not_planned" ? "not_planned" : "completed");
    else if (state === "open") {
      issue.state = "open";
      issue.state_reason = "reopened";
    }
    return [200, this.#issueJson(issue)];
  }

  #createComment(repo: FakeRepo, issue: FakeIssue, request: Request): Reply {
    const { body } = (request.body ?? {}) as { body?: string };
    if (typeof body !== "string") return [422, { message: "Validation Failed" }];
    const viaApp = this.#isInstallation(request);
    const comment = this.addComment(issue.repo, issue.number, body, viaApp ? FAKE_APP_BOT : toUser("someone"), viaApp);
    return [201, this.#commentJson(repo, issue, comment)];
  }

  #updateComment(repo: FakeRepo, id: number, body: unknown): Reply {
    for (const issue of repo.issues.values()) {
      const comment = issue.comments.find((c) => c.id === id);
      if (comment === undefined) continue;
      comment.body = (body as { body?: string } | undefined)?.body ?? comment.body;
      comment.updated_at = new Date(this.#clock()).toISOString();
      return [200, this.#commentJson(repo, issue, comment)];
    }
    return notFound();
  }

  #addLabels(repo: FakeRepo, issue: FakeIssue, request: Request): Reply {
    const { labels } = (request.body ?? {}) as { labels?: string[] };
    const actor = this.#isInstallation(request) ? FAKE_APP_BOT : toUser("someone");
    for (const name of labels ?? []) this.label(issue.repo, issue.number, name, actor);
    return [200, issue.labels.map((name) => this.#labelJson(repo, this.#ensureRepoLabel(repo, name)))];
  }

  #removeLabel(repo: FakeRepo, issue: FakeIssue, name: string, request: Request): Reply {
    if (!issue.labels.some((l) => l.toLowerCase() === name.toLowerCase()))
      return [404, { message: "Label does not exist", documentation_url: "https://docs.github.com/rest" }];
    this.unlabel(issue.repo, issue.number, name, this.#isInstallation(request) ? FAKE_APP_BOT : toUser("someone"));
    return [200, issue.labels.map((label) => this.#labelJson(repo, this.#ensureRepoLabel(repo, label)))];
  }

  /** A page of `items` as GitHub serves it, with a Link header to the next and last pages. */
  #page(request: Request, items: readonly unknown[]): Reply {
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

  #isInstallation(request: Request): boolean {
    const match = /^(?:token|bearer) (\S+)$/i.exec(request.headers.authorization ?? "");
    return match?.[1] !== undefined && this.#tokens.has(match[1]);
  }

  #ensureRepoLabel(repo: FakeRepo, name: string): FakeLabel {
    const found = findLabel(repo, name);
    if (found !== undefined) return found;
    // GitHub creates a label applied to an issue when the repo lacks it, grey and bare.
    const label: FakeLabel = { name, color: "ededed", description: null };
    repo.labels.set(name.toLowerCase(), label);
    return label;
  }

  #event(event: FakeEvent["event"], actor: FakeUser, label: FakeLabel | null): FakeEvent {
    return {
      id: newId(),
      event,
      actor,
      label: label === null ? null : { name: label.name, color: label.color },
      created_at: new Date(this.#clock()).toISOString(),
    };
  }

  // --- JSON shapes --------------------------------------------------------------

  #userJson(user: FakeUser): Record<string, unknown> {
    return {
      login: user.login,
      id: user.id,
      node_id: `U_${user.id}`,
      type: user.type,
      site_admin: false,
      url: `${API}/users/${user.login}`,
      html_url: `https://github.com/${user.login}`,
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
    return {
      id: newId(),
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
      updated_at: issue.created_at,
      closed_at: issue.state === "closed" ? new Date(this.#clock()).toISOString() : null,
      comments: issue.comments.length,
      repository_url: `${API}/repos/${repo.fullName}`,
      url: `${API}/repos/${repo.fullName}/issues/${issue.number}`,
      html_url: `https://github.com/${repo.fullName}/issues/${issue.number}`,
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
      commit_id: null,
      commit_url: null,
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
      performed_via_github_app: comment.viaApp
        ? { id: FAKE_APP_ID, slug: FAKE_APP_SLUG, name: "afk (test)", owner: this.#userJson(repo.owner) }
        : null,
      issue_url: `${API}/repos/${repo.fullName}/issues/${issue.number}`,
      html_url: `https://github.com/${repo.fullName}/issues/${issue.number}#issuecomment-${comment.id}`,
      url: `${API}/repos/${repo.fullName}/issues/comments/${comment.id}`,
    };
  }
}

function findLabel(repo: FakeRepo, name: string): FakeLabel | undefined {
  return repo.labels.get(name.toLowerCase());
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([key, value]) => [
      key.toLowerCase(),
      Array.isArray(value) ? value.join(", ") : String(value),
    ]),
  );
}
