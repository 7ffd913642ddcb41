import { describe, expect, it } from "vitest";
import type { RepoConfig, RolloutTarget } from "../../src/core/config/config-types.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import type { WorkflowRunFact } from "../../src/core/observe/observe-types.js";
import {
  LOOKBACK_MS,
  observeAgent,
  observeCi,
  observeCommits,
  observeDeploy,
  observeRollout,
  type AgentFacts,
  type ObserveDeps,
} from "../../src/shell/observers.js";
import { NO_PAYLOAD } from "../../src/shell/payload-facts.js";
import { aRecord, aStage } from "../core/builders.js";
import { aWorld, INSTALLATION, MINUTE, pushFix, REPO, SECOND, T0, WOODPECKER_URL, type World } from "./world.js";

const ISSUE = 1;
const DEPLOY_REPO = "acme/deploy";
const VERSION_URL = "https://widgets.test/version";
const SWEEP_INTERVAL = MINUTE;
const KUBE: RolloutTarget = { kind: "kubernetes", namespace: "prod", deployment: "widgets", container: "app" };

function aWorldWithIssue(): World {
  const world = aWorld();
  world.readyIssue();
  return world;
}

function depsOf(world: World, overrides: Partial<ObserveDeps> = {}): ObserveDeps {
  return {
    ci: world.github.ciReader(INSTALLATION),
    agent: world.agent,
    deploy: world.deploy,
    woodpeckerUrl: WOODPECKER_URL,
    rollout: world.rollout,
    versions: world.versions,
    versionMatches: new Map(),
    appId: world.github.identity.appId,
    defaultBranch: "main",
    sweep: true,
    spacingMs: SWEEP_INTERVAL,
    now: world.clock.now(),
    payload: NO_PAYLOAD,
    ...overrides,
  };
}

function aWorkflowRunFact(sha: string, overrides: Partial<WorkflowRunFact> = {}): WorkflowRunFact {
  return {
    id: 4_000,
    name: "CI",
    event: "push",
    headBranch: "main",
    headSha: sha,
    headRepoFullName: REPO,
    runAttempt: 1,
    status: "in_progress",
    conclusion: null,
    checkSuiteId: 5_000,
    htmlUrl: `https://github.com/${REPO}/actions/runs/4000`,
    ...overrides,
  };
}

function aRun(world: World, overrides: Partial<RunRecord> = {}): RunRecord {
  return aRecord({
    repo: REPO,
    issue: ISSUE,
    installationId: INSTALLATION,
    threadId: world.threadId(ISSUE),
    ...overrides,
  });
}

function openingTurn(): NonNullable<RunRecord["turn"]> {
  return { number: 1, kind: "opening", state: "working", startedAt: T0, sha: null, relayText: null };
}

function withRepoConfig(record: RunRecord, config: Partial<RepoConfig>): RunRecord {
  return { ...record, repoConfig: { ...record.repoConfig, ...config } };
}

/** The run's thread in T3, its opening turn requested at T0. */
async function startThread(world: World, record: RunRecord): Promise<void> {
  const workspaceRoot = `/workspace/${REPO}`;
  await world.agent.createProject({ commandId: "p", projectId: "project", title: REPO, workspaceRoot });
  const model = { instanceId: "claudeAgent", model: "claude" };
  await world.agent.createThread({
    commandId: "t",
    threadId: record.threadId,
    projectId: "project",
    title: "afk",
    model,
    runtimeMode: "full-access",
  });
  await world.agent.startTurn({
    commandId: "u",
    threadId: record.threadId,
    messageId: "m",
    text: "go",
    runtimeMode: "full-access",
  });
}

/**
 * T3's threads, read a moment from now (as the sweep reads them before it looks at the
 * runs): a read on the turn's own clock tick says nothing of it (agent-threads.ts, isReadAfter).
 */
async function factsOf(world: World): Promise<AgentFacts> {
  world.clock.advance(SECOND);
  const readAt = world.clock.now();
  const read = await world.agent.readOverview();
  if (!read.ok) throw new Error("no overview");
  return { overview: read.value, readAt };
}

