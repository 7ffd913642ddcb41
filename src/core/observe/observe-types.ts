// The facts the adapters observe (GitHub, Woodpecker, Kubernetes, T3), as plain data.
// Adapters map raw responses to these; the core turns them into run events. Strings stay
// open (`status: string`) where the outside system may grow new values: the deciders map
// what they know and treat the rest conservatively.

/** A GitHub check run (`commits/{sha}/check-runs`, `check_run` webhooks). */
export interface CheckRunFact {
  readonly id: number;
  readonly name: string;
  /** queued | in_progress | completed | waiting | requested | pending */
  readonly status: string;
  /** Null until the run completes. */
  readonly conclusion: string | null;
  readonly appId: number | null;
  readonly appSlug: string | null;
  readonly checkSuiteId: number | null;
  readonly htmlUrl: string | null;
  readonly detailsUrl: string | null;
  /** `output.title` and `output.summary`. */
  readonly title: string | null;
  readonly summary: string | null;
}

/** A commit status (`commits/{sha}/status`, `status` webhooks): the latest per context. */
export interface StatusFact {
  readonly context: string;
  readonly state: "pending" | "success" | "failure" | "error";
  readonly targetUrl: string | null;
  readonly description: string | null;
}

/** A GitHub Actions workflow run (`actions/runs`, `workflow_run` webhooks). */
export interface WorkflowRunFact {
  readonly id: number;
  readonly name: string;
  /** `push`, `pull_request`, `dynamic` (CodeQL default setup, Pages), ... */
  readonly event: string;
  readonly headBranch: string | null;
  readonly headSha: string;
  /** `head_repository.full_name`; differs from the repo for forks. */
  readonly headRepoFullName: string | null;
  readonly runAttempt: number;
  readonly status: string;
  readonly conclusion: string | null;
  readonly checkSuiteId: number | null;
  readonly htmlUrl: string;
}

/** A job of a workflow run (`actions/runs/{id}/jobs`): the shell fetches failing jobs' logs. */
export interface JobFact {
  readonly id: number;
  readonly runId: number;
  readonly name: string;
  readonly conclusion: string | null;
  readonly htmlUrl: string | null;
}

/** A commit on the default branch. */
export interface CommitFact {
  readonly sha: string;
  readonly message: string;
  /** Epoch ms, from the committer date. */
  readonly committedAt: number;
  readonly url: string | null;
}

/** A Woodpecker pipeline, as `GET /api/repos/{id}/pipelines` lists it. */
export interface PipelineFact {
  readonly number: number;
  readonly parent: number;
  readonly event: string;
  readonly status: string;
  /** The full commit sha. */
  readonly commit: string;
  readonly branch: string;
  /** Unix seconds. */
  readonly created: number;
  /** The number of the pipeline that cancelled this one, when Woodpecker says so. */
  readonly supersededBy: number | null;
}

export interface ContainerImage {
  readonly container: string;
  readonly image: string;
}

export interface DeploymentCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string | null;
  readonly message: string | null;
}

/** A Kubernetes `apps/v1` Deployment, reduced to what the rollout check reads. */
export interface DeploymentFact {
  readonly generation: number;
  readonly observedGeneration: number | null;
  /** `spec.replicas`; the adapter defaults a missing value to 1 as Kubernetes does. */
  readonly replicas: number;
  readonly paused: boolean;
  readonly images: readonly ContainerImage[];
  /** Missing status counters are 0. */
  readonly status: {
    readonly replicas: number;
    readonly updatedReplicas: number;
    readonly availableReplicas: number;
  };
  readonly conditions: readonly DeploymentCondition[];
}

/**
 * The T3 adapter's observation of a thread's current turn, mirrored here because the core
 * cannot import adapters.
 */
export type TurnFact =
  | { readonly kind: "working" }
  | { readonly kind: "ended"; readonly outcome: "completed" | "interrupted" | "error"; readonly error: string | null }
  | { readonly kind: "waiting-on-user"; readonly on: "approval" | "user-input" }
  | { readonly kind: "missing"; readonly why: "absent" | "deleted" | "archived" };
