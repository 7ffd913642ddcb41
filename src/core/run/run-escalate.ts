// Escalation (DESIGN section 2, side exit "escalated"): the run rests until a human
// answers. The record says so first, then the labels hand the issue to people, the agent
// is stopped, and someone is notified (once).

import type { OperatorConfig } from "../config/config-types.js";
import { toCommandId } from "./ids.js";
import { AGENT_SAID_MAX_CHARS, REASON_MAX_CHARS, toBounded } from "./limits.js";
import { renderEscalationNotice, toNoticeMarker } from "../render/run-notices.js";
import { isActive, toKey, toSaid, toUpsert, withPhase } from "./run-record.js";
import type { ActivePhase, EscalationCause, RunRecord } from "./run-types.js";
import type { Effect, Transition } from "./effect.js";
import type { RepoName } from "../common/github-types.js";
import { newRun } from "./run-start.js";

/** Stop a working turn (T3 answers a repeated interrupt id with the first result). */
export function toInterrupted(record: RunRecord): { readonly record: RunRecord; readonly effects: readonly Effect[] } {
  const { turn } = record;
  if (turn === null || turn.state !== "working") return { record, effects: [] };
  const commandId = toCommandId(toKey(record), `interrupt:${turn.number}`);
  return {
    record: { ...record, turn: { ...turn, state: "ended" } },
    effects: [{ kind: "InterruptTurn", threadId: record.threadId, commandId }],
  };
}

export interface EscalationInput {
  readonly cause: EscalationCause;
  readonly reason: string;
  readonly agentSaid: string | null;
}

export function escalate(record: RunRecord, input: EscalationInput, now: number, config: OperatorConfig): Transition {
  // Callers escalate from active phases; a record resting elsewhere resumes from the start.
  const resumeTo: ActivePhase = isActive(record.phase) ? record.phase : "dispatched";
  const reason = toBounded(input.reason, REASON_MAX_CHARS);
  const stopped = toInterrupted(record);
  const escalated: RunRecord = {
    ...withPhase(stopped.record, "escalated", `escalated: ${reason}`, now),
    escalation: {
      cause: input.cause,
      reason,
      agentSaid: toSaid(input.agentSaid, AGENT_SAID_MAX_CHARS),
      at: now,
      resumeTo,
    },
  };
  const { labels } = config;
  const marker = toNoticeMarker("escalated", escalated, now);
  // The record first, then the human label before the others come off: dying after any
  // of these leaves an issue carrying one of afk's labels, which a restart finds.
  const effects: Effect[] = [
    toUpsert(escalated),
    { kind: "AddLabels", labels: [labels.human] },
    { kind: "RemoveLabels", labels: [labels.ready, labels.inProgress] },
    ...stopped.effects,
  ];
  if (record.closedByCommit !== null) effects.push({ kind: "ReopenIssue" });
  effects.push({ kind: "PostNotice", marker, body: `${renderEscalationNotice(escalated, reason)}\n\n${marker}` });
  // An earlier escalation of this attempt may have rung unseen (its post landed, its answer
  // was lost): that doorbell is looked for and updated, not a second one posted.
  const mayHaveRung = escalated.doorbell === null && escalated.resumptions.length > 0;
  if (config.slack !== null) effects.push({ kind: "RingDoorbell", record: escalated, mayHaveRung });
  return { record: escalated, effects };
}

export interface LostInput {
  readonly repo: RepoName;
  readonly issue: number;
  readonly installationId: number;
  readonly attempt: number;
  readonly now: number;
  readonly config: OperatorConfig;
  readonly why: string;
}

/** E4 for a record that failed to decode: afk does not guess at it, it asks a human. */
export function escalateLost(input: LostInput): Transition {
  const fresh = { ...newRun({ ...input, labeler: null }), history: [] };
  const reason = `afk could not read its run record for this issue: ${input.why}`;
  return escalate(fresh, { cause: "lost", reason, agentSaid: null }, input.now, input.config);
}