describe("observeAgent", () => {
  it("reads the agent's last message when its turn ended: AFK-STATUS pushed <sha> is a TurnEnded with that status, and T3's time of what it showed", async () => {
    const world = aWorldWithIssue();
    const record = aRun(world);
    await startThread(world, record);
    world.agent.endTurn(record.threadId, { state: "completed", text: "Done.\nAFK-STATUS: pushed 3f2a9c1" });
    const endedAt = world.clock.now();
    const seen = await observeAgent(record, await factsOf(world), depsOf(world));
    expect(seen).toEqual({
      event: {
        kind: "TurnEnded",
        outcome: "completed",
        status: { kind: "pushed", sha: "3f2a9c1" },
        lastMessage: "Done.\nAFK-STATUS: pushed 3f2a9c1",
        error: null,
        seenAt: endedAt,
      },
      failure: null,
    });
  });

  it("sees the agent waiting on a person as a question", async () => {
    const world = aWorldWithIssue();
    const record = aRun(world);
    await startThread(world, record);
    world.agent.askQuestion(record.threadId);
    const askedAt = world.clock.now();
    const seen = await observeAgent(record, await factsOf(world), depsOf(world));
    expect(seen.event).toEqual({ kind: "QuestionAsked", question: null, seenAt: askedAt });
  });

  it.each([
    // T3's shell route drops a deleted thread altogether: afk sees it unknown.
    ["deleted", (world: World, id: string) => world.agent.deleteThread(id), "T3 does not know the thread"],
    ["archived", (world: World, id: string) => world.agent.archiveThread(id), "the thread was archived in T3"],
  ])("sees a thread %s in T3 as lost, without reading it", async (_how, remove, why) => {
    const world = aWorldWithIssue();
    const record = aRun(world);
    await startThread(world, record);
    remove(world, record.threadId);
    const seen = await observeAgent(record, await factsOf(world), depsOf(world));
    expect(seen.event).toEqual({ kind: "ThreadLost", why });
    expect(world.agent.knobs.count("readThread")).toBe(0);
  });

  it("sees nothing while the agent works, and reads nothing", async () => {
    const world = aWorldWithIssue();
    const record = aRun(world);
    await startThread(world, record);
    world.agent.pickUpTurn(record.threadId);
    expect(await observeAgent(record, await factsOf(world), depsOf(world))).toEqual({ event: null, failure: null });
    expect(world.agent.knobs.count("readThread")).toBe(0);
  });

  it("looks at no thread when the run's turn is not working, or T3 was not read", async () => {
    const world = aWorldWithIssue();
    const record = aRun(world);
    await startThread(world, record);
    world.agent.endTurn(record.threadId, { state: "completed", text: "AFK-STATUS: tests-green" });
    const ended = { ...record, turn: record.turn === null ? null : { ...record.turn, state: "ended" as const } };
    expect((await observeAgent(ended, await factsOf(world), depsOf(world))).event).toBeNull();
    expect((await observeAgent(record, null, depsOf(world))).event).toBeNull();
  });

  it("facts read before the turn started say nothing about it (issue 8): no event, and nothing read", async () => {
    const world = aWorldWithIssue();
    // T3 was read (the thread did not exist yet), then afk dispatched a moment later.
    const stale = await factsOf(world);
    world.clock.advance(MINUTE);
    const record = aRun(world, {
      dispatchedAt: world.clock.now(),
      turn: { ...openingTurn(), startedAt: world.clock.now() },
    });
    await startThread(world, record);
    world.agent.endTurn(record.threadId, { state: "completed", text: "AFK-STATUS: tests-green" });
    expect(await observeAgent(record, stale, depsOf(world))).toEqual({ event: null, failure: null });
    expect(world.agent.knobs.count("readThread")).toBe(0);
    expect((await observeAgent(record, await factsOf(world), depsOf(world))).event).toMatchObject({
      kind: "TurnEnded",
    });
  });

  it("reports a failing read of the last message and sees no event", async () => {
    const world = aWorldWithIssue();
    const record = aRun(world);
    await startThread(world, record);
    world.agent.endTurn(record.threadId, { state: "completed", text: "AFK-STATUS: tests-green" });
    world.agent.knobs.fail("readThread", "transient");
    const seen = await observeAgent(record, await factsOf(world), depsOf(world));
    expect(seen).toEqual({
      event: null,
      failure: expect.stringMatching(/^reading the agent's last message: T3 transient/),
    });
  });
});

describe("observeCommits", () => {
  it("finds the agent's commit by its AFK-Issue trailer: the full sha and its link", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    const { seen, commits } = await observeCommits(aRun(world), depsOf(world));
    expect(seen.event).toEqual({ kind: "CommitPushed", sha, url: `https://github.com/${REPO}/commit/${sha}` });
    expect(commits.map((commit) => commit.sha)).toEqual([sha]);
  });

  it("reads the default branch from a little before the dispatch", async () => {
    const world = aWorldWithIssue();
    await observeCommits(aRun(world), depsOf(world, { defaultBranch: "trunk" }));
    expect(world.github.knobs.calls.at(-1)?.args).toEqual([REPO, "trunk", T0 - LOOKBACK_MS]);
  });

  it.each([
    [
      "a commit that merely mentions the issue",
      (world: World) => world.github.act.push(REPO, [{ message: `See #${ISSUE}` }], { by: "dev" }),
    ],
    [
      "a commit for another issue",
      (world: World) => world.github.act.push(REPO, [{ message: "Fix\n\nAFK-Issue: 99" }], { by: "dev" }),
    ],
    [
      "a commit made long before the dispatch",
      (world: World) =>
        world.github.act.push(REPO, [{ message: `Fix\n\nAFK-Issue: ${ISSUE}`, committedAt: T0 - 3 * MINUTE }], {
          by: "dev",
        }),
    ],
  ])("ignores %s", async (_what, push) => {
    const world = aWorldWithIssue();
    push(world);
    expect((await observeCommits(aRun(world), depsOf(world))).seen.event).toBeNull();
  });

  it("sees nothing new for the sha the run already follows", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    expect((await observeCommits(aRun(world, { sha, phase: "pushed" }), depsOf(world))).seen.event).toBeNull();
  });

  it("takes a push delivery's commits as they came, and reads none back", async () => {
    const world = aWorldWithIssue();
    const commit = { sha: "c".repeat(40), message: `Fix\n\nAFK-Issue: ${ISSUE}`, committedAt: T0 + MINUTE, url: null };
    const payload = { fact: null, push: { branch: "main", commits: [commit] } };
    const { seen, commits } = await observeCommits(aRun(world), depsOf(world, { payload }));
    expect(seen.event).toEqual({ kind: "CommitPushed", sha: commit.sha, url: null });
    expect(commits).toEqual([commit]);
    expect(world.github.knobs.count("listCommitsSince")).toBe(0);
  });

  it("reads the branch back for a push delivery that does not list the run's commit: an older push's delivery, late or redelivered, never takes the run back", async () => {
    const world = aWorldWithIssue();
    const older = pushFix(world, ISSUE);
    const newer = world.github.act.push(REPO, [{ message: "Fix it forward" }], { by: "afk-agent" })[0] ?? "";
    // The run follows the newer commit (its status line named it; its message names no issue).
    const record = aRun(world, { sha: newer, phase: "ci" });
    const commit = { sha: older, message: `Make widgets spin\n\nAFK-Issue: ${ISSUE}`, committedAt: T0, url: null };
    const payload = { fact: null, push: { branch: "main", commits: [commit] } };
    const { seen } = await observeCommits(record, depsOf(world, { payload }));
    expect(seen.event).toBeNull();
    expect(world.github.knobs.count("listCommitsSince")).toBe(1);
  });

  it("takes from a push delivery that lists the run's commit only the commits after it", async () => {
    const world = aWorldWithIssue();
    const followed = {
      sha: "a".repeat(40),
      message: `Fix\n\nAFK-Issue: ${ISSUE}`,
      committedAt: T0 + MINUTE,
      url: null,
    };
    const later = {
      sha: "b".repeat(40),
      message: `More\n\nAFK-Issue: ${ISSUE}`,
      committedAt: T0 + 2 * MINUTE,
      url: null,
    };
    const payload = { fact: null, push: { branch: "main", commits: [later, followed] } };
    const record = aRun(world, { sha: followed.sha, phase: "ci" });
    const { seen } = await observeCommits(record, depsOf(world, { payload }));
    expect(seen.event).toEqual({ kind: "CommitPushed", sha: later.sha, url: null });
    expect(world.github.knobs.count("listCommitsSince")).toBe(0);
  });

  it("reads no commits for a CI delivery about the sha the run follows in CI", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    const run = aWorkflowRunFact(sha);
    const payload = { fact: { kind: "workflow-run", run } as const, push: null };
    const { seen } = await observeCommits(aRun(world, { sha, phase: "ci" }), depsOf(world, { payload }));
    expect(seen.event).toBeNull();
    expect(world.github.knobs.count("listCommitsSince")).toBe(0);
    await observeCommits(aRun(world, { sha: null, phase: "dispatched" }), depsOf(world, { payload }));
    expect(world.github.knobs.count("listCommitsSince")).toBe(1);
  });

  it("reads the branch for a push to another branch: its commits are not the default branch's", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    const payload = { fact: null, push: { branch: "topic", commits: [] } };
    const { seen } = await observeCommits(aRun(world), depsOf(world, { payload }));
    expect(seen.event).toMatchObject({ kind: "CommitPushed", sha });
    expect(world.github.knobs.count("listCommitsSince")).toBe(1);
  });

  it("reports a failing read, with no commits for the rollout to compare", async () => {
    const world = aWorldWithIssue();
    pushFix(world, ISSUE);
    world.github.knobs.fail("listCommitsSince", "rate-limited");
    const { seen, commits } = await observeCommits(aRun(world), depsOf(world));
    expect(seen).toEqual({ event: null, failure: expect.stringMatching(/^listing commits: GitHub rate-limited/) });
    expect(commits).toEqual([]);
  });
});

