// A red stage (DESIGN section 2, "fix-forward"): the agent gets a corrective turn
// carrying the failure while budget is left in this leg, else a human is called (E2).
// Never while the agent is still working: its turn's end acts on the red stage.

import type { OperatorConfig } from "../config/config-types.js";
import { toCommandId, toMessageId } from "./ids.js";
import { renderFixForwardPrompt } from "../render/prompts.js";
import { escalate } from "./run-escalate.js";
import { toCount } from "../render/run-notices.js";
import { toKey, toSha7, toShown, toUpsert } from "./run-record.js";
import type { CheckFailure, RunRecord, Stage } from "./run-types.js";
import type { Transition } from "./effect.js";

const STAGE_SUBJECTS: Record<Stage, string> = { ci: "CI", deploy: "The deploy", rollout: "The rollout" };

/**
 * `record` already holds the red stage. `failures` may be fuller than the stored,
 * bounded ones (straight from the observation), so the agent reads as much as fits.
 */
export function onRed(
  record: RunRecord,
  stage: Stage,
  sha: string,
  failures: readonly CheckFailure[],
  now: number,
  config: OperatorConfig,
): Transition {
  if (record.turn?.state === "working") return toShown(record);
  const budget = record.repoConfig.budgets.fixForwardTurns;
  if (record.fixForwards >= budget) {
    const reason = `${STAGE_SUBJECTS[stage]} is red for ${toSha7(sha)} and the fix-forward budget (${toCount(budget, "turn")}) is spent.`;
    return escalate(record, { cause: "red-budget-spent", reason, agentSaid: null }, now, config);
  }
  const number = record.turns + 1;
  const attemptNumber = record.fixForwards + 1;
  const key = toKey(record);
  const next: RunRecord = {
    ...record,
    fixForwards: attemptNumber,
    fixForwardsTotal: record.fixForwardsTotal + 1,
    turns: number,
    turn: { number, kind: "fix-forward", state: "working", startedAt: now, sha, relayText: null },
  };
  const detail = record.stages[stage]?.detail ?? null;
  const text = renderFixForwardPrompt({ stage, sha, failures, detail, attemptNumber, budget });
  return {
    record: next,
    effects: [
      {
        kind: "SendTurn",
        threadId: record.threadId,
        commandId: toCommandId(key, `turn:${number}`),
        messageId: toMessageId(key, number),
        purpose: "fix-forward",
        text,
      },
      toUpsert(next),
    ],
  };
}
