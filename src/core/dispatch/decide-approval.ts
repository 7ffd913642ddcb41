// The task a trusted person approved (DESIGN section 4). afk runs the issue's title and
// body as they stood when a trusted person applied the ready label, never a later text:
// whoever can edit or reopen an issue cannot change the task behind its approver's back.
//
// - The first trusted application afk sees pins the task: who, their standing, when, and
//   a fingerprint of the title and body (the labeled delivery's own copy when afk got
//   one, so an edit between the label and afk's read is caught).
// - A later edit is run only when a trusted person made it (an `issues.edited` delivery
//   whose sender afk trusts re-pins) or applied the label again after it; an edit afk did
//   not see counts as untrusted.
// - A label left on from before the issue's previous run ended (closed and reopened)
//   approves nothing: a new run needs a new application.

import { createHash } from "node:crypto";
import type { Actor, Issue } from "../common/github-types.js";
import { isTerminal } from "../run/run-record.js";
import type { Approval, HoldReason, RunRecord } from "../run/run-types.js";
import type { TrustDecision } from "./dispatch-types.js";

/**
 * Two readings of one application of the label: the delivery's `updated_at` and the
 * issue event's `created_at` may differ by a second, and afk's clock stands in for a
 * delivery without one. An application this close to the pinned one is the same one.
 */
export const SAME_LABELING_MS = 30_000;

/** A hash of the task as the agent would read it: the title and the body. */
export function toTaskFingerprint(task: { readonly title: string; readonly body: string | null }): string {
  return createHash("sha256")
    .update(JSON.stringify([task.title, task.body ?? ""]))
    .digest("hex");
}

/** A trusted person's edit, from an `issues.edited` delivery: their copy of the task is re-pinned. */
export interface TrustedEdit {
  readonly by: string;
  readonly at: number;
  readonly trust: TrustDecision;
  readonly fingerprint: string;
}

export interface ApprovalInput {
  /** The issue's run record: queued, ended, or none. */
  readonly record: RunRecord | null;
  /** The issue as read now. */
  readonly issue: Issue;
  readonly labeler: Actor | null;
  /** When the ready label was applied last; null when unknown. */
  readonly labeledAt: number | null;
  readonly trust: TrustDecision;
  /** The task as the labeled delivery carried it (its fingerprint), when this decision follows one. */
  readonly labeledTask: string | null;
  /** An edit delivery's sender and their copy of the task, when this decision follows one. */
  readonly edit: TrustedEdit | null;
  readonly now: number;
}

/** The approval a dispatch runs under, and why it may not run (null: it may, as far as approval goes). */
export interface ApprovalDecision {
  readonly approval: Approval | null;
  readonly refusal: HoldReason | null;
}

const NONE: ApprovalDecision = { approval: null, refusal: null };

/** When the issue's previous run ended, for a label that must be newer. */
function toEndedAt(record: RunRecord | null): number | null {
  if (record === null) return null;
  if (isTerminal(record.phase)) return record.endedAt ?? record.history.at(-1)?.at ?? 0;
  const reason = record.phase === "queued" ? record.queuedReason : null;
  return reason?.kind === "label-stale" ? reason.endedAt : null;
}

/** The approval held, checked against the task as it reads now. */
function toChecked(approval: Approval, fingerprint: string): ApprovalDecision {
  if (approval.fingerprint === null) return { approval: { ...approval, fingerprint }, refusal: null };
  if (approval.fingerprint === fingerprint) return { approval, refusal: null };
  const refusal: HoldReason = { kind: "edited-after-approval", approvedBy: approval.by, approvedAt: approval.at };
  return { approval, refusal };
}

/** The pinned approval, moved to a trusted person's edit when one came after it. */
function toRepinned(pinned: Approval, edit: TrustedEdit | null): Approval {
  if (edit === null || !edit.trust.trusted || edit.at < pinned.at) return pinned;
  return { by: edit.by, role: edit.trust.standing, via: "edit", at: edit.at, fingerprint: edit.fingerprint };
}

export function decideApproval(input: ApprovalInput): ApprovalDecision {
  const { record, trust, labeledAt } = input;
  if (!trust.trusted) return NONE;
  const current = toTaskFingerprint(input.issue);
  const pinned = record?.phase === "queued" ? record.approval : null;
  const endedAt = toEndedAt(record);
  if (endedAt !== null && (labeledAt === null || labeledAt <= endedAt))
    return { approval: null, refusal: { kind: "label-stale", endedAt } };
  // A retry from scratch: afk's own label stands in for the Slack user's approval of the same task.
  if (trust.standing === "slack") return pinned === null ? NONE : toChecked(pinned, current);
  if (pinned !== null && (labeledAt === null || labeledAt <= pinned.at + SAME_LABELING_MS))
    return toChecked(toRepinned(pinned, input.edit), current);
  if (input.labeler === null) return NONE;
  const at = labeledAt ?? input.now;
  const approval: Approval = {
    by: input.labeler.login,
    role: trust.standing,
    via: "label",
    at,
    fingerprint: input.labeledTask ?? current,
  };
  return toChecked(toRepinned(approval, input.edit), current);
}
