// A strict fake of Woodpecker CI's HTTP API (contracts/woodpecker.md): a real HTTP server
// on 127.0.0.1 that serves what the real server serves, in the version it pretends to be.
//
// - Auth: every `/api` route wants `Authorization: Bearer <token>`; none or an unknown
//   one is 401. `/version` and `/healthz` are open, at the server root.
// - `GET /api/repos/lookup/{owner}/{name}`: case-insensitive, 404 for an unknown repo.
// - `GET /api/repos/{id}/pipelines`: ordered by number, highest first; `page` (< 1 or not
//   an integer → 1) and `perPage` (< 1, > 50 or not an integer → 50); `before`/`after`
//   (RFC3339, strictly against `created`, 400 when unparsable) in both versions;
//   `branch`, `event` (comma-separated, 400 for an unknown event), `ref` (contains) and
//   `status` (400 for an unknown status) only in v3 mode: v2 mode ignores them, as v2
//   servers do. There is no commit filter in either version: a `commit` query is ignored.
// - `GET /api/repos/{id}/pipelines/{number}`: 404 for an unknown number.
// - v2 mode names the times `created_at`, `started_at`, `finished_at` (as 2.x did) and
//   knows no `canceled` status and no `cancel_info`; v3 mode names them `created`, ….
//
// Tests script the pipelines (`addPipeline`, `setStatus`) and failures (`failNext`).

import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ScriptedFailures } from "./scripted-failures.js";

export const FAKE_WOODPECKER_TOKEN = "fake-woodpecker-token";
export const FAKE_WOODPECKER_MAX_PAGE_SIZE = 50;

export type FakeWoodpeckerMode = "v2" | "v3";
export type FakeWoodpeckerRoute = "lookup" | "pipelines" | "pipeline" | "version" | "healthz";
/** A status answered with its reason phrase, a status with a body of the test's, or no answer at all. */
export type FakeWoodpeckerFailure = number | { readonly status: number; readonly body: unknown } | "timeout";

export const FAKE_PIPELINE_STATUSES = [
  "created",
  "pending",
  "running",
  "blocked",
  "success",
  "failure",
  "killed",
  "error",
  "declined",
  "skipped",
  "canceled",
] as const;
export type FakePipelineStatus = (typeof FAKE_PIPELINE_STATUSES)[number];
const EVENTS = [
  "push",
  "pull_request",
  "pull_request_closed",
  "tag",
  "release",
  "deployment",
  "cron",
  "manual",
] as const;
const FINISHED: ReadonlySet<FakePipelineStatus> = new Set([
  "success",
  "failure",
  "killed",
  "error",
  "declined",
  "skipped",
  "canceled",
]);

export interface FakeWoodpeckerRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | null;
  /** Null while held ("timeout"). */
  status: number | null;
}

export interface FakePipeline {
  readonly id: number;
  readonly number: number;
  parent: number;
  event: string;
  status: FakePipelineStatus;
  commit: string;
  branch: string;
  ref: string;
  message: string;
  /** Unix seconds; 0 until set. */
  created: number;
  updated: number;
  started: number;
  finished: number;
  supersededBy: number | null;
}

export type FakePipelineInput = Partial<Omit<FakePipeline, "id">> & Pick<FakePipeline, "commit">;

export interface FakeWoodpeckerOptions {
  readonly mode?: FakeWoodpeckerMode;
  /** What `/version` answers; defaults to a release of the mode's major version. */
  readonly version?: string;
  readonly now?: () => number;
}

export interface FakeWoodpecker {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly mode: FakeWoodpeckerMode;
  readonly requests: readonly FakeWoodpeckerRequest[];
  /** A repo by `owner/name`; returns its id (ids start at 101, unlike pipeline numbers). */
  addRepo(fullName: string): number;
  /** A pipeline numbered after the repo's highest unless given; `created` defaults to now. */
  addPipeline(repoId: number, input: FakePipelineInput): FakePipeline;
  /** Moves a pipeline on, stamping `started`/`finished` as Woodpecker does. */
  setStatus(
    repoId: number,
    number: number,
    status: FakePipelineStatus,
    options?: { readonly supersededBy?: number },
  ): FakePipeline;
  pipeline(repoId: number, number: number): FakePipeline | undefined;
  /** Fail the next `times` requests to a route (after routing, before auth). */
  failNext(route: FakeWoodpeckerRoute, failure: FakeWoodpeckerFailure, times?: number): void;
  /** Rotation: afterwards only `token` is accepted. */
  setToken(token: string): void;
  close(): Promise<void>;
}

