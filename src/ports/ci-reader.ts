// The GitHub port that follows a pushed commit through CI (contracts/github.md): check
// runs, commit statuses, workflow runs, their jobs and logs, and the commits on a branch.
// Reads only, mapped to the core's fact types.

import type { CheckRunFact, CommitFact, JobFact, StatusFact, WorkflowRunFact } from "../core/observe/observe-types.js";
import type { Result } from "./result.js";

export interface CiReader {
  /** The latest check run per name on a sha (`filter=latest`), across pages. */
  listCheckRuns(repo: string, sha: string): Promise<Result<CheckRunFact[]>>;
  /** The newest status per context on a sha. */
  getCombinedStatus(repo: string, sha: string): Promise<Result<StatusFact[]>>;
  /** The `push` workflow runs of a sha, every attempt's latest state. */
  listWorkflowRuns(repo: string, sha: string): Promise<Result<WorkflowRunFact[]>>;
  /** Every job of one attempt of a run, whatever its conclusion: the core picks the failing ones. */
  listJobs(repo: string, runId: number, attempt: number): Promise<Result<JobFact[]>>;
  /** The last lines of a job's log without GitHub's timestamps (read as a tail), or null once it expired. */
  readJobLogTail(repo: string, jobId: number): Promise<Result<string | null>>;
  /** Commits on a branch since a time, newest first. */
  listCommitsSince(repo: string, branch: string, sinceMs: number): Promise<Result<CommitFact[]>>;
}
