// Issue 8, items 6, 14 and 15: following a run to production. An issue closed by the
// agent's own `Fixes #N` commit (its `closed` event carries the commit) is no
// cancellation: the run is followed and shipped, or the issue reopened when a human is
// needed; only a close by a person, with no commit, cancels (reliability-sweep, item 3).
// The Woodpecker search starts at the commit's own time, so a pipeline created long
// before afk saw the push is found; a version URL's N consecutive matches are at least one
// sweep interval apart, and CI nudges (other commits, other branches, the followed one)
// read no version URL.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it, onTestFinished } from "vitest";
import { aSha } from "../fakes/github-fake.js";
import { harnessPerTest, IN_PROGRESS, READY, recordOf, REPO } from "./harness.js";
import {
  agentCommits,
  agentEnds,
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
import { DISPATCH_4, HUMAN, issueSeen, t3Sent } from "./reliability-support.js";

const started = harnessPerTest();
/** The agent pushes as the repo's owner would (T3's git identity): a person's login, not afk's bot. */
const AGENT_GIT_USER = "Codertocat";

/** Dispatched; the agent pushes a commit saying `Fixes #4` and GitHub closes the issue (push, then issues.closed). */
async function closedByAgentCommit(world: World): Promise<string> {
  const { h, clock } = world;
  const thread = await dispatched(world, 4);
  clock.advance(10 * MINUTE_MS);
  const { commit, sent } = await h.github
    .as(AGENT_GIT_USER)
    .push(REPO, { message: "Make issue 4 happen\n\nFixes #4\n\nAFK-Issue: 4" });
  expect(sent.map((delivery) => `${delivery?.event}.${delivery?.action ?? ""} ${delivery?.status}`)).toEqual([
    "push. 200",
    "issues.closed 200",
  ]);
  agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
  await h.settle();
  return commit.sha;
}

describe("item 6: an issue closed by the agent's own commit", () => {
  it("today reads as a person's close and cancels the run; it is followed through CI, deploy and rollout, and shipped", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const sha = await closedByAgentCommit(world);

    expect(recordOf(h, 4)).toMatchObject({ phase: "pushed", sha, closedByCommit: sha });
    expect(issueSeen(h, 4)).toEqual({ state: "closed", labels: [IN_PROGRESS, READY].sort(), notices: [] });
    expect(h.github.appComments(REPO, 4)[0]?.body).toMatch(/The issue was closed by commit `[0-9a-f]{7}`/);

    await ciRuns(world, sha, "success");
    expect(recordOf(h, 4).phase).toBe("deploying");
    pipelineEnds(world, pipelineFor(world, sha), "success");
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    expect(recordOf(h, 4).phase).toBe("rolling-out");
    keelDeploys(world, sha);
    h.kube?.rollOut(NAMESPACE, DEPLOYMENT);
    clock.advance(MINUTE_MS);
    await h.sweepOnce();

    expect(recordOf(h, 4)).toMatchObject({ phase: "shipped", sha, closedByCommit: sha });
    expect(issueSeen(h, 4)).toEqual({
      state: "closed",
      labels: [],
      notices: [expect.stringMatching(new RegExp(`^Shipped ${sha}: `))],
    });
    // Closed all along: afk's ship closes it as completed (idempotent), never reopens it.
    expect(h.github.calls("PATCH", /\/issues\/4$/).map((request) => request.body)).toEqual([
      { state: "closed", state_reason: "completed" },
    ]);
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });

  it("when the run has to call a human (red CI, no fix-forward budget), the issue is reopened and escalated", async () => {
    const world = await startWorld(started, { budgets: { fix_forward_turns: 0 } });
    const { h } = world;
    const sha = await closedByAgentCommit(world);
    expect(recordOf(h, 4)).toMatchObject({ phase: "pushed", closedByCommit: sha });

    await ciRuns(world, sha, "failure", { test: { conclusion: "failure", log: ["FAIL one test"] } });

    expect(recordOf(h, 4)).toMatchObject({ phase: "escalated", escalation: { cause: "red-budget-spent" } });
    expect(issueSeen(h, 4)).toEqual({
      state: "open",
      labels: [HUMAN],
      notices: ["@Codertocat afk needs a human to carry on with this issue."],
    });
    expect(h.github.calls("PATCH", /\/issues\/4$/).map((request) => request.body)).toEqual([
      expect.objectContaining({ state: "open" }),
    ]);
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });
});

const SWEEP_MS = 60_000;

