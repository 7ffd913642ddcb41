import { describe, expect, it } from "vitest";
import { RETRY_ACTION_ID, TAKE_OVER_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import { NOT_ALLOWED_NOTICE, NOT_ALLOWED_PRESS_NOTICE, RELAYED_REACTION } from "../../src/core/render/slack-notices.js";
import type { SlackMessageEvent } from "../../src/core/slack/decide-slack.js";
import { TURN_MISSING_AFTER_MS } from "../../src/core/run/converge.js";
import { observe } from "../../src/shell/observe-runs.js";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import { onDoorbellPress, onSlackMessage, type DoorbellPress } from "../../src/shell/slack-ingress.js";
import { StepError } from "../../src/shell/step-error.js";
import {
  aDispatchedRun,
  ALICE,
  aWorld,
  CHANNEL,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MINUTE,
  READY,
  REPO,
  type World,
  type WorldOptions,
} from "./world.js";

const STRANGER = "U0STRANGER";

/** A run escalated by the agent's question, its doorbell rung in Slack. */
async function anEscalatedRun(options: WorldOptions = {}) {
  const world = aWorld({ slack: true, ...options });
  const { issue, threadId } = await aDispatchedRun(world);
  // The agent works a while before it asks.
  world.clock.advance(10 * MINUTE);
  world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour should they spin?" });
  await observe(world.afk, REPO, INSTALLATION, { sweep: true });
  const doorbell = world.record(issue)?.doorbell;
  if (doorbell === null || doorbell === undefined) throw new Error("the doorbell did not ring");
  return { world, issue, threadId, doorbellTs: doorbell.ts };
}

/** Someone writes in the doorbell's thread; Slack's events (the bot's own included) go to afk. */
async function reply(world: World, user: string, text: string, threadTs: string): Promise<string> {
  const ts = world.doorbell.humanMessage(CHANNEL, user, text, threadTs);
  const off = world.doorbell.onEvent((event) =>
    onSlackMessage(world.afk, event.payload as unknown as SlackMessageEvent),
  );
  const flushed = await world.doorbell.flushEvents();
  off();
  if (flushed.failed.length > 0) throw flushed.failed[0]?.error;
  return ts;
}

function press(actionId: string, user: string, messageTs: string): DoorbellPress {
  return { actionId, user: { id: user, name: user === ALICE ? "alice" : "stranger" }, channel: CHANNEL, messageTs };
}

describe("onSlackMessage", () => {
  it("relays an allowed person's reply to the same agent thread, says so in Slack and puts afk's working labels back on the issue", async () => {
    const { world, issue, threadId, doorbellTs } = await anEscalatedRun();
    const replyTs = await reply(world, ALICE, "Blue, please", doorbellTs);
    expect(world.record(issue)).toMatchObject({
      phase: "dispatched",
      resumptions: [{ by: ALICE, via: "slack" }],
      turn: { kind: "relay", state: "working" },
    });
    expect(world.agent.snapshot().threads).toHaveLength(1);
    expect(world.agent.snapshot().threads[0]?.messages.at(-1)?.text).toContain("Blue, please");
    expect(world.agent.commands.at(-1)).toMatchObject({ type: "thread.turn.start", threadId });
    expect(world.doorbell.message(CHANNEL, replyTs)?.reactions.get(RELAYED_REACTION)).toEqual(["U0AFKBOT"]);
    const thread = world.doorbell.messages(CHANNEL).filter((message) => message.threadTs === doorbellTs);
    expect(thread.map((message) => message.user)).toEqual([ALICE, "U0AFKBOT"]);
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
    expect(world.recordOnGitHub(issue)?.phase).toBe("dispatched");
  });

  it("relays the reply all the same when Slack refuses the acknowledging reaction", async () => {
    const { world, issue, doorbellTs } = await anEscalatedRun();
    world.doorbell.knobs.fail("addReaction", "rate-limited");
    await reply(world, ALICE, "Blue", doorbellTs);
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(world.logs.find((line) => line.level === "warn")?.msg).toContain("the reply was relayed all the same");
  });

  it("tells a stranger, only them, that their reply was not passed on, and relays nothing", async () => {
    const { world, issue, doorbellTs } = await anEscalatedRun();
    const commands = world.agent.commands.length;
    await reply(world, STRANGER, "Do it in red", doorbellTs);
    expect(world.doorbell.ephemerals).toEqual([
      { channel: CHANNEL, user: STRANGER, text: NOT_ALLOWED_NOTICE, threadTs: doorbellTs },
    ]);
    expect(world.agent.commands).toHaveLength(commands);
    expect(world.record(issue)?.phase).toBe("escalated");
  });

  it("finds the run from the doorbell's metadata after a restart", async () => {
    const { world, issue, doorbellTs } = await anEscalatedRun();
    world.restart();
    await reply(world, ALICE, "Blue", doorbellTs);
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(world.afk.installations.get(REPO)).toBe(INSTALLATION);
  });

  it("ignores a reply in a thread no run rings", async () => {
    const { world } = await anEscalatedRun();
    const root = world.doorbell.humanMessage(CHANNEL, ALICE, "lunch?");
    const writes = world.github.knobs.writes().length;
    await reply(world, ALICE, "yes", root);
    expect(world.github.knobs.writes()).toHaveLength(writes);
    expect(world.logs.some((line) => line.msg === "no run rings this doorbell; nothing done")).toBe(true);
  });

  it("throws a StepError when the relay cannot reach the agent; the resumed record stands (written first) and T3 gets the same turn 2 minutes later (issue 8)", async () => {
    const { world, issue, threadId, doorbellTs } = await anEscalatedRun();
    world.agent.knobs.fail("startTurn", "transient");
    await expect(reply(world, ALICE, "Blue", doorbellTs)).rejects.toBeInstanceOf(StepError);
    expect(world.recordOnGitHub(issue)).toMatchObject({
      phase: "dispatched",
      turn: { kind: "relay", relayText: "Blue" },
    });
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
    const failed = world.agent.knobs.calls.filter((call) => call.method === "startTurn").at(-1)?.args[0];
    world.clock.advance(TURN_MISSING_AFTER_MS);
    await sweepOnce(world.afk);
    expect(world.agent.commands.at(-1)).toMatchObject({
      type: "thread.turn.start",
      threadId,
      commandId: (failed as { commandId: string }).commandId,
      text: expect.stringContaining("Blue"),
    });
    expect(world.agent.snapshot().threads[0]?.turnRequested).toBe(true);
  });

  it("does nothing without Slack configured", async () => {
    const world = aWorld();
    const ts = world.doorbell.humanMessage(CHANNEL, ALICE, "hello");
    await onSlackMessage(world.afk, {
      type: "message",
      user: ALICE,
      text: "hi",
      ts: "2.0",
      thread_ts: ts,
      channel: CHANNEL,
    });
    expect(world.doorbell.knobs.calls).toEqual([]);
  });
});

describe("onDoorbellPress", () => {
  it("Take over: the run ends taken over, its labels cleared and the doorbell updated in place", async () => {
    const { world, issue, doorbellTs } = await anEscalatedRun();
    await onDoorbellPress(world.afk, press(TAKE_OVER_ACTION_ID, ALICE, doorbellTs));
    expect(world.record(issue)?.phase).toBe("taken-over");
    expect(world.issue(issue)).toMatchObject({ state: "open", labels: [] });
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
    expect(world.doorbell.message(CHANNEL, doorbellTs)?.text).toContain("Taken over");
    expect(world.reconcileRequests).toEqual([REPO]);
  });

  it("Retry from scratch: a new attempt is queued and the ready label put back by afk", async () => {
    const { world, issue, doorbellTs } = await anEscalatedRun();
    await onDoorbellPress(world.afk, press(RETRY_ACTION_ID, ALICE, doorbellTs));
    expect(world.record(issue)).toMatchObject({ phase: "queued", attempt: 2, approval: { via: "retry" } });
    expect(world.issue(issue).labels).toEqual([READY]);
    expect(world.issue(issue).labels).not.toContain(HUMAN);
    await world.reconcile();
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", attempt: 2, threadId: world.threadId(issue, 2) });
  });

  it("a stranger's press is ignored, and they are told so", async () => {
    const { world, issue, doorbellTs } = await anEscalatedRun();
    await onDoorbellPress(world.afk, press(TAKE_OVER_ACTION_ID, STRANGER, doorbellTs));
    expect(world.record(issue)?.phase).toBe("escalated");
    expect(world.doorbell.ephemerals).toEqual([
      { channel: CHANNEL, user: STRANGER, text: NOT_ALLOWED_PRESS_NOTICE, threadTs: null },
    ]);
  });

  it("a button afk does not know is ignored", async () => {
    const { world, issue, doorbellTs } = await anEscalatedRun();
    const calls = world.doorbell.knobs.calls.length;
    await onDoorbellPress(world.afk, press("someone_elses_button", ALICE, doorbellTs));
    expect(world.record(issue)?.phase).toBe("escalated");
    expect(world.doorbell.knobs.calls).toHaveLength(calls);
  });
});