describe("observeCi", () => {
  const pushedRun = (world: World, sha: string, overrides: Partial<RunRecord> = {}): RunRecord =>
    aRun(world, {
      phase: "pushed",
      sha,
      pushedAt: T0,
      stages: { ci: aStage(), deploy: null, rollout: null },
      ...overrides,
    });

  it("reads nothing before a sha is pushed", async () => {
    const world = aWorldWithIssue();
    expect(await observeCi(aRun(world), depsOf(world))).toEqual({ event: null, failure: null });
    expect(world.github.knobs.calls).toHaveLength(0);
  });

  it.each([
    ["pending while no check exists yet", () => undefined, "pending", false],
    [
      "pending while a workflow runs",
      (world: World, sha: string) => void world.github.ci.startWorkflowRun(REPO, { sha }),
      "pending",
      true,
    ],
    [
      "green once every check passed",
      (world: World, sha: string) =>
        world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success"),
      "green",
      true,
    ],
  ])("folds the sha's checks: %s", async (_case, arrange, verdict, seenAny) => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    arrange(world, sha);
    const seen = await observeCi(pushedRun(world, sha), depsOf(world));
    expect(seen.event).toMatchObject({ kind: "CiObserved", sha, verdict, seenAny });
  });

  it("reads no CI for a push delivery: a push says nothing of CI, whose own deliveries follow", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    const payload = { fact: null, push: { branch: "main", commits: [] } };
    expect(await observeCi(pushedRun(world, sha), depsOf(world, { payload }))).toEqual({ event: null, failure: null });
    expect(world.github.knobs.calls).toHaveLength(0);
  });

  it("sees CI running from a running workflow run's delivery, and reads nothing", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    const run = aWorkflowRunFact(sha);
    const payload = { fact: { kind: "workflow-run", run } as const, push: null };
    const seen = await observeCi(pushedRun(world, sha), depsOf(world, { payload }));
    expect(seen.event).toEqual({
      kind: "CiObserved",
      sha,
      verdict: "pending",
      seenAny: true,
      url: run.htmlUrl,
      failures: [],
    });
    expect(world.github.knobs.calls).toHaveLength(0);
  });

  it("sees nothing new when CI is already known to run, and reads nothing", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    const payload = { fact: { kind: "workflow-run", run: aWorkflowRunFact(sha) } as const, push: null };
    const running = pushedRun(world, sha, {
      phase: "ci",
      stages: { ci: { ...aStage(), seenAny: true }, deploy: null, rollout: null },
    });
    expect(await observeCi(running, depsOf(world, { payload }))).toEqual({ event: null, failure: null });
    expect(world.github.knobs.calls).toHaveLength(0);
  });

  it("reads every check when a delivery says a workflow finished: one fact never makes CI green", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    const run = aWorkflowRunFact(sha, { status: "completed", conclusion: "success" });
    const payload = { fact: { kind: "workflow-run", run } as const, push: null };
    const seen = await observeCi(pushedRun(world, sha), depsOf(world, { payload }));
    expect(seen.event).toMatchObject({ kind: "CiObserved", sha, verdict: "green" });
    expect(world.github.knobs.count("listCheckRuns")).toBe(1);
  });

  it("carries the failing job's log tail the first time the sha is seen red", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    const run = world.github.ci.startWorkflowRun(REPO, { sha, jobs: ["test"] });
    world.github.ci.completeWorkflowRun(run, "failure", { test: { log: "running 12 tests\nexpected 2, got 3\n" } });
    const seen = await observeCi(pushedRun(world, sha), depsOf(world));
    expect(seen.event).toMatchObject({
      verdict: "red",
      failures: [{ name: "test", conclusion: "failure", logTail: "running 12 tests\nexpected 2, got 3" }],
    });
  });

  it("reads no log again for a sha already known red", async () => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    const run = world.github.ci.startWorkflowRun(REPO, { sha, jobs: ["test"] });
    world.github.ci.completeWorkflowRun(run, "failure", { test: { log: "boom" } });
    const knownRed = pushedRun(world, sha, {
      phase: "ci",
      stages: { ci: aStage({ verdict: "red" }), deploy: null, rollout: null },
    });
    const seen = await observeCi(knownRed, depsOf(world));
    expect(seen.event).toMatchObject({ verdict: "red", failures: [{ name: "test", logTail: null }] });
    expect(world.github.knobs.count("listJobs") + world.github.knobs.count("readJobLogTail")).toBe(0);
  });

  it.each([
    ["listCheckRuns", "listing check runs"],
    ["getCombinedStatus", "reading commit statuses"],
    ["listWorkflowRuns", "listing workflow runs"],
  ] as const)("reports %s failing and sees no verdict", async (method, what) => {
    const world = aWorldWithIssue();
    const sha = pushFix(world, ISSUE);
    world.github.knobs.fail(method, "transient");
    const seen = await observeCi(pushedRun(world, sha), depsOf(world));
    expect(seen).toEqual({ event: null, failure: expect.stringMatching(new RegExp(`^${what}: GitHub transient`)) });
  });
});

