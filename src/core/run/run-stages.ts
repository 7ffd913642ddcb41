// Observations of CI, deploy and rollout (DESIGN section 7). Each applies only to the
// sha the run follows (an older sha was superseded by a newer push) and only in the
// phase that waits on that stage; a repeated observation writes nothing.

import type { OperatorConfig } from "../config/config-types.js";
import { onRed } from "./run-fix-forward.js";
import { SUPERSEDED_ROLLOUT } from "../render/run-notices.js";
import {
  isDeepEqual,
  toBoundedFailures,
  toDetail,
  toPendingStage,
  toSha7,
  toShown,
  toUrl,
  unchanged,
  withPhase,
  withStage,
} from "./run-record.js";
import { toNextStage, transitionShipped } from "./run-ship.js";
import { assertNever } from "../common/assert-never.js";
import { type CheckFailure, type Phase, type RunRecord, type Stage, type StageState } from "./run-types.js";
import { type RunEvent } from "./run-event.js";
import { type Transition } from "./effect.js";

type CiObserved = Extract<RunEvent, { kind: "CiObserved" }>;
type DeployObserved = Extract<RunEvent, { kind: "DeployObserved" }>;
type RolloutObserved = Extract<RunEvent, { kind: "RolloutObserved" }>;

function withStageInPhase(record: RunRecord, stage: Stage, state: StageState, phase: Phase, now: number): RunRecord {
  // Only CI moves the phase here (pushed → ci): the other stages own their phase.
  const note = `CI is ${state.verdict === "red" ? "red" : "running"} for ${toSha7(record.sha)}`;
  const moved = phase === record.phase ? record : withPhase(record, phase, note, now);
  return withStage(moved, stage, state);
}

/** A still-pending stage: shown only when something a human sees changed. */
function transitionWaiting(record: RunRecord, stage: Stage, state: StageState, phase: Phase, now: number): Transition {
  if (phase === record.phase && isDeepEqual(record.stages[stage], state)) return unchanged(record);
  return toShown(withStageInPhase(record, stage, state, phase, now));
}

function transitionStageRed(
  record: RunRecord,
  sha: string,
  stage: Stage,
  state: StageState,
  failures: readonly CheckFailure[],
  now: number,
  config: OperatorConfig,
): Transition {
  const phase: Phase = stage === "ci" ? "ci" : record.phase;
  // Already known and the agent is on it: its turn's end will act.
  const known = phase === record.phase && isDeepEqual(record.stages[stage], state);
  if (known && record.turn?.state === "working") return unchanged(record);
  return onRed(withStageInPhase(record, stage, state, phase, now), stage, sha, failures, now, config);
}

/**
 * CI starting (or a link to it) is not worth an edit of its own (issue 12): the comment
 * already says the commit is pushed and CI is awaited, and the next edit that matters
 * (green, red, a budget spent) writes this record too. Should afk die first, the comment
 * still says pushed and the next look at CI sees it running again. A re-run of red CI is
 * shown: the comment must not go on saying red.
 */
function unshown(next: Transition): Transition {
  return { record: next.record, effects: [] };
}

export function transitionCi(record: RunRecord, event: CiObserved, now: number, config: OperatorConfig): Transition {
  if (event.sha !== record.sha || (record.phase !== "pushed" && record.phase !== "ci")) return unchanged(record);
  const before = record.stages.ci ?? toPendingStage(now);
  const url = toUrl(event.url) ?? before.url;
  switch (event.verdict) {
    case "pending": {
      // Once a check was seen the sha is in CI, even if a later read lists none.
      const seenAny = before.seenAny || event.seenAny;
      const state: StageState = { ...before, verdict: "pending", seenAny, url, failures: [] };
      const next = transitionWaiting(record, "ci", state, seenAny ? "ci" : record.phase, now);
      return before.verdict === "pending" ? unshown(next) : next;
    }
    case "green": {
      const state: StageState = { ...before, verdict: "green", seenAny: true, url, failures: [] };
      return toNextStage(withStage(record, "ci", state), "ci", now, config);
    }
    case "red": {
      const state: StageState = {
        ...before,
        verdict: "red",
        seenAny: true,
        url,
        failures: toBoundedFailures(event.failures),
      };
      return transitionStageRed(record, event.sha, "ci", state, event.failures, now, config);
    }
    default:
      return assertNever(event.verdict);
  }
}

export function transitionDeploy(
  record: RunRecord,
  event: DeployObserved,
  now: number,
  config: OperatorConfig,
): Transition {
  if (event.sha !== record.sha || record.phase !== "deploying") return unchanged(record);
  const before = record.stages.deploy ?? toPendingStage(now);
  const seen = { ...before, url: toUrl(event.url) ?? before.url, detail: toDetail(event.detail), failures: [] };
  switch (event.verdict) {
    case "pending":
      return transitionWaiting(
        record,
        "deploy",
        { ...seen, verdict: "pending", blockedSince: null },
        record.phase,
        now,
      );
    case "blocked": {
      const blockedSince = before.blockedSince ?? now;
      return transitionWaiting(record, "deploy", { ...seen, verdict: "pending", blockedSince }, record.phase, now);
    }
    case "superseded": {
      // A newer pipeline replaced this one: not a failure; the rollout tells what is live.
      const note =
        event.detail === null ? "Superseded by a newer pipeline." : `Superseded by a newer pipeline: ${event.detail}`;
      const state: StageState = { ...seen, verdict: "pending", blockedSince: null, detail: toDetail(note) };
      return transitionWaiting(record, "deploy", state, record.phase, now);
    }
    case "green":
      return toNextStage(
        withStage(record, "deploy", { ...seen, verdict: "green", blockedSince: null }),
        "deploy",
        now,
        config,
      );
    case "red":
      return transitionStageRed(
        record,
        event.sha,
        "deploy",
        { ...seen, verdict: "red", blockedSince: null },
        [],
        now,
        config,
      );
    default:
      return assertNever(event.verdict);
  }
}

export function transitionRollout(
  record: RunRecord,
  event: RolloutObserved,
  now: number,
  config: OperatorConfig,
): Transition {
  if (event.sha !== record.sha || record.phase !== "rolling-out") return unchanged(record);
  const before = record.stages.rollout ?? toPendingStage(now);
  const seen = { ...before, url: toUrl(event.url) ?? before.url, detail: toDetail(event.detail), failures: [] };
  switch (event.verdict) {
    case "pending":
      return transitionWaiting(record, "rollout", { ...seen, verdict: "pending" }, record.phase, now);
    case "superseded": {
      // History on the default branch is linear: a newer commit's image contains this one.
      const note = event.detail === null ? `${SUPERSEDED_ROLLOUT}.` : `${SUPERSEDED_ROLLOUT}: ${event.detail}`;
      return transitionShipped(
        withStage(record, "rollout", { ...seen, verdict: "green", detail: toDetail(note) }),
        now,
        config,
      );
    }
    case "green":
      return transitionShipped(withStage(record, "rollout", { ...seen, verdict: "green" }), now, config);
    case "red":
      return transitionStageRed(record, event.sha, "rollout", { ...seen, verdict: "red" }, [], now, config);
    default:
      return assertNever(event.verdict);
  }
}
