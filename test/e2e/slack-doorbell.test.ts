// Issue 5, the Slack doorbell, through afk's real server: an escalation rings one Block
// Kit message in the fake Slack Web API (and updates it when the run is stuck again);
// without Slack the issue alone carries the escalation; a shipped run may be announced.

import { describe, expect, it } from "vitest";
import { FAKE_SLACK_CHANNEL } from "../fakes/slack-api.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import { RECORD_MARKER_PREFIX } from "../../src/core/run/record-codec.js";
import type { FakeSlackMessage } from "../fakes/slack-api.js";
import {
  applyReady,
  FakeClock,
  harnessPerTest,
  IN_PROGRESS,
  recordOf,
  REPO,
  SLACK_ALLOWED_USER as ALLOWED,
  slackCalls,
  type Harness,
  type HarnessOptions,
  type SlackHarnessOptions,
} from "./harness.js";
import { agentCommits, agentEnds, ciRuns, deliverOk, dispatched, MINUTE_MS, type World } from "./ship-world.js";

const started = harnessPerTest();
const NO_DOORBELL = "No Slack doorbell is configured";
const HUMAN = "ready-for-human";

/** No deploy or rollout stage: a green CI ships. Slack as given (null: not configured). */
async function slackWorld(
  start: (options?: HarnessOptions) => Promise<Harness>,
  slack: SlackHarnessOptions | null,
): Promise<World> {
  const clock = new FakeClock();
  const h = await start({ clock, kube: false, ...(slack === null ? {} : { slack }) });
  return { h, clock, woodpeckerRepoId: null };
}

/** Dispatched, then the agent asks a question: escalated, and the doorbell rung. */
async function escalated(world: World, issue: number): Promise<{ thread: string; doorbell: FakeSlackMessage }> {
  const thread = await dispatched(world, issue);
  world.clock.advance(5 * MINUTE_MS);
  agentEnds(world, thread, "Two databases are configured.\n\nAFK-STATUS: blocked: which db?");
  await world.h.sweepOnce();
  const ts = recordOf(world.h, issue).doorbell?.ts;
  const doorbell = ts === undefined ? undefined : world.h.slack?.message(FAKE_SLACK_CHANNEL, ts);
  if (doorbell === undefined) throw new Error(`#${issue} rang no doorbell`);
  return { thread, doorbell };
}

function progressBody(world: World, issue: number): string {
  const body = world.h.github
    .appComments(REPO, issue)
    .find((comment) => comment.body.includes(RECORD_MARKER_PREFIX))?.body;
  if (body === undefined) throw new Error(`no progress comment on #${issue}`);
  return body;
}

describe("the doorbell", () => {
  it("an escalation rings one doorbell with blocks and metadata naming the run; a second escalation of the same run updates it", async () => {
    const world = await slackWorld(started, { allowedUsers: [ALLOWED] });
    const { h, clock } = world;
    const { thread, doorbell } = await escalated(world, 4);

    const posts = slackCalls(h, "chat.postMessage");
    expect(posts).toHaveLength(1);
    const post = posts[0]!.args;
    expect(post).toMatchObject({
      channel: FAKE_SLACK_CHANNEL,
      metadata: {
        event_type: "afk_doorbell",
        event_payload: { repo: REPO, issue: 4, attempt: 1, installation_id: DEFAULT_INSTALLATION_ID },
      },
    });
    expect(post.text).toEqual(expect.stringContaining(`${REPO}#4`));
    const blocks = JSON.stringify(post.blocks);
    expect(blocks).toContain("which db?");
    expect(blocks).toContain("Make issue 4 happen");
    expect(blocks).toContain("afk_take_over");
    expect(blocks).toContain("afk_retry");
    expect(recordOf(h, 4).doorbell).toEqual({ channel: FAKE_SLACK_CHANNEL, ts: doorbell.ts });
    expect(progressBody(world, 4)).not.toContain(NO_DOORBELL);
    expect(progressBody(world, 4)).toContain("reply in the doorbell thread");

    // Resumed from GitHub, stuck again: the same message is updated, none is posted.
    clock.advance(MINUTE_MS);
    expect(await applyReady(h, 4)).toBe(200);
    await h.settle();
    expect(recordOf(h, 4).phase).toBe("dispatched");
    clock.advance(5 * MINUTE_MS);
    agentEnds(world, thread, "I tried Postgres; the migration fails.\n\nAFK-STATUS: gave-up: the migration fails");
    await h.sweepOnce();

    expect(recordOf(h, 4)).toMatchObject({
      phase: "escalated",
      doorbell: { channel: FAKE_SLACK_CHANNEL, ts: doorbell.ts },
    });
    expect(slackCalls(h, "chat.postMessage")).toHaveLength(1);
    const updates = slackCalls(h, "chat.update");
    expect(updates).toHaveLength(1);
    expect(updates[0]!.args).toMatchObject({ channel: FAKE_SLACK_CHANNEL, ts: doorbell.ts });
    expect(JSON.stringify(h.slack?.message(FAKE_SLACK_CHANNEL, doorbell.ts)?.blocks)).toContain("the migration fails");
    expect(h.slack?.messages(FAKE_SLACK_CHANNEL)).toHaveLength(1);
  });

  it("without Slack configured the run is still escalated on GitHub, and the progress comment says no doorbell is configured", async () => {
    const world = await slackWorld(started, null);
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    clock.advance(5 * MINUTE_MS);
    agentEnds(world, thread, "AFK-STATUS: blocked: which db?");
    await h.sweepOnce();

    expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", doorbell: null });
    expect(h.github.issue(REPO, 4).labels).toContain(HUMAN);
    expect(progressBody(world, 4)).toContain(NO_DOORBELL);
    expect(h.slack).toBeNull();
  });

  it("with announceShipped, a shipped run posts one plain message in the channel", async () => {
    const world = await slackWorld(started, { allowedUsers: [ALLOWED], announceShipped: true });
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    clock.advance(10 * MINUTE_MS);
    const { commit, payload } = agentCommits(world, 4);
    agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
    await deliverOk(world, "push", payload);
    await ciRuns(world, commit.sha, "success");

    expect(recordOf(h, 4).phase).toBe("shipped");
    const posts = slackCalls(h, "chat.postMessage");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.args).toMatchObject({ channel: FAKE_SLACK_CHANNEL });
    expect(posts[0]!.args).not.toHaveProperty("metadata");
    expect(posts[0]!.args).not.toHaveProperty("blocks");
    expect(posts[0]!.args).not.toHaveProperty("thread_ts");
    expect(String(posts[0]!.args.text)).toMatch(
      new RegExp(
        `^:rocket: Shipped <[^|]+/issues/4\\|${REPO}#4> \\(<[^|]+\\|${commit.sha.slice(0, 7)}>\\): the change is live\\.$`,
      ),
    );
    expect(h.github.issue(REPO, 4).labels).not.toContain(IN_PROGRESS);
  });
});
