import { describe, expect, it } from "vitest";
import { toShortSha } from "../../src/core/common/text.js";
import { PROBLEM_TOLD_AFTER_MS } from "../../src/core/run/run-incidents.js";
import { AFK_CONFIG_PATH } from "../../src/shell/dispatch-run.js";
import { observe, readAgentFacts } from "../../src/shell/observe-runs.js";
import { StepError } from "../../src/shell/step-error.js";
import {
  aDispatchedRun,
  aWorld,
  botComments,
  CHANNEL,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MINUTE,
  noticesOf,
  pushFix,
  READY,
  REPO,
  type World,
  type WorldOptions,
} from "./world.js";

const DEPLOY_REPO = "acme/deploy";
const VERSION_URL = "https://widgets.test/version";

/** One pass of the observe loop over REPO, as a sweep makes it (T3 read by the pass itself). */
const observeRepo = (world: World): Promise<number> => observe(world.afk, REPO, INSTALLATION, { sweep: true });

/** A world whose `.github/afk.yml` says `file`, with one run dispatched under it. */
async function aRunUnder(file: string | null, options: WorldOptions = {}) {
  const world = aWorld(options);
  if (file !== null) world.github.setFile(REPO, AFK_CONFIG_PATH, file);
  const run = await aDispatchedRun(world);
  return { world, ...run };
}

/** The agent pushes its fix and ends its turn saying so (with the short sha, as agents do). Returns the sha. */
function agentPushes(world: World, issue: number, threadId: string, said: "short" | "full" = "short"): string {
  const sha = pushFix(world, issue);
  const shown = said === "short" ? toShortSha(sha) : sha;
  world.agent.endTurn(threadId, { state: "completed", text: `Done.\nAFK-STATUS: pushed ${shown}` });
  return sha;
}

function greenCi(world: World, sha: string): void {
  world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
}

describe("observe: the agent's side", () => {
  it("a turn that ended with AFK-STATUS pushed <sha> moves the run to pushed, with the commit's full sha", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    const sha = agentPushes(world, issue, threadId);
    expect(await observeRepo(world)).toBe(1);
    expect(world.record(issue)).toMatchObject({ phase: "pushed", sha, agentStatus: { kind: "pushed" } });
    expect(world.recordOnGitHub(issue)?.sha).toBe(sha);
  });

  it("a pushed commit is found by its AFK-Issue trailer while the agent still works", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    world.agent.pickUpTurn(threadId);
    const sha = pushFix(world, issue);
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "pushed", sha, turn: { state: "working" } });
  });

  it("a question from the agent escalates: the issue goes to a human and the doorbell rings once", async () => {
    const { world, issue, threadId } = await aRunUnder(null, { slack: true });
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour should they spin?" });
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({
      phase: "escalated",
      escalation: { cause: "agent", agentSaid: "Which colour should they spin?" },
      doorbell: { channel: CHANNEL },
    });
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    expect(botComments(world, issue).map((comment) => comment.body)).toEqual([
      expect.any(String),
      expect.stringContaining("afk needs a human"),
    ]);
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
    await observeRepo(world);
    expect(world.doorbell.messages(CHANNEL)).toHaveLength(1);
    expect(botComments(world, issue)).toHaveLength(2);
  });

  it("a thread deleted in T3 escalates the run as lost (E4)", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    world.agent.deleteThread(threadId);
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "escalated", escalation: { cause: "lost" } });
  });

  it("a run whose time budget ran out is escalated (E3) by the tick that ends each pass", async () => {
    const { world, issue } = await aRunUnder(null);
    world.clock.advance(world.config.budgets.runMs + MINUTE);
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "escalated", escalation: { cause: "time-budget" } });
  });
});

