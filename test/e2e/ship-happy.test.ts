// Issue 4, the road to production: a run goes from the agent's push through CI, the
// Woodpecker deploy and the Kubernetes rollout to a closed issue, with webhooks where
// GitHub sends them and sweeps where nothing does (Woodpecker, Kubernetes, T3).

import { describe, expect, it } from "vitest";
import {
  applyReady,
  harnessPerTest,
  IN_PROGRESS,
  noticesOf,
  READY,
  heldRecordOf,
  recordOf,
  REPO,
  t3Commands,
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
  threadOf,
  toDeploying,
} from "./ship-world.js";

const started = harnessPerTest();

describe("the happy path", () => {
  it("push → CI green → pipeline running then green → Deployment rolled out: the issue is closed with a summary, and the next queued issue is dispatched at once", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    h.github.addIssue(REPO, { number: 5 });
    expect(await applyReady(h, 5)).toBe(200);
    await h.settle();
    expect(recordOf(h, 5)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: 4 } });

    clock.advance(10 * MINUTE_MS);
    const { commit, payload } = agentCommits(world, 4);
    agentEnds(world, thread, `Added the test and the fix.\n\nAFK-STATUS: pushed ${commit.sha}`);
    expect(await h.deliver("push", payload)).toBe(200);
    await h.settle();
    expect(recordOf(h, 4)).toMatchObject({
      phase: "pushed",
      sha: commit.sha,
      turn: { state: "ended" },
      agentStatus: { kind: "pushed", sha: commit.sha },
    });

    const runId = await ciRuns(world, commit.sha, "success");
    expect(recordOf(h, 4)).toMatchObject({
      phase: "deploying",
      stages: {
        ci: { verdict: "green", url: `https://github.com/${h.github.repo(REPO).fullName}/actions/runs/${runId}` },
        deploy: { verdict: "pending" },
      },
    });

    // Woodpecker sends no webhook: only a sweep sees the pipeline.
    const pipeline = pipelineFor(world, commit.sha, "running");
    clock.advance(MINUTE_MS);
    expect((await h.sweepOnce()).failures).toEqual([]);
    expect(recordOf(h, 4)).toMatchObject({
      phase: "deploying",
      stages: { deploy: { verdict: "pending", detail: `pipeline #${pipeline} running` } },
    });

    pipelineEnds(world, pipeline, "success");
    clock.advance(MINUTE_MS);
    expect((await h.sweepOnce()).failures).toEqual([]);
    expect(recordOf(h, 4)).toMatchObject({
      phase: "rolling-out",
      stages: {
        deploy: { verdict: "green", url: `${h.woodpecker?.url}/repos/${world.woodpeckerRepoId}/pipeline/${pipeline}` },
        rollout: { verdict: "pending" },
      },
    });

    // Keel changes the image; the controller is half-way: still rolling out.
    keelDeploys(world, commit.sha);
    h.kube?.advance(NAMESPACE, DEPLOYMENT);
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    expect(recordOf(h, 4)).toMatchObject({ phase: "rolling-out", stages: { rollout: { verdict: "pending" } } });
    expect(recordOf(h, 4).stages.rollout?.detail).toMatch(/rolling out [0-9a-f]{7}/);

    h.kube?.rollOut(NAMESPACE, DEPLOYMENT);
    clock.advance(MINUTE_MS);
    expect((await h.sweepOnce()).failures).toEqual([]);

    const shipped = recordOf(h, 4);
    expect(shipped).toMatchObject({
      phase: "shipped",
      sha: commit.sha,
      turns: 1,
      fixForwardsTotal: 0,
      stages: { ci: { verdict: "green" }, deploy: { verdict: "green" }, rollout: { verdict: "green" } },
    });
    expect(shipped.endedAt).toBe(clock.now());
    const issue = h.github.issue(REPO, 4);
    expect(issue).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(issue.labels).toEqual([]);
    expect(noticesOf(h, 4)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Shipped ${commit.sha}: \\[CI green\\]\\(https://[^)]+/actions/runs/\\d+\\), \\[deployed\\]\\(http[^)]+/pipeline/\\d+\\), rolled out, in 17 min, 1 turn, 0 fix-forwards\\.`,
        ),
      ),
    ]);

    // The lock is free: the queued issue starts now, not at the next sweep.
    expect(recordOf(h, 5)).toMatchObject({ phase: "dispatched", threadId: threadOf(5) });
    expect(h.github.issue(REPO, 5).labels).toEqual([READY, IN_PROGRESS]);
    expect(t3Commands(h).filter((type) => type === "thread.create")).toHaveLength(2);
    expect(h.t3.thread(threadOf(5))).toBeDefined();
  });
});

