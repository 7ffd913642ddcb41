// Whether a doorbell speaks for the run its issue has now. A doorbell's metadata names the
// run's repo, issue AND attempt; the issue's run may since have moved on to another attempt
// (the old one ended, a new one rang its own doorbell). A reply or a press in the thread of
// an earlier attempt's doorbell must not steer the current attempt: the person answered a
// question that run asked, not this one. They are told so, once, and nothing else happens.

import type { RunRecord } from "../run/run-types.js";
import { renderEarlierAttemptNotice, type SlackAct } from "../render/slack-notices.js";

export interface DoorbellRunInput {
  /** The attempt the doorbell's metadata names; null when the run index matched the doorbell itself. */
  readonly attempt: number | null;
  readonly channel: string;
  /** The doorbell message's ts. */
  readonly ts: string;
  readonly act: SlackAct;
  /** The issue's run as afk holds it now. */
  readonly record: RunRecord;
}

export type DoorbellRunVerdict =
  { readonly kind: "act" } | { readonly kind: "tell"; readonly text: string; readonly why: string };

export function decideDoorbellRun(input: DoorbellRunInput): DoorbellRunVerdict {
  const { attempt, record } = input;
  if (attempt === null || attempt === record.attempt) return { kind: "act" };
  // A retry from scratch keeps the doorbell it was asked from: that doorbell is this run's now.
  const own = record.doorbell;
  if (own !== null && own.channel === input.channel && own.ts === input.ts) return { kind: "act" };
  return {
    kind: "tell",
    text: renderEarlierAttemptNotice(record.repo, record.issue, attempt, input.act),
    why: `the doorbell rang for attempt ${attempt}; the issue's run is attempt ${record.attempt}`,
  };
}
