// The facts a delivery carried (core/ingress/to-nudge.ts), standing in for reads of the
// same (issue 12): a delivery is signed by GitHub, so what it says of a push or of one CI
// run is as good as reading it back. Only what one fact can prove is taken from it
// (core/observe/decide-ci-payload.ts); the rest is read, and a lost delivery is healed by
// the sweep, which has no payload and reads everything.

import { assertNever } from "../core/common/assert-never.js";
import { isSameText } from "../core/common/text.js";
import { decideCiPayload, type CiPayloadFact } from "../core/observe/decide-ci-payload.js";
import { toCiRules } from "../core/observe/fold-ci.js";
import type { CommitFact } from "../core/observe/observe-types.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { RunRecord } from "../core/run/run-types.js";

export interface PayloadFacts {
  readonly fact: CiPayloadFact | null;
  /** A push: its branch and its commits, newest first. */
  readonly push: { readonly branch: string | null; readonly commits: readonly CommitFact[] } | null;
}

/** A sweep, a start-up, or a delivery that carried nothing usable. */
export const NO_PAYLOAD: PayloadFacts = { fact: null, push: null };

/** Whether the delivery was a push to the default branch. */
export function isDefaultBranchPush(payload: PayloadFacts, defaultBranch: string): boolean {
  return payload.push !== null && payload.push.branch === defaultBranch;
}

/**
 * The commits a push to the default branch delivered, when they can stand in for reading
 * the branch: the run follows no commit yet, or the push lists the one it follows (the
 * commits newer than it are then all there). A push that does not list the run's commit
 * may be an older push's delivery, late or redelivered: its commits would take the run
 * back to a commit it has left, so the branch is read instead (null).
 */
export function toPushedCommits(
  payload: PayloadFacts,
  defaultBranch: string,
  currentSha: string | null,
): readonly CommitFact[] | null {
  const push = payload.push;
  if (push === null || !isDefaultBranchPush(payload, defaultBranch)) return null;
  if (currentSha !== null && !push.commits.some((commit) => isSameText(commit.sha, currentSha))) return null;
  return push.commits;
}

/** A CI delivery about the sha the run follows, while the run is in CI (or waits for it). */
export function isAboutFollowedCi(record: RunRecord, payload: PayloadFacts): boolean {
  const fact = payload.fact;
  if (fact === null || record.sha === null || (record.phase !== "pushed" && record.phase !== "ci")) return false;
  return isSameText(fact.kind === "workflow-run" ? fact.run.headSha : fact.sha, record.sha);
}

/**
 * The CI event a delivery proves for the run following `sha`, null when it proves nothing
 * new, or "read" when only reading the sha's checks can tell. A push says nothing of CI:
 * CI's own deliveries follow it.
 */
export function toCiFromPayload(
  record: RunRecord,
  sha: string,
  payload: PayloadFacts,
  deps: { readonly defaultBranch: string; readonly appId: number },
): RunEvent | null | "read" {
  if (isDefaultBranchPush(payload, deps.defaultBranch)) return null;
  if (payload.fact === null) return "read";
  const before = record.stages.ci ?? null;
  const decision = decideCiPayload({
    repo: record.repo,
    defaultBranch: deps.defaultBranch,
    sha,
    ...toCiRules(record.repoConfig),
    ownAppId: deps.appId,
    fact: payload.fact,
    before: before === null ? null : { verdict: before.verdict, seenAny: before.seenAny },
  });
  switch (decision.kind) {
    case "known":
      return null;
    case "running":
      return { kind: "CiObserved", sha, verdict: "pending", seenAny: true, url: decision.url, failures: [] };
    case "read":
      return "read";
    default:
      return assertNever(decision);
  }
}