describe("no webhooks at all", () => {
  it("after the dispatch delivery, sweeps alone carry the run through the push (commits scan), CI (check runs and statuses), deploy and rollout to shipped", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    h.t3.startTurn(thread);

    // The agent pushes while its turn still runs: only the commits scan can know.
    clock.advance(5 * MINUTE_MS);
    const { commit } = agentCommits(world, 4);
    expect((await h.sweepOnce()).failures).toEqual([]);
    expect(recordOf(h, 4)).toMatchObject({ phase: "pushed", sha: commit.sha, turn: { state: "working" } });

    clock.advance(5 * MINUTE_MS);
    agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha.slice(0, 7)}`);
    const run = h.github.startWorkflowRun(REPO, { sha: commit.sha, jobs: ["test"] });
    h.github.addStatus(REPO, { sha: commit.sha, context: "codecov/project", state: "pending" });
    await h.sweepOnce();
    expect(heldRecordOf(h, 4)).toMatchObject({
      phase: "ci",
      sha: commit.sha,
      turn: { state: "ended" },
      stages: { ci: { verdict: "pending", seenAny: true } },
    });
    // CI starting is no edit of its own (issue 12): the comment says pushed until the next change that matters.
    expect(recordOf(h, 4)).toMatchObject({ phase: "pushed", sha: commit.sha, turn: { state: "ended" } });

    clock.advance(3 * MINUTE_MS);
    h.github.completeWorkflowRun(REPO, run.id, { conclusion: "success" });
    h.github.addStatus(REPO, { sha: commit.sha, context: "codecov/project", state: "success" });
    const pipeline = pipelineFor(world, commit.sha, "running");
    await h.sweepOnce();
    expect(recordOf(h, 4)).toMatchObject({
      phase: "deploying",
      stages: { ci: { verdict: "green" }, deploy: { verdict: "pending", detail: `pipeline #${pipeline} running` } },
    });

    clock.advance(4 * MINUTE_MS);
    pipelineEnds(world, pipeline, "success");
    keelDeploys(world, commit.sha);
    h.kube?.rollOut(NAMESPACE, DEPLOYMENT);
    expect((await h.sweepOnce()).failures).toEqual([]);

    expect(recordOf(h, 4)).toMatchObject({
      phase: "shipped",
      sha: commit.sha,
      stages: { deploy: { verdict: "green" }, rollout: { verdict: "green" } },
    });
    expect(h.github.issue(REPO, 4)).toMatchObject({ state: "closed", state_reason: "completed", labels: [] });
    expect(h.delivered).toEqual(["issues"]);
  });
});

describe("conditional requests", () => {
  it("a second sweep over unchanged CI and issues reads nothing charged: every read is a 304, and the verdict holds", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    const { commit } = agentCommits(world, 4);
    agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
    h.github.startWorkflowRun(REPO, { sha: commit.sha });
    h.github.addStatus(REPO, { sha: commit.sha, context: "ci/circleci", state: "pending" });
    await h.sweepOnce();
    expect(heldRecordOf(h, 4)).toMatchObject({ phase: "ci", stages: { ci: { verdict: "pending" } } });

    const before = h.github.requests.length;
    clock.advance(MINUTE_MS);
    expect((await h.sweepOnce()).failures).toEqual([]);

    const second = h.github.requests.slice(before);
    const reads = (pattern: RegExp) =>
      second.filter((request) => pattern.test(request.path)).map((request) => request.status);
    expect(reads(new RegExp(`/commits/${commit.sha}/check-runs\\?`))).toEqual([304]);
    expect(reads(new RegExp(`/commits/${commit.sha}/status\\?`))).toEqual([304]);
    // Nothing changed, so no read was charged: every read of the sweep (issue lists, commits,
    // CI) was conditional and found nothing new.
    const gets = second.filter((request) => request.method === "GET");
    expect(gets.filter((request) => request.status !== 304).map((request) => request.path)).toEqual([]);
    expect(gets.length).toBeGreaterThan(4);
    expect(recordOf(h, 4)).toMatchObject({ phase: "ci", stages: { ci: { verdict: "pending", seenAny: true } } });

    // A change makes the next read a 200 again.
    h.github.addStatus(REPO, { sha: commit.sha, context: "ci/circleci", state: "success" });
    const changed = h.github.requests.length;
    await h.sweepOnce();
    expect(
      h.github.requests
        .slice(changed)
        .filter((request) => request.path.includes("/status?"))
        .map((request) => request.status),
    ).toEqual([200]);
  });
});

