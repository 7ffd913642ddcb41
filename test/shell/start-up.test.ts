import { describe, expect, it } from "vitest";
import { observe } from "../../src/shell/observe-runs.js";
import { REDELIVER_WINDOW_MS, REPOS_AT_ONCE, startUp } from "../../src/shell/start-up.js";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import {
  aDispatchedRun,
  aWorld,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MAINTAINER,
  MINUTE,
  noticesOf,
  pushFix,
  READY,
  REPO,
  type World,
} from "./world.js";

const ELSEWHERE = "acme/elsewhere";

const OTHER = "acme/gadgets";

/** Runs on GitHub from an earlier afk: one working in REPO (in-progress label), one escalated in OTHER (human label). */
async function aWorldAfterACrash(): Promise<{ world: World; working: number; escalated: number }> {
  const world = aWorld({ repos: [REPO, OTHER] });
  const stuck = await aDispatchedRun(world, { repo: OTHER });
  world.agent.endTurn(stuck.threadId, { state: "completed", text: "AFK-STATUS: blocked: which colour?" });
  world.clock.advance(1);
  await observe(world.afk, OTHER, INSTALLATION, { sweep: true });
  const running = await aDispatchedRun(world, { title: "Gadgets should hum" });
  world.restart();
  return { world, working: running.issue, escalated: stuck.issue };
}

