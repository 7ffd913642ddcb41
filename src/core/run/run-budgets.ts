// Time budgets (DESIGN section 2, E3), measured with the budgets pinned at dispatch.
// Every budget is a strict "more than": a run exactly at its budget still has time.

import type { Budgets } from "../config/config-types.js";
import { toDuration } from "../render/render-time.js";
import { isActive, toCurrentStage, toSha7 } from "./run-record.js";
import type { RunRecord, Stage, StageState } from "./run-types.js";

interface Waiting {
  readonly state: StageState;
  readonly budgets: Budgets;
  readonly sha7: string;
  readonly now: number;
}

/** Per stage: the reason its pending stage has waited too long, or null. */
const STAGE_BUDGETS: Record<Stage, (w: Waiting) => string | null> = {
  ci: ({ state, budgets, sha7, now }) => {
    if (!state.seenAny && now - state.since > budgets.ciNoChecksMs) {
      return `No CI check appeared for ${sha7} within ${toDuration(budgets.ciNoChecksMs)}.`;
    }
    return now - state.since > budgets.ciMs
      ? `CI for ${sha7} was still pending after ${toDuration(budgets.ciMs)}.`
      : null;
  },
  deploy: ({ state, budgets, now }) => {
    if (state.blockedSince !== null && now - state.blockedSince > budgets.deployBlockedMs) {
      return `The deploy pipeline waited for approval longer than ${toDuration(budgets.deployBlockedMs)}.`;
    }
    return now - state.since > budgets.deployMs
      ? `The deploy was still running after ${toDuration(budgets.deployMs)}.`
      : null;
  },
  rollout: ({ state, budgets, now }) =>
    now - state.since > budgets.rolloutMs
      ? `The rollout did not complete within ${toDuration(budgets.rolloutMs)}.`
      : null,
};

/** The reason a budget of an active run is spent, or null while every budget holds. */
export function toSpentBudget(record: RunRecord, now: number): string | null {
  if (!isActive(record.phase)) return null;
  const budgets = record.repoConfig.budgets;
  if (record.legStartedAt !== null && now - record.legStartedAt > budgets.runMs) {
    return `The run exceeded its time budget of ${toDuration(budgets.runMs)}.`;
  }
  const stage = toCurrentStage(record.phase);
  const state = stage === null ? null : record.stages[stage];
  // A red stage waits for the agent's turn to end: only the run budget covers it.
  if (stage === null || state === null || state.verdict !== "pending") return null;
  return STAGE_BUDGETS[stage]({ state, budgets, sha7: toSha7(record.sha), now });
}
