// Issue 8, items 5 and 8: one failing step never blinds afk to the rest. A repo whose
// reconcile fails still has its runs followed; T3 down stops neither CI following nor the
// budgets, and a failure that lasts is said once on the issue; a Slack doorbell that
// cannot ring is retried on its own with backoff instead of repeating the escalation.

import { describe, expect, it } from "vitest";
import { FAKE_SLACK_CHANNEL } from "../fakes/slack-api.js";
import { applyReady, IN_PROGRESS, READY, heldRecordOf, recordOf, REPO, harnessPerTest } from "./harness.js";
import {
  agentCommits,
  agentEnds,
  deliverOk,
  DEPLOYMENT,
  dispatched,
  keelDeploys,
  MINUTE_MS,
  NAMESPACE,
  pipelineEnds,
  pipelineFor,
  startWorld,
  threadOf,
  toDeploying,
  type World,
} from "./ship-world.js";
import {
  commentEditsSince,
  DISPATCH_4,
  HUMAN,
  issueSeen,
  slackMethodCalls,
  T3_500,
  t3Sent,
} from "./reliability-support.js";

const started = harnessPerTest();
/** The first lines of afk's notices: the ship, and the escalation (which mentions the approver). */
const SHIPPED = expect.stringMatching(/^Shipped [0-9a-f]{40}: \[CI green\]/);
const NEEDS_HUMAN = "@Codertocat afk needs a human to carry on with this issue.";

/** #4 dispatched, the agent's push seen (its turn ended), CI for it running; no deploy or rollout stage. */
async function inCi(world: World): Promise<number> {
  const thread = await dispatched(world, 4);
  world.clock.advance(10 * MINUTE_MS);
  const { commit, payload } = agentCommits(world, 4);
  agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
  await deliverOk(world, "push", payload);
  const run = world.h.github.startWorkflowRun(REPO, { sha: commit.sha, jobs: ["test"] });
  expect(recordOf(world.h, 4).phase).toMatch(/^(pushed|ci)$/);
  return run.id;
}

/** CI ends green on GitHub; no webhook tells afk. */
function ciGoesGreen(world: World, runId: number): void {
  world.clock.advance(3 * MINUTE_MS);
  world.h.github.completeWorkflowRun(REPO, runId, { conclusion: "success" });
}

describe("item 5: a failing reconcile never stops the repo's runs being followed", () => {
  it.each([
    ["the native blocked-by endpoint missing (a GHES: 404)", /\/issues\/5\/dependencies\/blocked_by\?/, 404, 20, []],
    ["listing the ready issues failing once (502)", /\/issues\?state=open&labels=ready-for-agent/, 502, 1, [/ready/]],
  ] as const)(
    "%s: today the sweep skips the repo's runs; #4's green CI ships it and queued #5 is dispatched",
    async (_what, path, status, times, failures) => {
      const world = await startWorld(started, { woodpecker: false, kube: false });
      const { h } = world;
      const runId = await inCi(world);
      h.github.addIssue(REPO, { number: 10, title: "A closed blocker" });
      h.github.close(REPO, 10);
      h.github.addIssue(REPO, { number: 5, body: "Blocked by #10" });
      expect(await applyReady(h, 5)).toBe(200);
      await h.settle();
      expect(recordOf(h, 5)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: 4 } });
      h.github.failNext("GET", path, status, times);
      ciGoesGreen(world, runId);

      const outcome = await h.sweepOnce();

      expect(outcome.failures).toEqual(failures.map((failure) => expect.stringMatching(failure)));
      expect(recordOf(h, 4).phase).toBe("shipped");
      expect(issueSeen(h, 4)).toEqual({ state: "closed", labels: [], notices: [SHIPPED] });
      expect(recordOf(h, 5)).toMatchObject({ phase: "dispatched", threadId: threadOf(5) });
      expect(issueSeen(h, 5)).toEqual({ state: "open", labels: [IN_PROGRESS, READY].sort(), notices: [] });
      expect(t3Sent(h)).toEqual([...DISPATCH_4, `thread.create ${threadOf(5)}`, `thread.turn.start ${threadOf(5)}`]);
    },
  );
});

