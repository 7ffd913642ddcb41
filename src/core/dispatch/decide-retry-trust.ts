// "Retry from scratch" is pressed in the doorbell by an allowed Slack user; afk then
// re-applies the ready label itself, so the latest labeler is afk's own bot. The queued
// attempt's record is the approval: the attempt it names was requested by a person
// allowed to steer agents, and only afk's label (a Bot) may stand in for theirs.

import type { TrustDecision } from "./dispatch-types.js";
import { RETRY_NOTE_PREFIX } from "../run/run-humans.js";
import type { Actor } from "../common/github-types.js";
import type { RunRecord } from "../run/run-types.js";

export function toRetryTrust(record: RunRecord | null, labeler: Actor | null): TrustDecision | null {
  if (record === null || record.phase !== "queued" || record.attempt < 2) return null;
  if (labeler === null || labeler.type !== "Bot") return null;
  const queued = [...record.history].reverse().find((entry) => entry.phase === "queued");
  if (
    queued === undefined ||
    !queued.note.startsWith(RETRY_NOTE_PREFIX) ||
    !queued.note.endsWith(`: attempt ${record.attempt}`)
  )
    return null;
  return {
    trusted: true,
    why: `a retry from scratch ${queued.note.slice("retry from scratch ".length, queued.note.lastIndexOf(":"))}`,
  };
}
