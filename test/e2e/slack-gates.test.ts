// Issue 9, items 9 and 10, through afk's real server: Slack obeys the same gates as GitHub.
// A reply or a button press reaches a run only while afk acts on the run's repo (kill
// switch off, repo on the allowlist, afk not refusing to arm); otherwise the person is
// told once, only them, and nothing else happens. And afk speaks only in doorbell
// threads: a stranger's chatter elsewhere in the channel gets no notice, and a busy
// thread that is no doorbell's costs afk one Slack read, not one per message.

import { describe, expect, it } from "vitest";
import { FAKE_SLACK_CHANNEL } from "../fakes/slack-api.js";
import { startFakeT3 } from "../fakes/t3-server.js";
import { RETRY_ACTION_ID, TAKE_OVER_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import {
  NOT_ALLOWED_NOTICE,
  renderNotActingNotice,
  type NotActingWhy,
  type SlackAct,
} from "../../src/core/render/slack-notices.js";
import type { OperatorConfig } from "../../src/core/config/config-types.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import type { SlackResponse } from "../support/sign-slack.js";
import {
  eventually,
  harnessPerTest,
  logsWith,
  pressDoorbell,
  recordOf,
  replyInDoorbell,
  REPO,
  sendSlackEvent,
  SLACK_ALLOWED_USER as ALLOWED,
  SLACK_STRANGER as STRANGER,
  slackCalls,
  type Harness,
  type HarnessOptions,
} from "./harness.js";
import { MINUTE_MS, type World } from "./ship-world.js";
import { escalated, slackWorld } from "./slack-world.js";

const started = harnessPerTest();
const HUMAN = "ready-for-human";
/** Another enrolled repo: afk stays armed (its Slack receiver mounted) once REPO leaves the allowlist. */
const OTHER = "acme/widgets";
const ALICE = { id: ALLOWED, name: "alice" };
const NOTHING_DONE = "no run rings this doorbell; nothing done";
const NOT_ENROLLED: NotActingWhy = { kind: "not-enrolled" };

interface Act {
  readonly act: SlackAct;
  send(h: Harness, doorbellTs: string): Promise<SlackResponse>;
}

const ACTS: readonly [string, Act][] = [
  [
    "a reply",
    {
      act: "reply",
      send: (h, ts) => sendSlackEvent(h, replyInDoorbell(h, ts, ALLOWED, "Use Postgres, the one in docker-compose.")),
    },
  ],
  ["a Take over press", { act: "press", send: (h, ts) => pressDoorbell(h, ts, TAKE_OVER_ACTION_ID, ALICE) }],
  ["a Retry from scratch press", { act: "press", send: (h, ts) => pressDoorbell(h, ts, RETRY_ACTION_ID, ALICE) }],
];

/** What a test checks did not change: every request afk made anywhere, the issue's labels and comments. */
interface Before {
  readonly github: number;
  readonly t3: number;
  readonly slack: number;
  readonly labels: readonly string[];
  readonly comments: readonly string[];
}

function before(h: Harness): Before {
  return {
    github: h.github.requests.length,
    t3: h.t3.requests.length,
    slack: h.slack?.calls.length ?? 0,
    labels: [...h.github.issue(REPO, 4).labels],
    comments: h.github.appComments(REPO, 4).map((comment) => comment.body),
  };
}

/**
 * Nothing happened to the run: no GitHub request about it (afk learning its own bot
 * name, `GET /app`, may still be under way after a restart), no T3 request, only these Slack calls.
 */
function expectUntouched(h: Harness, was: Before, slackMethods: readonly string[]): void {
  const github = h.github.requests.slice(was.github).map((request) => `${request.method} ${request.path}`);
  expect(github.filter((request) => request !== "GET /app")).toEqual([]);
  expect(h.t3.requests.slice(was.t3)).toEqual([]);
  expect((h.slack?.calls ?? []).slice(was.slack).map((call) => call.method)).toEqual(slackMethods);
  expect(h.github.issue(REPO, 4).labels).toEqual(was.labels);
  expect(h.github.appComments(REPO, 4).map((comment) => comment.body)).toEqual(was.comments);
  expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", attempt: 1 });
}

function aNotice(doorbellTs: string, act: SlackAct, why: NotActingWhy = NOT_ENROLLED) {
  return {
    channel: FAKE_SLACK_CHANNEL,
    user: ALLOWED,
    threadTs: act === "reply" ? doorbellTs : null,
    text: renderNotActingNotice(REPO, why, act),
  };
}

/** afk stops and starts again on the same fakes with this configuration (the way an operator changes it). */
async function restarted(world: World, config: Partial<OperatorConfig>, extra: HarnessOptions = {}): Promise<World> {
  await world.h.stopAfk();
  world.clock.advance(MINUTE_MS);
  const again = await slackWorld(started, {
    clock: world.clock,
    github: world.h.github,
    t3: world.h.t3,
    slack: { allowedUsers: [ALLOWED], api: world.h.slack! },
    config,
    ...extra,
  });
  // afk learns its own bot (GET /app) beside its start-up: done before a test counts requests.
  if (again.h.service.armed || again.h.service.refusal !== null)
    await eventually(again.h, () => again.h.service.self !== null, "afk to learn its own bot");
  return again;
}

/** The enrolled repos the running afk reads (its configuration object) are now these. */
function enrolOnly(h: Harness, allowlist: readonly string[]): void {
  (h.service.deps.config as { allowlist: readonly string[] }).allowlist = allowlist;
}

async function withOtherRepo(): Promise<World> {
  const world = await slackWorld(started, { config: { allowlist: [REPO, OTHER] } });
  world.h.github.addRepo({ fullName: OTHER, ownerType: "Organization", installationId: DEFAULT_INSTALLATION_ID });
  return world;
}

function nothingDoneCount(h: Harness): number {
  return logsWith(h.logs, NOTHING_DONE).length;
}

describe("a repo taken off the allowlist after its doorbell rang", () => {
  it.each(ACTS)(
    "%s by an allowed person, found through the doorbell's metadata after a restart, is not acted on: one ephemeral notice, no GitHub request, no T3 command",
    async (_name, { act, send }) => {
      const world = await withOtherRepo();
      const { doorbell } = await escalated(world);
      const second = await restarted(world, { allowlist: [OTHER] });
      const { h } = second;
      expect(h.service.index.get(REPO, 4)).toBeUndefined();
      const was = before(h);

      expect((await send(h, doorbell.ts)).status).toBe(200);
      await eventually(h, () => (h.slack?.ephemerals.length ?? 0) > 0, "the ephemeral notice");

      expect(h.slack?.ephemerals).toEqual([aNotice(doorbell.ts, act)]);
      expectUntouched(h, was, ["conversations.replies", "chat.postEphemeral"]);
      // The run of a repo afk does not act on is not even loaded.
      expect(h.service.index.get(REPO, 4)).toBeUndefined();
    },
  );

  it.each(ACTS)(
    "%s by an allowed person, found through the run index, is not acted on: one ephemeral notice and nothing else",
    async (_name, { act, send }) => {
      const world = await withOtherRepo();
      const { h } = world;
      const { doorbell } = await escalated(world);
      // afk reads its allowlist at start; whatever way a run of a repo it no longer acts on
      // sits in its index (a sweep that found T3 too old, a future reload), the gate holds.
      enrolOnly(h, [OTHER]);
      const was = before(h);

      expect((await send(h, doorbell.ts)).status).toBe(200);
      await eventually(h, () => (h.slack?.ephemerals.length ?? 0) > 0, "the ephemeral notice");

      expect(h.slack?.ephemerals).toEqual([aNotice(doorbell.ts, act)]);
      expectUntouched(h, was, ["chat.postEphemeral"]);
      expect(h.service.index.get(REPO, 4)?.record?.phase).toBe("escalated");
    },
  );

  it("each reply is answered with its own notice, and none reaches the run", async () => {
    const world = await withOtherRepo();
    const { doorbell } = await escalated(world);
    const { h } = await restarted(world, { allowlist: [OTHER] });
    const was = before(h);
    const [, reply] = ACTS[0]!;

    await reply.send(h, doorbell.ts);
    await eventually(h, () => (h.slack?.ephemerals.length ?? 0) === 1, "the first notice");
    await reply.send(h, doorbell.ts);
    await eventually(h, () => (h.slack?.ephemerals.length ?? 0) === 2, "the second notice");

    expect(h.slack?.ephemerals).toEqual([aNotice(doorbell.ts, "reply"), aNotice(doorbell.ts, "reply")]);
    expectUntouched(h, was, [
      "conversations.replies",
      "chat.postEphemeral",
      "conversations.replies",
      "chat.postEphemeral",
    ]);
  });
});

describe("afk refusing to arm (T3 too old, found at start)", () => {
  it("an allowed person's reply is not passed on, and the notice says why", async () => {
    const world = await slackWorld(started);
    const { doorbell } = await escalated(world);
    const oldT3 = await startFakeT3({ serverVersion: "0.0.20", now: world.clock.now });
    try {
      const { h } = await restarted(world, {}, { t3: oldT3 });
      const refusal = h.service.refusal;
      expect(refusal).toContain("0.0.20");
      const was = before(h);
      const [, reply] = ACTS[0]!;

      expect((await reply.send(h, doorbell.ts)).status).toBe(200);
      await eventually(h, () => (h.slack?.ephemerals.length ?? 0) > 0, "the ephemeral notice");

      expect(h.slack?.ephemerals).toEqual([aNotice(doorbell.ts, "reply", { kind: "refused", reason: refusal! })]);
      expectUntouched(h, was, ["conversations.replies", "chat.postEphemeral"]);
      expect(oldT3.commands).toEqual([]);
    } finally {
      await oldT3.close();
    }
  });
});

describe("the kill switch on", () => {
  it.each(ACTS)(
    "%s by an allowed person does nothing at all: no notice, no request to Slack, GitHub or T3",
    async (_name, { send }) => {
      const world = await slackWorld(started);
      const { doorbell } = await escalated(world);
      const { h } = await restarted(world, { killSwitch: true });
      const was = before(h);

      // Under the kill switch afk makes no outbound request (DESIGN 1.5): its Slack receiver
      // is not even mounted, so Slack's request finds no route.
      expect((await send(h, doorbell.ts)).status).toBe(404);
      await h.settle();

      expect(h.slack?.ephemerals).toEqual([]);
      expectUntouched(h, was, []);
    },
  );
});

describe("threads that are not a doorbell's", () => {
  /** Someone's own message in the doorbell channel, which people then reply to. */
  function aPersonsThread(h: Harness): string {
    return h.slack!.addMessage({ channel: FAKE_SLACK_CHANNEL, user: ALLOWED, text: "Lunch at noon?" }).ts;
  }

  async function writeIn(h: Harness, threadTs: string, user: string, text: string): Promise<void> {
    const done = nothingDoneCount(h);
    expect((await sendSlackEvent(h, replyInDoorbell(h, threadTs, user, text))).status).toBe(200);
    await eventually(h, () => nothingDoneCount(h) > done, "afk to drop the message");
  }

  it.each([
    ["a user not allowed to steer agents", STRANGER],
    ["an allowed user", ALLOWED],
  ])("%s writing in one twice gets no notice, and the second message costs no Slack read", async (_name, user) => {
    const world = await slackWorld(started);
    const { h } = world;
    await escalated(world);
    const thread = aPersonsThread(h);
    const was = before(h);

    await writeIn(h, thread, user, "Sure, the usual place.");
    expect(slackCalls(h, "conversations.replies").map((call) => call.args)).toEqual([
      { channel: FAKE_SLACK_CHANNEL, ts: thread, limit: "1", include_all_metadata: "true" },
    ]);
    await writeIn(h, thread, user, "Make it 12:30.");

    expect(h.slack?.ephemerals).toEqual([]);
    expectUntouched(h, was, ["conversations.replies"]);
  });

  it("a Slack read that failed is not remembered: the next message reads the thread again, and nobody is told anything", async () => {
    const world = await slackWorld(started);
    const { h } = world;
    await escalated(world);
    const thread = aPersonsThread(h);
    const was = before(h);
    h.slack!.failNext("conversations.replies", "internal_error");

    await writeIn(h, thread, STRANGER, "first");
    expect(logsWith(h.logs, "cannot read the thread's parent")).toHaveLength(1);
    await writeIn(h, thread, STRANGER, "second");
    await writeIn(h, thread, STRANGER, "third");

    expect(h.slack?.ephemerals).toEqual([]);
    expectUntouched(h, was, ["conversations.replies", "conversations.replies"]);
  });

  it("a user not allowed to steer agents in a doorbell's thread the index does not know (after a restart) is still told, and the run is not loaded", async () => {
    const world = await slackWorld(started);
    const { doorbell } = await escalated(world);
    await world.h.stopAfk();
    // Someone removed ready-for-human by hand: the start-up rebuild does not find the run.
    world.h.github.unlabel(REPO, 4, HUMAN, "Codertocat");
    const { h } = await restarted(world, {});
    expect(h.service.index.get(REPO, 4)).toBeUndefined();
    const was = before(h);

    expect((await sendSlackEvent(h, replyInDoorbell(h, doorbell.ts, STRANGER, "rm -rf and push"))).status).toBe(200);
    await eventually(h, () => (h.slack?.ephemerals.length ?? 0) > 0, "the ephemeral notice");

    expect(h.slack?.ephemerals).toEqual([
      { channel: FAKE_SLACK_CHANNEL, user: STRANGER, threadTs: doorbell.ts, text: NOT_ALLOWED_NOTICE },
    ]);
    expectUntouched(h, was, ["conversations.replies", "chat.postEphemeral"]);
    expect(h.service.index.get(REPO, 4)).toBeUndefined();
  });
});