describe("observe: CI, deploy and rollout", () => {
  it("follows CI from pending to green and, with no deploy or rollout configured, ships", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    const sha = agentPushes(world, issue, threadId);
    const run = world.github.ci.startWorkflowRun(REPO, { sha });
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "ci", stages: { ci: { verdict: "pending", seenAny: true } } });
    world.github.ci.completeWorkflowRun(run, "success");
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({
      phase: "shipped",
      stages: { ci: { verdict: "green" }, deploy: { verdict: "skipped" }, rollout: { verdict: "skipped" } },
    });
    expect(world.issue(issue)).toMatchObject({ state: "closed", stateReason: "completed", labels: [] });
    expect(botComments(world, issue).at(-1)?.body).toMatch(new RegExp(`^Shipped ${sha}`));
    expect(world.reconcileRequests).toEqual([REPO]);
    expect(await observeRepo(world)).toBe(0);
  });

  it("reads CI for the sha the same pass just saw pushed", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    const sha = agentPushes(world, issue, threadId);
    greenCi(world, sha);
    await observeRepo(world);
    expect(world.record(issue)?.phase).toBe("shipped");
  });

  it("red CI with budget left sends the agent a fix-forward turn carrying the failing job's log tail", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    const sha = agentPushes(world, issue, threadId);
    const run = world.github.ci.startWorkflowRun(REPO, { sha, jobs: ["test"] });
    world.github.ci.completeWorkflowRun(run, "failure", {
      test: { log: "1 passed\nFAIL widgets spin: expected 2, got 3\n" },
    });
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({
      phase: "ci",
      fixForwards: 1,
      turn: { kind: "fix-forward", state: "working" },
    });
    const prompt = world.agent.snapshot().threads[0]?.messages.at(-1);
    expect(prompt).toMatchObject({
      role: "user",
      text: expect.stringContaining("FAIL widgets spin: expected 2, got 3"),
    });
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
  });

  it("red CI with the fix-forward budget spent escalates (E2)", async () => {
    const { world, issue, threadId } = await aRunUnder("budgets: { fix_forward_turns: 0 }\n");
    const sha = agentPushes(world, issue, threadId);
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "failure");
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "escalated", escalation: { cause: "red-budget-spent" } });
  });

  it("after green CI, finds Woodpecker's pipeline for the sha and, once it is green, the Kubernetes rollout", async () => {
    const file = `woodpecker: { repo: ${DEPLOY_REPO} }\nrollout: { kubernetes: { namespace: prod, deployment: widgets, container: app } }\n`;
    const { world, issue, threadId } = await aRunUnder(file);
    const repoId = world.deploy.addRepo(DEPLOY_REPO);
    world.rollout.setDeployment("prod", "widgets", { image: "ghcr.io/acme/widgets:0123456" });
    const sha = agentPushes(world, issue, threadId);
    greenCi(world, sha);
    const pipeline = world.deploy.addPipeline(repoId, { commit: sha, status: "running" });
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "deploying", stages: { ci: { verdict: "green" } } });
    world.deploy.setStatus(repoId, pipeline, "success");
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "rolling-out", stages: { deploy: { verdict: "green" } } });
    world.rollout.setDeployment("prod", "widgets", { image: `ghcr.io/acme/widgets:${sha}` });
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "shipped", stages: { rollout: { verdict: "green" } } });
  });

  it("reads the Woodpecker pipeline a commit status points at", async () => {
    const { world, issue, threadId } = await aRunUnder(`woodpecker: { repo: ${DEPLOY_REPO} }\n`);
    const repoId = world.deploy.addRepo(DEPLOY_REPO);
    const sha = agentPushes(world, issue, threadId);
    greenCi(world, sha);
    // Listed pipelines start after the dispatch: an older one is found only through the hint.
    const number = world.deploy.addPipeline(repoId, { commit: sha, status: "success", created: 1 });
    await observeRepo(world);
    expect(world.record(issue)?.phase).toBe("deploying");
    await observe(world.afk, REPO, INSTALLATION, { pipeline: { repoId, number } });
    expect(world.record(issue)?.phase).toBe("shipped");
  });

  it("a version URL ships the run after N consecutive reads of the sha, one per sweep", async () => {
    const file = `rollout: { version_url: { url: "${VERSION_URL}", consecutive: 2 } }\n`;
    const { world, issue, threadId } = await aRunUnder(file);
    const sha = agentPushes(world, issue, threadId);
    greenCi(world, sha);
    world.versions.setBody(VERSION_URL, sha);
    await observeRepo(world);
    expect(world.record(issue)).toMatchObject({ phase: "rolling-out", stages: { rollout: { verdict: "pending" } } });
    expect(world.afk.versionMatches.get(`${REPO}#${issue}/1/${sha}`)).toEqual({
      matches: 1,
      countedAt: world.clock.now(),
    });
    world.clock.advance(world.config.sweepIntervalMs);
    await observeRepo(world);
    expect(world.record(issue)?.phase).toBe("shipped");
  });
});

