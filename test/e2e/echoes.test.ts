// Issue 8, item 1: GitHub sends afk its own writes back as webhooks, with the app's bot
// as sender (contracts/github.md, "Echoes of an app's own writes"); the fake GitHub does
// so for every write in every e2e test. afk knows its own acts and never reads them as a
// person's: an escalation's own unlabel does not cancel it, a retry's own label does not
// dispatch twice, a ship's close and a comment's echo change nothing.

import { describe, expect, it } from "vitest";
import { FAKE_APP_BOT } from "../fakes/github-fake.js";
import { FAKE_SLACK_CHANNEL, type FakeSlackMessage } from "../fakes/slack-api.js";
import { RETRY_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import {
  applyReady,
  eventually,
  FakeClock,
  harnessPerTest,
  IN_PROGRESS,
  noticesOf,
  pressDoorbell,
  READY,
  recordOf,
  replyInDoorbell,
  REPO,
  sendSlackEvent,
  SLACK_ALLOWED_USER as ALLOWED,
  slackCalls,
  type Harness,
} from "./harness.js";
import {
  agentEnds,
  DEPLOYMENT,
  dispatched,
  keelDeploys,
  MINUTE_MS,
  NAMESPACE,
  startWorld,
  threadOf,
  toRollingOut,
  type World,
} from "./ship-world.js";

const started = harnessPerTest();
const HUMAN = "ready-for-human";

async function slackWorld(): Promise<World> {
  const clock = new FakeClock();
  const h = await started({ clock, kube: false, slack: { allowedUsers: [ALLOWED] } });
  return { h, clock, woodpeckerRepoId: null };
}

/** Dispatched, then the agent asks a question: escalated, the doorbell rung, every echo delivered. */
async function escalated(world: World): Promise<{ thread: string; doorbell: FakeSlackMessage }> {
  const thread = await dispatched(world, 4);
  world.clock.advance(5 * MINUTE_MS);
  agentEnds(world, thread, "Two databases are configured.\n\nAFK-STATUS: blocked: which db?");
  await world.h.sweepOnce();
  const ts = recordOf(world.h, 4).doorbell?.ts;
  const doorbell = ts === undefined ? undefined : world.h.slack?.message(FAKE_SLACK_CHANNEL, ts);
  if (doorbell === undefined) throw new Error("#4 rang no doorbell");
  return { thread, doorbell };
}

/** The echoes GitHub delivered to afk: event.action of each, all sent by afk's bot and answered 200. */
function echoes(h: Harness): string[] {
  const sent = h.github.webhooks.sent.filter((delivery) => delivery.echo);
  expect(sent.every((delivery) => delivery.sender === FAKE_APP_BOT.login && delivery.status === 200)).toBe(true);
  return sent.map((delivery) => `${delivery.event}.${delivery.action}`);
}

function turnStarts(h: Harness): unknown[] {
  return h.t3.commands.filter((command) => command.type === "thread.turn.start");
}

describe("an escalation's own removal of the ready label, echoed", () => {
  it("leaves the run escalated: ready-for-human on, the doorbell not cancelled, and a Slack answer then resumes it", async () => {
    const world = await slackWorld();
    const { h } = world;
    const { thread, doorbell } = await escalated(world);

    // Every write of the escalation came back: the labels' swap, the progress comment's edit, the notice.
    expect(echoes(h)).toEqual(
      expect.arrayContaining(["issues.unlabeled", "issues.labeled", "issue_comment.edited", "issue_comment.created"]),
    );
    expect(recordOf(h, 4).phase).toBe("escalated");
    expect(h.github.issue(REPO, 4).labels).toEqual([HUMAN]);
    expect(JSON.stringify(slackCalls(h, "chat.update").map((call) => call.args))).not.toMatch(/Cancelled/);
    expect(h.t3.commands.filter((command) => command.type === "thread.turn.interrupt")).toEqual([]);

    const reply = replyInDoorbell(h, doorbell.ts, ALLOWED, "Use Postgres, the one in docker-compose.");
    expect((await sendSlackEvent(h, reply)).status).toBe(200);
    await eventually(h, () => turnStarts(h).length === 2, "the answer to reach the agent");

    expect(turnStarts(h)[1]).toMatchObject({ threadId: thread });
    expect(recordOf(h, 4).phase).not.toBe("escalated");
    expect(h.github.issue(REPO, 4).labels).toContain(IN_PROGRESS);
  });

  it("leaves the run escalated, and the ready label applied again by a trusted person resumes the same thread", async () => {
    const world = await slackWorld();
    const { h } = world;
    const { thread } = await escalated(world);

    expect(await applyReady(h, 4)).toBe(200);
    await h.settle();

    expect(turnStarts(h)).toHaveLength(2);
    expect(turnStarts(h)[1]).toMatchObject({ threadId: thread });
    expect(h.github.issue(REPO, 4).labels).toEqual(expect.arrayContaining([READY, IN_PROGRESS]));
    expect(h.github.issue(REPO, 4).labels).not.toContain(HUMAN);
  });
});

describe("a retry's own ready label, echoed", () => {
  it("does not dispatch twice: one thread.create and one opening turn per attempt", async () => {
    const world = await slackWorld();
    const { h } = world;
    const { thread } = await escalated(world);

    expect(
      (await pressDoorbell(h, recordOf(h, 4).doorbell?.ts ?? "", RETRY_ACTION_ID, { id: ALLOWED, name: "alice" }))
        .status,
    ).toBe(200);
    await eventually(h, () => recordOf(h, 4).attempt === 2 && recordOf(h, 4).phase === "dispatched", "attempt 2");
    await h.settle();

    const labeled = h.github.webhooks.sent.filter(
      (delivery) => delivery.echo && delivery.action === "labeled" && JSON.stringify(delivery.payload).includes(READY),
    );
    expect(labeled.length).toBeGreaterThan(0);
    const creates = h.t3.commands.filter((command) => command.type === "thread.create");
    expect(creates.map((command) => command.threadId)).toEqual([thread, threadOf(4, 2)]);
    expect(turnStarts(h)).toHaveLength(2);
    expect(recordOf(h, 4)).toMatchObject({ attempt: 2, phase: "dispatched" });
  });
});

describe("a ship's own close, echoed", () => {
  it("changes nothing: no request to GitHub or T3, the issue stays closed and shipped, no notice twice", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const { sha } = await toRollingOut(world, 4);
    keelDeploys(world, sha);
    h.kube?.rollOut(NAMESPACE, DEPLOYMENT);
    clock.advance(MINUTE_MS);
    // GitHub's webhooks wait while afk ships, so that what they cause can be told apart.
    h.github.webhooks.hold();
    await h.sweepOnce();
    expect(recordOf(h, 4).phase).toBe("shipped");
    const [github, t3, notices] = [h.github.requests.length, h.t3.requests.length, noticesOf(h, 4)];

    h.github.webhooks.release();
    await h.settle();

    expect(echoes(h)).toContain("issues.closed");
    expect(h.github.requests.slice(github).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(h.t3.requests).toHaveLength(t3);
    expect(recordOf(h, 4).phase).toBe("shipped");
    expect(h.github.issue(REPO, 4)).toMatchObject({ state: "closed", labels: [] });
    expect(noticesOf(h, 4)).toEqual(notices);
  });
});

describe("a dispatch's own label and comment, echoed", () => {
  it("change nothing: the in-progress label's and the progress comment's echoes make no request", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false });
    const { h } = world;
    h.github.addIssue(REPO, { number: 4 });
    h.github.webhooks.hold();
    // By hand, ahead of the held queue: the person's label that starts the run.
    h.github.label(REPO, 4, READY, "Codertocat");
    expect(await h.deliver("issues", h.github.issuesPayload(REPO, 4, "Codertocat", labeledReady(h)))).toBe(200);
    await h.settle();
    expect(recordOf(h, 4).phase).toBe("dispatched");
    const [github, t3] = [h.github.requests.length, h.t3.requests.length];

    h.github.webhooks.release();
    await h.settle();

    expect(echoes(h)).toEqual(expect.arrayContaining(["issues.labeled", "issue_comment.created"]));
    expect(h.github.requests.slice(github).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(h.t3.requests).toHaveLength(t3);
    expect(h.github.appComments(REPO, 4)).toHaveLength(1);
  });
});

function labeledReady(h: Harness): { action: "labeled"; label: Record<string, unknown> } {
  return { action: "labeled", label: h.github.labelJson(REPO, READY) };
}
