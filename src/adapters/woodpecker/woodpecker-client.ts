// The Woodpecker CI transport over undici (contracts/woodpecker.md, v2.x and v3.x). It
// moves bytes and sorts failures; it decides nothing (which pipeline is the commit's,
// and what its status means, is the core's call). Every call returns a result, never
// throws.
//
// - Each method has one overall deadline (an AbortSignal) covering all its requests,
//   retries and pauses, on top of undici's connect, headers and body timeouts, so a
//   stuck Woodpecker cannot hold a reconcile forever.
// - Every call is a GET, so network errors and 502/503/504 are retried.
// - The repo id never changes for a repo, so a successful lookup is cached for the
//   client's life; failures are not cached.

import { Agent, request, type Dispatcher } from "undici";
import type { z } from "zod";
import type { PipelineFact } from "../../core/observe/observe-types.js";
import { decodeJson, pause, type HttpTimeouts, type RetryPolicy } from "../http/http-common.js";
import { isRetryable, toHttpError, toInvalidResponse, toLocalError, toTransportError } from "./woodpecker-errors.js";
import {
  WoodpeckerPipelineListSchema,
  WoodpeckerPipelineSchema,
  WoodpeckerRepoSchema,
  WoodpeckerVersionSchema,
} from "./woodpecker-read-model.js";
import type { FindPipelinesOptions, WoodpeckerClient, WoodpeckerResult } from "./woodpecker-types.js";

export type WoodpeckerTimeouts = HttpTimeouts;

export const DEFAULT_WOODPECKER_TIMEOUTS: WoodpeckerTimeouts = {
  connectMs: 5_000,
  headersMs: 15_000,
  bodyMs: 30_000,
  deadlineMs: 45_000,
};

export type WoodpeckerRetryPolicy = RetryPolicy;

export const DEFAULT_WOODPECKER_RETRY: WoodpeckerRetryPolicy = { retries: 2, backoffMs: 250 };

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
  readonly timeouts?: Partial<WoodpeckerTimeouts>;
  readonly retry?: Partial<WoodpeckerRetryPolicy>;
}

interface Call<T> {
  readonly path: string;
  readonly auth: boolean;
  readonly schema: z.ZodType<T>;
}

/** Bearer tokens are printable ASCII without spaces; anything else is a broken secret. */
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;
/** `owner/name`, each part without slashes or whitespace. */
const FULL_NAME_PATTERN = /^[^/\s]+\/[^/\s]+$/;

export function createWoodpeckerClient(options: WoodpeckerClientOptions): WoodpeckerClient {
  const timeouts: WoodpeckerTimeouts = { ...DEFAULT_WOODPECKER_TIMEOUTS, ...options.timeouts };
  const retry: WoodpeckerRetryPolicy = { ...DEFAULT_WOODPECKER_RETRY, ...options.retry };
  const ownAgent = options.dispatcher === undefined ? new Agent({ connect: { timeout: timeouts.connectMs } }) : null;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const baseUrl = options.url.replace(/\/+$/, "");
  const token = options.token.trim();
  const repoIds = new Map<string, number>();

  async function attempt<T>(call: Call<T>, deadline: AbortSignal): Promise<WoodpeckerResult<T>> {
    const what = `GET ${call.path}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (call.auth) {
      if (token === "")
        return { ok: false, error: toLocalError("unauthorized", what, "no token configured (WOODPECKER_TOKEN)") };
      if (!TOKEN_PATTERN.test(token))
        return { ok: false, error: toLocalError("unauthorized", what, "the token has spaces or control characters") };
      headers.authorization = `Bearer ${token}`;
    }
    let status: number;
    let text: string;
    try {
      const response = await request(`${baseUrl}${call.path}`, {
        method: "GET",
        headers,
        dispatcher,
        signal: deadline,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      return { ok: false, error: toTransportError(what, error, deadline.aborted ? timeouts.deadlineMs : null) };
    }
    if (status < 200 || status >= 300) return { ok: false, error: toHttpError(what, status, text) };
    return decode(what, status, text, call.schema);
  }

  async function perform<T>(call: Call<T>, deadline: AbortSignal): Promise<WoodpeckerResult<T>> {
    let result = await attempt(call, deadline);
    for (let done = 1; done <= retry.retries && !result.ok && isRetryable(result.error); done += 1) {
      if (!(await pause(retry.backoffMs * 2 ** (done - 1), deadline))) {
        return { ok: false, error: toTransportError(`GET ${call.path}`, null, timeouts.deadlineMs) };
      }
      result = await attempt(call, deadline);
    }
    return result;
  }

  const newDeadline = (): AbortSignal => AbortSignal.timeout(timeouts.deadlineMs);

  async function lookupRepoId(fullName: string): Promise<WoodpeckerResult<number>> {
    const key = fullName.toLowerCase();
    const cached = repoIds.get(key);
    if (cached !== undefined) return { ok: true, value: cached };
    if (!FULL_NAME_PATTERN.test(fullName)) {
      return {
        ok: false,
        error: toLocalError("invalid-request", "repo lookup", `${JSON.stringify(fullName)} is not owner/name`),
      };
    }
    // The slash stays as is: the route is `/lookup/*repo_full_name`, a wildcard.
    const [owner, name] = fullName.split("/") as [string, string];
    const path = `/api/repos/lookup/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
    const result = await perform({ path, auth: true, schema: WoodpeckerRepoSchema }, newDeadline());
    if (!result.ok) return result;
    // Woodpecker matches the name case-insensitively, and so does the cache.
    repoIds.set(key, result.value.id);
    return { ok: true, value: result.value.id };
  }

  async function findPipelines(
    repoId: number,
    find: FindPipelinesOptions,
  ): Promise<WoodpeckerResult<readonly PipelineFact[]>> {
    const maxPages = find.maxPages ?? DEFAULT_MAX_PAGES;
    const invalid = toInvalidFind(repoId, find, maxPages);
    if (invalid !== null)
      return { ok: false, error: toLocalError("invalid-request", `pipelines of repo ${repoId}`, invalid) };
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

  async function getPipeline(repoId: number, number: number): Promise<WoodpeckerResult<PipelineFact>> {
    if (!isId(repoId) || !isId(number)) {
      return {
        ok: false,
        error: toLocalError("invalid-request", `pipeline ${number} of repo ${repoId}`, "ids are positive integers"),
      };
    }
    return perform(
      { path: `/api/repos/${repoId}/pipelines/${number}`, auth: true, schema: WoodpeckerPipelineSchema },
      newDeadline(),
    );
  }

  return {
    lookupRepoId,
    findPipelines,
    getPipeline,
    version: () => perform({ path: "/version", auth: false, schema: WoodpeckerVersionSchema }, newDeadline()),
    close: async () => {
      if (ownAgent !== null) await ownAgent.close();
    },
  };
}

/**
 * The v3 filters (`branch`, `event`) are always sent: v2 servers ignore them, and the
 * caller matches the commit either way (there is no commit filter in any version).
 */
function toPipelineQuery(page: number, find: FindPipelinesOptions): string {
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

function toInvalidFind(repoId: number, find: FindPipelinesOptions, maxPages: number): string | null {
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

function decode<T>(what: string, status: number, text: string, schema: z.ZodType<T>): WoodpeckerResult<T> {
  const decoded = decodeJson(text, schema);
  return decoded.ok ? decoded : { ok: false, error: toInvalidResponse(what, status, decoded.why) };
}
