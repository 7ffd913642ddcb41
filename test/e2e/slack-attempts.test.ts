// Issue 9 (Slack obeys the same gates as GitHub), through afk's real server: a doorbell
// speaks for the attempt that rang it. When an issue's run has moved on to a later attempt
// with its own doorbell, a reply or a press in the thread of the earlier attempt's doorbell
// (found through the message metadata, which names the attempt) does not steer the current
// attempt: the person is told so, only them, and nothing else happens.

import { describe, expect, it } from "vitest";
import { FAKE_SLACK_CHANNEL } from "../fakes/slack-api.js";
import { RETRY_ACTION_ID, TAKE_OVER_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import { renderEarlierAttemptNotice, type SlackAct } from "../../src/core/render/slack-notices.js";
import type { SlackResponse } from "../support/sign-slack.js";
import {
  applyReady,
  eventually,
  harnessPerTest,
  pressDoorbell,
  recordOf,
  replyInDoorbell,
  REPO,
  sendSlackEvent,
  SLACK_ALLOWED_USER as ALLOWED,
  type Harness,
} from "./harness.js";
import { agentEnds, MINUTE_MS, threadOf, type World } from "./ship-world.js";
import { escalated, slackWorld, turnStarts } from "./slack-world.js";

const started = harnessPerTest();
const HUMAN = "ready-for-human";
const ALICE = { id: ALLOWED, name: "alice" };

interface Act {
  readonly act: SlackAct;
  send(h: Harness, doorbellTs: string): Promise<SlackResponse>;
}

const ACTS: readonly [string, Act][] = [
  [
    "a reply",
    { act: "reply", send: (h, ts) => sendSlackEvent(h, replyInDoorbell(h, ts, ALLOWED, "Use the old schema.")) },
  ],
  ["a Take over press", { act: "press", send: (h, ts) => pressDoorbell(h, ts, TAKE_OVER_ACTION_ID, ALICE) }],
  ["a Retry from scratch press", { act: "press", send: (h, ts) => pressDoorbell(h, ts, RETRY_ACTION_ID, ALICE) }],
];

/**
 * Attempt 1 of #4 escalates and rings a doorbell; a person takes the issue over (attempt 1
 * ends); the ready label applied afresh starts attempt 2, which escalates and rings its own.
 */
async function secondAttemptEscalated(world: World): Promise<{ first: string; second: string }> {
  const { h, clock } = world;
  const { doorbell: first } = await escalated(world);
  clock.advance(MINUTE_MS);
  await h.github.as("Codertocat").unlabel(REPO, 4, HUMAN);
  await h.settle();
  expect(recordOf(h, 4).phase).toBe("taken-over");
  clock.advance(MINUTE_MS);
  expect(await applyReady(h, 4)).toBe(200);
  await h.settle();
  expect(recordOf(h, 4)).toMatchObject({ phase: "dispatched", attempt: 2 });
  clock.advance(5 * MINUTE_MS);
  agentEnds(world, threadOf(4, 2), "The migration fails.\n\nAFK-STATUS: blocked: drop the column?");
  await h.sweepOnce();
  const second = recordOf(h, 4).doorbell?.ts;
  expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", attempt: 2 });
  if (second === undefined || second === first.ts) throw new Error("attempt 2 rang no doorbell of its own");
  return { first: first.ts, second };
}

describe("the doorbell of an earlier attempt", () => {
  it.each(ACTS)(
    "%s by an allowed person in it does not steer the current attempt: one ephemeral notice, no GitHub write, no T3 command",
    async (_name, { act, send }) => {
      const world = await slackWorld(started);
      const { h } = world;
      const { first } = await secondAttemptEscalated(world);
      const was = {
        github: h.github.requests.length,
        t3: h.t3.requests.length,
        slack: h.slack?.calls.length ?? 0,
        labels: [...h.github.issue(REPO, 4).labels],
        comments: h.github.appComments(REPO, 4).map((comment) => comment.body),
      };

      expect((await send(h, first)).status).toBe(200);
      await eventually(h, () => (h.slack?.ephemerals.length ?? 0) > 0, "the ephemeral notice");

      expect(h.slack?.ephemerals).toEqual([
        {
          channel: FAKE_SLACK_CHANNEL,
          user: ALLOWED,
          threadTs: act === "reply" ? first : null,
          text: renderEarlierAttemptNotice(REPO, 4, 1, act),
        },
      ]);
      const writes = h.github.requests.slice(was.github).filter((request) => request.method !== "GET");
      expect(writes).toEqual([]);
      expect(h.t3.requests.slice(was.t3)).toEqual([]);
      expect((h.slack?.calls ?? []).slice(was.slack).map((call) => call.method)).toEqual([
        "conversations.replies",
        "chat.postEphemeral",
      ]);
      expect(h.github.issue(REPO, 4).labels).toEqual(was.labels);
      expect(h.github.appComments(REPO, 4).map((comment) => comment.body)).toEqual(was.comments);
      expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", attempt: 2 });
    },
  );

  it("a reply in the current attempt's doorbell still reaches its agent", async () => {
    const world = await slackWorld(started);
    const { h } = world;
    const { second } = await secondAttemptEscalated(world);
    const turns = turnStarts(h).length;

    const reply = replyInDoorbell(h, second, ALLOWED, "Yes, drop it.");
    expect((await sendSlackEvent(h, reply)).status).toBe(200);
    await eventually(h, () => turnStarts(h).length > turns, "the relayed turn");

    expect(turnStarts(h).at(-1)).toMatchObject({ threadId: threadOf(4, 2) });
    expect(recordOf(h, 4)).toMatchObject({ phase: "dispatched", attempt: 2, turn: { kind: "relay" } });
    expect(h.slack?.ephemerals).toEqual([]);
  });
});
