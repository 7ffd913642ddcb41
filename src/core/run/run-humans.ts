// What people do to a run: answer (resume), retry from scratch, cancel, take over,
// and the doorbell's own coordinates. These outrank every observation (the caller
// handles them before the budgets and the agent's news).

import type { OperatorConfig } from "../config/config-types.js";
import { toCommandId, toThreadId } from "./ids.js";
import { COMMENTERS_MAX, RELAY_TEXT_MAX_CHARS, RESUMPTIONS_MAX, SHORT_TEXT_MAX_CHARS, toBounded } from "./limits.js";
import { toTurnEffect } from "./turn-text.js";
import { toInterrupted } from "./run-escalate.js";
import { UNDISPATCHED } from "./run-start.js";
import {
  isDeepEqual,
  isFreshOnResume,
  isStorableId,
  toBoundedApproval,
  toCurrentStage,
  toKey,
  toLogin,
  toShown,
  toUpsert,
  unchanged,
  withPhase,
  withStage,
} from "./run-record.js";
import type { Effect, Transition } from "./effect.js";
import type { Commenter, Phase, RunRecord } from "./run-types.js";
import type { RunEvent } from "./run-event.js";
import { renderRelayAck } from "../render/render-doorbell.js";

type HumanResumed = Extract<RunEvent, { kind: "HumanResumed" }>;

function toBoundedCommenters(commenters: readonly Commenter[]): Commenter[] {
  return commenters.slice(0, COMMENTERS_MAX).map((commenter) => ({
    ...commenter,
    login: toLogin(commenter.login),
    standing: toBounded(commenter.standing, SHORT_TEXT_MAX_CHARS),
  }));
}

type Cancelled = Extract<RunEvent, { kind: "Cancelled" }>;
type DoorbellRung = Extract<RunEvent, { kind: "DoorbellRung" }>;

/** A fresh leg: fresh budgets, the waiting stage's clock restarted, the answer sent. */
export function transitionResumed(
  record: RunRecord,
  event: HumanResumed,
  now: number,
  config: OperatorConfig,
): Transition {
  const { escalation } = record;
  if (record.phase !== "escalated" || escalation === null) return unchanged(record);
  // The thread is gone, or T3 never took it: nothing can carry on in it, so start over.
  if (isFreshOnResume(escalation.cause)) return transitionRetried(record, event.by, now, config);
  const by = toLogin(event.by);
  const number = record.turns + 1;
  const text = event.text?.trim() ?? "";
  const relay = text !== "";
  let resumed: RunRecord = {
    ...withPhase(record, escalation.resumeTo, `resumed by ${by} via ${event.via}`, now),
    escalation: null,
    doorbellFailure: null,
    legStartedAt: now,
    fixForwards: 0,
    resumptions: [...record.resumptions, { by, via: event.via, at: now }].slice(-RESUMPTIONS_MAX),
    turns: number,
    turn: {
      number,
      kind: event.via === "slack" ? "relay" : "resume",
      state: "working",
      startedAt: now,
      sha: record.sha,
      relayText: relay ? toBounded(text, RELAY_TEXT_MAX_CHARS) : null,
      ...(event.commenters === undefined ? {} : { commenters: toBoundedCommenters(event.commenters) }),
    },
    approval: toBoundedApproval(event.approval ?? null) ?? record.approval,
  };
  const stage = toCurrentStage(escalation.resumeTo);
  const state = stage === null ? null : resumed.stages[stage];
  if (stage !== null && state?.verdict === "pending")
    resumed = withStage(resumed, stage, { ...state, since: now, blockedSince: null });
  const turn = toTurnEffect(resumed);
  // The record first (a crash after it resends the turn from the record), then the lock
  // and ready labels before the human label comes off, then the turn and the thanks.
  const effects: Effect[] = [
    toUpsert(resumed),
    { kind: "AddLabels", labels: [config.labels.inProgress, config.labels.ready] },
    { kind: "RemoveLabels", labels: [config.labels.human] },
    ...(turn === null ? [] : [turn]),
  ];
  if (event.via === "slack" && record.doorbell !== null) {
    const { channel, ts } = record.doorbell;
    effects.push({ kind: "ReplyInDoorbellThread", channel, threadTs: ts, text: renderRelayAck() });
  }
  return { record: resumed, effects };
}

