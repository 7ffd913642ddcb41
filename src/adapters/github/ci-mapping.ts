// Pure mapping from GitHub's CI shapes (check runs, statuses, workflow runs, jobs,
// commits, job logs) to the core's fact types.

import type { CheckRunFact, CommitFact, JobFact, StatusFact } from "../../core/observe/observe-types.js";
import type { WorkflowRunFields } from "../../core/observe/workflow-run-fact.js";

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

/** GitHub's workflow run object, as the core maps it (`core/observe/workflow-run-fact.ts`). */
export type RestWorkflowRun = WorkflowRunFields;

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

const STATUS_STATES: readonly StatusFact["state"][] = ["pending", "success", "failure", "error"];
// GitHub prefixes every log line with an ISO timestamp (`2026-01-01T00:00:00.0000000Z `).
const LOG_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/gm;

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
export function toLogText(data: unknown): string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  return "";
}

export function toLogWithoutTimestamps(log: string): string {
  return log.replace(/^\uFEFF/, "").replace(LOG_TIMESTAMP, "");
}
