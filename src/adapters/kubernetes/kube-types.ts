// The rollout port over Kubernetes (contracts/kubernetes.md): what the shell may ask of
// the API server, and how a failure comes back. Failures are values sorted into
// categories the shell has one policy for each (STYLE habit 11); nothing here throws.

export type KubeErrorCategory =
  /** 401 (after the re-read of the token file and, when it changed, one repeat), or no usable token file. */
  | "unauthorized"
  /** 403: RBAC lacks `get` on `deployments` in that namespace. A configuration fault. */
  | "forbidden"
  /** 404: no such Deployment (or namespace). */
  | "not-found"
  /** Network errors, 5xx, 408 and 429: worth trying again at the next sweep. */
  | "transient"
  /** The deadline, or a connect/headers/body timeout, ran out. */
  | "timeout"
  /**
   * The server's certificate did not verify against the CA (or the CA file is unusable).
   * Its own category, not `transient`: the same CA fails the same way on every try, so
   * the shell should report a configuration fault rather than wait it out.
   */
  | "tls"
  /** A 2xx that is not a Deployment, or a status this route does not answer with. */
  | "invalid-response";

export interface KubeError {
  readonly category: KubeErrorCategory;
  readonly status: number | null;
  /** The `reason` of Kubernetes' Status object, e.g. `NotFound`, `Forbidden`. */
  readonly reason: string | null;
  /** For logs and humans. Never contains the token. */
  readonly message: string;
}

export type KubeResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: KubeError };

export interface KubeContainerImage {
  readonly container: string;
  /** As written in the pod template, e.g. `ghcr.io/acme/web:3f2a9c1`; empty when unset. */
  readonly image: string;
}

export interface KubeCondition {
  readonly type: string;
  /** `True`, `False` or `Unknown`, as Kubernetes writes it. */
  readonly status: string;
  readonly reason: string | null;
  readonly message: string | null;
}

/** The Deployment facts the rollout check needs (the core's `DeploymentFact` has this shape). */
export interface KubeDeployment {
  readonly generation: number;
  /** Null until the controller has observed the Deployment at least once. */
  readonly observedGeneration: number | null;
  /** `spec.replicas`; Kubernetes defaults it to 1. */
  readonly replicas: number;
  readonly paused: boolean;
  readonly images: readonly KubeContainerImage[];
  /** Kubernetes omits zero counts from the JSON: they read as 0 here. */
  readonly status: { readonly replicas: number; readonly updatedReplicas: number; readonly availableReplicas: number };
  readonly conditions: readonly KubeCondition[];
}

export interface KubeClient {
  /** `GET /apis/apps/v1/namespaces/{namespace}/deployments/{name}`. */
  getDeployment(namespace: string, name: string): Promise<KubeResult<KubeDeployment>>;
  /** Releases the connection pool the client made. */
  close(): Promise<void>;
}
