// The GitHub reads that follow a pushed commit through CI (contracts/github.md): check
// runs, commit statuses, workflow runs, their jobs and job logs, and the commits on a
// branch. Reads only, mapped to the core's fact types; every call returns a GitHubResult.
//
// The sweep repeats the check-run and status reads for every run in flight, so those two
// are conditional requests: a 304 does not count against the rate limit. Octokit throws a
// 304 as a RequestError; it is caught here and answered from the cache.

import { LOG_TAIL_MAX_CHARS, LOG_TAIL_MAX_LINES, toLogTail } from "../../core/render/prompts.js";
import type {
  CheckRunFact,
  CommitFact,
  JobFact,
  StatusFact,
  WorkflowRunFact,
} from "../../core/observe/observe-types.js";
import type { Octokit } from "./github-client.js";
import { toGitHubError, type GitHubResult } from "./github-error.js";
import { toOwnerAndName } from "./github-mapping.js";

export interface EtagEntry {
  readonly etag: string;
  /** The mapped facts of the response that carried the ETag. */
  readonly value: unknown;
}

/** Request URL → its last ETag and mapped value. In memory, bounded, least recently used out first. */
export interface EtagCache {
  get(url: string): EtagEntry | undefined;
  set(url: string, entry: EtagEntry): void;
  delete(url: string): void;
}

export interface GitHubCiClient {
  /** The latest check run per name on a sha (`filter=latest`), across pages. */
  listCheckRuns(repo: string, sha: string): Promise<GitHubResult<CheckRunFact[]>>;
  /** The newest status per context on a sha. */
  getCombinedStatus(repo: string, sha: string): Promise<GitHubResult<StatusFact[]>>;
  /** The `push` workflow runs of a sha, every attempt's latest state. */
  listWorkflowRuns(repo: string, sha: string): Promise<GitHubResult<WorkflowRunFact[]>>;
  /** Every job of one attempt of a run, whatever its conclusion: the core picks the failing ones. */
  listFailedJobs(repo: string, runId: number, attempt: number): Promise<GitHubResult<JobFact[]>>;
  /** The last lines of a job's log without GitHub's timestamps, or null once the log has expired. */
  readJobLogTail(
    repo: string,
    jobId: number,
    maxLines?: number,
    maxChars?: number,
  ): Promise<GitHubResult<string | null>>;
  /** Commits on a branch since a time, newest first. */
  listCommitsSince(repo: string, branch: string, sinceMs: number): Promise<GitHubResult<CommitFact[]>>;
}

export interface GitHubCiClientOptions {
  readonly clock?: () => number;
  readonly etags?: EtagCache;
}

export interface RestCheckRun {
  // Octokit's types allow a bigint for int64 ids; JSON.parse never makes one.
  readonly id: number | bigint;
  readonly name: string;
  readonly status: string;
  readonly conclusion: string | null;
  readonly app: { readonly id?: number; readonly slug?: string } | null;
  readonly check_suite: { readonly id: number } | null;
  readonly html_url: string | null;
  readonly details_url: string | null;
  readonly output: { readonly title: string | null; readonly summary: string | null };
}

export interface RestStatus {
  readonly context: string;
  readonly state: string;
  readonly target_url: string | null;
  readonly description: string | null;
  readonly updated_at: string;
}

export interface RestWorkflowRun {
  readonly id: number;
  readonly name?: string | null;
  readonly event: string;
  readonly head_branch: string | null;
  readonly head_sha: string;
  readonly head_repository: { readonly full_name: string } | null;
  readonly run_attempt?: number;
  readonly status: string | null;
  readonly conclusion: string | null;
  readonly check_suite_id?: number;
  readonly html_url: string;
}

export interface RestJob {
  readonly id: number;
  readonly run_id: number;
  readonly name: string;
  readonly conclusion: string | null;
  readonly html_url: string | null;
}

export interface RestCommit {
  readonly sha: string;
  readonly html_url: string;
  readonly commit: {
    readonly message: string;
    readonly committer: { readonly date?: string } | null;
    readonly author: { readonly date?: string } | null;
  };
}

const PER_PAGE = 100;
export const ETAG_CACHE_MAX_ENTRIES = 1_000;
const STATUS_STATES: readonly StatusFact["state"][] = ["pending", "success", "failure", "error"];
// GitHub prefixes every log line with an ISO timestamp (`2026-01-01T00:00:00.0000000Z `).
const LOG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/gm;

