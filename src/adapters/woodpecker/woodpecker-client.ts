// The Woodpecker CI deploy reader over the shared request loop (contracts/woodpecker.md,
// v2.x and v3.x). It moves bytes and maps answers to the core's pipeline facts; which
// pipeline is the commit's, and what its status means, is the core's call.
//
// - Each method has one overall deadline covering all its requests, retries and pauses
//   (a search of several pages included), on top of undici's per-phase timeouts.
// - Every call is a GET, so network errors and 502/503/504 are retried.
// - The repo id never changes for a repo, so a successful lookup is cached for the
//   reader's life; failures are not cached.

import { Agent, type Dispatcher } from "undici";
import type { z } from "zod";
import type { PipelineFact } from "../../core/observe/observe-types.js";
import type { DeployReader, FindPipelinesQuery } from "../../ports/deploy-reader.js";
import type { OutboundObserver } from "../../ports/outbound.js";
import { failure, type Result } from "../../ports/result.js";
import { toBearerProblem, type HttpTimeouts, type RetryPolicy } from "../http/http-common.js";
import { asJson, httpCall, startDeadline, type Deadline, type HttpSetup } from "../http/http-call.js";
import { toWoodpeckerFailure, WOODPECKER_RETRY_STATUSES } from "./woodpecker-errors.js";
import {
  WoodpeckerPipelineListSchema,
  WoodpeckerPipelineSchema,
  WoodpeckerRepoSchema,
  WoodpeckerVersionSchema,
} from "./woodpecker-read-model.js";

export const DEFAULT_WOODPECKER_TIMEOUTS: HttpTimeouts = {
  connectMs: 5_000,
  headersMs: 15_000,
  bodyMs: 30_000,
  deadlineMs: 45_000,
};

export const DEFAULT_WOODPECKER_RETRY: RetryPolicy = { retries: 2, backoffMs: 250 };

/** Woodpecker's largest page: a larger `perPage` is silently served as 50. */
export const WOODPECKER_PAGE_SIZE = 50;
export const DEFAULT_MAX_PAGES = 4;

export interface WoodpeckerClientOptions {
  /** The server's base URL (`WOODPECKER_URL`), with its root path if it has one. */
  readonly url: string;
  /** A personal access token of a user with pull access to the repos. */
  readonly token: string;
  /** When given, `timeouts.connectMs` is the dispatcher's business. */
  readonly dispatcher?: Dispatcher;
  readonly timeouts?: Partial<HttpTimeouts>;
  readonly retry?: Partial<RetryPolicy>;
  /** Told of every request sent (metrics). */
  readonly observe?: OutboundObserver;
}

interface Call<T> {
  readonly path: string;
  readonly auth: boolean;
  readonly schema: z.ZodType<T>;
}

/** `owner/name`, each part without slashes or whitespace. */
const FULL_NAME_PATTERN = /^[^/\s]+\/[^/\s]+$/;

/** An argument afk refuses to send: the same request would be refused every time. */
function refused(what: string, why: string): Result<never> {
  return failure("woodpecker", "rejected", `${what}: ${why}`, { detail: "invalid-argument" });
}

