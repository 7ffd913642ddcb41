// The CI reader port over GitHub's REST API (contracts/github.md): check runs, commit
// statuses, workflow runs, their jobs and job logs, and the commits on a branch. Reads
// only, mapped to the core's fact types (ci-mapping.ts).
//
// The sweep repeats the check-run and status reads for every run in flight, so those two
// are conditional requests: a 304 does not count against the rate limit. Octokit throws a
// 304 as a RequestError; it is caught here and answered from the cache (etag-cache.ts).

import type { CheckRunFact, CommitFact } from "../../core/observe/observe-types.js";
import { LOG_TAIL_MAX_CHARS, LOG_TAIL_MAX_LINES, toLogTail } from "../../core/render/prompts.js";
import type { CiReader } from "../../ports/ci-reader.js";
import type { Result } from "../../ports/result.js";
import {
  toCheckRunFact,
  toCommitFact,
  toJobFact,
  toLogWithoutTimestamps,
  toStatusFacts,
  toWorkflowRunFact,
  type RestCheckRun,
} from "./ci-mapping.js";
import { createEtagCache, type EtagCache } from "./etag-cache.js";
import { attemptGitHub } from "./github-error.js";
import { toOwnerAndName } from "./github-mapping.js";
import { readByteTail, toTailText } from "./log-tail-stream.js";
import type { Octokit } from "./octokit.js";

export interface GitHubCiClientOptions {
  readonly clock?: () => number;
  readonly etags?: EtagCache;
  /** How much of a failing job's log the fix-forward prompt carries. */
  readonly logTail?: { readonly maxLines: number; readonly maxChars: number };
  /** Test seam: how many bytes of a job log the client holds, after each chunk it reads. */
  readonly onLogBytesHeld?: (bytes: number) => void;
}

const PER_PAGE = 100;

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

/** The bytes of a job log's end afk reads: far more than the tail the prompt keeps. */
export const LOG_TAIL_FETCH_BYTES = 64 * 1024;

export function createGitHubCiClient(octokit: Octokit, options: GitHubCiClientOptions = {}): CiReader {
  const clock = options.clock ?? Date.now;
  const etags = options.etags ?? createEtagCache();
  const { maxLines, maxChars } = options.logTail ?? { maxLines: LOG_TAIL_MAX_LINES, maxChars: LOG_TAIL_MAX_CHARS };
  const attempt = <T>(call: () => Promise<T>): Promise<Result<T>> => attemptGitHub(call, clock);

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

    listJobs: (repo, runId, attempt_number) =>
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
    // The log is read as a tail: a suffix byte range, which the blob host behind GitHub's
    // redirect honours (206). The body is read as a stream all the same and only its last
    // LOG_TAIL_FETCH_BYTES are kept, so a host that ignores Range and sends the whole log
    // (200, gigabytes) never brings it into memory whole (log-tail-stream.ts).
    readJobLogTail: async (repo, jobId) => {
      const result = await attempt(async () => {
        const { data, headers, status } = await octokit.request(
          "GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs",
          {
            ...toOwnerAndName(repo),
            job_id: jobId,
            headers: { range: `bytes=-${LOG_TAIL_FETCH_BYTES}` },
            request: { parseSuccessResponseBody: false },
          },
        );
        const tail = await readByteTail(data, LOG_TAIL_FETCH_BYTES, options.onLogBytesHeld);
        const ranged = (status as number) === 206 || headers["content-range"] !== undefined;
        return toLogTail(toLogWithoutTimestamps(toTailText(tail, ranged)), maxLines, maxChars);
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
