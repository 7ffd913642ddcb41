// The test's hands on the GitHub twin's CI, run the way GitHub runs it and announced
// with the webhooks GitHub sends (contracts/github.md): a workflow run per workflow file
// and commit, one check run per job created by GitHub Actions (app 15368), a re-run
// that keeps the run id, raises `run_attempt` and makes new jobs and check runs, and
// commit statuses such as Woodpecker posts. Deliveries queue like every other webhook,
// in no guaranteed order with the rest.

import type { Actor } from "../../core/common/github-types.js";
import {
  GITHUB_ACTIONS_APP,
  type MemApp,
  type MemCheckRun,
  type MemRepo,
  type MemWorkflowRun,
} from "./github-state.js";
import { toCheckRunPayload, toStatusPayload, toWorkflowRunPayload } from "./github-webhooks.js";
import type { GitHubWorld } from "./github-world.js";

export interface CheckRunInput {
  readonly name: string;
  readonly status?: "queued" | "in_progress" | "completed";
  /** Set for a completed run; `success` when completed without one. */
  readonly conclusion?: string | null;
  /** The app that made it (anyone's app may create a check with any name); GitHub Actions by default. */
  readonly app?: MemApp;
  readonly branch?: string | null;
  readonly title?: string | null;
  readonly summary?: string | null;
  readonly detailsUrl?: string | null;
}

export interface StatusInput {
  readonly context: string;
  readonly state: "pending" | "success" | "failure" | "error";
  readonly targetUrl?: string | null;
  readonly description?: string | null;
}

export interface WorkflowRunInput {
  readonly sha: string;
  readonly name?: string;
  /** `push` by default; `dynamic` for CodeQL default setup or Pages. */
  readonly event?: string;
  /** The default branch by default. */
  readonly branch?: string | null;
  /** Differs from the repo for a fork. */
  readonly headRepoFullName?: string;
  /** Job names; one `build` job by default. */
  readonly jobs?: readonly string[];
}

export interface JobOutcome {
  readonly conclusion?: string;
  /** The job's log text (GitHub serves it with a timestamp per line; the tail is read without). */
  readonly log?: string;
}

export class CiControls {
  readonly #world: GitHubWorld;
  /** The sender of CI webhooks: the workflow's triggering actor in practice. */
  readonly #sender: Actor;

  constructor(world: GitHubWorld) {
    this.#world = world;
    this.#sender = world.user("github-actions[bot]", "Bot");
  }

  addCheckRun(repoName: string, sha: string, input: CheckRunInput): number {
    return this.#addCheckRun(repoName, sha, input, null);
  }

