// The deploy and rollout stages the enrolled repos' `.github/afk.yml` name: Woodpecker's
// token reads each Woodpecker repo, and afk's Kubernetes service account may `get`
// Deployments in each namespace (a SelfSubjectAccessReview) where each Deployment exists
// with the named container. Pure.

import type { DeploymentFact } from "../../core/observe/observe-types.js";
import { describeError, type Result } from "../../ports/result.js";
import { fail, pass, skip, type DoctorLine } from "./doctor-line.js";
import { toGenericFix } from "./generic-fix.js";

export interface WoodpeckerTarget {
  readonly repo: string;
  /** The enrolled repos whose deploy stage it is. */
  readonly usedBy: readonly string[];
}

export interface KubeTarget {
  readonly namespace: string;
  readonly deployment: string;
  readonly container: string;
  readonly usedBy: readonly string[];
}

const WOODPECKER_SETTINGS = "WOODPECKER_URL and WOODPECKER_TOKEN";
const KUBE_SETTINGS = "AFK_KUBE_API_URL (or the in-cluster service), AFK_KUBE_TOKEN_FILE and AFK_KUBE_CA_FILE";

export function toWoodpeckerNoneLine(configured: boolean): DoctorLine {
  return configured
    ? skip("Woodpecker: no enrolled repo names a Woodpecker repo in .github/afk.yml (no deploy stage)")
    : skip("Woodpecker: not configured (WOODPECKER_URL is unset: no deploy stage)");
}

export function toWoodpeckerLine(target: WoodpeckerTarget, lookup: Result<number>): DoctorLine {
  const of = `the deploy stage of ${target.usedBy.join(", ")}`;
  if (lookup.ok) return pass(`Woodpecker reads ${target.repo} (repo ${lookup.value}), ${of}`);
  const { error } = lookup;
  if (error.category === "unauthorized")
    return fail(
      `Woodpecker refuses the token reading ${target.repo}: ${describeError(error)}`,
      `set WOODPECKER_TOKEN to a current personal token (Woodpecker → User settings) of a user with pull access to ${target.repo}.`,
    );
  if (error.category === "not-found")
    return fail(
      `Woodpecker has no repo ${target.repo} that the token's user can see (${of})`,
      `activate ${target.repo} in Woodpecker and give the token's user pull access to it, or correct woodpecker.repo in the .github/afk.yml of ${target.usedBy.join(", ")}.`,
    );
  return fail(
    `Woodpecker cannot look up ${target.repo}: ${describeError(error)}`,
    toGenericFix(error, WOODPECKER_SETTINGS),
  );
}

export const KUBE_NONE_LINE = skip(
  "Kubernetes: no enrolled repo follows a Deployment (rollout.kubernetes in .github/afk.yml)",
);

export function toKubeAccessLine(namespace: string, allowed: Result<boolean>): DoctorLine {
  if (allowed.ok && allowed.value)
    return pass(`Kubernetes: afk's service account may get Deployments in namespace ${namespace}`);
  if (allowed.ok)
    return fail(
      `Kubernetes: afk's service account may not get Deployments in namespace ${namespace}`,
      `bind a Role with get on apps/deployments in ${namespace} to afk's service account (the Helm chart does so for each namespace in rollout.namespaces).`,
    );
  return fail(
    `Kubernetes: cannot ask whether afk may get Deployments in ${namespace}: ${describeError(allowed.error)}`,
    toGenericFix(allowed.error, KUBE_SETTINGS),
  );
}

/** `mayGet`: the access review's answer for the namespace; a denied one makes a 403 here expected. */
export function toDeploymentLine(target: KubeTarget, deployment: Result<DeploymentFact>, mayGet: boolean): DoctorLine {
  const name = `${target.namespace}/${target.deployment}`;
  const of = `rollout of ${target.usedBy.join(", ")}`;
  const where = `rollout.kubernetes in the .github/afk.yml of ${target.usedBy.join(", ")}`;
  if (!deployment.ok) {
    const { error } = deployment;
    if (!mayGet && error.category === "unauthorized")
      return skip(`Kubernetes: Deployment ${name} not checked (afk may not get Deployments in ${target.namespace})`);
    if (error.category === "not-found")
      return fail(`Kubernetes: there is no Deployment ${name} (${of})`, `correct ${where}, or create the Deployment.`);
    return fail(
      `Kubernetes: cannot read Deployment ${name}: ${describeError(error)}`,
      toGenericFix(error, KUBE_SETTINGS),
    );
  }
  const containers = deployment.value.images.map((image) => image.container);
  if (!containers.includes(target.container))
    return fail(
      `Kubernetes: Deployment ${name} has no container ${target.container} (it has ${containers.join(", ") || "none"})`,
      `set the container in ${where} to one of the Deployment's containers.`,
    );
  return pass(`Kubernetes: Deployment ${name} exists, with container ${target.container} (${of})`);
}
