// The rollout twin (contracts/kubernetes.md): Deployments by namespace and name, read as
// the in-cluster service account reads them. RBAC is per namespace: where it may not
// `get` Deployments, a read answers 403 (`unauthorized`) and `canGetDeployments` false.

import type { DeploymentFact } from "../../core/observe/observe-types.js";
import { failure, ok, type Result } from "../../ports/result.js";
import type { RolloutReader } from "../../ports/rollout-reader.js";
import { Knobs } from "./knobs.js";

export interface DeploymentInput {
  /** The configured container's image, e.g. `ghcr.io/acme/web:3f2a9c1`. */
  readonly image: string;
  readonly container?: string;
  readonly replicas?: number;
  /** False: the new ReplicaSet has no updated replica yet. Default true. */
  readonly complete?: boolean;
  readonly generation?: number;
}

/** A Deployment whose rollout of `image` is complete (or just begun). */
export function toDeploymentFact(input: DeploymentInput): DeploymentFact {
  const replicas = input.replicas ?? 1;
  const complete = input.complete ?? true;
  const generation = input.generation ?? 1;
  return {
    generation,
    observedGeneration: generation,
    replicas,
    paused: false,
    images: [{ container: input.container ?? "app", image: input.image }],
    status: {
      replicas,
      updatedReplicas: complete ? replicas : 0,
      availableReplicas: complete ? replicas : 0,
    },
    conditions: [
      { type: "Available", status: "True", reason: "MinimumReplicasAvailable", message: null },
      {
        type: "Progressing",
        status: "True",
        reason: complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
        message: null,
      },
    ],
  };
}

export class MemoryRolloutReader implements RolloutReader {
  readonly knobs = new Knobs<RolloutReader>("kubernetes", []);
  readonly #deployments = new Map<string, DeploymentFact>();
  readonly #denied = new Set<string>();

  getDeployment(namespace: string, name: string): Promise<Result<DeploymentFact>> {
    return this.knobs.run("getDeployment", [namespace, name], () => {
      const path = `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`;
      if (this.#denied.has(namespace)) {
        return failure("kubernetes", "unauthorized", `Kubernetes GET ${path} answered 403 Forbidden`, {
          status: 403,
          detail: "Forbidden",
        });
      }
      const found = this.#deployments.get(`${namespace}/${name}`);
      if (found !== undefined) return ok(found);
      return failure("kubernetes", "not-found", `Kubernetes GET ${path} answered 404 NotFound`, {
        status: 404,
        detail: "NotFound",
      });
    });
  }

  canGetDeployments(namespace: string): Promise<Result<boolean>> {
    return this.knobs.run("canGetDeployments", [namespace], () => ok(!this.#denied.has(namespace)));
  }

  async close(): Promise<void> {
    // Nothing to release: the twin holds no connections.
  }

  setDeployment(namespace: string, name: string, deployment: DeploymentFact | DeploymentInput): void {
    const fact = "image" in deployment ? toDeploymentFact(deployment) : deployment;
    this.#deployments.set(`${namespace}/${name}`, fact);
  }

  /** Keel changes the image tag: a new generation, not yet observed, nothing updated yet. */
  rollOut(namespace: string, name: string, image: string): void {
    const old = this.#require(namespace, name);
    const [first, ...others] = old.images;
    this.#deployments.set(`${namespace}/${name}`, {
      ...old,
      generation: old.generation + 1,
      images: [{ container: first?.container ?? "app", image }, ...others],
      status: { ...old.status, updatedReplicas: 0 },
    });
  }

  /** The controller caught up: every replica runs the current template and is available. */
  completeRollout(namespace: string, name: string): void {
    const old = this.#require(namespace, name);
    this.#deployments.set(`${namespace}/${name}`, {
      ...old,
      observedGeneration: old.generation,
      status: { replicas: old.replicas, updatedReplicas: old.replicas, availableReplicas: old.replicas },
    });
  }

  removeDeployment(namespace: string, name: string): void {
    this.#deployments.delete(`${namespace}/${name}`);
  }

  /** RBAC: the service account may not `get` Deployments there (or may again). */
  setAccess(namespace: string, allowed: boolean): void {
    if (allowed) this.#denied.delete(namespace);
    else this.#denied.add(namespace);
  }

  deployment(namespace: string, name: string): DeploymentFact | null {
    return this.#deployments.get(`${namespace}/${name}`) ?? null;
  }

  #require(namespace: string, name: string): DeploymentFact {
    const found = this.#deployments.get(`${namespace}/${name}`);
    if (found === undefined) throw new Error(`memory Kubernetes: no deployment ${namespace}/${name}`);
    return found;
  }
}