describe("observeDeploy", () => {
  const SHA = "d".repeat(40);
  const deployingRun = (world: World): RunRecord =>
    withRepoConfig(aRun(world, { phase: "deploying", sha: SHA, pushedAt: T0 }), { woodpeckerRepo: DEPLOY_REPO });

  it("finds Woodpecker's pipeline for the sha and sees it green, with its link", async () => {
    const world = aWorldWithIssue();
    const repoId = world.deploy.addRepo(DEPLOY_REPO);
    const number = world.deploy.addPipeline(repoId, { commit: SHA, status: "success" });
    const seen = await observeDeploy(deployingRun(world), [], depsOf(world));
    expect(seen.event).toMatchObject({
      kind: "DeployObserved",
      sha: SHA,
      verdict: "green",
      url: `${WOODPECKER_URL}/repos/${repoId}/pipeline/${number}`,
    });
  });

  it("waits while only another commit's pipeline exists", async () => {
    const world = aWorldWithIssue();
    const repoId = world.deploy.addRepo(DEPLOY_REPO);
    world.deploy.addPipeline(repoId, { commit: "e".repeat(40), status: "success" });
    expect((await observeDeploy(deployingRun(world), [], depsOf(world))).event).toMatchObject({ verdict: "pending" });
  });

  it("reads the pipeline a commit status names, even one the listing no longer shows", async () => {
    const world = aWorldWithIssue();
    const repoId = world.deploy.addRepo(DEPLOY_REPO);
    const number = world.deploy.addPipeline(repoId, {
      commit: SHA,
      status: "success",
      created: Math.floor(T0 / 1000) - 3_600,
    });
    expect((await observeDeploy(deployingRun(world), [], depsOf(world))).event).toMatchObject({ verdict: "pending" });
    const seen = await observeDeploy(deployingRun(world), [], depsOf(world), { repoId, number });
    expect(seen.event).toMatchObject({ verdict: "green" });
  });

  it("searches from the commit's own time (issue 8): a pipeline made when the commit landed, long before afk saw it, is found", async () => {
    const world = aWorldWithIssue();
    const repoId = world.deploy.addRepo(DEPLOY_REPO);
    const landed = T0 - 60 * MINUTE;
    world.deploy.addPipeline(repoId, { commit: SHA, status: "success", created: Math.floor(landed / 1000) + 10 });
    const commits = [{ sha: SHA, message: `Fix\n\nAFK-Issue: ${ISSUE}`, committedAt: landed, url: null }];
    expect((await observeDeploy(deployingRun(world), [], depsOf(world))).event).toMatchObject({ verdict: "pending" });
    expect((await observeDeploy(deployingRun(world), commits, depsOf(world))).event).toMatchObject({
      verdict: "green",
    });
    expect(world.deploy.knobs.calls.filter((call) => call.method === "findPipelines").at(-1)?.args[1]).toEqual({
      branch: "main",
      after: Math.floor((landed - LOOKBACK_MS) / 1000),
    });
  });

  it("reads nothing outside the deploying phase", async () => {
    const world = aWorldWithIssue();
    const seen = await observeDeploy({ ...deployingRun(world), phase: "ci" }, [], depsOf(world));
    expect(seen).toEqual({ event: null, failure: null });
    expect(world.deploy.knobs.calls).toHaveLength(0);
  });

  it("reports a deploy stage afk cannot read without Woodpecker", async () => {
    const world = aWorldWithIssue();
    const seen = await observeDeploy(deployingRun(world), [], depsOf(world, { deploy: null }));
    expect(seen).toEqual({ event: null, failure: "the deploy stage needs WOODPECKER_URL and WOODPECKER_TOKEN" });
  });

  it.each([
    ["lookupRepoId", `looking up ${DEPLOY_REPO} in Woodpecker`],
    ["findPipelines", "listing Woodpecker pipelines"],
  ] as const)("reports %s failing", async (method, what) => {
    const world = aWorldWithIssue();
    world.deploy.addRepo(DEPLOY_REPO);
    world.deploy.knobs.fail(method, "unauthorized");
    const seen = await observeDeploy(deployingRun(world), [], depsOf(world));
    expect(seen.failure).toMatch(new RegExp(`^${what}: Woodpecker unauthorized`));
  });
});

