// The doorbell is a notice too, and is rung once per escalation (issue 8, item 7): Slack
// has no idempotency key, so a post that landed although afk never saw its answer (it
// timed out, or afk died before writing the ts down) is found in the channel before
// afk posts again (found by the crash-point suite, test/chaos).

import { describe, expect, it } from "vitest";
import { observe } from "../../src/shell/observe-runs.js";
import { startUp } from "../../src/shell/start-up.js";
import { aDispatchedRun, aWorld, CHANNEL, INSTALLATION, MAINTAINER, MINUTE, READY, REPO } from "./world.js";

const QUESTION = "AFK-STATUS: blocked: Which colour?";

async function anEscalation() {
  const world = aWorld({ slack: true });
  const { issue, threadId } = await aDispatchedRun(world);
  world.agent.endTurn(threadId, { state: "completed", text: QUESTION });
  return { world, issue };
}

const doorbells = (world: ReturnType<typeof aWorld>) =>
  world.doorbell.messages(CHANNEL).filter((message) => message.threadTs === null);

describe("the doorbell rings once", () => {
  it("a post Slack took although its answer timed out is found and recorded, not posted again", async () => {
    const { world, issue } = await anEscalation();
    world.doorbell.knobs.failAfterApply("postDoorbell", "timeout");
    await observe(world.afk, REPO, INSTALLATION);
    expect(world.record(issue)?.doorbellFailure).not.toBeNull();
    world.clock.advance(2 * MINUTE);
    await world.reconcile();
    expect(doorbells(world)).toHaveLength(1);
    expect(world.recordOnGitHub(issue)?.doorbell).toEqual({ channel: CHANNEL, ts: doorbells(world)[0]?.ts });
  });

  it("a doorbell posted just before afk died is found at the next start, not posted again", async () => {
    const { world, issue } = await anEscalation();
    // afk dies right after Slack took the post: the ts never reaches the record.
    world.github.knobs.fail("updateComment", "timeout", { when: ([, , body]) => String(body).includes(CHANNEL) });
    await observe(world.afk, REPO, INSTALLATION).catch(() => undefined);
    expect(doorbells(world)).toHaveLength(1);
    expect(world.recordOnGitHub(issue)?.doorbell).toBeNull();
    world.restart();
    await startUp(world.afk);
    expect(doorbells(world)).toHaveLength(1);
    expect(world.recordOnGitHub(issue)?.doorbell).toEqual({ channel: CHANNEL, ts: doorbells(world)[0]?.ts });
  });

  it("a doorbell that could not ring is posted when afk tries again", async () => {
    const { world, issue } = await anEscalation();
    world.doorbell.knobs.fail("postDoorbell", "transient");
    await observe(world.afk, REPO, INSTALLATION);
    expect(doorbells(world)).toHaveLength(0);
    world.clock.advance(2 * MINUTE);
    await world.reconcile();
    expect(doorbells(world)).toHaveLength(1);
    expect(world.recordOnGitHub(issue)?.doorbell?.ts).toBe(doorbells(world)[0]?.ts);
  });

  it("a doorbell whose post landed unseen, then a resume and a second escalation of the attempt: the first is found and updated, not a second posted", async () => {
    const { world, issue } = await anEscalation();
    world.doorbell.knobs.failAfterApply("postDoorbell", "timeout");
    await observe(world.afk, REPO, INSTALLATION);
    expect(world.record(issue)).toMatchObject({ doorbell: null, doorbellFailure: { attempts: 1 } });
    // A person answers on GitHub before afk tries the doorbell again.
    world.clock.advance(20_000);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    await world.reconcile();
    expect(world.record(issue)?.phase).toBe("dispatched");
    world.clock.advance(10 * MINUTE);
    world.agent.endTurn(world.threadId(issue), { state: "completed", text: "Done, I think." });
    await observe(world.afk, REPO, INSTALLATION);
    expect(world.record(issue)?.phase).toBe("escalated");
    expect(doorbells(world)).toHaveLength(1);
    expect(world.recordOnGitHub(issue)?.doorbell).toEqual({ channel: CHANNEL, ts: doorbells(world)[0]?.ts });
  });
});
