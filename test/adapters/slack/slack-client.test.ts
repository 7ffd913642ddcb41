import { afterAll, afterEach, beforeAll, beforeEach, describe, it, expect } from "vitest";
import nock from "nock";
import { LogLevel, type Logger } from "@slack/bolt";
import { createSlackClient, type SlackClientOptions } from "../../../src/adapters/slack/slack-client.js";
import type { Doorbell } from "../../../src/ports/doorbell.js";
import type { Result } from "../../../src/ports/result.js";
import { parseDoorbellMetadata } from "../../../src/core/slack/decide-slack.js";
import { renderDoorbell } from "../../../src/core/render/render-doorbell.js";
import { aRecord } from "../../core/builders.js";
import {
  FAKE_SLACK_BOT_ID,
  FAKE_SLACK_BOT_USER_ID,
  FAKE_SLACK_CHANNEL,
  FAKE_SLACK_TOKEN,
  startFakeSlackApi,
  type FakeSlackApi,
} from "../../fakes/slack-api.js";

let fake: FakeSlackApi;
const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};
let slack: Doorbell;

function aClient(overrides: Partial<SlackClientOptions> = {}): Doorbell {
  return createSlackClient({
    token: FAKE_SLACK_TOKEN,
    apiUrl: fake.apiUrl,
    retries: 0,
    timeoutMs: 2_000,
    logger: silent,
    ...overrides,
  });
}

function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