export async function startFakeWoodpecker(options: FakeWoodpeckerOptions = {}): Promise<FakeWoodpecker> {
  const state = new FakeState(options);
  const server = createServer((req, res) => {
    try {
      state.handle(req, res);
    } catch (error) {
      // A bug in the fake must show up as a failing test, not a hang.
      if (!res.headersSent) res.writeHead(599, { "content-type": "text/plain" });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    mode: state.mode,
    get requests() {
      return state.requests;
    },
    addRepo: (fullName) => state.addRepo(fullName),
    addPipeline: (repoId, input) => state.addPipeline(repoId, input),
    setStatus: (repoId, number, status, more = {}) => state.setStatus(repoId, number, status, more.supersededBy),
    pipeline: (repoId, number) => state.repo(repoId).pipelines.get(number),
    failNext: (route, failure, times = 1) => state.failNext(route, failure, times),
    setToken: (token) => {
      state.token = token;
    },
    close: async () => {
      state.releaseHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      );
    },
  };
}

interface FakeRepo {
  readonly id: number;
  readonly fullName: string;
  readonly pipelines: Map<number, FakePipeline>;
}

interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly entry: FakeWoodpeckerRequest;
  readonly query: URLSearchParams;
}

type Routed =
  | { readonly route: "version" | "healthz" }
  | { readonly route: "lookup"; readonly fullName: string }
  | { readonly route: "pipelines"; readonly repoId: string }
  | { readonly route: "pipeline"; readonly repoId: string; readonly number: string };

class FakeState {
  readonly requests: FakeWoodpeckerRequest[] = [];
  readonly mode: FakeWoodpeckerMode;
  token = FAKE_WOODPECKER_TOKEN;
  private readonly repos = new Map<number, FakeRepo>();
  private readonly failures = new ScriptedFailures<FakeWoodpeckerRoute, FakeWoodpeckerFailure>();
  private readonly held = new Set<ServerResponse>();
  private readonly version: string;
  private readonly now: () => number;
  private nextRepoId = 101;
  private nextPipelineId = 1;

  constructor(options: FakeWoodpeckerOptions) {
    this.mode = options.mode ?? "v3";
    this.version = options.version ?? (this.mode === "v2" ? "2.8.3" : "3.14.0");
    this.now = options.now ?? Date.now;
  }

