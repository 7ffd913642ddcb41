// afk doctor's Slack reads against the strict fake Slack Web API: whether the bot can
// read the doorbell's channel, and who the allowed users are. Reads only.

import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSlackWorkspace } from "../../../src/adapters/slack/slack-workspace.js";
import type { SlackWorkspace } from "../../../src/ports/slack-workspace.js";
import { FAKE_SLACK_CHANNEL, FAKE_SLACK_TOKEN, startFakeSlackApi, type FakeSlackApi } from "../../fakes/slack-api.js";

let fake: FakeSlackApi;
let slack: SlackWorkspace;

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => nock.enableNetConnect());
beforeEach(async () => {
  fake = await startFakeSlackApi();
  slack = createSlackWorkspace({ token: FAKE_SLACK_TOKEN, apiUrl: fake.apiUrl, retries: 0, timeoutMs: 2_000 });
});
afterEach(async () => {
  // Only reads, whatever the test did.
  expect(
    fake.calls.map((call) => call.method).filter((m) => !["conversations.history", "users.info"].includes(m)),
  ).toEqual([]);
  await fake.close();
});

describe("reading the doorbell's channel", () => {
  it("reads one message of a channel the bot is in, with the bot token", async () => {
    expect(await slack.readChannel(FAKE_SLACK_CHANNEL)).toEqual({ ok: true, value: undefined });
    expect(fake.calls[0]).toMatchObject({
      method: "conversations.history",
      args: { channel: FAKE_SLACK_CHANNEL, limit: "1" },
      authorization: `Bearer ${FAKE_SLACK_TOKEN}`,
    });
  });

  it("says not_in_channel for a channel the bot is not in, channel_not_found for one it cannot see", async () => {
    fake.addChannel("C0OTHER", { botIsMember: false });
    expect(await slack.readChannel("C0OTHER")).toMatchObject({
      ok: false,
      error: { system: "slack", category: "rejected", detail: "not_in_channel" },
    });
    expect(await slack.readChannel("C0NONE")).toMatchObject({
      ok: false,
      error: { category: "not-found", detail: "channel_not_found" },
    });
  });

  it("names the scope Slack wanted when the token lacks it", async () => {
    fake.setScopes(["chat:write"]);
    const result = await slack.readChannel(FAKE_SLACK_CHANNEL);
    expect(result).toMatchObject({ ok: false, error: { category: "unauthorized", detail: "missing_scope" } });
    expect(!result.ok && result.error.message).toBe(
      "conversations.history failed: missing_scope (needed: channels:history,groups:history)",
    );
  });
});

describe("looking up an allowed user", () => {
  it("reads a user's name, and whether the account is deactivated", async () => {
    fake.addUser("U0ALICE", { name: "alice" });
    fake.addUser("U0BOB", { name: "bob", deleted: true });
    expect(await slack.readUser("U0ALICE")).toEqual({
      ok: true,
      value: { id: "U0ALICE", name: "alice", deleted: false },
    });
    expect(await slack.readUser("U0BOB")).toEqual({ ok: true, value: { id: "U0BOB", name: "bob", deleted: true } });
  });

  it("says user_not_found for an unknown id, and missing_scope (users:read) without the scope", async () => {
    expect(await slack.readUser("U0NOBODY")).toMatchObject({
      ok: false,
      error: { category: "not-found", detail: "user_not_found" },
    });
    fake.setScopes(["chat:write", "channels:history"]);
    const result = await slack.readUser("U0NOBODY");
    expect(!result.ok && result.error.message).toBe("users.info failed: missing_scope (needed: users:read)");
  });
});