/** A new attempt: new thread, new ids, everything of the old attempt but the doorbell dropped. */
export function transitionRetried(
  record: RunRecord,
  requestedBy: string,
  now: number,
  config: OperatorConfig,
): Transition {
  if (record.phase !== "escalated") return unchanged(record);
  const by = toLogin(requestedBy);
  const stopped = toStopped(record);
  const attempt = record.attempt + 1;
  const retried: RunRecord = {
    ...withPhase(stopped.record, "queued", `retry from scratch requested by ${by}: attempt ${attempt}`, now),
    attempt,
    threadId: toThreadId({ ...toKey(record), attempt }),
    labeler: by,
    // The same task, approved again by a person allowed to steer agents.
    approval: { by, role: "slack", via: "retry", at: now, fingerprint: record.approval?.fingerprint ?? null },
    ...UNDISPATCHED,
  };
  const note = `Retry from scratch requested by ${by}`;
  return toEnded(retried, stopped.effects, [config.labels.human], note, [config.labels.ready]);
}

/**
 * The agent of a run that ends or starts over is stopped: a working turn is interrupted. A
 * run escalated because a time budget ran out was interrupted by its escalation, unless afk
 * died between writing the escalation and the interrupt: the same interrupt is sent again
 * (T3 answers a repeated command id with its first result), so no agent works on for a run
 * that ended. Other escalations came after the agent's turn had ended.
 */
function toStopped(record: RunRecord): { readonly record: RunRecord; readonly effects: readonly Effect[] } {
  const stopped = toInterrupted(record);
  const { turn, escalation } = record;
  if (stopped.effects.length > 0 || record.phase !== "escalated" || turn === null) return stopped;
  if (escalation?.cause !== "time-budget") return stopped;
  const commandId = toCommandId(toKey(record), `interrupt:${turn.number}`);
  return { record, effects: [{ kind: "InterruptTurn", threadId: record.threadId, commandId }] };
}

/**
 * Effects of a run leaving its agent: the record first, labels added, the agent stopped
 * before afk's labels come off (dying before either leaves an issue a restart finds by a
 * label of afk's, with an agent that may still work: the restart stops it first), the
 * doorbell told, then the repo freed.
 */
function toEnded(
  record: RunRecord,
  stop: readonly Effect[],
  remove: readonly string[],
  note: string,
  add: readonly string[] = [],
): Transition {
  const effects: Effect[] = [toUpsert(record)];
  if (add.length > 0) effects.push({ kind: "AddLabels", labels: add });
  effects.push(...stop, { kind: "RemoveLabels", labels: remove });
  if (record.doorbell !== null) effects.push({ kind: "UpdateDoorbell", record, note });
  // A retry made the issue ready again: it is dispatched now, queued or not.
  effects.push({ kind: "ReconcileRepo", repo: record.repo, whenQueued: add.length === 0 });
  return { record, effects };
}

function toFinal(record: RunRecord, phase: Phase, note: string, now: number): RunRecord {
  return { ...withPhase(record, phase, note, now), endedAt: now };
}

export function transitionCancelled(
  record: RunRecord,
  event: Cancelled,
  now: number,
  config: OperatorConfig,
): Transition {
  const what = event.why === "label-removed" ? `the ${config.labels.ready} label was removed` : "the issue was closed";
  const note = `Cancelled: ${what}${event.by === null ? "" : ` by ${toLogin(event.by)}`}`;
  const { labels } = config;
  // A queued run holds no agent and no lock: only the comment has something to say, and,
  // for a retry's run, the human label afk may not have taken off yet (it died half-way).
  if (record.phase === "queued") {
    const final = toFinal(record, "cancelled", note, now);
    if (record.approval?.via !== "retry") return toShown(final);
    return { record: final, effects: [toUpsert(final), { kind: "RemoveLabels", labels: [labels.human] }] };
  }
  const stopped = toStopped(record);
  return toEnded(
    toFinal(stopped.record, "cancelled", note, now),
    stopped.effects,
    [labels.inProgress, labels.human],
    note,
  );
}

export function transitionTakenOver(
  record: RunRecord,
  takenBy: string,
  now: number,
  config: OperatorConfig,
  readyAgain = false,
): Transition {
  const note = `Taken over by ${toLogin(takenBy)}`;
  const stopped = toStopped(record);
  const { labels } = config;
  const takenOver = toFinal(stopped.record, "taken-over", note, now);
  const off = readyAgain ? [labels.inProgress, labels.human] : [labels.ready, labels.inProgress, labels.human];
  return toEnded(takenOver, stopped.effects, off, note);
}

export function transitionDoorbellRung(record: RunRecord, event: DoorbellRung): Transition {
  const doorbell = { channel: event.channel, ts: event.ts };
  const known = isDeepEqual(record.doorbell, doorbell) || !isStorableId(doorbell.channel) || !isStorableId(doorbell.ts);
  return known ? unchanged(record) : toShown({ ...record, doorbell, doorbellFailure: null });
}