  // --- HTTP -----------------------------------------------------------------

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://fake.invalid");
    const entry: FakeWoodpeckerRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      authorization: req.headers.authorization ?? null,
      status: null,
    };
    this.requests.push(entry);
    const exchange: Exchange = { req, res, entry, query: url.searchParams };
    const routed = entry.method === "GET" ? toRoute(url.pathname) : null;
    // gin answers an unknown route, or a known one with another method, with a bare 404.
    if (routed === null) return this.send(exchange, 404, "404 page not found");
    if (this.fail(exchange, routed.route)) return;
    if (routed.route === "version")
      return this.send(exchange, 200, { source: "https://github.com/woodpecker-ci/woodpecker", version: this.version });
    if (routed.route === "healthz") return this.send(exchange, 204, "");
    if (!this.authorized(exchange)) return this.send(exchange, 401, "Unauthorized");
    switch (routed.route) {
      case "lookup":
        return this.lookup(exchange, routed.fullName);
      case "pipelines":
        return this.withRepo(exchange, routed.repoId, (repo) => this.list(exchange, repo));
      case "pipeline":
        return this.withRepo(exchange, routed.repoId, (repo) => this.one(exchange, repo, routed.number));
    }
  }

  private authorized(exchange: Exchange): boolean {
    const match = /^Bearer (\S+)$/.exec(exchange.entry.authorization ?? "");
    return match?.[1] === this.token;
  }

  private lookup(exchange: Exchange, fullName: string): void {
    const repo = [...this.repos.values()].find(
      (candidate) => candidate.fullName.toLowerCase() === fullName.toLowerCase(),
    );
    if (repo === undefined) return this.send(exchange, 404, "");
    const [owner, name] = repo.fullName.split("/");
    this.send(exchange, 200, {
      id: repo.id,
      forge_remote_id: String(repo.id * 7),
      owner,
      name,
      full_name: repo.fullName,
      active: true,
      private: true,
    });
  }

  private withRepo(exchange: Exchange, repoId: string, then: (repo: FakeRepo) => void): void {
    const id = toInt(repoId);
    if (id === null) return this.send(exchange, 400, "");
    const repo = this.repos.get(id);
    if (repo === undefined) return this.send(exchange, 404, "");
    then(repo);
  }

  private list(exchange: Exchange, repo: FakeRepo): void {
    const filter = this.toFilter(exchange.query);
    if (typeof filter === "string") return this.send(exchange, 400, filter);
    const page = Math.max(toInt(exchange.query.get("page")) ?? 1, 1);
    const perPageAsked = toInt(exchange.query.get("perPage")) ?? 0;
    const perPage =
      perPageAsked < 1 || perPageAsked > FAKE_WOODPECKER_MAX_PAGE_SIZE ? FAKE_WOODPECKER_MAX_PAGE_SIZE : perPageAsked;
    const matching = [...repo.pipelines.values()].filter(filter).sort((a, b) => b.number - a.number);
    this.send(
      exchange,
      200,
      matching.slice((page - 1) * perPage, page * perPage).map((pipeline) => this.toWire(pipeline)),
    );
  }

  private one(exchange: Exchange, repo: FakeRepo, number: string): void {
    const wanted = toInt(number);
    if (wanted === null) return this.send(exchange, 400, "");
    const pipeline = repo.pipelines.get(wanted);
    if (pipeline === undefined) return this.send(exchange, 404, "");
    this.send(exchange, 200, { ...this.toWire(pipeline), workflows: [] });
  }

  /** The server's filter, or the text of its 400. */
  private toFilter(query: URLSearchParams): ((pipeline: FakePipeline) => boolean) | string {
    const before = toTimeFilter(query, "before");
    const after = toTimeFilter(query, "after");
    if (typeof before === "string") return before;
    if (typeof after === "string") return after;
    const tests: ((pipeline: FakePipeline) => boolean)[] = [];
    if (before !== null) tests.push((pipeline) => pipeline.created < before);
    if (after !== null) tests.push((pipeline) => pipeline.created > after);
    if (this.mode === "v3") {
      const more = toV3Filters(query);
      if (typeof more === "string") return more;
      tests.push(...more);
    }
    return (pipeline) => tests.every((test) => test(pipeline));
  }

  private toWire(pipeline: FakePipeline): Record<string, unknown> {
    const times =
      this.mode === "v2"
        ? {
            created_at: pipeline.created,
            updated_at: pipeline.updated,
            started_at: pipeline.started,
            finished_at: pipeline.finished,
            reviewed_at: 0,
          }
        : {
            created: pipeline.created,
            updated: pipeline.updated,
            started: pipeline.started,
            finished: pipeline.finished,
            reviewed: 0,
          };
    const cancelInfo =
      this.mode === "v3" && pipeline.supersededBy !== null
        ? { cancel_info: { superseded_by: pipeline.supersededBy } }
        : {};
    return {
      id: pipeline.id,
      number: pipeline.number,
      author: "octocat",
      parent: pipeline.parent,
      event: pipeline.event,
      status: pipeline.status,
      errors: null,
      ...times,
      deploy_to: "",
      commit: pipeline.commit,
      branch: pipeline.branch,
      ref: pipeline.ref,
      refspec: "",
      title: "",
      message: pipeline.message,
      timestamp: pipeline.created,
      sender: "octocat",
      author_avatar: "",
      author_email: "octocat@example.com",
      forge_url: `https://github.example/commit/${pipeline.commit}`,
      reviewed_by: "",
      ...cancelInfo,
    };
  }

  /** True when a scripted failure answered (or swallowed) the request. */
  private fail(exchange: Exchange, route: FakeWoodpeckerRoute): boolean {
    const failure = this.failures.take(route);
    if (failure === undefined) return false;
    if (failure === "timeout") {
      this.held.add(exchange.res);
    } else if (typeof failure === "number") {
      this.send(exchange, failure, STATUS_CODES[failure] ?? "");
    } else {
      this.send(exchange, failure.status, failure.body);
    }
    return true;
  }

  failNext(route: FakeWoodpeckerRoute, failure: FakeWoodpeckerFailure, times: number): void {
    this.failures.add(route, failure, times);
  }

  releaseHeld(): void {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }

  private send(exchange: Exchange, status: number, body: unknown): void {
    exchange.entry.status = status;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    const type = typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8";
    exchange.res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text) });
    exchange.res.end(text);
  }

  // --- Scripting ----------------------------------------------------------------

  addRepo(fullName: string): number {
    const id = this.nextRepoId;
    this.nextRepoId += 1;
    this.repos.set(id, { id, fullName, pipelines: new Map() });
    return id;
  }

  repo(repoId: number): FakeRepo {
    const repo = this.repos.get(repoId);
    if (repo === undefined) throw new Error(`fake Woodpecker: no repo ${repoId}`);
    return repo;
  }

  addPipeline(repoId: number, input: FakePipelineInput): FakePipeline {
    const repo = this.repo(repoId);
    const number = input.number ?? Math.max(0, ...repo.pipelines.keys()) + 1;
    if (repo.pipelines.has(number)) throw new Error(`fake Woodpecker: pipeline ${number} exists in repo ${repoId}`);
    const created = input.created ?? this.seconds();
    const branch = input.branch ?? "main";
    const pipeline: FakePipeline = {
      parent: 0,
      event: "push",
      status: "pending",
      ref: `refs/heads/${branch}`,
      message: `commit ${input.commit.slice(0, 7)}`,
      updated: created,
      started: 0,
      finished: 0,
      supersededBy: null,
      ...input,
      id: this.nextPipelineId,
      number,
      branch,
      created,
    };
    this.checkStatus(pipeline.status);
    this.nextPipelineId += 1;
    repo.pipelines.set(number, pipeline);
    return pipeline;
  }

  setStatus(
    repoId: number,
    number: number,
    status: FakePipelineStatus,
    supersededBy: number | undefined,
  ): FakePipeline {
    const pipeline = this.repo(repoId).pipelines.get(number);
    if (pipeline === undefined) throw new Error(`fake Woodpecker: no pipeline ${number} in repo ${repoId}`);
    this.checkStatus(status);
    const at = this.seconds();
    pipeline.status = status;
    pipeline.updated = at;
    if (status === "running" && pipeline.started === 0) pipeline.started = at;
    if (FINISHED.has(status) && pipeline.finished === 0) pipeline.finished = at;
    if (supersededBy !== undefined) pipeline.supersededBy = supersededBy;
    return pipeline;
  }

  /** `canceled` arrived in v3.14: a v2 server never reports it. */
  private checkStatus(status: FakePipelineStatus): void {
    if (this.mode === "v2" && status === "canceled") throw new Error("fake Woodpecker: v2 has no `canceled` status");
  }

  private seconds(): number {
    return Math.floor(this.now() / 1_000);
  }
}

