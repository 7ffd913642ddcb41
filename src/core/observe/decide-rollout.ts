// Whether a sha is live (contracts/kubernetes.md): Keel rolls a Deployment by changing its
// image tag and writes the sha nowhere else, so the tag is the proof; completeness is the
// test `kubectl rollout status` applies. A version URL is the weaker alternative.

import type { DeploymentFact } from "./observe-types.js";
import { toShortSha } from "../common/text.js";

export type RolloutVerdict = "pending" | "green" | "red" | "superseded";

export interface RolloutInput {
  readonly sha: string;
  readonly container: string;
  readonly deployment: DeploymentFact;
  /** Shas pushed to the default branch after `sha`, whose images replace it. */
  readonly laterShas: readonly string[];
}

export interface RolloutDecision {
  readonly verdict: RolloutVerdict;
  readonly detail: string;
}

const SHA_PREFIX_MIN = 7;
const HEX = /^[0-9a-f]+$/;

/**
 * Whether `text` names the commit: it contains the sha or a prefix of at least 7 of it
 * (repos tag with full or short shas), or it is itself a hex prefix-or-part of the sha.
 */
export function isShaIn(text: string, sha: string): boolean {
  const haystack = text.toLowerCase();
  const full = sha.toLowerCase();
  if (full.length < SHA_PREFIX_MIN) return false;
  if (haystack.includes(full.slice(0, SHA_PREFIX_MIN))) return true;
  return haystack.length >= SHA_PREFIX_MIN && HEX.test(haystack) && full.includes(haystack);
}

export type ImageTag =
  { readonly kind: "tag"; readonly tag: string } | { readonly kind: "digest" } | { readonly kind: "untagged" };

/**
 * The tag of an image reference: after the last `:` that follows the last `/` (a registry
 * port is before it). `name@sha256:…` has no tag, and its digest must not be read as one
 * (it is hex and could match a sha); `name:tag@sha256:…` keeps its tag.
 */
export function parseImageTag(image: string): ImageTag {
  const at = image.indexOf("@");
  const named = at === -1 ? image : image.slice(0, at);
  const lastPart = named.slice(named.lastIndexOf("/") + 1);
  const colon = lastPart.lastIndexOf(":");
  const tag = colon === -1 ? "" : lastPart.slice(colon + 1);
  if (tag !== "") return { kind: "tag", tag };
  return at === -1 ? { kind: "untagged" } : { kind: "digest" };
}

function toProgress(deployment: DeploymentFact): string | null {
  const { replicas } = deployment;
  const { updatedReplicas, availableReplicas } = deployment.status;
  if (updatedReplicas < replicas) return `${updatedReplicas} of ${replicas} replicas updated`;
  const old = deployment.status.replicas - updatedReplicas;
  if (old > 0) return `${old} old ${old === 1 ? "replica" : "replicas"} pending termination`;
  if (availableReplicas < updatedReplicas)
    return `${availableReplicas} of ${updatedReplicas} updated replicas available`;
  return null;
}

/** Our image is in the spec: now the `kubectl rollout status` test, in its order. */
function decideOurs(deployment: DeploymentFact, tag: string): RolloutDecision {
  const { generation, observedGeneration } = deployment;
  if (observedGeneration === null || generation > observedGeneration) {
    return { verdict: "pending", detail: `waiting for the controller to observe generation ${generation}` };
  }
  const deadline = deployment.conditions.find(
    (c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded",
  );
  if (deadline !== undefined) {
    const why = deadline.message ?? "the progress deadline was exceeded";
    return { verdict: "red", detail: `the rollout of ${tag} failed: ${why}` };
  }
  if (deployment.paused) return { verdict: "pending", detail: "the deployment is paused" };
  const progress = toProgress(deployment);
  if (progress !== null) return { verdict: "pending", detail: `rolling out ${tag}: ${progress}` };
  return { verdict: "green", detail: `${tag} is rolled out (${deployment.status.availableReplicas} available)` };
}

/**
 * A missing container is a configuration error, not the agent's: it stays pending so the
 * rollout budget escalates to a human with this detail, instead of a fix-forward turn.
 */
export function decideRollout(input: RolloutInput): RolloutDecision {
  const image = input.deployment.images.find((entry) => entry.container === input.container)?.image;
  if (image === undefined)
    return { verdict: "pending", detail: `container ${input.container} not found in the deployment` };
  const parsed = parseImageTag(image);
  if (parsed.kind === "digest")
    return { verdict: "pending", detail: `the image ${image} is pinned by digest, which names no commit` };
  if (parsed.kind === "untagged")
    return { verdict: "pending", detail: `the image ${image} has no tag, which names no commit` };
  const { tag } = parsed;
  if (isShaIn(tag, input.sha)) return decideOurs(input.deployment, tag);
  const later = input.laterShas.find((sha) => isShaIn(tag, sha));
  if (later !== undefined)
    return { verdict: "superseded", detail: `the deployment runs ${tag}, from the later commit ${toShortSha(later)}` };
  return { verdict: "pending", detail: `still running ${tag}` };
}

export interface VersionUrlInput {
  readonly sha: string;
  readonly body: string;
  readonly matchesSoFar: number;
  /** Consecutive matching reads; at least one is always required. */
  readonly required: number;
  /** When the last match was counted, or null. */
  readonly lastCountedAt: number | null;
  /** The least time between two counted matches. */
  readonly spacingMs: number;
  readonly now: number;
}

const VERSION_FIELDS = ["sha", "version", "commit"] as const;

/** The version field of a JSON object body, else the whole body. */
function toVersionText(body: string): string {
  if (!body.startsWith("{")) return body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not JSON after all: a plain-text body that happens to start with a brace.
    return body;
  }
  const record = parsed as Record<string, unknown>;
  const field = VERSION_FIELDS.map((name) => record[name]).find((value) => typeof value === "string");
  return typeof field === "string" ? field : body;
}

/**
 * One read of the version URL. During a rolling update old and new pods answer alike, so
 * only `required` matches in a row count, each at least `spacingMs` after the last one
 * counted (one sweep interval: two reads a moment apart prove no more than one); a miss
 * starts the count over.
 */
export function decideVersionUrl(input: VersionUrlInput): {
  matches: number;
  countedAt: number | null;
  verdict: "pending" | "green";
} {
  if (!isShaIn(toVersionText(input.body.trim()), input.sha)) return { matches: 0, countedAt: null, verdict: "pending" };
  const spaced = input.lastCountedAt === null || input.now - input.lastCountedAt >= input.spacingMs;
  const matches = spaced ? input.matchesSoFar + 1 : input.matchesSoFar;
  const countedAt = spaced ? input.now : input.lastCountedAt;
  return { matches, countedAt, verdict: matches >= Math.max(1, input.required) ? "green" : "pending" };
}
