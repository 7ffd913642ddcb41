// The rollout ports (contracts/kubernetes.md): a Kubernetes Deployment read with the
// in-cluster service account, or a version URL that answers with the sha it serves.
// Reads only; what the facts mean is the core's business.

import type { DeploymentFact } from "../core/observe/observe-types.js";
import type { Result } from "./result.js";

export interface RolloutReader {
  /** `GET /apis/apps/v1/namespaces/{namespace}/deployments/{name}`. */
  getDeployment(namespace: string, name: string): Promise<Result<DeploymentFact>>;
  /** Whether the service account may `get` Deployments there (a SelfSubjectAccessReview). */
  canGetDeployments(namespace: string): Promise<Result<boolean>>;
  close(): Promise<void>;
}

export interface VersionReader {
  /** The body, trimmed and bounded. Not retried: each read is one observation. */
  read(url: string): Promise<Result<string>>;
  close(): Promise<void>;
}