const LOOKUP_PREFIX = "/api/repos/lookup/";

function toRoute(path: string): Routed | null {
  if (path === "/version") return { route: "version" };
  if (path === "/healthz") return { route: "healthz" };
  if (path.startsWith(LOOKUP_PREFIX)) {
    const fullName = decodeURIComponent(path.slice(LOOKUP_PREFIX.length));
    return fullName === "" ? null : { route: "lookup", fullName };
  }
  const list = /^\/api\/repos\/([^/]+)\/pipelines$/.exec(path);
  if (list?.[1] !== undefined) return { route: "pipelines", repoId: list[1] };
  const one = /^\/api\/repos\/([^/]+)\/pipelines\/([^/]+)$/.exec(path);
  if (one?.[1] !== undefined && one[2] !== undefined) return { route: "pipeline", repoId: one[1], number: one[2] };
  return null;
}

/** `branch`, `event`, `ref` and `status`, added to the list route in v3.0. */
function toV3Filters(query: URLSearchParams): ((pipeline: FakePipeline) => boolean)[] | string {
  const tests: ((pipeline: FakePipeline) => boolean)[] = [];
  const branch = query.get("branch") ?? "";
  if (branch !== "") tests.push((pipeline) => pipeline.branch === branch);
  const ref = query.get("ref") ?? "";
  if (ref !== "") tests.push((pipeline) => pipeline.ref.includes(ref));
  const events = (query.get("event") ?? "").split(",").filter((event) => event !== "");
  const unknownEvent = events.find((event) => !(EVENTS as readonly string[]).includes(event));
  if (unknownEvent !== undefined) return `invalid webhook event: ${unknownEvent}`;
  if (events.length > 0) tests.push((pipeline) => events.includes(pipeline.event));
  const status = query.get("status") ?? "";
  if (status !== "" && !(FAKE_PIPELINE_STATUSES as readonly string[]).includes(status))
    return `invalid status value: ${status}`;
  if (status !== "") tests.push((pipeline) => pipeline.status === status);
  return tests;
}

/** Unix seconds from an RFC3339 `before`/`after`; null when absent; the 400's text when unparsable. */
function toTimeFilter(query: URLSearchParams, key: "before" | "after"): number | null | string {
  const value = query.get(key) ?? "";
  if (value === "") return null;
  return parseRfc3339(value) ?? `parsing time ${JSON.stringify(value)} as RFC3339 failed`;
}

/** Go's `strconv.ParseInt`: an optional sign and digits, nothing else. */
function toInt(text: string | null): number | null {
  if (text === null || !/^[+-]?\d+$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

/** Go's `time.Parse(time.RFC3339, …)` to unix seconds; null when it would fail. */
function parseRfc3339(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1_000);
}
