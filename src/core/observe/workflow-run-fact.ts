// A workflow run as GitHub gives it, the same in a `workflow_run` delivery and in the REST
// list (the adapter's read and the ingress's payload fact share this mapping).

import type { WorkflowRunFact } from "./observe-types.js";

/** The fields afk reads of GitHub's workflow run object. */
export interface WorkflowRunFields {
  readonly id: number;
  readonly name?: string | null;
  readonly event: string;
  readonly head_branch: string | null;
  readonly head_sha: string;
  readonly head_repository?: { readonly full_name: string } | null;
  readonly run_attempt?: number;
  readonly status: string | null;
  readonly conclusion: string | null;
  readonly check_suite_id?: number | null;
  readonly html_url: string;
}

export function toWorkflowRunFact(run: WorkflowRunFields): WorkflowRunFact {
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
