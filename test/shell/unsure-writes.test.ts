// A write whose answer failed may have landed all the same (GitHub applied it and the
// answer timed out). afk cannot know, so it does not guess: the next look at the run
// reads the progress comment back from GitHub, the record's only store, and goes on from
// what it says (found by the model-based test, test/chaos).

import { describe, expect, it } from "vitest";
import { TURN_MISSING_AFTER_MS } from "../../src/core/run/converge.js";
import { observe } from "../../src/shell/observe-runs.js";
import { onSlackMessage } from "../../src/shell/slack-ingress.js";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import {
  aDispatchedRun,
  aWorld,
  ALICE,
  botComments,
  CHANNEL,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MINUTE,
  READY,
  REPO,
} from "./world.js";

describe("a write that may have landed", () => {
  it("a relay whose comment edit GitHub took although the answer failed: the next sweep reads it back and finishes the relay", async () => {
    const world = aWorld({ slack: true });
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    await observe(world.afk, REPO, INSTALLATION);
    const doorbell = world.recordOnGitHub(issue)?.doorbell;
    if (doorbell === null || doorbell === undefined) throw new Error("no doorbell");
    world.clock.advance(5 * MINUTE);
    const ts = world.doorbell.humanMessage(CHANNEL, ALICE, "Blue, please.", doorbell.ts);
    world.github.knobs.failAfterApply("updateComment", "timeout");
    await onSlackMessage(world.afk, {
      type: "message",
      channel: CHANNEL,
      user: ALICE,
      text: "Blue, please.",
      ts,
      thread_ts: doorbell.ts,
    }).catch(() => undefined);
    expect(world.recordOnGitHub(issue)?.phase).toBe("dispatched");
    expect(world.issue(issue).labels).toEqual([HUMAN]);

    world.clock.advance(TURN_MISSING_AFTER_MS + MINUTE);
    await sweepOnce(world.afk);
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", turn: { kind: "relay", state: "working" } });
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
    expect(world.agent.snapshot().threads[0]?.messages.at(-1)?.text).toContain("Blue, please.");
  });

  it("a progress comment GitHub created although the answer failed is not created twice", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    world.github.knobs.failAfterApply("createComment", "timeout");
    await world.reconcile().catch(() => undefined);
    expect(botComments(world, issue)).toHaveLength(1);
    await world.reconcile();
    await world.reconcile();
    expect(botComments(world, issue)).toHaveLength(1);
    expect(world.record(issue)?.phase).toBe("dispatched");
  });
});