export function createEtagCache(maxEntries = ETAG_CACHE_MAX_ENTRIES): EtagCache {
  const entries = new Map<string, EtagEntry>();
  return {
    get: (url) => {
      const entry = entries.get(url);
      if (entry === undefined) return undefined;
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      entries.delete(url);
      entries.set(url, entry);
      return entry;
    },
    set: (url, entry) => {
      entries.delete(url);
      entries.set(url, entry);
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
    delete: (url) => {
      entries.delete(url);
    },
  };
}

export function toCheckRunFact(run: RestCheckRun): CheckRunFact {
  return {
    id: Number(run.id),
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    appId: run.app?.id ?? null,
    appSlug: run.app?.slug ?? null,
    checkSuiteId: run.check_suite?.id ?? null,
    htmlUrl: run.html_url,
    detailsUrl: run.details_url,
    title: run.output.title,
    summary: run.output.summary,
  };
}

function toStatusState(state: string): StatusFact["state"] {
  // GitHub documents exactly four states; anything else is not a verdict yet.
  return STATUS_STATES.find((known) => known === state) ?? "pending";
}

/** One fact per context, the most recently updated one (the combined status already lists one per context). */
export function toStatusFacts(statuses: readonly RestStatus[]): StatusFact[] {
  const newest = new Map<string, RestStatus>();
  for (const status of statuses) {
    const seen = newest.get(status.context);
    if (seen === undefined || Date.parse(status.updated_at) > Date.parse(seen.updated_at))
      newest.set(status.context, status);
  }
  return [...newest.values()].map((status) => ({
    context: status.context,
    state: toStatusState(status.state),
    targetUrl: status.target_url,
    description: status.description,
  }));
}

export function toWorkflowRunFact(run: RestWorkflowRun): WorkflowRunFact {
  return {
    id: run.id,
    name: run.name ?? "",
    event: run.event,
    headBranch: run.head_branch,
    headSha: run.head_sha,
    headRepoFullName: run.head_repository?.full_name ?? null,
    runAttempt: run.run_attempt ?? 1,
    status: run.status ?? "",
    conclusion: run.conclusion,
    checkSuiteId: run.check_suite_id ?? null,
    htmlUrl: run.html_url,
  };
}

export function toJobFact(job: RestJob): JobFact {
  return { id: job.id, runId: job.run_id, name: job.name, conclusion: job.conclusion, htmlUrl: job.html_url };
}

/** Null for a commit with no parseable date: it cannot be placed before or after a dispatch. */
export function toCommitFact(commit: RestCommit): CommitFact | null {
  const committedAt = Date.parse(commit.commit.committer?.date ?? commit.commit.author?.date ?? "");
  if (Number.isNaN(committedAt)) return null;
  return { sha: commit.sha, message: commit.commit.message, committedAt, url: commit.html_url };
}

/**
 * The log body as text: octokit hands back a string for `text/*` and bytes for anything
 * else but JSON. A log that is neither has no lines to show.
 */
function toLogText(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  return "";
}

export function toLogWithoutTimestamps(log: string): string {
  return log.replace(/^\uFEFF/, "").replace(LOG_TIMESTAMP, "");
}

function toNextUrl(link: string | undefined): string | null {
  return /<([^>]+)>;\s*rel="next"/.exec(link ?? "")?.[1] ?? null;
}

function isNotModified(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { status?: unknown }).status === 304;
}

interface Page<T> {
  readonly value: T;
  /** Null when the value must not be answered from the cache later. */
  readonly etag: string | null;
}

