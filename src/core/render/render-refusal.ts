// Why afk will not start a ready issue (DESIGN section 4), in words for the issue and the
// status page: who applied the label and why afk does not obey them, a label left over
// from an ended run, a task edited after its approval, an unusable repo file. Said once.

import type { Approval, QueuedReason } from "../run/run-types.js";
import { assertNever } from "../common/assert-never.js";
import { toIsoTime } from "./render-time.js";

export type Refusal = Extract<
  QueuedReason,
  { kind: "labeler-untrusted" | "label-stale" | "edited-after-approval" | "repo-config-invalid" }
>;

/** `A`, `A or B`, `A, B or C`. */
function toAlternatives(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items.at(-1) ?? ""}`;
}

function toObeys(obeys: readonly string[]): string {
  const also = "the owner of a user-owned repository and the bots on afk's trusted list";
  return obeys.length === 0
    ? `afk obeys no repository role here, only ${also}`
    : `afk obeys people with the ${toAlternatives(obeys)} role on this repository, ${also}`;
}

function renderUntrusted(reason: Extract<Refusal, { kind: "labeler-untrusted" }>, escape: Escape): string {
  const who = reason.labeler === null ? "someone afk cannot identify" : escape(`@${reason.labeler}`);
  return `not started: the ready label was applied by ${who} (${escape(reason.standing)}), and ${toObeys(reason.obeys)}; one of them must apply it`;
}

type Escape = (text: string) => string;

export function renderRefusal(reason: Refusal, escape: Escape): string {
  switch (reason.kind) {
    case "labeler-untrusted":
      return renderUntrusted(reason, escape);
    case "label-stale":
      return `not started: the ready label was applied before the previous run ended (${toIsoTime(reason.endedAt)}); a new run needs the label applied again (remove it, then add it)`;
    case "edited-after-approval":
      return `not started: the title or body was edited after ${escape(`@${reason.approvedBy}`)} approved the task (${toIsoTime(reason.approvedAt)}), and afk cannot tell that a trusted person made the edit; a trusted person must apply the ready label again (remove it, then add it) to approve the new text`;
    case "repo-config-invalid":
      return `not started: .github/afk.yml on the default branch cannot be used: ${escape(reason.problems)}; fix the file and afk tries again`;
    default:
      return assertNever(reason);
  }
}

const VIA_WORDS: Record<Approval["via"], string> = {
  label: "applied the ready label",
  retry: "asked in Slack to retry from scratch",
  edit: "edited the issue",
};

/** `Approved by @alice (admin), who applied the ready label, at …`: whose task the agent runs. */
export function renderApprovalLine(approval: Approval, escape: Escape): string {
  const who = escape(approval.role === "slack" ? approval.by : `@${approval.by}`);
  const role = approval.role === "slack" ? "allowed Slack user" : approval.role;
  return `**Approved by** ${who} (${role}), who ${VIA_WORDS[approval.via]}, at ${toIsoTime(approval.at)}.`;
}
