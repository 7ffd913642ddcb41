// Issue 5, answers from Slack, through afk's real server: signed `message` events and
// `block_actions` posted to `/slack/events`; the Slack Web API is the strict fake. Only an
// allowed person's reply in a doorbell thread reaches the agent, once; the buttons take
// the run over or retry it from scratch; a restart does not lose the way back to a run.

import { describe, expect, it } from "vitest";
import { FAKE_SLACK_CHANNEL, type FakeSlackMessage } from "../fakes/slack-api.js";
import { NOT_ALLOWED_NOTICE, NOT_ALLOWED_PRESS_NOTICE, RELAYED_REACTION } from "../../src/core/render/slack-notices.js";
import { RETRY_ACTION_ID, TAKE_OVER_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import {
  eventually,
  harnessPerTest,
  IN_PROGRESS,
  pressDoorbell,
  READY,
  recordOf,
  replyInDoorbell,
  REPO,
  sendSlackEvent,
  SLACK_ALLOWED_USER as ALLOWED,
  SLACK_STRANGER as STRANGER,
  slackCalls,
  slackIgnoredCount,
  type Harness,
  type HarnessOptions,
} from "./harness.js";
import { MINUTE_MS, threadOf, turnTexts, type World } from "./ship-world.js";
import { afkThreadReplies, escalated, slackWorld as startSlackWorld, turnStarts } from "./slack-world.js";

const started = harnessPerTest();
const HUMAN = "ready-for-human";
const RELAY_ACK = "Relayed to the agent; the run resumed.";
const ALICE = { id: ALLOWED, name: "alice" };

function slackWorld(extra: HarnessOptions = {}): Promise<World> {
  return startSlackWorld(started, extra);
}

/** Sends an event afk should ignore and waits until its log says it did. */
async function sendIgnored(h: Harness, event: Record<string, unknown>): Promise<void> {
  const before = slackIgnoredCount(h);
  expect((await sendSlackEvent(h, event)).status).toBe(200);
  await eventually(h, () => slackIgnoredCount(h) > before, "afk to ignore the event");
}

function expectRelayed(world: World, thread: string, doorbell: FakeSlackMessage, reply: Record<string, unknown>): void {
  const { h } = world;
  const turns = turnStarts(h);
  expect(turns).toHaveLength(2);
  expect(turns[1]).toMatchObject({ threadId: thread });
  expect(turnTexts(world)[1]).toContain("Use Postgres, the one in docker-compose.");
  const labels = h.github.issue(REPO, 4).labels;
  expect(labels).not.toContain(HUMAN);
  expect(labels).toContain(IN_PROGRESS);
  expect(afkThreadReplies(h, doorbell.ts)).toEqual([RELAY_ACK]);
  expect(h.slack?.message(FAKE_SLACK_CHANNEL, String(reply.ts))?.reactions.get(RELAYED_REACTION)).toHaveLength(1);
  const record = recordOf(h, 4);
  expect(record).toMatchObject({
    phase: "dispatched",
    threadId: thread,
    attempt: 1,
    escalation: null,
    turn: { kind: "relay", state: "working" },
  });
  expect(record.resumptions).toEqual([{ by: ALLOWED, via: "slack", at: world.clock.now() }]);
}

describe("requests Slack did not sign", () => {
  it.each([
    ["a bad signature", { secret: "not-the-signing-secret" }],
    ["a timestamp older than 5 minutes", { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 }],
  ])("%s is rejected (401) and nothing is relayed", async (_name, signing) => {
    const world = await slackWorld();
    const { h } = world;
    const { doorbell } = await escalated(world);
    const callsBefore = h.slack?.calls.length;

    const answer = await sendSlackEvent(h, replyInDoorbell(h, doorbell.ts, ALLOWED, "Use Postgres."), signing);
    await h.settle();

    expect(answer.status).toBe(401);
    expect(turnStarts(h)).toHaveLength(1);
    expect(h.slack?.calls.length).toBe(callsBefore);
    expect(recordOf(h, 4).phase).toBe("escalated");
  });
});

describe("replies in the doorbell thread", () => {
  it("from a user not allowed to steer agents: no turn, an ephemeral notice to that user", async () => {
    const world = await slackWorld();
    const { h } = world;
    const { doorbell } = await escalated(world);

    expect((await sendSlackEvent(h, replyInDoorbell(h, doorbell.ts, STRANGER, "rm -rf and push"))).status).toBe(200);
    await eventually(h, () => (h.slack?.ephemerals.length ?? 0) > 0, "the ephemeral notice");

    expect(h.slack?.ephemerals).toEqual([
      { channel: FAKE_SLACK_CHANNEL, user: STRANGER, threadTs: doorbell.ts, text: NOT_ALLOWED_NOTICE },
    ]);
    expect(turnStarts(h)).toHaveLength(1);
    expect(afkThreadReplies(h, doorbell.ts)).toEqual([]);
    expect(recordOf(h, 4).phase).toBe("escalated");
    expect(h.github.issue(REPO, 4).labels).toContain(HUMAN);
  });

  it("from an allowed user: one turn on the same thread carrying the reply, labels switched, a thread reply and a reaction, the resumption recorded", async () => {
    const world = await slackWorld();
    const { h } = world;
    const { thread, doorbell } = await escalated(world);
    world.clock.advance(MINUTE_MS);

    const reply = replyInDoorbell(h, doorbell.ts, ALLOWED, "Use Postgres, the one in docker-compose.");
    expect((await sendSlackEvent(h, reply)).status).toBe(200);
    await eventually(h, () => afkThreadReplies(h, doorbell.ts).length > 0, "afk's thread reply");

    expectRelayed(world, thread, doorbell, reply);
    expect(slackCalls(h, "reactions.add").map((call) => call.args)).toEqual([
      { channel: FAKE_SLACK_CHANNEL, timestamp: reply.ts, name: RELAYED_REACTION },
    ]);
  });

  it("the same event retried by Slack (same event_id, X-Slack-Retry-Num) is relayed once", async () => {
    const world = await slackWorld();
    const { h } = world;
    const { thread, doorbell } = await escalated(world);
    const reply = replyInDoorbell(h, doorbell.ts, ALLOWED, "Use Postgres, the one in docker-compose.");

    expect((await sendSlackEvent(h, reply, { eventId: "Ev0RETRIED1" })).status).toBe(200);
    await eventually(h, () => afkThreadReplies(h, doorbell.ts).length > 0, "afk's thread reply");
    const retried = await sendSlackEvent(h, reply, {
      eventId: "Ev0RETRIED1",
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
    });
    expect(retried.status).toBe(200);
    await eventually(
      h,
      () => h.logs.some((line) => line.msg === "Slack event already seen"),
      "the retry to be recognised",
    );

    expectRelayed(world, thread, doorbell, reply);
  });

  it.each([
    ["a bot's message", { subtype: "bot_message", bot_id: "B0OTHERBOT", user: undefined }],
    ["a bot's message without a subtype", { bot_id: "B0OTHERBOT" }],
    ["an edit", { subtype: "message_changed" }],
    ["a join", { subtype: "channel_join", text: "<@U0ALLOWED> has joined the channel" }],
    ["a message outside the thread", { thread_ts: undefined }],
  ])("%s is ignored: no turn, no Slack call", async (_name, change) => {
    const world = await slackWorld();
    const { h } = world;
    const { doorbell } = await escalated(world);
    const callsBefore = h.slack?.calls.length;
    const event = { ...replyInDoorbell(h, doorbell.ts, ALLOWED, "Use Postgres."), ...change };

    await sendIgnored(h, Object.fromEntries(Object.entries(event).filter(([, value]) => value !== undefined)));

    expect(turnStarts(h)).toHaveLength(1);
    expect(h.slack?.calls.length).toBe(callsBefore);
    expect(recordOf(h, 4).phase).toBe("escalated");
  });
});

describe("the doorbell's buttons", () => {
  it("Take over: labels cleared, the run taken over, the issue open, the doorbell updated with who took it and no buttons", async () => {
    const world = await slackWorld();
    const { h } = world;
    const { doorbell } = await escalated(world);

    expect((await pressDoorbell(h, doorbell.ts, TAKE_OVER_ACTION_ID, ALICE)).status).toBe(200);
    await eventually(h, () => recordOf(h, 4).phase === "taken-over", "the run to be taken over");

    const issue = h.github.issue(REPO, 4);
    expect(issue.labels.filter((label) => [READY, IN_PROGRESS, HUMAN].includes(label))).toEqual([]);
    expect(issue.state).toBe("open");
    const updates = slackCalls(h, "chat.update");
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args).toMatchObject({ channel: FAKE_SLACK_CHANNEL, ts: doorbell.ts });
    const blocks = JSON.stringify(h.slack?.message(FAKE_SLACK_CHANNEL, doorbell.ts)?.blocks);
    expect(blocks).toContain("Taken over by alice");
    expect(blocks).not.toContain('"type":"actions"');
    expect(turnStarts(h)).toHaveLength(1);
  });

  it("Retry from scratch: the ready label re-applied by afk and trusted, a new thread for attempt 2, the doorbell updated", async () => {
    const world = await slackWorld();
    const { h } = world;
    const { thread, doorbell } = await escalated(world);

    expect((await pressDoorbell(h, doorbell.ts, RETRY_ACTION_ID, ALICE)).status).toBe(200);
    await eventually(
      h,
      () => recordOf(h, 4).attempt === 2 && recordOf(h, 4).phase === "dispatched",
      "attempt 2 to be dispatched",
    );

    const second = threadOf(4, 2);
    expect(second).not.toBe(thread);
    const creates = h.t3.commands.filter((command) => command.type === "thread.create");
    expect(creates.map((command) => command.threadId)).toEqual([thread, second]);
    expect(turnStarts(h).map((command) => command.threadId)).toEqual([thread, second]);
    expect(recordOf(h, 4)).toMatchObject({ attempt: 2, threadId: second, phase: "dispatched" });
    const labels = h.github.issue(REPO, 4).labels;
    expect(labels).toContain(READY);
    expect(labels).toContain(IN_PROGRESS);
    expect(labels).not.toContain(HUMAN);
    expect(JSON.stringify(slackCalls(h, "chat.update")[0]?.args.blocks)).toContain(
      "Retry from scratch requested by alice",
    );
  });

  it.each([
    ["Take over", TAKE_OVER_ACTION_ID],
    ["Retry from scratch", RETRY_ACTION_ID],
  ])("%s pressed by a user not allowed to steer agents does nothing but tell them so", async (_name, actionId) => {
    const world = await slackWorld();
    const { h } = world;
    const { doorbell } = await escalated(world);

    expect((await pressDoorbell(h, doorbell.ts, actionId, { id: STRANGER, name: "mallory" })).status).toBe(200);
    await eventually(h, () => (h.slack?.ephemerals.length ?? 0) > 0, "the ephemeral notice");

    expect(h.slack?.ephemerals).toEqual([
      { channel: FAKE_SLACK_CHANNEL, user: STRANGER, threadTs: null, text: NOT_ALLOWED_PRESS_NOTICE },
    ]);
    expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", attempt: 1 });
    expect(slackCalls(h, "chat.update")).toEqual([]);
    expect(h.github.issue(REPO, 4).labels).toContain(HUMAN);
    expect(h.t3.commands.filter((command) => command.type === "thread.create")).toHaveLength(1);
  });
});

