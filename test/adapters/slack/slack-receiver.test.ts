import { afterAll, afterEach, beforeAll, beforeEach, describe, it, expect, vi } from "vitest";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import {
  createSlackReceiver,
  type SlackAction,
  type SlackLog,
  type SlackReceiverOptions,
} from "../../../src/adapters/slack/slack-receiver.js";
import type { SlackMessageEvent } from "../../../src/core/slack/decide-slack.js";
import {
  FAKE_SLACK_BOT_ID,
  FAKE_SLACK_BOT_USER_ID,
  FAKE_SLACK_CHANNEL,
  FAKE_SLACK_TOKEN,
  startFakeSlackApi,
  type FakeSlackApi,
} from "../../fakes/slack-api.js";
import {
  postSlack,
  signBlockAction,
  signEvent,
  signSlackBody,
  toBlockActionsBody,
  type BlockActionInput,
} from "../../support/sign-slack.js";

const SECRET = "slack-signing-secret";
const NOT_MINE_STATUS = 404;

interface Harness {
  readonly url: string;
  readonly messages: SlackMessageEvent[];
  readonly actions: SlackAction[];
  readonly logs: { level: string; message: string }[];
  readonly server: Server;
}

let fake: FakeSlackApi;
let harness: Harness;

function aLog(logs: Harness["logs"]): SlackLog {
  const at = (level: string) => (_fields: object, message: string) => void logs.push({ level, message });
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/** afk's server in miniature: the Slack handler first, then "not mine" for the rest. */
async function startHarness(overrides: Partial<SlackReceiverOptions> = {}): Promise<Harness> {
  const messages: SlackMessageEvent[] = [];
  const actions: SlackAction[] = [];
  const logs: Harness["logs"] = [];
  const { handler } = createSlackReceiver({
    signingSecret: SECRET,
    botToken: FAKE_SLACK_TOKEN,
    botId: FAKE_SLACK_BOT_ID,
    botUserId: FAKE_SLACK_BOT_USER_ID,
    apiUrl: fake.apiUrl,
    onMessage: (event) => void messages.push(event),
    onAction: (action) => void actions.push(action),
    log: aLog(logs),
    ...overrides,
  });
  const server = createServer((req, res) => {
    handler(req, res).then(
      (handled) => {
        if (!handled) res.writeHead(NOT_MINE_STATUS).end("not slack");
      },
      (error: unknown) => res.writeHead(500).end(String(error)),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, messages, actions, logs, server };
}

function aReply(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: "message",
    channel: FAKE_SLACK_CHANNEL,
    channel_type: "channel",
    user: "U0ALLOWED",
    text: "Spin it clockwise.",
    ts: "1700003100.000200",
    thread_ts: "1700003000.000100",
    ...overrides,
  };
}

function aPress(overrides: Partial<BlockActionInput> = {}): BlockActionInput {
  return {
    actionId: "afk_take_over",
    value: "acme/widgets#42/1",
    user: { id: "U0ALLOWED", name: "ada" },
    channel: FAKE_SLACK_CHANNEL,
    messageTs: "1700003000.000100",
    ...overrides,
  };
}

/** Bolt acknowledges before its listeners run: wait for the listener's trace. */
async function settled(condition: () => boolean): Promise<void> {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 3_000, interval: 10 });
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(async () => {
  fake = await startFakeSlackApi();
  harness = await startHarness();
});
afterEach(async () => {
  harness.server.closeAllConnections();
  await new Promise((resolve) => harness.server.close(resolve));
  await fake.close();
});

describe("the Slack receiver mounted on afk's server", () => {
  it("hands a signed message event to onMessage once, and calls no Slack API to start", async () => {
    const response = await postSlack(harness.url, signEvent(aReply(), { secret: SECRET, eventId: "Ev01" }));
    expect(response.status).toBe(200);
    await settled(() => harness.messages.length === 1);
    expect(harness.messages[0]).toEqual({
      type: "message",
      channel: FAKE_SLACK_CHANNEL,
      user: "U0ALLOWED",
      text: "Spin it clockwise.",
      ts: "1700003100.000200",
      thread_ts: "1700003000.000100",
    });
    expect(fake.calls).toEqual([]);
  });

  it("keeps the fields afk decides on: subtype, bot id and the edit mark", async () => {
    await postSlack(
      harness.url,
      signEvent(aReply({ subtype: "message_changed", bot_id: "B0OTHER", edited: { user: "U1", ts: "1.0" } }), {
        secret: SECRET,
      }),
    );
    await settled(() => harness.messages.length === 1);
    expect(harness.messages[0]).toMatchObject({
      subtype: "message_changed",
      bot_id: "B0OTHER",
      edited: { user: "U1", ts: "1.0" },
    });
  });

  it("relays a retried event (same event_id, X-Slack-Retry-Num) only once", async () => {
    await postSlack(harness.url, signEvent(aReply(), { secret: SECRET, eventId: "Ev02" }));
    const retry = await postSlack(harness.url, signEvent(aReply(), { secret: SECRET, eventId: "Ev02" }), {
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    });
    expect(retry.status).toBe(200);
    await settled(() => harness.logs.some((l) => l.message === "Slack event already seen"));
    expect(harness.messages).toHaveLength(1);
  });

  it("forgets the oldest event ids beyond its bound", async () => {
    harness.server.closeAllConnections();
    harness.server.close();
    harness = await startHarness({ seenEventsMax: 2 });
    for (const [index, id] of ["EvA", "EvB", "EvC", "EvA"].entries()) {
      await postSlack(
        harness.url,
        signEvent(aReply({ ts: `1700003100.00000${index}` }), { secret: SECRET, eventId: id }),
      );
      await settled(() => harness.messages.length === index + 1);
    }
  });

  it("answers 401 to a bad signature and hands nothing on", async () => {
    const request = signEvent(aReply(), { secret: "not-the-secret" });
    expect((await postSlack(harness.url, request)).status).toBe(401);
    expect((await postSlack(harness.url, { ...request, headers: { "content-type": "application/json" } })).status).toBe(
      401,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(harness.messages).toEqual([]);
  });

  it("rejects a request signed more than 5 minutes ago", async () => {
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    expect((await postSlack(harness.url, signEvent(aReply(), { secret: SECRET, timestampSec: old }))).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(harness.messages).toEqual([]);
  });

  it("answers Slack's URL verification challenge", async () => {
    const body = JSON.stringify({ token: "x", challenge: "c-123", type: "url_verification" });
    const response = await postSlack(harness.url, signSlackBody(body, "application/json", { secret: SECRET }));
    expect(response).toEqual({ status: 200, text: JSON.stringify({ challenge: "c-123" }) });
  });

  it.each(["afk_take_over", "afk_retry"])(
    "acknowledges a %s press and hands on who pressed it where",
    async (actionId) => {
      const response = await postSlack(harness.url, signBlockAction(aPress({ actionId }), { secret: SECRET }));
      expect(response.status).toBe(200);
      await settled(() => harness.actions.length === 1);
      expect(harness.actions[0]).toEqual({
        actionId,
        user: { id: "U0ALLOWED", name: "ada" },
        channel: FAKE_SLACK_CHANNEL,
        messageTs: "1700003000.000100",
        value: "acme/widgets#42/1",
      });
    },
  );

  it("acknowledges a press without a message and hands nothing on", async () => {
    const payload = JSON.parse(new URLSearchParams(toBlockActionsBody(aPress())).get("payload")!) as Record<
      string,
      unknown
    >;
    delete payload.message;
    delete payload.channel;
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const response = await postSlack(
      harness.url,
      signSlackBody(body, "application/x-www-form-urlencoded", { secret: SECRET }),
    );
    expect(response.status).toBe(200);
    await settled(() => harness.logs.some((l) => l.message === "Slack button press without a channel or message"));
    expect(harness.actions).toEqual([]);
  });

  it("logs a listener's failure after acknowledging", async () => {
    harness.server.closeAllConnections();
    harness.server.close();
    harness = await startHarness({
      onAction: () => {
        throw new Error("queue full");
      },
    });
    expect((await postSlack(harness.url, signBlockAction(aPress(), { secret: SECRET }))).status).toBe(200);
    await settled(() => harness.logs.some((l) => l.level === "error" && l.message.includes("queue full")));
  });

  it.each([
    ["POST", "/api/github/webhooks"],
    ["GET", "/slack/events"],
    ["GET", "/"],
  ])("leaves %s %s to the next handler", async (method, path) => {
    const response = await fetch(`${harness.url}${path}`, { method, ...(method === "POST" ? { body: "{}" } : {}) });
    expect(response.status).toBe(NOT_MINE_STATUS);
    expect(await response.text()).toBe("not slack");
  });
});

describe("the Slack receiver's edges", () => {
  it("lets an error that is not Bolt's 'not mine' reach the caller", async () => {
    const { handler } = createSlackReceiver({
      signingSecret: SECRET,
      botToken: FAKE_SLACK_TOKEN,
      botId: FAKE_SLACK_BOT_ID,
      botUserId: FAKE_SLACK_BOT_USER_ID,
      apiUrl: null,
      onMessage: () => undefined,
      onAction: () => undefined,
      log: aLog([]),
    });
    // A request without a method is no request Bolt can route.
    const broken = { url: "/slack/events", headers: {} } as unknown as IncomingMessage;
    await expect(handler(broken, {} as ServerResponse)).rejects.toThrow(TypeError);
  });

  it("hands on an event without an event_id (nothing to dedupe by)", async () => {
    const body = JSON.stringify({ type: "event_callback", team_id: "T0AFK", api_app_id: "A0AFK", event: aReply() });
    expect((await postSlack(harness.url, signSlackBody(body, "application/json", { secret: SECRET }))).status).toBe(
      200,
    );
    await settled(() => harness.messages.length === 1);
  });

  it("names the presser by username when Slack sends no name", async () => {
    const payload = JSON.parse(new URLSearchParams(toBlockActionsBody(aPress())).get("payload")!) as {
      user: Record<string, unknown>;
      actions: Record<string, unknown>[];
    };
    delete payload.user.name;
    delete payload.actions[0]!.value;
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    await postSlack(harness.url, signSlackBody(body, "application/x-www-form-urlencoded", { secret: SECRET }));
    await settled(() => harness.actions.length === 1);
    expect(harness.actions[0]).toMatchObject({ user: { id: "U0ALLOWED", name: "ada" }, value: "" });
  });
});