describe("observe: failures", () => {
  it("a failing read of one observer is reported while the others still run", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    // The full sha from the status line: CI can be read without the commits listing.
    const sha = agentPushes(world, issue, threadId, "full");
    greenCi(world, sha);
    world.github.knobs.fail("listCommitsSince", "transient");
    const failed = observeRepo(world);
    await expect(failed).rejects.toBeInstanceOf(StepError);
    await expect(failed).rejects.toThrow(new RegExp(`${REPO}#${issue}: listing commits: GitHub transient`));
    expect(world.record(issue)?.phase).toBe("shipped");
  });

  it("an effect that fails stops that run's pass; the record written first stands and the next reconcile finishes it (issue 8)", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    world.clock.advance(10 * MINUTE);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: which colour?" });
    world.github.knobs.fail("addLabels", "transient");
    await expect(observeRepo(world)).rejects.toThrow(/applying the agent's event failed/);
    expect(world.record(issue)?.phase).toBe("escalated");
    expect(world.recordOnGitHub(issue)?.phase).toBe("escalated");
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
    expect(noticesOf(world, issue)).toEqual([]);
    await world.reconcile();
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    expect(noticesOf(world, issue)).toEqual([expect.stringContaining("afk needs a human")]);
    expect(world.afk.index.get(REPO, issue)?.needsCheck).toBe(false);
  });

  it("T3 unreachable fails the agent's observer alone (issue 8): CI is still followed and the run ships", async () => {
    const { world, issue, threadId } = await aRunUnder(null);
    const sha = agentPushes(world, issue, threadId, "full");
    greenCi(world, sha);
    world.agent.knobs.fail("readOverview", "unauthorized");
    await expect(observeRepo(world)).rejects.toThrow(/reading T3's threads: T3 unauthorized/);
    expect(world.record(issue)).toMatchObject({ phase: "shipped", sha });
  });

  it("an observer failing for long is said on the issue once, and once more when it heals (issue 8)", async () => {
    const { world, issue } = await aRunUnder(null);
    world.agent.knobs.fail("readOverview", "transient", { times: Infinity });
    const edits = (): number => world.github.knobs.count("updateComment");
    await expect(observeRepo(world)).rejects.toThrow(/reading T3's threads/);
    expect(world.record(issue)?.problems).toMatchObject([{ what: "agent", told: false }]);
    const quiet = edits();
    world.clock.advance(PROBLEM_TOLD_AFTER_MS);
    await expect(observeRepo(world)).rejects.toThrow(/reading T3's threads/);
    expect(world.record(issue)?.problems).toMatchObject([{ what: "agent", told: true }]);
    expect(edits()).toBe(quiet + 1);
    await expect(observeRepo(world)).rejects.toThrow(/reading T3's threads/);
    expect(edits()).toBe(quiet + 1);
    world.agent.knobs.clear();
    await observeRepo(world);
    expect(world.record(issue)?.problems).toEqual([]);
    expect(edits()).toBe(quiet + 2);
  });

  it("a repo without a run in flight is not read at all", async () => {
    const world = aWorld();
    expect(await observeRepo(world)).toBe(0);
    expect(world.github.knobs.calls).toHaveLength(0);
    expect(world.agent.knobs.calls).toHaveLength(0);
  });

  it("a disarmed afk observes nothing", async () => {
    const { record } = await aRunUnder(null);
    const disarmed = aWorld({ config: { killSwitch: true } });
    disarmed.afk.index.setRecord(record, null);
    expect(await observe(disarmed.afk, REPO, INSTALLATION, { sweep: true })).toBe(0);
    expect(await readAgentFacts(disarmed.afk)).toBeNull();
    expect(disarmed.github.knobs.calls).toHaveLength(0);
    expect(disarmed.agent.knobs.calls).toHaveLength(0);
  });
});
