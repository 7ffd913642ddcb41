// The CI reader port over GitHub's REST API (contracts/github.md): check runs, commit
// statuses, workflow runs, their jobs and job logs, and the commits on a branch. Reads
// only, mapped to the core's fact types (ci-mapping.ts).
//
// The sweep repeats these reads for every run in flight, so each is a conditional request
// (conditional-read.ts): a 304 does not count against the rate limit.

import type { CommitFact } from "../../core/observe/observe-types.js";
import { LOG_TAIL_MAX_CHARS, LOG_TAIL_MAX_LINES, toLogTail } from "../../core/render/prompts.js";
import type { CiReader } from "../../ports/ci-reader.js";
import type { Result } from "../../ports/result.js";
import {
  toCheckRunFact,
  toCommitFact,
  toJobFact,
  toLogWithoutTimestamps,
  toStatusFacts,
  type RestCheckRun,
  type RestJob,
  type RestWorkflowRun,
} from "./ci-mapping.js";
import { toWorkflowRunFact } from "../../core/observe/workflow-run-fact.js";
import { createConditionalReads, createReadList, LIST_PER_PAGE, toReadKey } from "./conditional-read.js";
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

/** The bytes of a job log's end afk reads: far more than the tail the prompt keeps. */
export const LOG_TAIL_FETCH_BYTES = 64 * 1024;

export function createGitHubCiClient(octokit: Octokit, options: GitHubCiClientOptions = {}): CiReader {
  const clock = options.clock ?? Date.now;
  const etags = options.etags ?? createEtagCache();
  const { maxLines, maxChars } = options.logTail ?? { maxLines: LOG_TAIL_MAX_LINES, maxChars: LOG_TAIL_MAX_CHARS };
  const attempt = <T>(call: () => Promise<T>): Promise<Result<T>> => attemptGitHub(call, clock);

  const reads = createConditionalReads(octokit, etags);
  const readList = createReadList(octokit, reads, attempt);

  return {
    listCheckRuns: (repo, sha) => {
      return readList(
        "GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
        { ...toOwnerAndName(repo), ref: sha, filter: "latest" },
        (data: { check_runs: RestCheckRun[] }) => data.check_runs,
        (runs) => runs.map(toCheckRunFact),
      );
    },

    // One page: the combined status lists one status per context, and 100 contexts on one sha is far beyond any real repo.
    getCombinedStatus: (repo, sha) => {
      const params = { ...toOwnerAndName(repo), ref: sha, per_page: LIST_PER_PAGE };
      return attempt(() =>
        reads.one(
          toReadKey("GET /repos/{owner}/{repo}/commits/{ref}/status", params),
          (headers) => octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/status", { ...params, headers }),
          (data) => toStatusFacts(data.statuses),
        ),
      );
    },

    // Every event, not `event=push`: the fold must see the dynamic runs (CodeQL default
    // setup, Pages) to know their check runs are not CI; it filters on the event itself.
    listWorkflowRuns: (repo, sha) => {
      return readList(
        "GET /repos/{owner}/{repo}/actions/runs",
        { ...toOwnerAndName(repo), head_sha: sha },
        (data: { workflow_runs: RestWorkflowRun[] }) => data.workflow_runs,
        (runs) => runs.map(toWorkflowRunFact),
      );
    },

    listJobs: (repo, runId, attempt_number) => {
      return readList(
        "GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs",
        { ...toOwnerAndName(repo), run_id: runId, attempt_number },
        (data: { jobs: RestJob[] }) => data.jobs,
        (jobs) => jobs.map(toJobFact),
      );
    },

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
    listCommitsSince: (repo, branch, sinceMs) => {
      const params = {
        ...toOwnerAndName(repo),
        sha: branch,
        since: new Date(sinceMs).toISOString(),
        per_page: LIST_PER_PAGE,
      };
      return attempt(() =>
        reads.one(
          toReadKey("GET /repos/{owner}/{repo}/commits", params),
          (headers) => octokit.request("GET /repos/{owner}/{repo}/commits", { ...params, headers }),
          (data) => data.map(toCommitFact).filter((commit): commit is CommitFact => commit !== null),
        ),
      );
    },
  };
}