describe("observeRollout", () => {
  const SHA = "3f2a9c1".padEnd(40, "0");
  const rollingRun = (world: World, target: RolloutTarget): RunRecord =>
    withRepoConfig(aRun(world, { phase: "rolling-out", sha: SHA, pushedAt: T0 }), { rollout: target });
  const versionTarget = (consecutive: number): RolloutTarget => ({
    kind: "version-url",
    url: VERSION_URL,
    consecutive,
  });

  it.each([
    ["complete with the sha's image: green", { image: `ghcr.io/acme/widgets:${SHA}` }, "green"],
    [
      "with the sha's image still rolling out: pending",
      { image: `ghcr.io/acme/widgets:${SHA}`, complete: false },
      "pending",
    ],
    ["running an older image: pending", { image: "ghcr.io/acme/widgets:0123456" }, "pending"],
  ])("a Kubernetes Deployment %s", async (_case, deployment, verdict) => {
    const world = aWorldWithIssue();
    world.rollout.setDeployment("prod", "widgets", deployment);
    const seen = await observeRollout(rollingRun(world, KUBE), [], depsOf(world));
    expect(seen.event).toMatchObject({ kind: "RolloutObserved", sha: SHA, verdict });
  });

  it("sees a Deployment running a later commit of the branch as superseded", async () => {
    const world = aWorldWithIssue();
    const later = "9".repeat(40);
    world.rollout.setDeployment("prod", "widgets", { image: `ghcr.io/acme/widgets:${later}` });
    const commits = [later, SHA].map((sha) => ({ sha, message: "m", committedAt: T0, url: null }));
    const seen = await observeRollout(rollingRun(world, KUBE), commits, depsOf(world));
    expect(seen.event).toMatchObject({ verdict: "superseded" });
  });

  it("reports a Deployment it may not read, and a Kubernetes API it does not have", async () => {
    const world = aWorldWithIssue();
    world.rollout.setAccess("prod", false);
    const denied = await observeRollout(rollingRun(world, KUBE), [], depsOf(world));
    expect(denied.failure).toMatch(/^reading deployment prod\/widgets: Kubernetes unauthorized/);
    const missing = await observeRollout(rollingRun(world, KUBE), [], depsOf(world, { rollout: null }));
    expect(missing.failure).toContain("needs the Kubernetes API");
  });

  /** One sweep's look at the rollout, `gap` after the previous one. */
  async function sweepLook(world: World, record: RunRecord, matches: ObserveDeps["versionMatches"], gap = MINUTE) {
    world.clock.advance(gap);
    return observeRollout(record, [], depsOf(world, { versionMatches: matches }));
  }

  it("needs N consecutive version URL reads of the sha, a sweep interval apart, before the rollout is green", async () => {
    const world = aWorldWithIssue();
    world.versions.setBody(VERSION_URL, JSON.stringify({ sha: SHA }));
    const matches: ObserveDeps["versionMatches"] = new Map();
    const record = rollingRun(world, versionTarget(3));
    const seen = [];
    for (let read = 0; read < 3; read += 1) seen.push((await sweepLook(world, record, matches)).event);
    expect(seen).toMatchObject([
      { verdict: "pending", url: VERSION_URL, detail: "1 of 3 consecutive reads serve 3f2a9c1" },
      { verdict: "pending", detail: "2 of 3 consecutive reads serve 3f2a9c1" },
      { verdict: "green", detail: "3 of 3 consecutive reads serve 3f2a9c1" },
    ]);
  });

  it("counts two reads less than a sweep interval apart as one match (issue 8)", async () => {
    const world = aWorldWithIssue();
    world.versions.setBody(VERSION_URL, SHA);
    const matches: ObserveDeps["versionMatches"] = new Map();
    const record = rollingRun(world, versionTarget(2));
    await sweepLook(world, record, matches);
    const soon = await sweepLook(world, record, matches, SWEEP_INTERVAL / 2);
    expect(soon.event).toMatchObject({ verdict: "pending", detail: "1 of 2 consecutive reads serve 3f2a9c1" });
    expect((await sweepLook(world, record, matches, SWEEP_INTERVAL / 2)).event).toMatchObject({ verdict: "green" });
  });

  it("reads no version URL outside a sweep (issue 8): a nudge about CI proves nothing of the rollout", async () => {
    const world = aWorldWithIssue();
    world.versions.setBody(VERSION_URL, SHA);
    const seen = await observeRollout(rollingRun(world, versionTarget(1)), [], depsOf(world, { sweep: false }));
    expect(seen).toEqual({ event: null, failure: null });
    expect(world.versions.knobs.calls).toHaveLength(0);
  });

  it.each([
    ["a read that serves another sha", (world: World) => world.versions.setBody(VERSION_URL, "0123456")],
    ["a read that fails", (world: World) => world.versions.setAnswer(VERSION_URL, { status: 503 })],
  ])("starts the version URL count over after %s", async (_case, spoil) => {
    const world = aWorldWithIssue();
    const matches: ObserveDeps["versionMatches"] = new Map();
    const record = rollingRun(world, versionTarget(2));
    world.versions.setBody(VERSION_URL, SHA);
    await sweepLook(world, record, matches);
    spoil(world);
    await sweepLook(world, record, matches);
    world.versions.setBody(VERSION_URL, SHA);
    const seen = await sweepLook(world, record, matches);
    expect(seen.event).toMatchObject({ verdict: "pending", detail: "1 of 2 consecutive reads serve 3f2a9c1" });
    expect([...matches.values()].map((counted) => counted.matches)).toEqual([1]);
  });

  it("counts per run attempt and sha, so a new attempt counts from zero", async () => {
    const world = aWorldWithIssue();
    world.versions.setBody(VERSION_URL, SHA);
    const matches: ObserveDeps["versionMatches"] = new Map();
    await sweepLook(world, rollingRun(world, versionTarget(2)), matches);
    const second = await sweepLook(world, { ...rollingRun(world, versionTarget(2)), attempt: 2 }, matches, 0);
    expect(second.event).toMatchObject({ verdict: "pending" });
    expect(matches).toEqual(
      new Map([
        [`${REPO}#${ISSUE}/1/${SHA}`, { matches: 1, countedAt: world.clock.now() }],
        [`${REPO}#${ISSUE}/2/${SHA}`, { matches: 1, countedAt: world.clock.now() }],
      ]),
    );
  });

  it("reads nothing without a rollout target, or outside the rolling-out phase", async () => {
    const world = aWorldWithIssue();
    await observeRollout(aRun(world, { phase: "rolling-out", sha: SHA }), [], depsOf(world));
    await observeRollout({ ...rollingRun(world, KUBE), phase: "deploying" }, [], depsOf(world));
    expect(world.rollout.knobs.calls).toHaveLength(0);
    expect(world.versions.knobs.calls).toHaveLength(0);
  });
});
