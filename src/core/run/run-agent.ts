// What the agent does: status lines mid-turn, the end of a turn, questions, pushes.
// The end of a turn is where the machine decides: a turn that leaves the run without
// a pushed commit, or with a red stage it did not fix, is acted on here (E1, E2).

import type { OperatorConfig } from "../config/config-types.js";
import { AGENT_SAID_MAX_CHARS, toBounded } from "./limits.js";
import { ID_MAX_CHARS } from "./limits.js";
import { escalate } from "./run-escalate.js";
import { onRed } from "./run-fix-forward.js";
import {
  isActive,
  isDeepEqual,
  isStorableId,
  toCurrentStage,
  toPendingStage,
  toSha7,
  toShown,
  unchanged,
  withPhase,
} from "./run-record.js";
import type { AgentStatus, RunRecord } from "./run-types.js";
import type { RunEvent } from "./run-event.js";
import type { Transition } from "./effect.js";

type AgentReported = Extract<RunEvent, { kind: "AgentReported" }>;
type TurnEnded = Extract<RunEvent, { kind: "TurnEnded" }>;

function toBoundedStatus(status: AgentStatus): AgentStatus {
  if (status.kind === "pushed") return { kind: "pushed", sha: toBounded(status.sha, ID_MAX_CHARS) };
  if (status.kind === "blocked") return { kind: "blocked", question: toBounded(status.question, AGENT_SAID_MAX_CHARS) };
  if (status.kind === "gave-up") return { kind: "gave-up", why: toBounded(status.why, AGENT_SAID_MAX_CHARS) };
  return status;
}

/**
 * A newer push supersedes whatever the run followed and restarts the stage chain.
 * Null when the sha is the one already followed (or is no sha the record can hold).
 */
export function toPushed(record: RunRecord, sha: string, now: number): RunRecord | null {
  if (sha === record.sha || !isStorableId(sha)) return null;
  return {
    ...withPhase(record, "pushed", `pushed ${toSha7(sha)}`, now),
    sha,
    pushedAt: now,
    stages: { ci: toPendingStage(now), deploy: null, rollout: null },
  };
}

export function transitionCommitPushed(record: RunRecord, sha: string, now: number): Transition {
  const pushed = toPushed(record, sha, now);
  return pushed === null ? unchanged(record) : toShown(pushed);
}

// Before a sha is known the agent's own reports are the only evidence of progress.
const BEFORE_PUSH: readonly string[] = ["dispatched", "tests-red", "tests-green"];

/** Mid-turn reports are stored; only a phase change is worth showing. */
export function transitionAgentReported(record: RunRecord, event: AgentReported, now: number): Transition {
  if (record.turn?.state !== "working") return unchanged(record);
  const { status } = event;
  const stored = isDeepEqual(record.agentStatus, status) ? record : { ...record, agentStatus: toBoundedStatus(status) };
  if (status.kind === "pushed") {
    const pushed = toPushed(stored, status.sha, now);
    if (pushed !== null) return toShown(pushed);
  }
  if (status.kind === "tests-red" || status.kind === "tests-green") {
    const moves = record.sha === null && BEFORE_PUSH.includes(record.phase) && record.phase !== status.kind;
    if (moves) return toShown(withPhase(stored, status.kind, `the agent reported ${status.kind}`, now));
  }
  // blocked and gave-up mid-turn are only stored: the turn's end decides.
  return { record: stored, effects: [] };
}

export function transitionQuestionAsked(
  record: RunRecord,
  event: Extract<RunEvent, { kind: "QuestionAsked" }>,
  now: number,
  config: OperatorConfig,
): Transition {
  const reason = "The agent is waiting for an answer to a question.";
  const seen = { ...record, turnSeenAt: event.seenAt ?? record.turnSeenAt };
  return escalate(seen, { cause: "agent", reason, agentSaid: event.question }, now, config);
}

/** E4: the thread is gone (deleted, archived, unknown to T3); a resumption starts over. */
export function transitionThreadLost(record: RunRecord, why: string, now: number, config: OperatorConfig): Transition {
  if (!isActive(record.phase)) return unchanged(record);
  return escalate(
    record,
    { cause: "lost", reason: `afk lost track of the agent's thread: ${why}`, agentSaid: null },
    now,
    config,
  );
}

function toNoPushReason(status: AgentStatus | null): string {
  const tail = status === null ? " and without a status line" : ` (last status: ${status.kind})`;
  return `The agent's turn ended without a pushed commit${tail}.`;
}

export function transitionTurnEnded(
  record: RunRecord,
  event: TurnEnded,
  now: number,
  config: OperatorConfig,
): Transition {
  const { turn } = record;
  if (turn === null || turn.state !== "working") return unchanged(record);
  const { status, lastMessage } = event;
  const ended: RunRecord = {
    ...record,
    turn: { ...turn, state: "ended" },
    turnSeenAt: event.seenAt ?? record.turnSeenAt,
    agentStatus: status === null ? record.agentStatus : toBoundedStatus(status),
  };
  const toAgent = (reason: string, agentSaid: string | null): Transition =>
    escalate(ended, { cause: "agent", reason, agentSaid }, now, config);
  if (event.outcome === "error") {
    const error = event.error === null || event.error.trim() === "" ? "no error message" : event.error.trim();
    return toAgent(`The agent's turn failed: ${error}`, lastMessage);
  }
  if (event.outcome === "interrupted")
    return toAgent("The agent's turn was interrupted before it finished.", lastMessage);
  if (status?.kind === "blocked") return toAgent("The agent asked a question.", status.question);
  if (status?.kind === "gave-up") return toAgent(`The agent gave up: ${status.why}`, lastMessage);
  const adopted = (status?.kind === "pushed" ? toPushed(ended, status.sha, now) : null) ?? ended;
  if (adopted.sha === null) return toAgent(toNoPushReason(status), lastMessage);
  if (turn.kind === "fix-forward" && adopted.sha === turn.sha) {
    return toAgent("The fix-forward turn ended without a new push.", lastMessage);
  }
  const stage = toCurrentStage(adopted.phase);
  const state = stage === null ? null : adopted.stages[stage];
  if (stage !== null && state?.verdict === "red")
    return onRed(adopted, stage, adopted.sha, state.failures, now, config);
  return toShown(adopted);
}
