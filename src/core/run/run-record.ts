// Small record helpers shared by the run machine's files: phase changes with their
// history, the bounds of limits.ts, and the "nothing changed" transition.

import { assertNever } from "../common/assert-never.js";
import { type RunKey } from "./ids.js";
import {
  DETAIL_MAX_CHARS,
  FAILURE_LOG_MAX_CHARS,
  FAILURE_NAME_MAX_CHARS,
  FAILURE_SUMMARY_MAX_CHARS,
  FAILURES_MAX,
  HISTORY_MAX,
  LOGIN_MAX_CHARS,
  NOTE_MAX_CHARS,
  URL_MAX_CHARS,
  toBounded,
} from "./limits.js";
import { BLOCKERS_MAX, ID_MAX_CHARS, REASON_MAX_CHARS, SHORT_TEXT_MAX_CHARS } from "./limits.js";
import {
  ACTIVE_PHASES,
  TERMINAL_PHASES,
  type ActivePhase,
  type Approval,
  type CheckFailure,
  type Phase,
  type QueuedReason,
  type RunRecord,
  type Stage,
  type StageState,
} from "./run-types.js";
import { type Effect, type Transition } from "./effect.js";
import { toShortSha } from "../common/text.js";

export function isTerminal(phase: Phase): boolean {
  return (TERMINAL_PHASES as readonly Phase[]).includes(phase);
}

export function isActive(phase: Phase): phase is ActivePhase {
  return (ACTIVE_PHASES as readonly Phase[]).includes(phase);
}

export function toKey(record: RunRecord): RunKey {
  return { installationId: record.installationId, repo: record.repo, issue: record.issue, attempt: record.attempt };
}

/** The same record object and no effects: the shell writes nothing. */
export function unchanged(record: RunRecord): Transition {
  return { record, effects: [] };
}

export function toUpsert(record: RunRecord): Effect {
  return { kind: "UpsertProgressComment", record };
}

/** A change a human should see on the issue, and nothing else. */
export function toShown(record: RunRecord): Transition {
  return { record, effects: [toUpsert(record)] };
}

/** Change the phase and remember it in the bounded history. */
export function withPhase(record: RunRecord, phase: Phase, note: string, now: number): RunRecord {
  const entry = { at: now, phase, note: toBounded(note, NOTE_MAX_CHARS) };
  return { ...record, phase, history: [...record.history, entry].slice(-HISTORY_MAX) };
}

export function toBoundedOrNull(text: string | null, max: number): string | null {
  return text === null ? null : toBounded(text, max);
}

/** Trimmed and bounded; empty text is no text. */
export function toSaid(text: string | null, max: number): string | null {
  const trimmed = text?.trim() ?? "";
  return trimmed === "" ? null : toBounded(trimmed, max);
}

export function toLogin(login: string): string {
  return toBounded(login, LOGIN_MAX_CHARS);
}

/** A log's END is what explains a failure, so a long tail keeps its last characters. */
function toBoundedTail(text: string, max: number): string {
  return text.length <= max ? text : `…${text.slice(text.length - max + 1)}`;
}

export function toBoundedFailures(failures: readonly CheckFailure[]): CheckFailure[] {
  return failures.slice(0, FAILURES_MAX).map((failure) => ({
    name: toBounded(failure.name, FAILURE_NAME_MAX_CHARS),
    conclusion: toBounded(failure.conclusion, SHORT_TEXT_MAX_CHARS),
    summary: toBoundedOrNull(failure.summary, FAILURE_SUMMARY_MAX_CHARS),
    url: toBoundedOrNull(failure.url, URL_MAX_CHARS),
    logTail: failure.logTail === null ? null : toBoundedTail(failure.logTail, FAILURE_LOG_MAX_CHARS),
  }));
}

export function toUrl(url: string | null): string | null {
  return toBoundedOrNull(url, URL_MAX_CHARS);
}

export function toDetail(detail: string | null): string | null {
  return toBoundedOrNull(detail, DETAIL_MAX_CHARS);
}

export function toPendingStage(now: number): StageState {
  return { verdict: "pending", since: now, url: null, detail: null, blockedSince: null, seenAny: false, failures: [] };
}

/** The stage whose outcome the run waits on in this phase, if any. */
export function toCurrentStage(phase: Phase): Stage | null {
  if (phase === "pushed" || phase === "ci") return "ci";
  if (phase === "deploying") return "deploy";
  if (phase === "rolling-out") return "rollout";
  return null;
}

export function withStage(record: RunRecord, stage: Stage, state: StageState): RunRecord {
  return { ...record, stages: { ...record.stages, [stage]: state } };
}

/**
 * Shas, Slack channels and timestamps are identifiers: cut, they would name something
 * else, so one the record cannot hold is not taken at all.
 */
export function isStorableId(id: string): boolean {
  return id.length > 0 && id.length <= ID_MAX_CHARS;
}

/** An approval within the record's bounds (a Slack name can be long). */
export function toBoundedApproval(approval: Approval | null): Approval | null {
  return approval === null ? null : { ...approval, by: toLogin(approval.by) };
}

/** A queued reason within the record's bounds (a very long blocker list, a long problem, is cut). */
export function toBoundedReason(reason: QueuedReason): QueuedReason {
  switch (reason.kind) {
    case "blocked":
      return { ...reason, by: reason.by.slice(0, BLOCKERS_MAX), unreadable: reason.unreadable.slice(0, BLOCKERS_MAX) };
    case "labeler-untrusted":
      return {
        ...reason,
        labeler: reason.labeler === null ? null : toLogin(reason.labeler),
        why: toBounded(reason.why, REASON_MAX_CHARS),
        standing: toBounded(reason.standing, SHORT_TEXT_MAX_CHARS),
        obeys: reason.obeys.slice(0, 8).map((role) => toBounded(role, SHORT_TEXT_MAX_CHARS)),
      };
    case "edited-after-approval":
      return { ...reason, approvedBy: toLogin(reason.approvedBy) };
    case "repo-config-invalid":
      return { ...reason, problems: toBounded(reason.problems, REASON_MAX_CHARS) };
    case "repo-busy":
    case "cap-reached":
    case "label-stale":
      return reason;
    default:
      return assertNever(reason);
  }
}

export function toSha7(sha: string | null): string {
  return sha === null ? "(no commit)" : toShortSha(sha);
}

/** Structural equality of plain data (records, events): no classes, no cycles. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key) =>
      Object.hasOwn(b, key) && isDeepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
