// What afk does with Slack (DESIGN section 8): an allowed person's reply in a doorbell
// thread is relayed to the agent; the doorbell's buttons take a run over or retry it from
// scratch. Who may do what, and whether afk acts on the run's repo now, is the core's
// decision (core/slack/decide-slack.ts, core/slack/decide-doorbell-gate.ts); outside a
// doorbell's thread afk says nothing to anyone.

import { assertNever } from "../core/common/assert-never.js";
import { RELAYED_REACTION, type SlackAct } from "../core/render/slack-notices.js";
import type { RunEvent } from "../core/run/run-event.js";
import { decideDoorbellAct } from "../core/slack/decide-doorbell-gate.js";
import { decideDoorbellRun } from "../core/slack/decide-doorbell-run.js";
import { decideDoorbellPress, decideSlackMessage, type SlackMessageEvent } from "../core/slack/decide-slack.js";
import type { Doorbell } from "../ports/doorbell.js";
import { describeError } from "../ports/result.js";
import { advanceRun } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import { findDoorbell, loadDoorbellRun, type FoundDoorbell } from "./find-doorbell.js";
import { errorFields } from "./log.js";
import { toRunDeps } from "./run-deps.js";
import { StepError } from "./step-error.js";

/** A press of a doorbell button, as the Slack receiver reports it. */
export interface DoorbellPress {
  readonly actionId: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly messageTs: string;
}

/** Where a person acted: the doorbell's thread (a reply) or the doorbell itself (a press). */
interface SlackPlace {
  readonly channel: string;
  /** The doorbell's ts: the thread a reply is in, or the message whose button was pressed. */
  readonly doorbellTs: string;
  readonly user: string;
  readonly allowed: boolean;
  readonly act: SlackAct;
}

/** A message in Slack: an allowed person's reply in a doorbell thread is relayed to the agent. */
export async function onSlackMessage(afk: AfkService, event: SlackMessageEvent): Promise<void> {
  const slack = afk.config.slack;
  const doorbell = afk.deps.doorbell;
  // The kill switch: no outbound request at all, not even a Slack read (DESIGN 1.5).
  if (slack === null || doorbell === null || afk.config.killSwitch) return;
  const decision = decideSlackMessage(event, slack.allowedUsers, slack.channel);
  if (decision.kind === "ignore") return void afk.log.debug({ why: decision.why }, "Slack message ignored");
  const { channel, threadTs, user } = decision;
  const place: SlackPlace = { channel, doorbellTs: threadTs, user, allowed: decision.kind === "relay", act: "reply" };
  const found = await toActionableDoorbell(afk, doorbell, place);
  if (found === null || decision.kind !== "relay") return;
  const resumed: RunEvent = { kind: "HumanResumed", by: decision.user, via: "slack", text: decision.text };
  await onDoorbell(afk, { found, place, doorbell }, resumed, async () => {
    const reacted = await doorbell.addReaction({ channel, ts: decision.ts, name: RELAYED_REACTION });
    if (!reacted.ok)
      afk.log.warn(
        errorFields(reacted.error),
        `could not react to the relayed reply (${describeError(reacted.error)}); the reply was relayed all the same`,
      );
  });
}

/** A doorbell button: "Take over" or "Retry from scratch". */
export async function onDoorbellPress(afk: AfkService, press: DoorbellPress): Promise<void> {
  const slack = afk.config.slack;
  const doorbell = afk.deps.doorbell;
  if (slack === null || doorbell === null || afk.config.killSwitch) return;
  const decision = decideDoorbellPress(press.actionId, press.user.id, slack.allowedUsers);
  if (decision.kind === "ignore") return;
  const allowed = decision.kind === "steer";
  const place: SlackPlace = {
    channel: press.channel,
    doorbellTs: press.messageTs,
    user: press.user.id,
    allowed,
    act: "press",
  };
  const found = await toActionableDoorbell(afk, doorbell, place);
  if (found === null || !allowed) return;
  const by = press.user.name;
  const event: RunEvent = decision.action === "take-over" ? { kind: "TakenOver", by } : { kind: "RetryRequested", by };
  await onDoorbell(afk, { found, place, doorbell }, event, async () => {});
}

/**
 * Finds the doorbell, and the core decides: the run found when afk may act on it; null
 * when afk does nothing, or tells the person (once, only them) why it does not.
 */
async function toActionableDoorbell(
  afk: AfkService,
  doorbell: Doorbell,
  place: SlackPlace,
): Promise<FoundDoorbell | null> {
  const found = await findDoorbell(afk, doorbell, place.channel, place.doorbellTs);
  const arming = { killSwitch: afk.config.killSwitch, allowlist: afk.config.allowlist, refusal: afk.refusal };
  const verdict = decideDoorbellAct({ allowed: place.allowed, act: place.act, finding: found, arming });
  const fields = { channel: place.channel, ts: place.doorbellTs, user: place.user, act: place.act };
  switch (verdict.kind) {
    case "nothing":
      afk.log.debug({ ...fields, why: verdict.why }, "no run rings this doorbell; nothing done");
      return null;
    case "tell":
      afk.log.info({ ...fields, why: verdict.why }, "not passed on to the run; telling the person why");
      await tell(afk, doorbell, place, verdict.text);
      return null;
    case "act":
      return found.kind === "doorbell" ? found : null;
    default:
      return assertNever(verdict);
  }
}

async function tell(afk: AfkService, doorbell: Doorbell, place: SlackPlace, text: string): Promise<void> {
  // A reply's notice goes in its thread; a press's beside the doorbell it pressed.
  const threadTs = place.act === "reply" ? place.doorbellTs : null;
  const told = await doorbell.postEphemeral({ channel: place.channel, user: place.user, threadTs, text });
  if (!told.ok)
    afk.log.warn(
      { user: place.user, ...errorFields(told.error) },
      `could not tell the user (${describeError(told.error)}); nothing else to do`,
    );
}

/** The doorbell a person acted on, where, and the run it names. */
interface DoorbellAct {
  readonly found: FoundDoorbell;
  readonly place: SlackPlace;
  readonly doorbell: Doorbell;
}

/** Applies the event to the doorbell's run in its repo's queue, if the doorbell is that run's. */
async function onDoorbell(
  afk: AfkService,
  { found, place, doorbell }: DoorbellAct,
  event: RunEvent,
  after: () => Promise<void>,
): Promise<void> {
  const { repo, issue, installationId } = found;
  if (!(await loadDoorbellRun(afk, found)))
    return void afk.log.warn({ repo, issue }, "no run rings this doorbell; nothing done");
  await afk.queue.run(repo, async () => {
    const record = afk.index.get(repo, issue)?.record ?? null;
    if (record === null) return;
    const { channel, doorbellTs: ts, act } = place;
    const verdict = decideDoorbellRun({ attempt: found.attempt, channel, ts, act, record });
    if (verdict.kind === "tell") {
      afk.log.info({ repo, issue, channel, ts, why: verdict.why }, "not passed on to the run; telling the person why");
      return tell(afk, doorbell, place, verdict.text);
    }
    const advanced = await advanceRun(record, event, toRunDeps(afk, await afk.deps.issues(installationId), record));
    if (!advanced.ok) throw new StepError(`${event.kind} for ${repo}#${issue} failed; press or answer again`);
    if (advanced.record !== record) await after();
  });
}
