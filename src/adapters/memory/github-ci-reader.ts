// The CiReader port over the GitHub twin's world, for one installation, answering as
// the real adapter does (src/adapters/github/github-ci-client.ts): the latest check run
// per name and app (`filter=latest` hides a re-run's older ones), the newest status per
// context, every workflow run of the sha whatever its event (the fold filters `push`
// itself), a job log as its tail or null once expired, and the first page (100) of a
// branch's commits since a time, newest first.

import type {
  CheckRunFact,
  CommitFact,
  JobFact,
  StatusFact,
  WorkflowRunFact,
} from "../../core/observe/observe-types.js";
import { toLogTail } from "../../core/render/prompts.js";
import type { CiReader } from "../../ports/ci-reader.js";
import { ok, type Result } from "../../ports/result.js";
import type { MemCheckRun, MemRepo, MemStatus } from "./github-state.js";
import { notFound, visibleRepo, type GitHubApi } from "./github-issue-tracker.js";
import type { GitHubWorld } from "./github-world.js";
import type { Knobs } from "./knobs.js";

const COMMITS_PAGE_SIZE = 100;

export class MemoryCiReader implements CiReader {
  readonly #world: GitHubWorld;
  readonly #knobs: Knobs<GitHubApi>;
  readonly #installationId: number;

  constructor(world: GitHubWorld, knobs: Knobs<GitHubApi>, installationId: number) {
    this.#world = world;
    this.#knobs = knobs;
    this.#installationId = installationId;
  }

  #repo(name: string): Result<MemRepo> {
    return visibleRepo(this.#world, this.#installationId, name);
  }

  listCheckRuns(repo: string, sha: string): Promise<Result<CheckRunFact[]>> {
    return this.#knobs.run("listCheckRuns", [repo, sha], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const latest = new Map<string, MemCheckRun>();
      for (const run of this.#world.ci.checkRuns) {
        if (run.repo !== found.value.key || run.headSha !== sha) continue;
        const key = `${run.app.id}\u0000${run.name}`;
        const seen = latest.get(key);
        if (seen === undefined || run.id > seen.id) latest.set(key, run);
      }
      const runs = [...latest.values()].sort((a, b) => a.id - b.id);
      return ok(runs.map((run) => toCheckRunFact(found.value, run)));
    });
  }

  getCombinedStatus(repo: string, sha: string): Promise<Result<StatusFact[]>> {
    return this.#knobs.run("getCombinedStatus", [repo, sha], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const newest = new Map<string, MemStatus>();
      for (const status of this.#world.ci.statuses)
        if (status.repo === found.value.key && status.sha === sha) newest.set(status.context, status);
      return ok(
        [...newest.values()].map(({ context, state, targetUrl, description }) => ({
          context,
          state,
          targetUrl,
          description,
        })),
      );
    });
  }

  listWorkflowRuns(repo: string, sha: string): Promise<Result<WorkflowRunFact[]>> {
    return this.#knobs.run("listWorkflowRuns", [repo, sha], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const runs = this.#world.ci.workflowRuns.filter((run) => run.repo === found.value.key && run.headSha === sha);
      return ok(
        runs.map((run) => ({
          id: run.id,
          name: run.name,
          event: run.event,
          headBranch: run.headBranch,
          headSha: run.headSha,
          headRepoFullName: run.headRepoFullName,
          runAttempt: run.runAttempt,
          status: run.status,
          conclusion: run.conclusion,
          checkSuiteId: run.checkSuiteId,
          htmlUrl: `${found.value.htmlUrl}/actions/runs/${run.id}`,
        })),
      );
    });
  }

  listJobs(repo: string, runId: number, attempt: number): Promise<Result<JobFact[]>> {
    return this.#knobs.run("listJobs", [repo, runId, attempt], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const run = this.#world.ci.workflowRuns.find((each) => each.id === runId && each.repo === found.value.key);
      if (run === undefined || attempt < 1 || attempt > run.runAttempt)
        return notFound(`GET /repos/${repo}/actions/runs/${runId}/attempts/${attempt}/jobs`);
      const jobs = this.#world.ci.jobs.filter((job) => job.runId === runId && job.runAttempt === attempt);
      return ok(jobs.map(({ id, name, conclusion, htmlUrl }) => ({ id, runId, name, conclusion, htmlUrl: htmlUrl })));
    });
  }

  readJobLogTail(repo: string, jobId: number): Promise<Result<string | null>> {
    return this.#knobs.run("readJobLogTail", [repo, jobId], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const job = this.#world.ci.jobs.find((each) => each.id === jobId);
      const run = this.#world.ci.workflowRuns.find((each) => each.id === job?.runId);
      // 404 or 410 (expired): the adapter answers null, and the prompt goes without the log.
      if (job === undefined || run?.repo !== found.value.key || job.log === null) return ok(null);
      return ok(toLogTail(job.log));
    });
  }

  listCommitsSince(repo: string, branch: string, sinceMs: number): Promise<Result<CommitFact[]>> {
    return this.#knobs.run("listCommitsSince", [repo, branch, sinceMs], () => {
      const found = this.#repo(repo);
      if (!found.ok) return found;
      const commits = found.value.branches.get(branch);
      if (commits === undefined) return notFound(`GET /repos/${repo}/commits?sha=${branch}`);
      const since = commits.filter((commit) => commit.committedAt >= sinceMs).reverse();
      return ok(
        since.slice(0, COMMITS_PAGE_SIZE).map(({ sha, message, committedAt }) => ({
          sha,
          message,
          committedAt,
          url: `${found.value.htmlUrl}/commit/${sha}`,
        })),
      );
    });
  }
}

function toCheckRunFact(repo: MemRepo, run: MemCheckRun): CheckRunFact {
  return {
    id: run.id,
    name: run.name,
    status: run.status,
    conclusion: run.conclusion,
    appId: run.app.id,
    appSlug: run.app.slug,
    checkSuiteId: run.checkSuiteId,
    htmlUrl: `${repo.htmlUrl}/runs/${run.id}`,
    detailsUrl: run.detailsUrl,
    title: run.title,
    summary: run.summary,
  };
}
