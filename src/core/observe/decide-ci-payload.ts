// What a `workflow_run` or `check_run` delivery says about the CI of the followed sha on
// its own, without reading it back (issue 12: the delivery is signed by GitHub and carries
// the fact). One fact can prove that CI is running, never that it is green or red: green
// needs every check and status of the sha, and red starts a fix-forward that deserves the
// full picture (a re-run may supersede it). Those are read, as before. A delivery that was
// lost is healed by the sweep, which reads everything.

import type { CheckRunFact, WorkflowRunFact } from "./observe-types.js";
import { foldCi, GITHUB_ACTIONS_SLUG, isCountedRun, type CiInput, type CiVerdict } from "./fold-ci.js";
import { isSameText } from "../common/text.js";

/** The CI fact a delivery carried. */
export type CiPayloadFact =
  | { readonly kind: "workflow-run"; readonly run: WorkflowRunFact }
  /** A check run's fact has no sha of its own (the checks API lists them per sha): the delivery's `head_sha`. */
  | { readonly kind: "check-run"; readonly sha: string; readonly check: CheckRunFact };

export interface CiPayloadInput extends Omit<CiInput, "checkRuns" | "statuses" | "workflowRuns"> {
  readonly fact: CiPayloadFact;
  /** The run's CI stage as its record holds it; null before CI was looked at. */
  readonly before: { readonly verdict: CiVerdict | "skipped"; readonly seenAny: boolean } | null;
}

export type CiPayloadDecision =
  /** CI of the sha is running (pending, seen): no read needed. */
  | { readonly kind: "running"; readonly url: string | null }
  /** The record already says CI is running: the delivery changes nothing. */
  | { readonly kind: "known" }
  /** The delivery alone cannot tell: read the sha's checks, statuses and workflow runs. */
  | { readonly kind: "read" };

const READ: CiPayloadDecision = { kind: "read" };

function toSha(fact: CiPayloadFact): string {
  return fact.kind === "workflow-run" ? fact.run.headSha : fact.sha;
}

function isFinished(fact: CiPayloadFact): boolean {
  const { status, conclusion } = fact.kind === "workflow-run" ? fact.run : fact.check;
  return conclusion !== null || status === "completed";
}

/**
 * A running fact that the full fold would count. A push workflow run counts only when no
 * check is ignored by name: its jobs' names are not in the delivery, and all of them could
 * be ignored. A check run of another CI app is folded alone, through the same filters as a
 * read; a GitHub Actions check run is read, its workflow run being unknown here.
 */
function toRunning(input: CiPayloadInput): { readonly url: string | null } | null {
  const { fact } = input;
  if (fact.kind === "workflow-run") {
    const counted = isCountedRun(fact.run, { ...input, sha: fact.run.headSha }) && input.ignored.length === 0;
    return counted ? { url: fact.run.htmlUrl } : null;
  }
  // A GitHub Actions check counts only as its workflow run does (a dynamic run's, CodeQL or
  // Pages, or a pull request's does not), and the delivery does not carry that run.
  if (fact.check.appSlug === GITHUB_ACTIONS_SLUG) return null;
  const fold = foldCi({ ...input, checkRuns: [fact.check], statuses: [], workflowRuns: [] });
  return fold.verdict === "pending" && fold.seenAny ? { url: fact.check.htmlUrl ?? fact.check.detailsUrl } : null;
}

export function decideCiPayload(input: CiPayloadInput): CiPayloadDecision {
  if (!isSameText(toSha(input.fact), input.sha) || isFinished(input.fact)) return READ;
  const running = toRunning(input);
  if (running === null) return READ;
  const { before } = input;
  if (before === null || (before.verdict === "pending" && !before.seenAny)) return { kind: "running", ...running };
  return before.verdict === "pending" ? { kind: "known" } : READ;
}
