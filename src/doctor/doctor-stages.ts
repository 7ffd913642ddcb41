// The deploy and rollout checks' reads, for the stages the enrolled repos' valid
// `.github/afk.yml` name: Woodpecker's repo lookup (contracts/woodpecker.md), and the
// Kubernetes access review and Deployment read (contracts/kubernetes.md). The access
// review is a POST that stores nothing: the API server only answers the question.

import { createKubeClient } from "../adapters/kubernetes/kube-client.js";
import { createWoodpeckerClient } from "../adapters/woodpecker/woodpecker-client.js";
import type { OperatorConfig, RepoConfig } from "../core/config/config-types.js";
import {
  KUBE_NONE_LINE,
  toDeploymentLine,
  toKubeAccessLine,
  toWoodpeckerLine,
  toWoodpeckerNoneLine,
  type KubeTarget,
  type WoodpeckerTarget,
} from "./checks/check-stages.js";
import type { DoctorLine } from "./checks/doctor-line.js";
import { toTimeouts, type DoctorLimits } from "./doctor-limits.js";

/** Each Woodpecker repo once, with the enrolled repos that deploy through it. */
export function toWoodpeckerTargets(repoConfigs: ReadonlyMap<string, RepoConfig>): WoodpeckerTarget[] {
  const targets = new Map<string, string[]>();
  for (const [repo, config] of repoConfigs) {
    if (config.woodpeckerRepo === null) continue;
    const key = config.woodpeckerRepo.toLowerCase();
    targets.set(key, [...(targets.get(key) ?? []), repo]);
  }
  return [...targets].map(([repo, usedBy]) => ({ repo, usedBy }));
}

/** Each Deployment container once, with the enrolled repos that roll out through it. */
export function toKubeTargets(repoConfigs: ReadonlyMap<string, RepoConfig>): KubeTarget[] {
  const targets = new Map<string, KubeTarget>();
  for (const [repo, config] of repoConfigs) {
    const rollout = config.rollout;
    if (rollout?.kind !== "kubernetes") continue;
    const key = `${rollout.namespace}/${rollout.deployment}/${rollout.container}`;
    const usedBy = [...(targets.get(key)?.usedBy ?? []), repo];
    targets.set(key, { ...rollout, usedBy });
  }
  return [...targets.values()];
}

export async function doctorWoodpecker(
  config: OperatorConfig,
  repoConfigs: ReadonlyMap<string, RepoConfig>,
  limits: DoctorLimits,
): Promise<DoctorLine[]> {
  const targets = toWoodpeckerTargets(repoConfigs);
  if (config.woodpecker === null || targets.length === 0) return [toWoodpeckerNoneLine(config.woodpecker !== null)];
  const woodpecker = createWoodpeckerClient({
    ...config.woodpecker,
    timeouts: toTimeouts(limits),
    retry: { retries: limits.retries },
  });
  try {
    const lines: DoctorLine[] = [];
    for (const target of targets) lines.push(toWoodpeckerLine(target, await woodpecker.lookupRepoId(target.repo)));
    return lines;
  } finally {
    await woodpecker.close();
  }
}

export async function doctorKubernetes(
  config: OperatorConfig,
  repoConfigs: ReadonlyMap<string, RepoConfig>,
  limits: DoctorLimits,
): Promise<DoctorLine[]> {
  const targets = toKubeTargets(repoConfigs);
  // A Kubernetes rollout without a Kubernetes API is already an invalid .github/afk.yml.
  const apiUrl = config.kube.apiUrl;
  if (apiUrl === null || targets.length === 0) return [KUBE_NONE_LINE];
  const kube = createKubeClient({
    ...config.kube,
    apiUrl,
    timeouts: toTimeouts(limits),
    retry: { retries: limits.retries },
  });
  try {
    const lines: DoctorLine[] = [];
    const mayGet = new Map<string, boolean>();
    for (const namespace of new Set(targets.map((target) => target.namespace))) {
      const allowed = await kube.canGetDeployments(namespace);
      mayGet.set(namespace, allowed.ok && allowed.value);
      lines.push(toKubeAccessLine(namespace, allowed));
    }
    for (const target of targets) {
      const deployment = await kube.getDeployment(target.namespace, target.deployment);
      lines.push(toDeploymentLine(target, deployment, mayGet.get(target.namespace) ?? false));
    }
    return lines;
  } finally {
    await kube.close();
  }
}
