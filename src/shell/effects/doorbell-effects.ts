// The effects in Slack (DESIGN section 8): ring the doorbell or update it in place, reply
// in its thread, and the optional "shipped" announcement.

import { MINUTE_MS } from "../../core/common/time.js";
import { renderDoorbell, renderShippedAnnouncement } from "../../core/render/render-doorbell.js";
import type { Effect } from "../../core/run/effect.js";
import type { RunRecord } from "../../core/run/run-types.js";
import { findRunDoorbell } from "../../core/slack/decide-slack.js";
import { describeError } from "../../ports/result.js";
import { errorFields } from "../log.js";
import { fromPort, OK, type DoorbellChannel, type EffectDeps, type Step } from "./effect-step.js";

/** How far before the escalation afk looks for a doorbell it may have posted (clocks differ). */
export const DOORBELL_LOOKBACK_MS = 5 * MINUTE_MS;

/**
 * Posts the doorbell, or updates it in place when the record already names one. With
 * `mayHaveRung`, a doorbell an earlier try posted unseen is looked for first and adopted.
 */
export async function ringDoorbell(
  record: RunRecord,
  note: string | null,
  deps: EffectDeps,
  mayHaveRung = false,
): Promise<Step> {
  if (deps.doorbell === null) {
    deps.log.info({}, "no Slack doorbell configured; the issue carries the escalation");
    return OK;
  }
  if (record.doorbell === null && mayHaveRung) {
    const earlier = await findEarlierDoorbell(record, deps.doorbell, deps);
    if (earlier !== null) return earlier;
  }
  // The record keeps no title: read it (one call per ring; without it the doorbell still rings).
  const issue = await deps.issues.getIssue(record.repo, record.issue);
  const rendered = renderDoorbell(record, {
    githubUrl: deps.render.githubUrl,
    t3BaseUrl: deps.config.t3.baseUrl,
    issueTitle: issue.ok ? issue.value.title : null,
    note,
  });
  const { port, channel } = deps.doorbell;
  if (record.doorbell !== null) {
    const { channel: ringing, ts } = record.doorbell;
    const updated = await port.updateDoorbell({ channel: ringing, ts, text: rendered.text, blocks: rendered.blocks });
    // The doorbell rang already: a stale message is no reason to redo what the run did.
    if (!updated.ok)
      deps.log.warn(
        errorFields(updated.error),
        `could not update the doorbell (${describeError(updated.error)}); it keeps its last words`,
      );
    return OK;
  }
  const posted = await port.postDoorbell({
    channel,
    text: rendered.text,
    blocks: rendered.blocks,
    metadata: rendered.metadata,
  });
  if (posted.ok)
    return { ok: true, followUp: { kind: "DoorbellRung", channel: posted.value.channel, ts: posted.value.ts } };
  // A doorbell that cannot ring must not repeat the escalation: the run records why, and
  // the doorbell is tried again on its own, with backoff (core/run/converge.ts).
  deps.log.warn(
    errorFields(posted.error),
    `could not ring the doorbell (${describeError(posted.error)}); afk tries again with backoff`,
  );
  return { ok: true, followUp: { kind: "DoorbellFailed", reason: describeError(posted.error) } };
}

/** The doorbell an earlier try posted, as its DoorbellRung; a failed look is a failed ring (tried again later). */
async function findEarlierDoorbell(
  record: RunRecord,
  doorbell: DoorbellChannel,
  deps: EffectDeps,
): Promise<Step | null> {
  const { port, channel } = doorbell;
  // Since this escalation, or since the dispatch when an earlier escalation of the attempt may have rung.
  const since = record.resumptions.length > 0 ? record.dispatchedAt : null;
  const oldestMs = (since ?? record.escalation?.at ?? deps.clock()) - DOORBELL_LOOKBACK_MS;
  const listed = await port.listDoorbells({ channel, oldestMs });
  if (!listed.ok) {
    deps.log.warn(
      errorFields(listed.error),
      `could not look for a doorbell posted earlier (${describeError(listed.error)}); afk tries again with backoff`,
    );
    return { ok: true, followUp: { kind: "DoorbellFailed", reason: describeError(listed.error) } };
  }
  const found = findRunDoorbell(listed.value, record);
  if (found === null) return null;
  deps.log.info({ ts: found.ts }, "found the doorbell an earlier try posted; not posting another");
  return { ok: true, followUp: { kind: "DoorbellRung", channel, ts: found.ts } };
}

export async function replyInThread(
  effect: Extract<Effect, { kind: "ReplyInDoorbellThread" }>,
  deps: EffectDeps,
): Promise<Step> {
  if (deps.doorbell === null) return OK;
  const { channel, threadTs, text } = effect;
  return fromPort(
    await deps.doorbell.port.replyInThread({ channel, threadTs, text }),
    "replying in the doorbell thread",
  );
}

export async function announceShipped(record: RunRecord, deps: EffectDeps): Promise<Step> {
  if (deps.doorbell === null) return OK;
  const posted = await deps.doorbell.port.postMessage({
    channel: deps.doorbell.channel,
    text: renderShippedAnnouncement(record, deps.render.githubUrl),
  });
  // A lost announcement is no reason to redo the ship: say so and go on.
  if (!posted.ok)
    deps.log.warn(
      errorFields(posted.error),
      `could not announce the ship in Slack (${describeError(posted.error)}); the run stays shipped`,
    );
  return OK;
}
