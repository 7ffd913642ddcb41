// The turn a run's record says is working, as the SendTurn effect that started it. A
// transition and a resend after a crash (afk died between writing the record and sending
// the turn) build the same command, with the same id, so T3 runs it once.

import { renderFixForwardPrompt, renderRelayPrompt, renderResumePrompt } from "../render/prompts.js";
import type { Effect } from "./effect.js";
import { toCommandId, toMessageId } from "./ids.js";
import { toCurrentStage, toKey } from "./run-record.js";
import type { RunRecord } from "./run-types.js";

export type SendTurn = Extract<Effect, { kind: "SendTurn" }>;

/** The SendTurn of the record's working turn; null for none, or for the opening turn (dispatch heals that). */
export function toTurnEffect(record: RunRecord): SendTurn | null {
  const { turn } = record;
  if (turn === null || turn.state !== "working" || turn.kind === "opening") return null;
  const key = toKey(record);
  const human = turn.kind === "relay" || turn.kind === "resume";
  return {
    kind: "SendTurn",
    threadId: record.threadId,
    commandId: toCommandId(key, `turn:${turn.number}`),
    messageId: toMessageId(key, turn.number),
    purpose: human ? (turn.relayText === null ? "resume" : "relay") : turn.kind,
    text: human ? toHumanText(record, turn.relayText) : toFixForwardText(record),
  };
}

/** A person's answer relayed, or the "re-read the issue" turn when they only said "go on". */
function toHumanText(record: RunRecord, relayText: string | null): string {
  const last = record.resumptions.at(-1);
  const by = last?.by ?? "a person";
  if (relayText === null) {
    const role = record.approval?.by === by ? ` (${record.approval.role})` : "";
    return renderResumePrompt({ issueNumber: record.issue, by: `${by}${role}`, commenters: record.turn?.commenters });
  }
  return renderRelayPrompt({ from: by, via: last?.via ?? "slack", text: relayText });
}

function toFixForwardText(record: RunRecord): string {
  const { turn } = record;
  const stage = toCurrentStage(record.phase) ?? "ci";
  const state = record.stages[stage];
  return renderFixForwardPrompt({
    stage,
    sha: turn?.sha ?? record.sha ?? "",
    failures: state?.failures ?? [],
    detail: state?.detail ?? null,
    attemptNumber: record.fixForwards,
    budget: record.repoConfig.budgets.fixForwardTurns,
  });
}