function errorOf<T>(result: Result<T>) {
  if (result.ok) throw new Error(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

const doorbell = renderDoorbell(aRecord({ phase: "escalated", attempt: 2 }), {
  githubUrl: "https://github.com",
  t3BaseUrl: null,
  issueTitle: "Spin",
  note: null,
});

async function postDoorbell() {
  return valueOf(await slack.postDoorbell({ channel: FAKE_SLACK_CHANNEL, ...doorbell }));
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
  slack = aClient();
});
afterEach(async () => {
  await fake.close();
});

describe("the Slack client against the strict fake", () => {
  it("reads the bot's ids with auth.test", async () => {
    expect(valueOf(await slack.readIdentity())).toEqual({
      botId: FAKE_SLACK_BOT_ID,
      botUserId: FAKE_SLACK_BOT_USER_ID,
    });
    expect(fake.calls[0]).toMatchObject({ method: "auth.test", authorization: `Bearer ${FAKE_SLACK_TOKEN}` });
  });

  it("posts the doorbell with its blocks and metadata and returns where it landed", async () => {
    const ref = await postDoorbell();
    expect(ref.channel).toBe(FAKE_SLACK_CHANNEL);
    expect(fake.calls.at(-1)).toMatchObject({
      method: "chat.postMessage",
      args: {
        channel: FAKE_SLACK_CHANNEL,
        text: doorbell.text,
        blocks: doorbell.blocks,
        metadata: doorbell.metadata,
        unfurl_links: "false",
      },
    });
    expect(fake.message(FAKE_SLACK_CHANNEL, ref.ts)?.blocks).toEqual(doorbell.blocks);
  });

  it("updates the doorbell in place", async () => {
    const ref = await postDoorbell();
    valueOf(
      await slack.updateDoorbell({
        channel: ref.channel,
        ts: ref.ts,
        text: "Shipped",
        blocks: [{ type: "section", text: { type: "mrkdwn", text: "Shipped" } }],
      }),
    );
    expect(fake.calls.at(-1)).toMatchObject({
      method: "chat.update",
      args: { channel: ref.channel, ts: ref.ts, text: "Shipped" },
    });
    expect(fake.message(ref.channel, ref.ts)?.text).toBe("Shipped");
    expect(fake.messages(FAKE_SLACK_CHANNEL)).toHaveLength(1);
  });

  it("replies in the doorbell's thread", async () => {
    const ref = await postDoorbell();
    const reply = valueOf(
      await slack.replyInThread({
        channel: ref.channel,
        threadTs: ref.ts,
        text: "Relayed to the agent; the run resumed.",
      }),
    );
    expect(fake.calls.at(-1)).toMatchObject({
      method: "chat.postMessage",
      args: { channel: ref.channel, thread_ts: ref.ts, text: "Relayed to the agent; the run resumed." },
    });
    expect(fake.message(ref.channel, reply.ts)?.threadTs).toBe(ref.ts);
  });

  it("posts a plain message in the channel", async () => {
    const posted = valueOf(await slack.postMessage({ channel: FAKE_SLACK_CHANNEL, text: "Shipped acme/widgets#42" }));
    expect(fake.calls.at(-1)).toMatchObject({
      method: "chat.postMessage",
      args: { channel: FAKE_SLACK_CHANNEL, text: "Shipped acme/widgets#42" },
    });
    expect(fake.message(FAKE_SLACK_CHANNEL, posted.ts)?.text).toBe("Shipped acme/widgets#42");
  });

  it("adds a reaction, and adding it again is still ok", async () => {
    const ref = await postDoorbell();
    valueOf(await slack.addReaction({ channel: ref.channel, ts: ref.ts, name: "white_check_mark" }));
    valueOf(await slack.addReaction({ channel: ref.channel, ts: ref.ts, name: "white_check_mark" }));
    expect(fake.calls.filter((c) => c.method === "reactions.add").map((c) => c.args)).toEqual([
      { channel: ref.channel, timestamp: ref.ts, name: "white_check_mark" },
      { channel: ref.channel, timestamp: ref.ts, name: "white_check_mark" },
    ]);
    expect(fake.message(ref.channel, ref.ts)?.reactions.get("white_check_mark")).toEqual([FAKE_SLACK_BOT_USER_ID]);
  });

  it("posts an ephemeral notice in the thread to one user", async () => {
    const ref = await postDoorbell();
    valueOf(
      await slack.postEphemeral({
        channel: ref.channel,
        user: "U0STRANGER",
        text: "You are not allowed to steer agents.",
        threadTs: ref.ts,
      }),
    );
    valueOf(await slack.postEphemeral({ channel: ref.channel, user: "U0STRANGER", text: "top level", threadTs: null }));
    expect(fake.ephemerals).toEqual([
      { channel: ref.channel, user: "U0STRANGER", text: "You are not allowed to steer agents.", threadTs: ref.ts },
      { channel: ref.channel, user: "U0STRANGER", text: "top level", threadTs: null },
    ]);
  });

  it("reads the thread parent's metadata back, asking for it explicitly", async () => {
    const ref = await postDoorbell();
    await slack.replyInThread({ channel: ref.channel, threadTs: ref.ts, text: "a reply" });
    const metadata = valueOf(await slack.readThreadParent({ channel: ref.channel, threadTs: ref.ts }));
    expect(fake.calls.at(-1)).toMatchObject({
      method: "conversations.replies",
      args: { channel: ref.channel, ts: ref.ts, limit: "1", include_all_metadata: "true" },
    });
    expect(parseDoorbellMetadata(metadata)).toEqual({ repo: "acme/widgets", issue: 42, attempt: 2, installationId: 7 });
  });

  it("finds no metadata on a parent posted without any", async () => {
    const parent = fake.addMessage({ channel: FAKE_SLACK_CHANNEL, user: "U0HUMAN", text: "hello" });
    expect(valueOf(await slack.readThreadParent({ channel: FAKE_SLACK_CHANNEL, threadTs: parent.ts }))).toBeNull();
  });

  it("lists the doorbells afk posted since a time, with their metadata, and nobody else's messages", async () => {
    fake.addMessage({ channel: FAKE_SLACK_CHANNEL, user: "U0HUMAN", text: "hello" });
    const ref = await postDoorbell();
    const listed = valueOf(await slack.listDoorbells({ channel: FAKE_SLACK_CHANNEL, oldestMs: 0 }));
    expect(fake.calls.at(-1)).toMatchObject({
      method: "conversations.history",
      args: { channel: FAKE_SLACK_CHANNEL, oldest: "0.000000", include_all_metadata: "true" },
    });
    expect(listed.map((message) => message.ts)).toEqual([ref.ts]);
    expect(parseDoorbellMetadata(listed[0]?.metadata)).toMatchObject({ repo: "acme/widgets", issue: 42, attempt: 2 });
    const later = (Number(ref.ts) + 1) * 1000;
    expect(valueOf(await slack.listDoorbells({ channel: FAKE_SLACK_CHANNEL, oldestMs: later }))).toEqual([]);
  });
});

describe("the strict fake keeps its contract", () => {
  it("returns metadata from conversations.replies only with include_all_metadata", async () => {
    const ref = await postDoorbell();
    const response = await fetch(`${fake.apiUrl}conversations.replies`, {
      method: "POST",
      headers: { authorization: `Bearer ${FAKE_SLACK_TOKEN}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ channel: ref.channel, ts: ref.ts }).toString(),
    });
    const body = (await response.json()) as { ok: boolean; messages: Record<string, unknown>[] };
    expect(body.ok).toBe(true);
    expect(body.messages[0]).not.toHaveProperty("metadata");
  });

  it("accepts JSON bodies as well as forms", async () => {
    const response = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { authorization: `Bearer ${FAKE_SLACK_TOKEN}`, "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({
        channel: FAKE_SLACK_CHANNEL,
        text: "hi",
        metadata: { event_type: "x", event_payload: {} },
      }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: FAKE_SLACK_CHANNEL });
  });
});

describe("Slack's failures come back as values", () => {
  it.each<[string, string, string, () => Promise<Result<unknown>>]>([
    ["a wrong token", "unauthorized", "invalid_auth", () => aClient({ token: "xoxb-wrong" }).readIdentity()],
    [
      "an unknown channel",
      "not-found",
      "channel_not_found",
      () => slack.postDoorbell({ ...doorbell, channel: "C0NOPE" }),
    ],
    [
      "an unknown message to update",
      "not-found",
      "message_not_found",
      () => slack.updateDoorbell({ channel: FAKE_SLACK_CHANNEL, ts: "1.000", text: "x", blocks: [] }),
    ],
    [
      "an unknown thread to reply in",
      "not-found",
      "thread_not_found",
      () => slack.replyInThread({ channel: FAKE_SLACK_CHANNEL, threadTs: "1.000", text: "x" }),
    ],
    [
      "an unknown message to react to",
      "not-found",
      "message_not_found",
      () => slack.addReaction({ channel: FAKE_SLACK_CHANNEL, ts: "1.000", name: "eyes" }),
    ],
    [
      "an unknown thread to read",
      "not-found",
      "thread_not_found",
      () => slack.readThreadParent({ channel: FAKE_SLACK_CHANNEL, threadTs: "1.000" }),
    ],
    [
      "an empty doorbell",
      "rejected",
      "no_text",
      () => slack.postDoorbell({ channel: FAKE_SLACK_CHANNEL, text: "", blocks: [], metadata: doorbell.metadata }),
    ],
    [
      "a bad reaction name",
      "rejected",
      "invalid_arguments",
      () => slack.addReaction({ channel: FAKE_SLACK_CHANNEL, ts: "1.000", name: "" }),
    ],
  ])("maps %s to %s (%s)", async (_name, category, code, act) => {
    const error = errorOf(await act());
    expect(error).toMatchObject({ system: "slack", category, detail: code });
    expect(error.message).not.toContain(FAKE_SLACK_TOKEN);
  });

  it("maps a token without the scope to unauthorized", async () => {
    fake.setScopes(["chat:write"]);
    expect(errorOf(await slack.addReaction({ channel: FAKE_SLACK_CHANNEL, ts: "1.000", name: "eyes" }))).toMatchObject({
      category: "unauthorized",
      detail: "missing_scope",
    });
  });

  it("maps a channel the bot is not in to rejected", async () => {
    fake.addChannel("C0OUT", { botIsMember: false });
    expect(errorOf(await slack.postDoorbell({ ...doorbell, channel: "C0OUT" }))).toMatchObject({
      category: "rejected",
      detail: "not_in_channel",
    });
  });

  it("maps an ephemeral to a non-member to not-found", async () => {
    fake.addChannel("C0SMALL", { members: ["U0ONE"] });
    expect(
      errorOf(await slack.postEphemeral({ channel: "C0SMALL", user: "U0TWO", text: "x", threadTs: null })),
    ).toMatchObject({ category: "not-found", detail: "user_not_in_channel" });
  });

  it.each<[string, string]>([
    ["token_revoked", "unauthorized"],
    ["ratelimited", "rate-limited"],
    ["internal_error", "transient"],
    ["invalid_blocks", "rejected"],
  ])("maps Slack's %s to %s", async (code, category) => {
    fake.failNext("chat.update", code);
    expect(
      errorOf(await slack.updateDoorbell({ channel: FAKE_SLACK_CHANNEL, ts: "1.0", text: "x", blocks: [] })),
    ).toEqual({
      system: "slack",
      category,
      detail: code,
      status: null,
      retryAfterMs: null,
      traceId: null,
      message: `chat.update failed: ${code}`,
    });
  });

  it("returns HTTP 429 as rate-limited at once, without waiting", async () => {
    fake.failNext("chat.postMessage", { status: 429, retryAfterSec: 30 });
    const started = Date.now();
    expect(errorOf(await postDoorbellRaw())).toMatchObject({
      category: "rate-limited",
      detail: "ratelimited",
      retryAfterMs: 30_000,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each<[number, string]>([
    [503, "transient"],
    [401, "unauthorized"],
    [400, "rejected"],
  ])("maps HTTP %i to %s", async (status, category) => {
    fake.failNext("chat.postMessage", { status });
    expect(errorOf(await postDoorbellRaw())).toMatchObject({
      category,
      status,
      detail: null,
      message: `chat.postMessage answered HTTP ${status}`,
    });
  });

  it("retries a 5xx when retries are allowed", async () => {
    slack = aClient({ retries: 1 });
    fake.failNext("chat.postMessage", { status: 503 });
    valueOf(await postDoorbellRaw());
    expect(fake.calls.filter((c) => c.method === "chat.postMessage")).toHaveLength(2);
  });

  it("maps a server that is gone to transient", async () => {
    await fake.close();
    const error = errorOf(await slack.readIdentity());
    expect(error).toMatchObject({ category: "transient", detail: null });
    expect(error.message).toMatch(/^auth\.test did not answer: /);
    fake = await startFakeSlackApi();
  });

  it("maps an ok answer without a ts to invalid-response", async () => {
    const client = createSlackClient({ token: "t", apiUrl: null, retries: 0 });
    // Slack itself is not reachable in tests: nock answers for it.
    nock("https://slack.com").post("/api/chat.postMessage").reply(200, { ok: true, channel: "C1" });
    expect(errorOf(await client.replyInThread({ channel: "C1", threadTs: "1.0", text: "x" }))).toMatchObject({
      system: "slack",
      category: "invalid-response",
      detail: null,
      message: "chat.postMessage answered ok without a ts",
    });
    nock("https://slack.com").post("/api/auth.test").reply(200, { ok: true });
    expect(errorOf(await client.readIdentity()).message).toBe("auth.test answered ok without bot_id and user_id");
    nock("https://slack.com").post("/api/conversations.replies").reply(200, { ok: true });
    expect(valueOf(await client.readThreadParent({ channel: "C1", threadTs: "1.0" }))).toBeNull();
    nock("https://slack.com").post("/api/chat.postMessage").reply(200, { ok: true, ts: "2.0" });
    expect(valueOf(await client.replyInThread({ channel: "C1", threadTs: "1.0", text: "x" }))).toEqual({
      channel: "C1",
      ts: "2.0",
    });
    expect(nock.isDone()).toBe(true);
  });
});

function postDoorbellRaw() {
  return slack.postDoorbell({ channel: FAKE_SLACK_CHANNEL, ...doorbell });
}

describe("what the Slack client tells its observer", () => {
  it("one sample per call: the method, and 200 for Slack's own errors, the status of an HTTP error", async () => {
    const samples: unknown[] = [];
    const observed = aClient({ observe: (sample) => samples.push(sample) });
    fake.failNext("chat.postMessage", "channel_not_found");
    fake.failNext("reactions.add", { status: 503 });
    valueOf(await observed.readIdentity());
    errorOf(await observed.postMessage({ channel: FAKE_SLACK_CHANNEL, text: "hi" }));
    errorOf(await observed.addReaction({ channel: FAKE_SLACK_CHANNEL, ts: "1.2", name: "white_check_mark" }));
    expect(samples).toEqual([
      { system: "slack", method: "POST", route: "auth.test", status: 200 },
      { system: "slack", method: "POST", route: "chat.postMessage", status: 200 },
      { system: "slack", method: "POST", route: "reactions.add", status: 503 },
    ]);
  });
});
