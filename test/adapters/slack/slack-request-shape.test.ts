import { describe, expect, it } from "vitest";
import { judgeSlackBody } from "../../../src/adapters/slack/slack-request-shape.js";

const reply = { type: "message", channel: "C1", ts: "2.0", thread_ts: "1.0", user: "U1", text: "hi" };
const event = { type: "event_callback", event_id: "Ev1", event: reply };
const press = {
  type: "block_actions",
  user: { id: "U1", name: "ada" },
  channel: { id: "C1" },
  message: { ts: "1.0" },
  actions: [{ type: "button", action_id: "afk_take_over", value: "v" }],
};

describe("judgeSlackBody: only what afk reads, typed as Slack sends it, reaches Bolt", () => {
  it.each([
    ["a thread reply", event],
    ["a bot's message (afk's core ignores it, but it is well formed)", { ...event, event: { ...reply, bot_id: "B1" } }],
    ["a button press", press],
    ["a press without channel and message", { ...press, channel: undefined, message: undefined }],
    ["Slack's URL check", { type: "url_verification", challenge: "c" }],
  ])("%s goes to Bolt", (_what, body) => {
    expect(judgeSlackBody(body)).toEqual({ kind: "bolt" });
  });

  it.each([null, 5, "text", [], [event]])("%j is not a JSON object: malformed", (body) => {
    expect(judgeSlackBody(body)).toEqual({ kind: "malformed" });
  });

  it.each([
    ["an event that is a number", { ...event, event: 5 }, "event"],
    ["a message whose ts is a number", { ...event, event: { ...reply, ts: 2 } }, "event.ts"],
    ["a message whose item is not an object", { ...event, event: { ...reply, item: 5 } }, "event.item"],
    ["another event type", { ...event, event: { ...reply, type: "app_mention" } }, "event.type"],
    ["a press whose user id is a number", { ...press, user: { id: 7 } }, "user.id"],
    ["a press whose channel is null", { ...press, channel: null }, "channel"],
    ["a press that also carries an event", { ...press, event: reply }, "event"],
    ["a press with no action", { ...press, actions: [] }, "actions"],
    ["a view submission", { type: "view_submission", view: {} }, "type"],
  ])("%s is acknowledged and ignored", (_what, body, where) => {
    expect(judgeSlackBody(body)).toEqual({ kind: "ignore", why: `not a request afk reads (${where})` });
  });
});