describe("startUp", () => {
  it("rebuilds the run index from the issues carrying afk's in-progress and human labels, and learns each installation", async () => {
    const { world, working, escalated } = await aWorldAfterACrash();
    await startUp(world.afk);
    expect([...world.afk.installations]).toEqual([
      [REPO, INSTALLATION],
      [OTHER, INSTALLATION],
    ]);
    expect(world.record(working)).toMatchObject({ phase: "dispatched", threadId: world.threadId(working) });
    expect(world.record(escalated, OTHER)?.phase).toBe("escalated");
    expect(world.afk.titles.get(REPO, working)).toBe("Gadgets should hum");
  });

  it("makes sure of afk's three labels in every enrolled repo, before any issue is labelled", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    await startUp(world.afk);
    const labels = world.github.snapshot().repos.map((repo) => [repo.repo, repo.labels]);
    expect(labels).toEqual(
      expect.arrayContaining([
        [REPO, [IN_PROGRESS, READY, HUMAN].sort()],
        [OTHER, [IN_PROGRESS, READY, HUMAN].sort()],
      ]),
    );
    const issue = world.readyIssue();
    const before = world.github.knobs.count("ensureLabel");
    await startUp(world.afk);
    await sweepOnce(world.afk);
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(world.github.knobs.count("ensureLabel")).toBe(before);
  });

  it("says when it cannot make a repo's labels, and the first dispatch there makes them", async () => {
    const world = aWorld();
    world.github.knobs.fail("ensureLabel", "transient");
    await startUp(world.afk);
    expect(world.logs.filter((line) => line.level === "warn")).toEqual([
      expect.objectContaining({
        msg: expect.stringContaining("the first dispatch there tries again"),
        fields: expect.objectContaining({ repo: REPO }),
      }),
    ]);
    const issue = world.readyIssue();
    await sweepOnce(world.afk);
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(world.issue(issue).labels).toContain(IN_PROGRESS);
    expect(world.github.snapshot().repos[0]?.labels).toEqual([IN_PROGRESS, READY, HUMAN].sort());
  });

  it("dispatches no second agent for a run it found at start", async () => {
    const { world, working } = await aWorldAfterACrash();
    await startUp(world.afk);
    expect(world.agent.snapshot().threads).toHaveLength(2);
    expect(world.record(working)?.phase).toBe("dispatched");
  });

  it("dispatches, at the end of start-up, an issue labelled while afk was down", async () => {
    const world = aWorld();
    world.restart();
    const issue = world.readyIssue();
    await startUp(world.afk);
    expect(world.record(issue)?.phase).toBe("dispatched");
  });

  it("asks GitHub to redeliver the deliveries that failed within the window", async () => {
    const world = aWorld();
    const issue = world.github.addIssue(REPO);
    world.github.act.label(REPO, issue, READY, MAINTAINER);
    expect(world.github.dropWebhooks()).toBe(1);
    world.restart();
    await startUp(world.afk);
    expect(world.github.knobs.calls.find((call) => call.method === "listFailedDeliveries")?.args).toEqual([
      world.clock.now() - REDELIVER_WINDOW_MS,
    ]);
    expect(world.github.knobs.count("redeliver")).toBe(1);
    expect(
      world.github.pendingWebhooks.map((webhook) => `${webhook.name}.${String(webhook.payload.action)}`),
    ).toContain("issues.labeled");
  });

  it.each(["listFailedDeliveries", "redeliver"] as const)(
    "goes on with the rest of start-up when %s fails, and logs it",
    async (method) => {
      const world = aWorld();
      const issue = world.github.addIssue(REPO);
      world.github.act.label(REPO, issue, READY, MAINTAINER);
      world.github.dropWebhooks();
      world.restart();
      world.github.knobs.fail(method, "transient");
      await startUp(world.afk);
      expect(world.record(issue)?.phase).toBe("dispatched");
      expect(world.logs.filter((line) => line.level === "warn")).toEqual([
        expect.objectContaining({ msg: expect.stringContaining("the sweep covers what") }),
      ]);
    },
  );

  it.each([
    [
      "afk is not installed there",
      (world: World) => world.github.addRepo(ELSEWHERE, { installationId: null }),
      "afk is not installed",
    ],
    [
      "its installation cannot be looked up",
      (world: World) => {
        world.github.addRepo(ELSEWHERE, { installationId: INSTALLATION });
        world.github.knobs.fail("findInstallation", "transient", { when: ([repo]) => repo === ELSEWHERE });
      },
      "cannot find afk's installation",
    ],
  ])("skips an enrolled repo where %s, logs it, and starts the others", async (_case, arrange, logged) => {
    const world = aWorld({ config: { allowlist: [REPO, ELSEWHERE] } });
    arrange(world);
    world.restart();
    const issue = world.readyIssue();
    await startUp(world.afk);
    expect([...world.afk.installations.keys()]).toEqual([REPO]);
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(world.logs.find((line) => line.msg.includes(logged))?.fields).toMatchObject({ repo: ELSEWHERE });
  });

  it("a failing reconcile at start is logged and does not stop start-up", async () => {
    const world = aWorld();
    world.restart();
    world.readyIssue();
    // T3 unreadable both for the first pass's read and for the reconcile's own.
    world.agent.knobs.fail("readOverview", "transient", { times: 2 });
    await startUp(world.afk);
    expect(world.logs.find((line) => line.level === "error")?.msg).toBe("reconcile at start failed; the sweep retries");
  });

  it("does nothing at all while disarmed", async () => {
    const world = aWorld({ config: { killSwitch: true } });
    world.readyIssue();
    await startUp(world.afk);
    expect(world.github.knobs.calls).toEqual([]);
  });

  it("rebuilds the run index before it asks GitHub to redeliver failed deliveries (issue 8)", async () => {
    const { world, working } = await aWorldAfterACrash();
    const from = world.github.knobs.calls.length;
    await startUp(world.afk);
    const calls = world.github.knobs.calls.slice(from);
    const asked = calls.findIndex((call) => call.method === "listFailedDeliveries");
    const read = calls.findLastIndex((call) => call.method === "listComments" && call.args[1] === working);
    expect(read).toBeGreaterThanOrEqual(0);
    expect(asked).toBeGreaterThan(read);
  });

  it("finishes a ship afk died in the middle of (record shipped, issue still open and locked): closed, no second attempt", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    world.github.knobs.fail("closeIssue", "transient");
    await expect(observe(world.afk, REPO, INSTALLATION, { sweep: true })).rejects.toThrow();
    expect(world.issue(issue)).toMatchObject({ state: "open", labels: [IN_PROGRESS, READY] });
    world.clock.advance(MINUTE);
    world.restart();
    await startUp(world.afk);
    expect(world.issue(issue)).toMatchObject({ state: "closed", stateReason: "completed", labels: [] });
    expect(world.record(issue)).toMatchObject({ phase: "shipped", attempt: 1 });
    expect(world.agent.snapshot().threads).toHaveLength(1);
    expect(noticesOf(world, issue)).toHaveLength(1);
  });

  it("finishes a shipped issue afk closed but died before taking its lock label off", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    world.github.knobs.fail("removeLabel", "transient", { when: ([, , label]) => label === IN_PROGRESS });
    await expect(observe(world.afk, REPO, INSTALLATION, { sweep: true })).rejects.toThrow();
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [IN_PROGRESS] });
    world.restart();
    await startUp(world.afk);
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [] });
    expect(world.agent.snapshot().threads).toHaveLength(1);
  });

  it.each([
    ["its installation could not be found", "findInstallation"],
    ["the closed issues could not be listed", "listClosedIssuesWithLabel"],
  ] as const)(
    "finishes such a ship once a reconcile could read the repo's runs when, at start, %s (issue 8, item 12)",
    async (_case, method) => {
      const world = aWorld();
      const { issue, threadId } = await aDispatchedRun(world);
      const sha = pushFix(world, issue);
      world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
      world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
      world.github.knobs.fail("removeLabel", "transient", { when: ([, , label]) => label === IN_PROGRESS });
      await expect(observe(world.afk, REPO, INSTALLATION, { sweep: true })).rejects.toThrow();
      world.restart();
      world.github.knobs.fail(method, "transient", { times: 1 });
      await startUp(world.afk);
      world.clock.advance(MINUTE);
      await sweepOnce(world.afk);
      expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [] });
      expect(world.agent.snapshot().threads).toHaveLength(1);
    },
  );

  it("dispatches nothing in a repo whose runs it could not read: an escalated run there still holds it (issue 8)", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    await observe(world.afk, REPO, INSTALLATION, { sweep: true });
    expect(world.record(issue)?.phase).toBe("escalated");
    const next = world.readyIssue();
    world.restart();
    world.github.knobs.fail("listOpenIssuesWithLabel", "transient", { when: ([, label]) => label === HUMAN, times: 2 });
    await startUp(world.afk);
    expect(world.record(next)).toBeNull();
    expect(world.agent.snapshot().threads).toHaveLength(1);
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.record(issue)?.phase).toBe("escalated");
    expect(world.record(next)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: issue } });
    expect(world.agent.snapshot().threads).toHaveLength(1);
  });

  // Found by the model-based test (test/chaos/model.test.ts).
  it("counts a repo whose runs it could not read at start as holding a slot of the cap: no third run under a cap of two (issue 8, item 11)", async () => {
    const THIRD = "acme/gizmos";
    const world = aWorld({ repos: [REPO, OTHER, THIRD], config: { maxConcurrentRuns: 2 } });
    await aDispatchedRun(world, { repo: OTHER });
    world.restart();
    world.github.knobs.fail("findInstallation", "transient", { when: ([repo]) => repo === OTHER, times: 2 });
    await startUp(world.afk);
    const first = world.readyIssue({ repo: REPO });
    const second = world.readyIssue({ repo: THIRD });
    await world.reconcile(REPO);
    await world.reconcile(THIRD);
    expect(world.agent.snapshot().threads).toHaveLength(2);
    expect(world.record(first)?.phase).toBe("dispatched");
    expect(world.record(second, THIRD)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "cap-reached", cap: 2 },
    });
    // Once the repo's runs are read, the count is exact again.
    world.clock.advance(MINUTE);
    await sweepOnce(world.afk);
    expect(world.agent.snapshot().threads).toHaveLength(2);
  });

  it("does not count an enrolled repo afk is not installed on against the cap", async () => {
    const world = aWorld({ repos: [REPO], config: { allowlist: [REPO, ELSEWHERE], maxConcurrentRuns: 1 } });
    world.restart();
    await startUp(world.afk);
    const issue = world.readyIssue();
    await world.reconcile(REPO);
    expect(world.record(issue)?.phase).toBe("dispatched");
  });

  it("finishes the cancel of an escalated run whose issue a person closed, when afk died before taking ready-for-human off", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    await observe(world.afk, REPO, INSTALLATION, { sweep: true });
    world.clock.advance(MINUTE);
    world.github.act.close(REPO, issue, MAINTAINER);
    world.github.knobs.fail("removeLabel", "transient");
    await world.reconcile().catch(() => undefined);
    await observe(world.afk, REPO, INSTALLATION, { sweep: true }).catch(() => undefined);
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [HUMAN] });
    world.github.knobs.clear();
    world.restart();
    await startUp(world.afk);
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [] });
  });

  it("leaves a shipped issue a person reopened and handed to people as they made it", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    await observe(world.afk, REPO, INSTALLATION, { sweep: true });
    world.clock.advance(MINUTE);
    world.github.act.reopen(REPO, issue, MAINTAINER);
    world.github.act.label(REPO, issue, HUMAN, MAINTAINER);
    world.restart();
    await startUp(world.afk);
    expect(world.issue(issue)).toMatchObject({ state: "open", labels: [HUMAN] });
    expect(world.record(issue)?.phase).toBe("shipped");
  });

  it("observes the runs it found as soon as the index is back, not a sweep later", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    const { issue, threadId } = await aDispatchedRun(world);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.restart();
    await startUp(world.afk);
    expect(world.record(issue)).toMatchObject({ phase: "pushed", sha });
  });

  it("logs a failed observation at start and goes on with the other repos", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    const first = await aDispatchedRun(world);
    const second = await aDispatchedRun(world, { repo: OTHER });
    const sha = pushFix(world, second.issue, OTHER);
    world.agent.endTurn(second.threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.restart();
    world.github.knobs.fail("listCommitsSince", "transient", { times: Infinity, when: ([repo]) => repo === REPO });
    await startUp(world.afk);
    expect(world.record(first.issue)?.phase).toBe("dispatched");
    expect(world.record(second.issue, OTHER)).toMatchObject({ phase: "pushed", sha });
    expect(
      world.logs.find((line) => line.msg === "observing the runs at start failed; the sweep retries")?.fields,
    ).toMatchObject({
      repo: REPO,
    });
  });

  it(`reads the enrolled repos' runs ${REPOS_AT_ONCE} repos at a time, and loads them all`, async () => {
    const repos = Array.from({ length: REPOS_AT_ONCE + 2 }, (_, at) => `acme/repo-${at}`);
    const world = aWorld({ repos, config: { maxConcurrentRuns: repos.length } });
    const runs = [];
    for (const repo of repos) runs.push({ repo, ...(await aDispatchedRun(world, { repo })) });
    world.restart();
    const held = world.github.knobs.hold("listComments");
    const starting = startUp(world.afk);
    await held.arrived();
    for (let tick = 0; tick < 50; tick += 1) await new Promise((done) => setImmediate(done));
    expect(held.waiting).toBe(REPOS_AT_ONCE);
    held.release();
    await starting;
    for (const { repo, issue } of runs) expect(world.record(issue, repo)?.phase).toBe("dispatched");
  });
});
