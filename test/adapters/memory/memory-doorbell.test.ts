import { describe, expect, it } from "vitest";
import { MemoryDoorbell } from "../../../src/adapters/memory/memory-doorbell.js";
import type { DoorbellPost } from "../../../src/ports/doorbell.js";

const CHANNEL = "C0AFK";

function aDoorbellPost(overrides: Partial<DoorbellPost> = {}): DoorbellPost {
  return {
    channel: CHANNEL,
    text: "afk needs a human",
    blocks: [{ type: "section" }],
    metadata: { event_type: "afk_doorbell", event_payload: { repo: "acme/web", issue: 12 } },
    ...overrides,
  };
}

describe("MemoryDoorbell", () => {
  it("posts the doorbell and gives its metadata back to a reply in its thread", async () => {
    const slack = new MemoryDoorbell();
    const posted = await slack.postDoorbell(aDoorbellPost());
    if (!posted.ok) throw new Error("not posted");
    const reply = slack.humanMessage(CHANNEL, "U0MARIA", "try again", posted.value.ts);
    expect(await slack.readThreadParent({ channel: CHANNEL, threadTs: reply })).toEqual({
      ok: true,
      value: { event_type: "afk_doorbell", event_payload: { repo: "acme/web", issue: 12 } },
    });
    await slack.replyInThread({ channel: CHANNEL, threadTs: reply, text: "relayed" });
    expect(slack.messages(CHANNEL).map((m) => [m.user, m.threadTs === null ? "root" : "reply"])).toEqual([
      ["U0AFKBOT", "root"],
      ["U0MARIA", "reply"],
      ["U0AFKBOT", "reply"],
    ]);
  });

  it("refuses to post where the bot was not invited: rejected, not_in_channel", async () => {
    const slack = new MemoryDoorbell();
    slack.addChannel("C0QUIET", { botIsMember: false });
    const posted = await slack.postDoorbell(aDoorbellPost({ channel: "C0QUIET" }));
    expect(!posted.ok && posted.error).toMatchObject({ category: "rejected", detail: "not_in_channel" });
    slack.setBotMember("C0QUIET", true);
    expect((await slack.postDoorbell(aDoorbellPost({ channel: "C0QUIET" }))).ok).toBe(true);
  });

  it("counts a reaction already there as done", async () => {
    const slack = new MemoryDoorbell();
    const ts = slack.humanMessage(CHANNEL, "U0MARIA", "hello");
    expect((await slack.addReaction({ channel: CHANNEL, ts, name: "eyes" })).ok).toBe(true);
    expect((await slack.addReaction({ channel: CHANNEL, ts, name: "eyes" })).ok).toBe(true);
    expect(slack.snapshot().messages[0]?.reactions).toEqual({ eyes: ["U0AFKBOT"] });
  });

  it("updates the doorbell in place, and answers not-found for a message it does not know", async () => {
    const slack = new MemoryDoorbell();
    const posted = await slack.postDoorbell(aDoorbellPost());
    if (!posted.ok) throw new Error("not posted");
    await slack.updateDoorbell({ channel: CHANNEL, ts: posted.value.ts, text: "Taken over", blocks: [] });
    expect(slack.message(CHANNEL, posted.value.ts)?.text).toBe("Taken over");
    const missing = await slack.updateDoorbell({ channel: CHANNEL, ts: "1.000", text: "x", blocks: [] });
    expect(!missing.ok && missing.error).toMatchObject({ category: "not-found", detail: "message_not_found" });
  });

  it("sends an ephemeral only to a member of the channel", async () => {
    const slack = new MemoryDoorbell();
    slack.addChannel("C0TEAM", { members: ["U0MARIA"] });
    const notice = { channel: "C0TEAM", text: "not allowed", threadTs: null };
    expect((await slack.postEphemeral({ ...notice, user: "U0MARIA" })).ok).toBe(true);
    const stranger = await slack.postEphemeral({ ...notice, user: "U0BOB" });
    expect(!stranger.ok && stranger.error.detail).toBe("user_not_in_channel");
    expect(slack.ephemerals).toHaveLength(1);
  });

  it("sends every message as a message event, the bot's own with its bot_id, when the test flushes", async () => {
    const slack = new MemoryDoorbell();
    const seen: unknown[] = [];
    slack.onEvent((event) => void seen.push(event.payload));
    const posted = await slack.postDoorbell(aDoorbellPost());
    if (posted.ok) slack.humanMessage(CHANNEL, "U0MARIA", "go on", posted.value.ts);
    expect(seen).toEqual([]);
    await slack.flushEvents();
    expect(seen).toEqual([
      expect.objectContaining({ user: "U0AFKBOT", bot_id: "B0AFKBOT" }),
      expect.objectContaining({ user: "U0MARIA", text: "go on", thread_ts: posted.ok ? posted.value.ts : "" }),
    ]);
  });

  it("answers its identity", async () => {
    expect(await new MemoryDoorbell().readIdentity()).toEqual({
      ok: true,
      value: { botId: "B0AFKBOT", botUserId: "U0AFKBOT" },
    });
  });
});