describe("after a restart", () => {
  it("a reply still reaches the right run: the index is rebuilt from the run records", async () => {
    const world = await slackWorld();
    const { thread, doorbell } = await escalated(world);
    await world.h.stopAfk();

    const second = await slackWorld({
      clock: world.clock,
      github: world.h.github,
      t3: world.h.t3,
      slack: { allowedUsers: [ALLOWED], api: world.h.slack! },
    });
    world.clock.advance(MINUTE_MS);
    const reply = replyInDoorbell(second.h, doorbell.ts, ALLOWED, "Use Postgres, the one in docker-compose.");
    expect((await sendSlackEvent(second.h, reply)).status).toBe(200);
    await eventually(second.h, () => afkThreadReplies(second.h, doorbell.ts).length > 0, "afk's thread reply");

    expectRelayed(second, thread, doorbell, reply);
  });

  it("a reply reaches a run the index does not know through the doorbell's metadata (conversations.replies)", async () => {
    const world = await slackWorld();
    const { thread, doorbell } = await escalated(world);
    await world.h.stopAfk();
    // Someone removed ready-for-human by hand: the start-up rebuild does not find the run.
    world.h.github.unlabel(REPO, 4, HUMAN, "Codertocat");

    const second = await slackWorld({
      clock: world.clock,
      github: world.h.github,
      t3: world.h.t3,
      slack: { allowedUsers: [ALLOWED], api: world.h.slack! },
    });
    expect(second.h.service.index.get(REPO, 4)).toBeUndefined();
    world.clock.advance(MINUTE_MS);
    const reply = replyInDoorbell(second.h, doorbell.ts, ALLOWED, "Use Postgres, the one in docker-compose.");
    expect((await sendSlackEvent(second.h, reply)).status).toBe(200);
    await eventually(second.h, () => afkThreadReplies(second.h, doorbell.ts).length > 0, "afk's thread reply");

    expect(slackCalls(second.h, "conversations.replies").map((call) => call.args)).toEqual([
      { channel: FAKE_SLACK_CHANNEL, ts: doorbell.ts, limit: "1", include_all_metadata: "true" },
    ]);
    expectRelayed(second, thread, doorbell, reply);
  });
});
