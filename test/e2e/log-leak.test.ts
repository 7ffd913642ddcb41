// Issue 11, secrets never reach a log line: the end-to-end scenarios run with every
// secret afk can hold configured to a distinctive value (the GitHub App's private key,
// the webhook secret, T3's, Woodpecker's, Slack's and Kubernetes' tokens, Slack's signing
// secret, the status page's token), capturing every line afk logs through production's
// logger at debug level. No secret may appear in any line, as written or base64-encoded:
// neither in what is written, nor before the secret scrubber (the last line of defence)
// ran, so that the scrubber is never what stands between a secret and the log.

import { afterEach, describe, expect, it } from "vitest";
import { RETRY_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import { FAKE_SLACK_CHANNEL } from "../fakes/slack-api.js";
import { findLeaks } from "../support/leaks.js";
import { signDelivery, postDelivery } from "../support/sign-delivery.js";
import { anIssuesEvent } from "../support/webhook-fixtures.js";
import {
  applyReady,
  eventually,
  harnessPerTest,
  pressDoorbell,
  recordOf,
  replyInDoorbell,
  REPO,
  sendSlackEvent,
  SLACK_ALLOWED_USER,
  type Harness,
} from "./harness.js";
import {
  agentCommits,
  agentEnds,
  aFailingLog,
  ciRuns,
  deliverOk,
  DEPLOYMENT,
  dispatched,
  keelDeploys,
  MINUTE_MS,
  NAMESPACE,
  pipelineEnds,
  pipelineFor,
  startWorld,
  type World,
} from "./ship-world.js";

const started = harnessPerTest();
const STATUS_TOKEN = "leak-test-status-token-9d3e71";
const ALICE = { id: SLACK_ALLOWED_USER, name: "alice" };

let current: Harness | null = null;

/** Every scenario runs with the status page and Slack on, so that every secret is configured. */
async function aWorld(): Promise<World> {
  const world = await startWorld(started, {
    config: { statusToken: STATUS_TOKEN },
    slack: { allowedUsers: [SLACK_ALLOWED_USER] },
  });
  current = world.h;
  return world;
}

afterEach(() => {
  const h = current;
  current = null;
  if (h === null) return;
  expect(h.secrets.length).toBe(8);
  expect(h.captured.written.length).toBeGreaterThan(20);
  const leaks = [...findLeaks(h.captured.written, h.secrets), ...findLeaks(h.captured.unscrubbed, h.secrets)];
  expect(leaks).toEqual([]);
});

/** People touch the credentials afk checks: the status page with its token, a forged and a real delivery. */
async function credentialsInRequests(h: Harness): Promise<void> {
  const page = await fetch(`${h.baseUrl}/status.json`, {
    headers: { authorization: `Bearer ${STATUS_TOKEN}`, cookie: `afk_status=${STATUS_TOKEN}` },
  });
  expect(page.status).toBe(200);
  const forged = signDelivery({ event: "issues", payload: anIssuesEvent("opened"), secret: "not-the-secret" });
  expect((await postDelivery(h.baseUrl, forged)).status).toBe(400);
}

describe("no secret in any log line", () => {
  it("dispatch, red CI and a fix-forward turn, green, deploy, rollout, shipped", async () => {
    const world = await aWorld();
    const { h, clock } = world;
    await credentialsInRequests(h);
    const thread = await dispatched(world, 4);
    clock.advance(10 * MINUTE_MS);
    const first = agentCommits(world, 4);
    agentEnds(world, thread, `AFK-STATUS: pushed ${first.commit.sha}`);
    await deliverOk(world, "push", first.payload);
    await ciRuns(world, first.commit.sha, "failure", {
      lint: { conclusion: "success" },
      test: { conclusion: "failure", title: "1 test failed", summary: "math", log: aFailingLog(50) },
    });
    expect(recordOf(h, 4).turn).toMatchObject({ kind: "fix-forward" });
    clock.advance(5 * MINUTE_MS);
    const fixed = agentCommits(world, 4, "Fix the fix");
    agentEnds(world, thread, `AFK-STATUS: pushed ${fixed.commit.sha}`);
    await deliverOk(world, "push", fixed.payload);
    await ciRuns(world, fixed.commit.sha, "success");
    pipelineEnds(world, pipelineFor(world, fixed.commit.sha), "success");
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    keelDeploys(world, fixed.commit.sha);
    h.kube?.rollOut(NAMESPACE, DEPLOYMENT);
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    expect(recordOf(h, 4).phase).toBe("shipped");
  });

  it("an escalation rings the Slack doorbell; an answer in its thread resumes the run; a retry press", async () => {
    const world = await aWorld();
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    clock.advance(5 * MINUTE_MS);
    agentEnds(world, thread, "AFK-STATUS: blocked: which database?");
    await h.sweepOnce();
    const ts = recordOf(h, 4).doorbell?.ts ?? "";
    expect(ts).not.toBe("");
    const reply = replyInDoorbell(h, ts, SLACK_ALLOWED_USER, "Use postgres.");
    expect((await sendSlackEvent(h, reply)).status).toBe(200);
    await eventually(h, () => recordOf(h, 4).phase !== "escalated", "the run to resume");
    agentEnds(world, thread, "AFK-STATUS: gave-up: cannot reach the database");
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    expect((await pressDoorbell(h, ts, RETRY_ACTION_ID, ALICE)).status).toBe(200);
    await eventually(h, () => h.slack?.message(FAKE_SLACK_CHANNEL, ts)?.blocks !== undefined, "the doorbell update");
    await credentialsInRequests(h);
  });

  it("a dispatch that fails on a T3 500, then succeeds on the next delivery", async () => {
    const world = await aWorld();
    const { h } = world;
    h.github.addIssue(REPO, { number: 7 });
    h.t3.failNext("thread.create", { status: 500, body: { error: "internal" } });
    expect(await applyReady(h, 7)).toBe(500);
    await h.settle();
    expect(await applyReady(h, 7)).toBe(200);
    await h.settle();
    expect(recordOf(h, 7).phase).toBe("dispatched");
  });
});