describe("item 14: a pipeline created before afk saw the push", () => {
  it("today is outside the search window (it starts when afk saw the push) and the deploy times out; it is found and the run ships", async () => {
    const world = await startWorld(started, { kube: false });
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    clock.advance(10 * MINUTE_MS);
    // The push, its CI and its pipeline all happen now; no webhook reaches afk.
    const { commit } = agentCommits(world, 4);
    agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
    const run = h.github.startWorkflowRun(REPO, { sha: commit.sha, jobs: ["test"] });
    h.github.completeWorkflowRun(REPO, run.id, { conclusion: "success" });
    const pipeline = pipelineFor(world, commit.sha, "running");
    pipelineEnds(world, pipeline, "success");
    // afk sees all of it 40 minutes later (webhooks lost, afk away).
    clock.advance(40 * MINUTE_MS);

    await h.sweepOnce();

    expect(recordOf(h, 4)).toMatchObject({
      phase: "shipped",
      sha: commit.sha,
      stages: { deploy: { verdict: "green", url: expect.stringMatching(new RegExp(`/pipeline/${pipeline}$`)) } },
    });
    expect(issueSeen(h, 4)).toEqual({ state: "closed", labels: [], notices: [expect.stringMatching(/^Shipped /)] });
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });
});

/** A version URL on 127.0.0.1 serving `body`, counting its reads. */
async function aVersionUrl(): Promise<{ url: string; reads: () => number; serve: (body: string) => void }> {
  let body = "0ddba11";
  let reads = 0;
  const server = createServer((_req, res) => {
    reads += 1;
    res.writeHead(200, { "content-type": "text/plain" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/version`, reads: () => reads, serve: (next) => (body = next) };
}

/** Dispatched with a version URL rollout (3 consecutive reads); pushed, CI green by webhooks: rolling out. */
async function rollingOut(world: World, url: string): Promise<string> {
  const { h, clock } = world;
  h.github.repo(REPO).files.set(".github/afk.yml", `rollout:\n  version_url:\n    url: ${url}\n    consecutive: 3\n`);
  const thread = await dispatched(world, 4);
  clock.advance(10 * MINUTE_MS);
  const { commit, payload } = agentCommits(world, 4);
  agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
  await deliverOk(world, "push", payload);
  await ciRuns(world, commit.sha, "success");
  expect(recordOf(h, 4).phase).toBe("rolling-out");
  return commit.sha;
}

describe("item 15: the version URL", () => {
  it("today three sweeps in a row prove a rollout; counted matches are at least one sweep interval apart, and the count goes when the run ships", async () => {
    const version = await aVersionUrl();
    const world = await startWorld(started, { woodpecker: false, kube: false, config: { sweepIntervalMs: SWEEP_MS } });
    const { h, clock } = world;
    const sha = await rollingOut(world, version.url);
    version.serve(sha);

    // Three sweeps within one interval (a manual sweep, a restart…): one match counted.
    for (let sweep = 0; sweep < 3; sweep += 1) {
      await h.sweepOnce();
      clock.advance(SWEEP_MS / 4);
    }
    expect(version.reads()).toBe(3);
    expect(recordOf(h, 4)).toMatchObject({ phase: "rolling-out", stages: { rollout: { verdict: "pending" } } });
    expect(recordOf(h, 4).stages.rollout?.detail).toMatch(/^1 of 3 consecutive reads/);

    clock.advance(SWEEP_MS);
    await h.sweepOnce();
    expect(recordOf(h, 4).stages.rollout?.detail).toMatch(/^2 of 3 consecutive reads/);
    clock.advance(SWEEP_MS);
    await h.sweepOnce();

    expect(recordOf(h, 4)).toMatchObject({ phase: "shipped", stages: { rollout: { verdict: "green" } } });
    expect(issueSeen(h, 4)).toEqual({ state: "closed", labels: [], notices: [expect.stringMatching(/^Shipped /)] });
    expect(version.reads()).toBe(5);
    // Item 16: the count of a run that no longer follows a rollout is dropped.
    expect(h.service.versionMatches.size).toBe(0);
  });

  it("today every CI nudge reads it; nudges for other commits, other branches and the followed commit read nothing, a sweep reads it once", async () => {
    const version = await aVersionUrl();
    const world = await startWorld(started, { woodpecker: false, kube: false, config: { sweepIntervalMs: SWEEP_MS } });
    const { h, github } = { h: world.h, github: world.h.github };
    const sha = await rollingOut(world, version.url);
    version.serve(sha);
    expect(version.reads()).toBe(0);

    const other = aSha();
    const feature = github.startWorkflowRun(REPO, { sha: other, headBranch: "feature", jobs: ["lint"] });
    await deliverOk(world, "workflow_run", github.workflowRunPayload(REPO, feature.id));
    const status = github.addStatus(REPO, { sha: other, context: "ci/other", state: "success" });
    await deliverOk(world, "status", github.statusPayload(REPO, status.id));
    const followed = github.addStatus(REPO, { sha, context: "ci/late", state: "success" });
    await deliverOk(world, "status", github.statusPayload(REPO, followed.id));
    expect(version.reads()).toBe(0);

    await h.sweepOnce();
    expect(version.reads()).toBe(1);
    expect(recordOf(h, 4)).toMatchObject({ phase: "rolling-out" });
  });
});
