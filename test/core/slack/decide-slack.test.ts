import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  decideDoorbellPress,
  decideSlackAction,
  decideSlackMessage,
  parseDoorbellMetadata,
  type SlackMessageEvent,
} from "../../../src/core/slack/decide-slack.js";
import { renderDoorbell } from "../../../src/core/render/render-doorbell.js";
import { aRecord } from "../builders.js";

const CHANNEL = "C0AFK";
const ALLOWED = ["U0ALLOWED"];

/** A human's reply in a doorbell thread: every field defaulted. */
function aReply(overrides: Partial<SlackMessageEvent> = {}): SlackMessageEvent {
  return {
    type: "message",
    user: "U0ALLOWED",
    text: "Spin it clockwise.",
    ts: "1700003100.000200",
    thread_ts: "1700003000.000100",
    channel: CHANNEL,
    ...overrides,
  };
}

describe("decideSlackMessage", () => {
  it("relays an allowed user's thread reply, trimmed", () => {
    expect(decideSlackMessage(aReply({ text: "  Spin it clockwise.\n" }), ALLOWED, CHANNEL)).toEqual({
      kind: "relay",
      user: "U0ALLOWED",
      text: "Spin it clockwise.",
      channel: CHANNEL,
      threadTs: "1700003000.000100",
      ts: "1700003100.000200",
    });
  });

  it("tells anyone else they may not steer agents, relaying nothing", () => {
    expect(decideSlackMessage(aReply({ user: "U0STRANGER" }), ALLOWED, CHANNEL)).toEqual({
      kind: "not-allowed",
      user: "U0STRANGER",
      channel: CHANNEL,
      threadTs: "1700003000.000100",
    });
  });

  it("treats nobody as allowed when the list is empty", () => {
    expect(decideSlackMessage(aReply(), [], CHANNEL).kind).toBe("not-allowed");
  });

  const ignored: [string, Partial<SlackMessageEvent>][] = [
    ["another event type", { type: "app_mention" }],
    ["an edit", { subtype: "message_changed" }],
    ["a deletion", { subtype: "message_deleted" }],
    ["a join", { subtype: "channel_join" }],
    ["a bot message by subtype", { subtype: "bot_message" }],
    ["a thread broadcast", { subtype: "thread_broadcast" }],
    ["a bot's message", { bot_id: "B0BOT" }],
    ["a message marked edited", { edited: { user: "U0ALLOWED", ts: "1" } }],
    ["a top-level message", { thread_ts: undefined }],
    ["a thread's parent", { thread_ts: "1700003100.000200" }],
    ["another channel", { channel: "C0OTHER" }],
    ["a message without a user", { user: undefined }],
    ["a message with an empty user", { user: "" }],
    ["a message without text", { text: undefined }],
    ["a blank message", { text: "  \n " }],
  ];
  it.each(ignored)("ignores %s", (_name, overrides) => {
    expect(decideSlackMessage(aReply(overrides), ALLOWED, CHANNEL).kind).toBe("ignore");
  });

  it("ignores a bot's message even when the bot posts as an allowed user", () => {
    const decision = decideSlackMessage(aReply({ bot_id: "B0BOT" }), ALLOWED, CHANNEL);
    expect(decision).toEqual({ kind: "ignore", why: "a bot's message" });
  });

  it("relays only allowed users, whatever the message", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 40 }), (user, text) => {
        const decision = decideSlackMessage(aReply({ user, text }), ALLOWED, CHANNEL);
        if (decision.kind === "relay") expect(ALLOWED).toContain(decision.user);
        if (!ALLOWED.includes(user)) expect(decision.kind).not.toBe("relay");
      }),
      { numRuns: 300 },
    );
  });
});

describe("decideSlackAction", () => {
  it.each([
    ["afk_take_over", "take-over"],
    ["afk_retry", "retry"],
    ["something_else", null],
    ["", null],
  ])("maps %j to %j", (actionId, expected) => {
    expect(decideSlackAction(actionId)).toBe(expected);
  });
});

describe("parseDoorbellMetadata", () => {
  const valid = {
    event_type: "afk_doorbell",
    event_payload: { repo: "Acme/Widgets", issue: 42, attempt: 2, installation_id: 7 },
  };

  it("reads the run a doorbell rang for, repo lower-cased", () => {
    expect(parseDoorbellMetadata(valid)).toEqual({ repo: "acme/widgets", issue: 42, attempt: 2, installationId: 7 });
  });

  it("reads back what renderDoorbell writes", () => {
    const record = aRecord({ attempt: 3, installationId: 99 });
    const { metadata } = renderDoorbell(record, {
      githubUrl: "https://github.com",
      t3BaseUrl: null,
      issueTitle: null,
      note: null,
    });
    expect(parseDoorbellMetadata(metadata)).toEqual({
      repo: record.repo,
      issue: record.issue,
      attempt: 3,
      installationId: 99,
    });
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["a string", "afk_doorbell"],
    ["another event type", { ...valid, event_type: "other_app" }],
    ["no payload", { event_type: "afk_doorbell" }],
    ["a repo without owner", { ...valid, event_payload: { ...valid.event_payload, repo: "widgets" } }],
    ["an issue as a string", { ...valid, event_payload: { ...valid.event_payload, issue: "42" } }],
    ["attempt zero", { ...valid, event_payload: { ...valid.event_payload, attempt: 0 } }],
    ["a fractional installation", { ...valid, event_payload: { ...valid.event_payload, installation_id: 1.5 } }],
  ])("rejects %s", (_name, metadata) => {
    expect(parseDoorbellMetadata(metadata)).toBeNull();
  });
});

describe("decideDoorbellPress", () => {
  it.each([
    ["afk_take_over", "U1", { kind: "steer", action: "take-over" }],
    ["afk_retry", "U1", { kind: "steer", action: "retry" }],
    ["afk_take_over", "U2", { kind: "not-allowed", action: "take-over" }],
    ["afk_retry", "U2", { kind: "not-allowed", action: "retry" }],
    ["something_else", "U1", { kind: "ignore" }],
  ])("%s pressed by %s → %j", (actionId, user, expected) => {
    expect(decideDoorbellPress(actionId, user, ["U1"])).toEqual(expected);
  });
});