describe("a re-run", () => {
  it("that succeeds after a failure (same run id, higher run_attempt) wins: CI red while the agent works sends no fix-forward, the re-run's success ships", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false });
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    h.t3.startTurn(thread);
    clock.advance(5 * MINUTE_MS);
    const { commit, payload } = agentCommits(world, 4);
    await deliverOk(world, "push", payload);

    const runId = await ciRuns(world, commit.sha, "failure", {
      test: { conclusion: "failure", summary: "1 test failed", log: aFailingLog(10) },
    });
    expect(recordOf(h, 4)).toMatchObject({
      phase: "ci",
      stages: { ci: { verdict: "red" } },
      turn: { state: "working" },
      fixForwards: 0,
    });
    expect(t3Commands(h).filter((type) => type === "thread.turn.start")).toHaveLength(1);

    clock.advance(MINUTE_MS);
    const rerun = h.github.rerunWorkflowRun(REPO, runId);
    await deliverOk(world, "workflow_run", h.github.workflowRunPayload(REPO, runId));
    expect(recordOf(h, 4)).toMatchObject({ phase: "ci", stages: { ci: { verdict: "pending" } } });

    clock.advance(3 * MINUTE_MS);
    h.github.completeWorkflowRun(REPO, runId, { conclusion: "success" });
    const completed = h.github.workflowRunPayload(REPO, runId);
    expect(completed.workflow_run).toMatchObject({ id: runId, run_attempt: 2, conclusion: "success" });
    expect(rerun.runAttempt).toBe(2);
    await deliverOk(world, "workflow_run", completed);

    // CI is the last stage this repo configures: the run ships, and the still-working turn is stopped.
    expect(recordOf(h, 4)).toMatchObject({
      phase: "shipped",
      sha: commit.sha,
      fixForwardsTotal: 0,
      stages: { ci: { verdict: "green" }, deploy: { verdict: "skipped" }, rollout: { verdict: "skipped" } },
    });
    expect(t3Commands(h).filter((type) => type === "thread.turn.start")).toHaveLength(1);
    expect(t3Commands(h)).toContain("thread.turn.interrupt");
  });
});

describe("Woodpecker's commit status", () => {
  it("nudges: afk reads the pipeline the status names and moves on without waiting for a sweep", async () => {
    const world = await startWorld(started);
    const { h } = world;
    const { sha } = await toDeploying(world, 4);
    const number = pipelineFor(world, sha);
    pipelineEnds(world, number, "success");
    const woodpecker = h.woodpecker;
    if (woodpecker === null || world.woodpeckerRepoId === null) throw new Error("no Woodpecker");
    const targetUrl = `${woodpecker.url}/repos/${world.woodpeckerRepoId}/pipeline/${number}/deploy`;
    const status = h.github.addStatus(REPO, { sha, context: "ci/woodpecker/push/deploy", state: "success", targetUrl });

    expect(await h.deliver("status", h.github.statusPayload(REPO, status.id))).toBe(200);
    await h.settle();

    expect(recordOf(h, 4)).toMatchObject({ phase: "rolling-out", stages: { deploy: { verdict: "green" } } });
    expect(
      woodpecker.requests.some(
        (request) => request.path === `/api/repos/${world.woodpeckerRepoId}/pipelines/${number}`,
      ),
    ).toBe(true);
  });
});
