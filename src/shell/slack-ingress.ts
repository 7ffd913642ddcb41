// What afk does with Slack (DESIGN section 8): an allowed person's reply in a doorbell
// thread is relayed to the agent; the doorbell's buttons take a run over or retry it from
// scratch. Who may do what is the core's decision (core/slack/decide-slack.ts).

import { NOT_ALLOWED_NOTICE, NOT_ALLOWED_PRESS_NOTICE, RELAYED_REACTION } from "../core/render/slack-notices.js";
import type { RunEvent } from "../core/run/run-event.js";
import {
  decideDoorbellPress,
  decideSlackMessage,
  parseDoorbellMetadata,
  type SlackMessageEvent,
} from "../core/slack/decide-slack.js";
import type { Doorbell } from "../ports/doorbell.js";
import { describeError } from "../ports/result.js";
import { advanceRun } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import { errorFields } from "./log.js";
import { loadRun } from "./load-run.js";
import { toRunDeps } from "./run-deps.js";
import { StepError } from "./step-error.js";

/** A press of a doorbell button, as the Slack receiver reports it. */
export interface DoorbellPress {
  readonly actionId: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly messageTs: string;
}

interface DoorbellRun {
  readonly repo: string;
  readonly issue: number;
  readonly installationId: number;
}

/** A message in Slack: an allowed person's reply in a doorbell thread is relayed to the agent. */
export async function onSlackMessage(afk: AfkService, event: SlackMessageEvent): Promise<void> {
  const slack = afk.config.slack;
  const doorbell = afk.deps.doorbell;
  if (slack === null || doorbell === null || !afk.armed) return;
  const decision = decideSlackMessage(event, slack.allowedUsers, slack.channel);
  if (decision.kind === "ignore") return void afk.log.debug({ why: decision.why }, "Slack message ignored");
  if (decision.kind === "not-allowed") {
    afk.log.info({ user: decision.user }, "Slack reply from a user who may not steer agents: not relayed");
    const { channel, user, threadTs } = decision;
    return tell(afk, doorbell, { channel, user, threadTs, text: NOT_ALLOWED_NOTICE });
  }
  const resumed: RunEvent = { kind: "HumanResumed", by: decision.user, via: "slack", text: decision.text };
  await onDoorbell(afk, decision.channel, decision.threadTs, resumed, async () => {
    const reacted = await doorbell.addReaction({ channel: decision.channel, ts: decision.ts, name: RELAYED_REACTION });
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
  if (slack === null || doorbell === null || !afk.armed) return;
  const decision = decideDoorbellPress(press.actionId, press.user.id, slack.allowedUsers);
  if (decision.kind === "ignore") return;
  const { action } = decision;
  if (decision.kind === "not-allowed") {
    afk.log.info(
      { user: press.user.id, action },
      "doorbell button pressed by a user who may not steer agents: ignored",
    );
    return tell(afk, doorbell, {
      channel: press.channel,
      user: press.user.id,
      threadTs: null,
      text: NOT_ALLOWED_PRESS_NOTICE,
    });
  }
  const by = press.user.name;
  const event: RunEvent = action === "take-over" ? { kind: "TakenOver", by } : { kind: "RetryRequested", by };
  await onDoorbell(afk, press.channel, press.messageTs, event, async () => {});
}

async function tell(
  afk: AfkService,
  doorbell: Doorbell,
  notice: { readonly channel: string; readonly user: string; readonly threadTs: string | null; readonly text: string },
): Promise<void> {
  const told = await doorbell.postEphemeral(notice);
  if (!told.ok)
    afk.log.warn(
      { user: notice.user, ...errorFields(told.error) },
      `could not tell the user (${describeError(told.error)}); nothing else to do`,
    );
}

/** Finds the run a doorbell belongs to (the index, else the message's metadata) and applies the event in its repo's queue. */
async function onDoorbell(
  afk: AfkService,
  channel: string,
  ts: string,
  event: RunEvent,
  after: () => Promise<void>,
): Promise<void> {
  const found = await findDoorbellRun(afk, channel, ts);
  if (found === null) return void afk.log.warn({ channel, ts }, "no run rings this doorbell; nothing done");
  const { repo, issue, installationId } = found;
  await afk.queue.run(repo, async () => {
    const record = afk.index.get(repo, issue)?.record ?? null;
    if (record === null) return;
    const advanced = await advanceRun(record, event, toRunDeps(afk, await afk.deps.issues(installationId), record));
    if (!advanced.ok) throw new StepError(`${event.kind} for ${repo}#${issue} failed; press or answer again`);
    if (advanced.record !== record) await after();
  });
}

async function findDoorbellRun(afk: AfkService, channel: string, ts: string): Promise<DoorbellRun | null> {
  const known = afk.index.records().find((record) => record.doorbell?.channel === channel && record.doorbell.ts === ts);
  if (known !== undefined) return { repo: known.repo, issue: known.issue, installationId: known.installationId };
  // After a restart before the index knows the run: the doorbell's own metadata names it.
  const parent = await afk.deps.doorbell?.readThreadParent({ channel, threadTs: ts });
  const ref = parent?.ok === true ? parseDoorbellMetadata(parent.value) : null;
  if (ref === null) return null;
  const issues = await afk.deps.issues(ref.installationId);
  const loaded = await loadRun(issues, ref.repo, ref.issue, afk.deps.appId);
  if (!loaded.ok || loaded.value.kind !== "found") return null;
  const { record, commentId, notices } = loaded.value;
  afk.index.load(ref.repo, ref.issue, { record, commentId, notices });
  afk.rememberInstallation(ref.repo, ref.installationId);
  return { repo: ref.repo, issue: ref.issue, installationId: ref.installationId };
}
