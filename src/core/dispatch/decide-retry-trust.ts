// "Retry from scratch" is pressed in the doorbell by an allowed Slack user; afk then
// re-applies the ready label itself, so the latest labeler is afk's own bot. The queued
// attempt's approval says who asked: only afk's label (a Bot) may stand in for theirs,
// and only for the attempt the retry queued.

import type { TrustDecision } from "./dispatch-types.js";
import type { Actor } from "../common/github-types.js";
import type { RunRecord } from "../run/run-types.js";

export function toRetryTrust(record: RunRecord | null, labeler: Actor | null): TrustDecision | null {
  if (record === null || record.phase !== "queued" || record.attempt < 2) return null;
  if (labeler === null || labeler.type !== "Bot") return null;
  const approval = record.approval;
  if (approval === null || approval.via !== "retry") return null;
  return { trusted: true, why: `a retry from scratch requested by ${approval.by}`, standing: "slack" };
}