export function createWoodpeckerClient(options: WoodpeckerClientOptions): DeployReader {
  const timeouts: HttpTimeouts = { ...DEFAULT_WOODPECKER_TIMEOUTS, ...options.timeouts };
  const ownAgent = options.dispatcher === undefined ? new Agent({ connect: { timeout: timeouts.connectMs } }) : null;
  const setup: HttpSetup = {
    system: "woodpecker",
    dispatcher: options.dispatcher ?? (ownAgent as Agent),
    timeouts,
    retry: { ...DEFAULT_WOODPECKER_RETRY, ...options.retry },
    retryStatuses: WOODPECKER_RETRY_STATUSES,
    toHttpFailure: toWoodpeckerFailure,
    observe: options.observe,
  };
  const baseUrl = options.url.replace(/\/+$/, "");
  const token = options.token.trim();
  const repoIds = new Map<string, number>();

  async function perform<T>(call: Call<T>, deadline: Deadline): Promise<Result<T>> {
    const what = `GET ${call.path}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (call.auth) {
      if (token === "") return failure("woodpecker", "unauthorized", `${what}: no token configured (WOODPECKER_TOKEN)`);
      const problem = toBearerProblem(token);
      if (problem !== null) return failure("woodpecker", "unauthorized", `${what}: ${problem}`);
      headers.authorization = `Bearer ${token}`;
    }
    return httpCall(setup, {
      method: "GET",
      url: `${baseUrl}${call.path}`,
      what,
      headers,
      decode: asJson(call.schema),
      deadline,
    });
  }

  const newDeadline = (): Deadline => startDeadline(timeouts.deadlineMs);

  async function lookupRepoId(fullName: string): Promise<Result<number>> {
    const key = fullName.toLowerCase();
    const cached = repoIds.get(key);
    if (cached !== undefined) return { ok: true, value: cached };
    if (!FULL_NAME_PATTERN.test(fullName))
      return refused("repo lookup", `${JSON.stringify(fullName)} is not owner/name`);
    // The slash stays as is: the route is `/lookup/*repo_full_name`, a wildcard.
    const [owner, name] = fullName.split("/") as [string, string];
    const path = `/api/repos/lookup/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
    const result = await perform({ path, auth: true, schema: WoodpeckerRepoSchema }, newDeadline());
    if (!result.ok) return result;
    // Woodpecker matches the name case-insensitively, and so does the cache.
    repoIds.set(key, result.value.id);
    return { ok: true, value: result.value.id };
  }

  async function findPipelines(repoId: number, find: FindPipelinesQuery): Promise<Result<readonly PipelineFact[]>> {
    const maxPages = find.maxPages ?? DEFAULT_MAX_PAGES;
    const invalid = toInvalidFind(repoId, find, maxPages);
    if (invalid !== null) return refused(`pipelines of repo ${repoId}`, invalid);
    const deadline = newDeadline();
    const found = new Map<number, PipelineFact>();
    for (let page = 1; page <= maxPages; page += 1) {
      const path = `/api/repos/${repoId}/pipelines?${toPipelineQuery(page, find)}`;
      const result = await perform({ path, auth: true, schema: WoodpeckerPipelineListSchema }, deadline);
      if (!result.ok) return result;
      // A pipeline created between two pages shifts the next page by one: keep the first copy.
      for (const pipeline of result.value) if (!found.has(pipeline.number)) found.set(pipeline.number, pipeline);
      if (isLastPage(result.value, find.after)) break;
    }
    return { ok: true, value: [...found.values()].sort((a, b) => b.number - a.number) };
  }

  async function getPipeline(repoId: number, number: number): Promise<Result<PipelineFact>> {
    if (!isId(repoId) || !isId(number))
      return refused(`pipeline ${number} of repo ${repoId}`, "ids are positive integers");
    return perform(
      { path: `/api/repos/${repoId}/pipelines/${number}`, auth: true, schema: WoodpeckerPipelineSchema },
      newDeadline(),
    );
  }

  return {
    lookupRepoId,
    findPipelines,
    getPipeline,
    readVersion: () => perform({ path: "/version", auth: false, schema: WoodpeckerVersionSchema }, newDeadline()),
    close: async () => {
      if (ownAgent !== null) await ownAgent.close();
    },
  };
}

/**
 * The v3 filters (`branch`, `event`) are always sent: v2 servers ignore them, and the
 * caller matches the commit either way (there is no commit filter in any version).
 */
function toPipelineQuery(page: number, find: FindPipelinesQuery): string {
  return new URLSearchParams({
    page: String(page),
    perPage: String(WOODPECKER_PAGE_SIZE),
    branch: find.branch,
    event: "push",
    after: toRfc3339(find.after),
  }).toString();
}

/**
 * A short page is the end of the list. So is a pipeline not created after `after`:
 * pages come newest first, and a server that honours `after` never sends one, so it
 * means the filter was ignored and the rest of the list is older still.
 */
function isLastPage(page: readonly PipelineFact[], after: number): boolean {
  return page.length < WOODPECKER_PAGE_SIZE || page.some((pipeline) => pipeline.created <= after);
}

function toInvalidFind(repoId: number, find: FindPipelinesQuery, maxPages: number): string | null {
  if (!isId(repoId)) return "the repo id is a positive integer";
  if (find.branch.trim() === "") return "the branch is empty";
  if (!Number.isSafeInteger(find.after) || find.after < 0) return "`after` is whole unix seconds";
  if (!Number.isSafeInteger(maxPages) || maxPages < 1) return "`maxPages` is a positive integer";
  return null;
}

function isId(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/** Go's `time.RFC3339`, whole seconds in UTC: `2026-03-01T12:00:00Z`. */
function toRfc3339(unixSeconds: number): string {
  return new Date(unixSeconds * 1_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