  /** `suite`: the workflow run's check suite for a job's check run; a suite of its own otherwise. */
  #addCheckRun(repoName: string, sha: string, input: CheckRunInput, suite: number | null): number {
    const repo = this.#repo(repoName);
    const status =
      input.status ?? (input.conclusion === undefined || input.conclusion === null ? "queued" : "completed");
    const run: MemCheckRun = {
      id: this.#world.nextId("check-run", 50_000_001),
      repo: repo.key,
      headSha: sha,
      headBranch: input.branch === undefined ? repo.defaultBranch : input.branch,
      name: input.name,
      status,
      conclusion: status === "completed" ? (input.conclusion ?? "success") : null,
      app: input.app ?? GITHUB_ACTIONS_APP,
      checkSuiteId: suite ?? this.#world.nextId("check-suite", 30_000_001),
      detailsUrl: input.detailsUrl ?? null,
      title: input.title ?? null,
      summary: input.summary ?? null,
    };
    this.#world.ci.checkRuns.push(run);
    this.#world.emit(repo, "check_run", toCheckRunPayload("created", repo, run, this.#sender));
    if (run.status === "completed")
      this.#world.emit(repo, "check_run", toCheckRunPayload("completed", repo, run, this.#sender));
    return run.id;
  }

  completeCheckRun(
    id: number,
    conclusion: string,
    output: { readonly title?: string | null; readonly summary?: string | null } = {},
  ): void {
    const run = this.#world.ci.checkRuns.find((each) => each.id === id);
    if (run === undefined) throw new Error(`memory GitHub: no check run ${id}`);
    run.status = "completed";
    run.conclusion = conclusion;
    if (output.title !== undefined) run.title = output.title;
    if (output.summary !== undefined) run.summary = output.summary;
    const repo = this.#repo(run.repo);
    this.#world.emit(repo, "check_run", toCheckRunPayload("completed", repo, run, this.#sender));
  }

  setStatus(repoName: string, sha: string, input: StatusInput): void {
    const repo = this.#repo(repoName);
    const status = {
      id: this.#world.nextId("status", 20_000_001),
      repo: repo.key,
      sha,
      context: input.context,
      state: input.state,
      targetUrl: input.targetUrl ?? null,
      description: input.description ?? null,
    };
    this.#world.ci.statuses.push(status);
    this.#world.emit(repo, "status", toStatusPayload(repo, status, this.#sender));
  }

  /** A workflow run is requested and its jobs queued (one check run each). Returns the run id. */
  startWorkflowRun(repoName: string, input: WorkflowRunInput): number {
    const repo = this.#repo(repoName);
    const name = input.name ?? "CI";
    const run: MemWorkflowRun = {
      id: this.#world.nextId("workflow-run", 10_000_001),
      repo: repo.key,
      name,
      path: `.github/workflows/${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.yml`,
      event: input.event ?? "push",
      headBranch: input.branch === undefined ? repo.defaultBranch : input.branch,
      headSha: input.sha,
      headRepoFullName: input.headRepoFullName ?? repo.fullName,
      runAttempt: 1,
      status: "queued",
      conclusion: null,
      checkSuiteId: this.#world.nextId("check-suite", 30_000_001),
    };
    this.#world.ci.workflowRuns.push(run);
    this.#world.emit(repo, "workflow_run", toWorkflowRunPayload("requested", repo, run, this.#sender));
    this.#queueJobs(repo, run, input.jobs ?? ["build"]);
    return run.id;
  }

  /** Every job of the run's current attempt completes (with the run's conclusion unless told), then the run. */
  completeWorkflowRun(runId: number, conclusion: string, jobs: Readonly<Record<string, JobOutcome>> = {}): void {
    const run = this.#run(runId);
    const repo = this.#repo(run.repo);
    if (run.status === "queued") {
      // GitHub always says a run started before it says it finished.
      run.status = "in_progress";
      this.#world.emit(repo, "workflow_run", toWorkflowRunPayload("in_progress", repo, run, this.#sender));
    }
    for (const job of this.#world.ci.jobs) {
      if (job.runId !== runId || job.runAttempt !== run.runAttempt) continue;
      const outcome = jobs[job.name] ?? {};
      job.status = "completed";
      job.conclusion = outcome.conclusion ?? conclusion;
      if (outcome.log !== undefined) job.log = outcome.log;
      this.completeCheckRun(job.checkRunId, job.conclusion);
    }
    run.status = "completed";
    run.conclusion = conclusion;
    this.#world.emit(repo, "workflow_run", toWorkflowRunPayload("completed", repo, run, this.#sender));
  }

  /** A re-run: same id, the next attempt, new jobs and check runs. Returns the attempt. */
  rerunWorkflowRun(runId: number): number {
    const run = this.#run(runId);
    const repo = this.#repo(run.repo);
    const names = [
      ...new Set(
        this.#world.ci.jobs
          .filter((job) => job.runId === runId && job.runAttempt === run.runAttempt)
          .map((j) => j.name),
      ),
    ];
    run.runAttempt += 1;
    run.status = "queued";
    run.conclusion = null;
    this.#world.emit(repo, "workflow_run", toWorkflowRunPayload("requested", repo, run, this.#sender));
    this.#queueJobs(repo, run, names);
    return run.runAttempt;
  }

  /** The job of that name in the run's attempt (the latest by default), for its id. */
  job(runId: number, name: string, attempt?: number): { readonly id: number; readonly checkRunId: number } {
    const run = this.#run(runId);
    const job = this.#world.ci.jobs.find(
      (each) => each.runId === runId && each.name === name && each.runAttempt === (attempt ?? run.runAttempt),
    );
    if (job === undefined) throw new Error(`memory GitHub: no job ${name} in run ${runId}`);
    return { id: job.id, checkRunId: job.checkRunId };
  }

  /** GitHub keeps job logs for a while only: afterwards the download answers 404/410. */
  expireJobLog(jobId: number): void {
    const job = this.#world.ci.jobs.find((each) => each.id === jobId);
    if (job === undefined) throw new Error(`memory GitHub: no job ${jobId}`);
    job.log = null;
  }

  #queueJobs(repo: MemRepo, run: MemWorkflowRun, names: readonly string[]): void {
    for (const name of names) {
      // GitHub Actions creates a job's check run in its workflow run's check suite: the fold counts it through the run.
      const checkRunId = this.#addCheckRun(repo.key, run.headSha, { name, branch: run.headBranch }, run.checkSuiteId);
      const id = this.#world.nextId("job", 40_000_001);
      this.#world.ci.jobs.push({
        id,
        runId: run.id,
        runAttempt: run.runAttempt,
        name,
        status: "queued",
        conclusion: null,
        htmlUrl: `${repo.htmlUrl}/actions/runs/${run.id}/job/${id}`,
        log: "",
        checkRunId,
      });
    }
  }

  #repo(name: string): MemRepo {
    const repo = this.#world.repo(name);
    if (repo === undefined) throw new Error(`memory GitHub: no repo ${name}`);
    return repo;
  }

  #run(runId: number): MemWorkflowRun {
    const run = this.#world.ci.workflowRuns.find((each) => each.id === runId);
    if (run === undefined) throw new Error(`memory GitHub: no workflow run ${runId}`);
    return run;
  }
}