export function createGitHubCiClient(octokit: Octokit, options: GitHubCiClientOptions = {}): GitHubCiClient {
  const clock = options.clock ?? Date.now;
  const etags = options.etags ?? createEtagCache();

  async function attempt<T>(call: () => Promise<T>): Promise<GitHubResult<T>> {
    try {
      return { ok: true, value: await call() };
    } catch (error) {
      return { ok: false, error: toGitHubError(error, clock()) };
    }
  }

  /**
   * A read sent with the cached ETag. ETags are tied to the token and installation tokens
   * rotate hourly, so a stale ETag just earns a 200, which refreshes the entry.
   */
  async function readConditionally<T>(
    url: string,
    read: (headers: Record<string, string>) => Promise<Page<T>>,
  ): Promise<T> {
    const cached = etags.get(url);
    try {
      const page = await read(cached === undefined ? {} : { "if-none-match": cached.etag });
      if (page.etag === null) etags.delete(url);
      else etags.set(url, { etag: page.etag, value: page.value });
      return page.value;
    } catch (error) {
      if (cached !== undefined && isNotModified(error)) return cached.value as T;
      throw error;
    }
  }

  /**
   * Only a single-page answer is cached: its ETag then covers every run. A cached sha that
   * later spans pages has a different first page (its `total_count` changed), so it earns a
   * 200 and is read in full.
   */
  async function readCheckRuns(
    repo: string,
    sha: string,
    headers: Record<string, string>,
  ): Promise<Page<CheckRunFact[]>> {
    const first = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      ...toOwnerAndName(repo),
      ref: sha,
      filter: "latest",
      per_page: PER_PAGE,
      headers,
    });
    const runs: RestCheckRun[] = [...first.data.check_runs];
    let next = toNextUrl(first.headers.link);
    const single = next === null;
    while (next !== null) {
      const page = await octokit.request(`GET ${next}`);
      runs.push(...(page.data as { check_runs: RestCheckRun[] }).check_runs);
      next = toNextUrl(page.headers.link);
    }
    return { value: runs.map(toCheckRunFact), etag: single ? (first.headers.etag ?? null) : null };
  }

  return {
    listCheckRuns: (repo, sha) =>
      attempt(() =>
        readConditionally(
          `GET /repos/${repo}/commits/${sha}/check-runs?filter=latest&per_page=${PER_PAGE}`,
          (headers) => readCheckRuns(repo, sha, headers),
        ),
      ),

    // One page: the combined status lists one status per context, and 100 contexts on one sha is far beyond any real repo.
    getCombinedStatus: (repo, sha) =>
      attempt(() =>
        readConditionally(`GET /repos/${repo}/commits/${sha}/status?per_page=${PER_PAGE}`, async (headers) => {
          const { data, headers: answer } = await octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/status", {
            ...toOwnerAndName(repo),
            ref: sha,
            per_page: PER_PAGE,
            headers,
          });
          return { value: toStatusFacts(data.statuses), etag: answer.etag ?? null };
        }),
      ),

    // Every event, not `event=push`: the fold must see the dynamic runs (CodeQL default
    // setup, Pages) to know their check runs are not CI; it filters on the event itself.
    listWorkflowRuns: (repo, sha) =>
      attempt(async () => {
        const runs = await octokit.paginate("GET /repos/{owner}/{repo}/actions/runs", {
          ...toOwnerAndName(repo),
          head_sha: sha,
          per_page: PER_PAGE,
        });
        return runs.map(toWorkflowRunFact);
      }),

    listFailedJobs: (repo, runId, attempt_number) =>
      attempt(async () => {
        const jobs = await octokit.paginate(
          "GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs",
          {
            ...toOwnerAndName(repo),
            run_id: runId,
            attempt_number,
            per_page: PER_PAGE,
          },
        );
        return jobs.map(toJobFact);
      }),

    // GitHub answers 302 to a short-lived blob URL; fetch follows it (and drops the token on the way).
    readJobLogTail: async (repo, jobId, maxLines = LOG_TAIL_MAX_LINES, maxChars = LOG_TAIL_MAX_CHARS) => {
      const result = await attempt(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs", {
          ...toOwnerAndName(repo),
          job_id: jobId,
        });
        return toLogTail(toLogWithoutTimestamps(toLogText(data)), maxLines, maxChars);
      });
      // 404 or 410: the log has expired (or never existed); the prompt simply goes without it.
      if (!result.ok && result.error.category === "not-found") return { ok: true, value: null };
      return result;
    },

    // First page only, newest first: a run lives hours, not hundreds of commits.
    listCommitsSince: (repo, branch, sinceMs) =>
      attempt(async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}/commits", {
          ...toOwnerAndName(repo),
          sha: branch,
          since: new Date(sinceMs).toISOString(),
          per_page: PER_PAGE,
        });
        return data.map(toCommitFact).filter((commit): commit is CommitFact => commit !== null);
      }),
  };
}
