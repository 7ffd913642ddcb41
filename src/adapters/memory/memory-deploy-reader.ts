// The deploy twin, standing for Woodpecker CI (contracts/woodpecker.md): repos with
// numeric ids (looked up case-insensitively), pipelines numbered per repo, listed newest
// first in pages of 50 up to `maxPages`, filtered by `after` (strictly later `created`).
// A v2 server ignores the branch and event filters, so the caller must match branch,
// event and commit itself; a v3 server applies them. A restart is a new pipeline with
// `parent` set; a pipeline cancelled by a newer commit carries `supersededBy`.

import type { PipelineFact } from "../../core/observe/observe-types.js";
import type { DeployReader, FindPipelinesQuery } from "../../ports/deploy-reader.js";
import { failure, ok, type Result } from "../../ports/result.js";
import { Knobs, TWIN_EPOCH_MS } from "./knobs.js";

export interface MemoryDeployReaderOptions {
  /** The server's version: below 3.0 the branch and event filters are ignored. Default `2.8.3`. */
  readonly version?: string;
  /** Unix seconds stamped on a pipeline made without `created`. */
  readonly nowSeconds?: () => number;
}

export interface PipelineInput {
  readonly commit: string;
  readonly branch?: string;
  readonly event?: string;
  readonly status?: string;
  /** Unix seconds. */
  readonly created?: number;
  readonly parent?: number;
}

const PAGE_SIZE = 50;
const DEFAULT_MAX_PAGES = 4;
const FULL_NAME = /^[^/\s]+\/[^/\s]+$/;

interface Repo {
  readonly id: number;
  /** Newest last. */
  readonly pipelines: PipelineFact[];
}

export class MemoryDeployReader implements DeployReader {
  readonly knobs = new Knobs<DeployReader>("woodpecker", []);
  readonly #repos = new Map<string, Repo>();
  readonly #nowSeconds: () => number;
  #version: string;
  #nextRepoId = 1;

  constructor(options: MemoryDeployReaderOptions = {}) {
    this.#version = options.version ?? "2.8.3";
    this.#nowSeconds = options.nowSeconds ?? (() => Math.floor(TWIN_EPOCH_MS / 1000));
  }

  // --- The port. ---

  lookupRepoId(fullName: string): Promise<Result<number>> {
    return this.knobs.run("lookupRepoId", [fullName], () => {
      if (!FULL_NAME.test(fullName)) return rejected(`repo lookup: ${JSON.stringify(fullName)} is not owner/name`);
      const repo = this.#repos.get(fullName.toLowerCase());
      return repo === undefined ? notFound(`GET /api/repos/lookup/${fullName}`) : ok(repo.id);
    });
  }

  findPipelines(repoId: number, query: FindPipelinesQuery): Promise<Result<readonly PipelineFact[]>> {
    return this.knobs.run("findPipelines", [repoId, query], () => {
      const maxPages = query.maxPages ?? DEFAULT_MAX_PAGES;
      if (!isId(repoId) || query.branch.trim() === "" || !Number.isSafeInteger(query.after) || query.after < 0)
        return rejected(`pipelines of repo ${repoId}: invalid query`);
      if (!Number.isSafeInteger(maxPages) || maxPages < 1) return rejected("`maxPages` is a positive integer");
      const repo = this.#byId(repoId);
      if (repo === undefined) return notFound(`GET /api/repos/${repoId}/pipelines`);
      const filtered = this.#major() >= 3;
      const listed = [...repo.pipelines]
        .reverse()
        .filter((pipeline) => pipeline.created > query.after)
        .filter((pipeline) => !filtered || (pipeline.branch === query.branch && pipeline.event === "push"));
      return ok(listed.slice(0, maxPages * PAGE_SIZE));
    });
  }

  getPipeline(repoId: number, number: number): Promise<Result<PipelineFact>> {
    return this.knobs.run("getPipeline", [repoId, number], () => {
      if (!isId(repoId) || !isId(number)) return rejected(`pipeline ${number} of repo ${repoId}: ids are positive`);
      const pipeline = this.#byId(repoId)?.pipelines.find((each) => each.number === number);
      return pipeline === undefined ? notFound(`GET /api/repos/${repoId}/pipelines/${number}`) : ok(pipeline);
    });
  }

  readVersion(): Promise<Result<string>> {
    return this.knobs.run("readVersion", [], () => ok(this.#version));
  }

  async close(): Promise<void> {
    // Nothing to release: the twin holds no connections.
  }

  // --- Test controls. ---

  /** A repo Woodpecker knows; returns its id. */
  addRepo(fullName: string): number {
    const key = fullName.toLowerCase();
    const known = this.#repos.get(key);
    if (known !== undefined) return known.id;
    const repo: Repo = { id: this.#nextRepoId++, pipelines: [] };
    this.#repos.set(key, repo);
    return repo.id;
  }

  /** A new pipeline (the next number); returns its number. */
  addPipeline(repoId: number, input: PipelineInput): number {
    const repo = this.#require(repoId);
    const number = (repo.pipelines.at(-1)?.number ?? 0) + 1;
    repo.pipelines.push({
      number,
      parent: input.parent ?? 0,
      event: input.event ?? "push",
      status: input.status ?? "pending",
      commit: input.commit,
      branch: input.branch ?? "main",
      created: input.created ?? this.#nowSeconds(),
      supersededBy: null,
    });
    return number;
  }

  setStatus(repoId: number, number: number, status: string): void {
    this.#update(repoId, number, { status });
  }

  /** A restart: a new pipeline for the same commit, with `parent` set. Returns its number. */
  restart(repoId: number, number: number): number {
    const old = this.#pipeline(repoId, number);
    return this.addPipeline(repoId, { commit: old.commit, branch: old.branch, event: old.event, parent: number });
  }

  /** Cancelled because a newer commit's pipeline superseded it (v3.14+). */
  supersede(repoId: number, number: number, by: number): void {
    this.#update(repoId, number, { status: "canceled", supersededBy: by });
  }

  setVersion(version: string): void {
    this.#version = version;
  }

  pipelines(repoId: number): readonly PipelineFact[] {
    return [...this.#require(repoId).pipelines];
  }

  #update(repoId: number, number: number, change: Partial<PipelineFact>): void {
    const repo = this.#require(repoId);
    const index = repo.pipelines.findIndex((each) => each.number === number);
    const old = repo.pipelines[index];
    if (old === undefined) throw new Error(`memory Woodpecker: no pipeline ${number} in repo ${repoId}`);
    repo.pipelines[index] = { ...old, ...change };
  }

  #pipeline(repoId: number, number: number): PipelineFact {
    const found = this.#require(repoId).pipelines.find((each) => each.number === number);
    if (found === undefined) throw new Error(`memory Woodpecker: no pipeline ${number} in repo ${repoId}`);
    return found;
  }

  #byId(repoId: number): Repo | undefined {
    return [...this.#repos.values()].find((repo) => repo.id === repoId);
  }

  #require(repoId: number): Repo {
    const repo = this.#byId(repoId);
    if (repo === undefined) throw new Error(`memory Woodpecker: no repo ${repoId}`);
    return repo;
  }

  #major(): number {
    return Number.parseInt(this.#version.replace(/^v/, ""), 10);
  }
}

function isId(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

function notFound(what: string): Result<never> {
  return failure("woodpecker", "not-found", `Woodpecker ${what} answered 404`, { status: 404 });
}

/** An argument the adapter refuses to send (its `invalid-request`): retrying cannot help. */
function rejected(why: string): Result<never> {
  return failure("woodpecker", "rejected", `Woodpecker ${why}`, { detail: "invalid-request" });
}