describe("item 5: an observer that fails alone (T3, Woodpecker) never stops the others, nor the budgets", () => {
  it.each([
    ["CI goes green: the run ships", true, "shipped", [SHIPPED]],
    ["CI stays pending past ci_minutes: the budget escalates the run", false, "escalated", [NEEDS_HUMAN]],
  ] as const)("%s while every read of T3 fails", async (_what, green, phase, notices) => {
    const world = await startWorld(started, { woodpecker: false, kube: false, budgets: { ci_minutes: 20 } });
    const { h, clock } = world;
    const runId = await inCi(world);
    h.t3.failNext("shell", T3_500, 50);
    if (green) ciGoesGreen(world, runId);
    else clock.advance(25 * MINUTE_MS);

    const outcome = await h.sweepOnce();

    expect(outcome.failures).toEqual([expect.stringMatching(/T3/), expect.stringMatching(/T3/)]);
    expect(recordOf(h, 4).phase).toBe(phase);
    expect(issueSeen(h, 4).notices).toEqual(notices);
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });

  it("the deploy pipeline and the rollout go green: both are followed and the run ships while every read of T3 fails", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const { sha } = await toDeploying(world, 4);
    h.t3.failNext("shell", T3_500, 50);
    pipelineEnds(world, pipelineFor(world, sha), "success");
    keelDeploys(world, sha);
    h.kube?.rollOut(NAMESPACE, DEPLOYMENT);
    clock.advance(MINUTE_MS);

    const outcome = await h.sweepOnce();

    expect(outcome.failures).toEqual([expect.stringMatching(/T3/), expect.stringMatching(/T3/)]);
    expect(recordOf(h, 4)).toMatchObject({
      phase: "shipped",
      stages: { deploy: { verdict: "green" }, rollout: { verdict: "green" } },
    });
    expect(issueSeen(h, 4)).toEqual({ state: "closed", labels: [], notices: [SHIPPED] });
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });

  it("Woodpecker unreachable while deploying never stops the budgets: deploy_minutes runs out and the run is escalated", async () => {
    const world = await startWorld(started, { kube: false, budgets: { deploy_minutes: 20 } });
    const { h, clock } = world;
    const { sha } = await toDeploying(world, 4);
    pipelineFor(world, sha, "running");
    h.woodpecker?.failNext("lookup", 502, 50);
    h.woodpecker?.failNext("pipelines", 502, 50);
    clock.advance(25 * MINUTE_MS);

    const outcome = await h.sweepOnce();

    expect(outcome.failures).toEqual([expect.stringMatching(/Woodpecker/)]);
    expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", escalation: { cause: "time-budget" } });
    expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [HUMAN], notices: [NEEDS_HUMAN] });
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });

  it("a failure that lasts 10 minutes is said once on the issue, and once more when it heals; a shorter blip is not said", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false });
    const { h, clock } = world;
    await inCi(world);
    const said = /afk cannot read the agent's thread in T3 since/;
    // The sweep that sees CI running, before T3 goes down.
    await h.sweepOnce();
    expect(heldRecordOf(h, 4)?.phase).toBe("ci");
    const from = h.github.requests.length;
    // One read of T3 per sweep: down for four sweeps, five minutes apart.
    h.t3.failNext("shell", T3_500, 4);

    for (let sweep = 0; sweep < 4; sweep += 1) {
      await h.sweepOnce();
      const edits = commentEditsSince(h, from);
      // Said at the sweep 10 minutes into the failure, and never again.
      expect(edits.filter((body) => said.test(body))).toHaveLength(sweep < 2 ? 0 : 1);
      clock.advance(5 * MINUTE_MS);
    }
    expect(commentEditsSince(h, from)).toHaveLength(1);

    await h.sweepOnce();

    const edits = commentEditsSince(h, from);
    expect(edits).toHaveLength(2);
    expect(edits[1]).not.toMatch(said);
    expect(recordOf(h, 4)).toMatchObject({ phase: "ci", problems: [] });
    expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [IN_PROGRESS, READY].sort(), notices: [] });
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });
});

describe("item 8: a doorbell that cannot ring does not repeat the escalation", () => {
  // Sweeps at these minutes after the escalation; the tries are due 1, then 2 minutes after a failure.
  const SWEEPS_AT_MIN = [0.5, 1.1, 2, 3.2];
  it.each([
    // The bot is not in the channel for two tries (then invited); postMessage calls after each sweep.
    ["the bot was never invited (not_in_channel)", "not_in_channel", 1, 2, [1, 2, 2, 3]],
    // Slack down for the first try: WebClient retries a 5xx twice within it (Slack's own codes it does not).
    ["Slack is down (HTTP 503)", { status: 503 }, 3, 1, [3, 4, 4, 4]],
  ] as const)(
    "%s: today every sweep posts another 'needs a human' notice; one notice, the comment says once why, the doorbell is tried again with backoff",
    async (_what, failure, callsPerTry, failingTries, callsAfterSweeps) => {
      const world = await startWorld(started, { woodpecker: false, kube: false, slack: {} });
      const { h, clock } = world;
      const slack = h.slack;
      if (slack === null) throw new Error("no Slack");
      const tryFails = (): void => slack.failNext("chat.postMessage", failure, callsPerTry);
      const calls = (): number => slackMethodCalls(slack, "chat.postMessage").length;
      const thread = await dispatched(world, 4);
      clock.advance(5 * MINUTE_MS);
      agentEnds(world, thread, "Two databases are configured.\n\nAFK-STATUS: blocked: which db?");
      tryFails();
      await h.sweepOnce();

      expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", doorbell: null });
      expect(h.github.appComments(REPO, 4).find((c) => c.body.includes("afk:run"))?.body).toMatch(
        /The Slack doorbell could not ring: .*(not\\?_in\\?_channel|503)/,
      );
      expect(calls()).toBe(callsPerTry);
      const from = h.github.requests.length;

      for (const [n, minutes] of SWEEPS_AT_MIN.entries()) {
        clock.advance((minutes - (SWEEPS_AT_MIN[n - 1] ?? 0)) * MINUTE_MS);
        if (n === 1 && failingTries === 2) tryFails();
        await h.sweepOnce();
        expect(calls()).toBe(callsAfterSweeps[n]);
      }

      expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", doorbell: { channel: FAKE_SLACK_CHANNEL } });
      expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [HUMAN], notices: [NEEDS_HUMAN] });
      // One edit: the doorbell rang and the heads-up went away; a second failure said nothing.
      const edits = commentEditsSince(h, from);
      expect(edits).toHaveLength(1);
      expect(edits[0]).not.toMatch(/could not ring/);
      expect(t3Sent(h)).toEqual(DISPATCH_4);
    },
  );
});
