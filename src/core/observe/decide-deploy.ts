// The deploy verdict for one sha from Woodpecker's pipelines (contracts/woodpecker.md).
// Woodpecker has no commit filter and v2 servers ignore `branch`/`event`, so the adapter
// hands over a page of pipelines and the match happens here.

import type { PipelineFact } from "./observe-types.js";
import { toShortSha } from "../common/text.js";

export type DeployVerdict = "pending" | "blocked" | "green" | "red" | "superseded";

export interface DeployInput {
  readonly sha: string;
  readonly branch: string;
  readonly pipelines: readonly PipelineFact[];
  /** The Woodpecker UI root, as the operator configured it. */
  readonly woodpeckerUrl: string;
  readonly repoId: number;
}

export interface DeployDecision {
  readonly verdict: DeployVerdict;
  readonly url: string | null;
  readonly detail: string | null;
  /** The pipeline that decided, or null when none matches the sha yet. */
  readonly number: number | null;
}

const RED_STATUSES: ReadonlySet<string> = new Set(["failure", "killed", "error", "declined", "canceled"]);
const PENDING_STATUSES: ReadonlySet<string> = new Set(["created", "pending", "running"]);
// Woodpecker cancels a running pipeline when a newer push arrives (`cancel_previous_pipeline_events`).
const CANCEL_STATUSES: ReadonlySet<string> = new Set(["killed", "canceled"]);

function isPush(pipeline: PipelineFact, branch: string): boolean {
  return pipeline.event === "push" && pipeline.branch === branch;
}

function toNewest(pipelines: readonly PipelineFact[]): PipelineFact | null {
  return pipelines.reduce<PipelineFact | null>(
    (newest, p) => (newest === null || p.number > newest.number ? p : newest),
    null,
  );
}

/** The pipeline that replaced this one, when a newer commit's push cancelled it. */
function toSupersedingNumber(pipeline: PipelineFact, input: DeployInput): number | null {
  if (pipeline.supersededBy !== null) return pipeline.supersededBy;
  if (!CANCEL_STATUSES.has(pipeline.status)) return null;
  const sha = input.sha.toLowerCase();
  const newer = input.pipelines.filter(
    (p) => isPush(p, input.branch) && p.number > pipeline.number && p.commit.toLowerCase() !== sha,
  );
  return toNewest(newer)?.number ?? null;
}

export function toPipelineUrl(woodpeckerUrl: string, repoId: number, number: number): string {
  return `${woodpeckerUrl.replace(/\/+$/, "")}/repos/${repoId}/pipeline/${number}`;
}

function toVerdict(pipeline: PipelineFact, input: DeployInput): { verdict: DeployVerdict; detail: string } {
  const name = `pipeline #${pipeline.number}`;
  const { status } = pipeline;
  if (status === "success") return { verdict: "green", detail: `${name} succeeded` };
  // A pipeline whose steps all were filtered out (path or branch conditions) deploys nothing to wait for.
  if (status === "skipped") return { verdict: "green", detail: `${name} was skipped: nothing to deploy` };
  if (status === "blocked") return { verdict: "blocked", detail: `${name} is waiting for approval` };
  if (PENDING_STATUSES.has(status)) return { verdict: "pending", detail: `${name} ${status}` };
  if (RED_STATUSES.has(status)) {
    const by = toSupersedingNumber(pipeline, input);
    if (by !== null) return { verdict: "superseded", detail: `${name} (${status}) was replaced by #${by}` };
    return { verdict: "red", detail: `${name} ended with ${status}` };
  }
  // A status this version does not know: wait, and let the deploy budget call a human.
  return { verdict: "pending", detail: `${name} has the unknown status ${status}` };
}

/** Push pipelines on the branch for the full sha; a restart gets a new, higher number. */
export function decideDeploy(input: DeployInput): DeployDecision {
  const sha = input.sha.toLowerCase();
  const pipeline = toNewest(input.pipelines.filter((p) => isPush(p, input.branch) && p.commit.toLowerCase() === sha));
  if (pipeline === null)
    return { verdict: "pending", url: null, detail: `no pipeline for ${toShortSha(sha)} yet`, number: null };
  return {
    ...toVerdict(pipeline, input),
    url: toPipelineUrl(input.woodpeckerUrl, input.repoId, pipeline.number),
    number: pipeline.number,
  };
}

// `{host}/repos/{id}/pipeline/{number}` with an optional `/{workflow}`; the host may carry a path prefix.
const STATUS_TARGET =
  /^https?:\/\/[^/?#]+(?:\/[^?#]*)?\/repos\/([1-9]\d{0,14})\/pipeline\/([1-9]\d{0,14})(?:\/[^/?#]+)?\/?(?:[?#].*)?$/;

/** The pipeline a Woodpecker commit status points at (a nudge; the poll stays authoritative). */
/** The pipeline a `status` webhook names, when Woodpecker posted it (`ci/woodpecker/…`). */
export function toWoodpeckerNudge(
  context: string,
  targetUrl: string | null,
): { repoId: number; number: number } | null {
  if (!context.toLowerCase().startsWith("ci/woodpecker/") || targetUrl === null) return null;
  return parseWoodpeckerStatusTarget(targetUrl);
}

export function parseWoodpeckerStatusTarget(targetUrl: string): { repoId: number; number: number } | null {
  const match = STATUS_TARGET.exec(targetUrl.trim());
  if (match === null) return null;
  return { repoId: Number(match[1]), number: Number(match[2]) };
}
