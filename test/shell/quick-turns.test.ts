// T3 shows the previous turn as the latest until the agent picks up the next one, and
// afk allows a minute of clock skew when it matches a turn to its request. An answer
// relayed within that minute was judged by the turn that asked the question: the run
// escalated again at once with the same question (found by the crash-point suite's own
// story, test/chaos); a fix-forward sent within that minute of a quick turn was judged
// by that turn and escalated as a turn that ended without a fix. A turn afk has judged
// is never taken for the next one.

import { describe, expect, it } from "vitest";
import { TURN_MISSING_AFTER_MS } from "../../src/core/run/converge.js";
import { observe } from "../../src/shell/observe-runs.js";
import { onSlackMessage } from "../../src/shell/slack-ingress.js";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import { aDispatchedRun, aWorld, ALICE, botComments, CHANNEL, INSTALLATION, MINUTE, pushFix, REPO } from "./world.js";

async function anAnswerWithin(seconds: number, options: { readonly send: boolean } = { send: true }) {
  const world = aWorld({ slack: true });
  const { issue, threadId } = await aDispatchedRun(world);
  world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
  await observe(world.afk, REPO, INSTALLATION);
  const doorbell = world.recordOnGitHub(issue)?.doorbell;
  if (doorbell === null || doorbell === undefined) throw new Error("no doorbell");
  world.clock.advance(seconds * 1000);
  const ts = world.doorbell.humanMessage(CHANNEL, ALICE, "Blue, please.", doorbell.ts);
  if (!options.send) world.agent.knobs.fail("startTurn", "timeout");
  const event = { type: "message", channel: CHANNEL, user: ALICE, text: "Blue, please.", ts, thread_ts: doorbell.ts };
  await onSlackMessage(world.afk, event).catch(() => undefined);
  return { world, issue, threadId };
}

describe("an answer relayed soon after the question", () => {
  it("is not judged by the turn that asked: the run works on, with one escalation", async () => {
    const { world, issue } = await anAnswerWithin(20);
    world.clock.advance(10_000);
    await sweepOnce(world.afk);
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", turn: { kind: "relay", state: "working" } });
    expect(botComments(world, issue).filter((comment) => comment.body.includes("afk needs a human"))).toHaveLength(1);
  });

  it("a relay T3 never got is sent again after a while, even so soon after the question", async () => {
    const { world, issue, threadId } = await anAnswerWithin(20, { send: false });
    world.clock.advance(TURN_MISSING_AFTER_MS + MINUTE);
    await sweepOnce(world.afk);
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", turn: { kind: "relay", state: "working" } });
    expect(world.agent.snapshot().threads.find((thread) => thread.id === threadId)?.turnRequested).toBe(true);
  });
});

describe("a fix-forward sent soon after the turn that pushed", () => {
  it("is not judged by that turn: the agent works on the fix, nobody is called", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.clock.advance(10_000);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    await observe(world.afk, REPO, INSTALLATION);
    world.clock.advance(10_000);
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "failure");
    await observe(world.afk, REPO, INSTALLATION);
    expect(world.record(issue)).toMatchObject({ phase: "ci", turn: { kind: "fix-forward", state: "working" } });
    world.clock.advance(10_000);
    await sweepOnce(world.afk);
    expect(world.record(issue)).toMatchObject({ phase: "ci", turn: { kind: "fix-forward", state: "working" } });
    expect(world.issue(issue).labels).not.toContain("ready-for-human");
  });
});
