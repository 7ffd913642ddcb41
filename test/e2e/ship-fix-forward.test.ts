// Issue 4, red stages: a red CI or rollout after the agent's turn has ended sends one
// corrective turn to the same thread, carrying the failure (for CI, the tail of the
// failing job's log); with the fix-forward budget spent, a human is called instead.

import { describe, expect, it } from "vitest";
import { harnessPerTest, IN_PROGRESS, noticesOf, READY, recordOf, REPO } from "./harness.js";
import {
  aFailingLog,
  agentCommits,
  agentEnds,
  ciRuns,
  deliverOk,
  DEPLOYMENT,
  dispatched,
  keelDeploys,
  MINUTE_MS,
  NAMESPACE,
  startWorld,
  toRollingOut,
  turnTexts,
  type World,
} from "./ship-world.js";

const started = harnessPerTest();
const HUMAN = "ready-for-human";

/** Dispatched, and the agent's turn ended with its push of a commit that CI will judge. */
async function pushedAndEnded(world: World, issue: number): Promise<{ thread: string; sha: string }> {
  const thread = await dispatched(world, issue);
  world.clock.advance(10 * MINUTE_MS);
  const { commit, payload } = agentCommits(world, issue);
  agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
  await deliverOk(world, "push", payload);
  return { thread, sha: commit.sha };
}

const RED_TEST = {
  lint: { conclusion: "success" as const },
  test: {
    conclusion: "failure" as const,
    title: "1 test failed",
    summary: "math.test.ts: adds two numbers",
    log: aFailingLog(),
  },
};

function expectEscalated(world: World, issue: number, reason: RegExp): void {
  const record = recordOf(world.h, issue);
  expect(record.phase).toBe("escalated");
  expect(record.escalation?.reason).toMatch(reason);
  const labels = world.h.github.issue(REPO, issue).labels;
  expect(labels).toContain(HUMAN);
  expect(labels).not.toContain(READY);
  expect(labels).not.toContain(IN_PROGRESS);
  expect(noticesOf(world.h, issue)).toEqual([
    expect.stringContaining("afk needs a human to carry on with this issue."),
  ]);
  expect(world.h.github.issue(REPO, issue).state).toBe("open");
}

describe("red CI with budget left", () => {
  it("sends exactly one fix-forward turn carrying the failing job's log tail; the agent's new push goes green and ships", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false });
    const { h, clock } = world;
    const { thread, sha } = await pushedAndEnded(world, 4);

    const runId = await ciRuns(world, sha, "failure", RED_TEST);
    // The same fact again (GitHub's redelivery, a sweep) sends nothing more.
    await deliverOk(world, "workflow_run", h.github.workflowRunPayload(REPO, runId));
    await h.sweepOnce();

    const texts = turnTexts(world);
    expect(texts).toHaveLength(2);
    const fixForward = texts[1] ?? "";
    expect(fixForward).toContain(sha);
    expect(fixForward).toContain("AssertionError: expected 5 to be 4");
    expect(fixForward).toContain("##[error]Process completed with exit code 1.");
    expect(fixForward).toContain("1 test failed");
    // The tail, without GitHub's timestamps: the start of a long log is left out.
    expect(fixForward).toContain("preamble line 400:");
    expect(fixForward).not.toContain("preamble line 1:");
    expect(fixForward).not.toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z /m);
    expect(h.github.logDownloads).toHaveLength(1);
    expect(recordOf(h, 4)).toMatchObject({
      phase: "ci",
      fixForwards: 1,
      turns: 2,
      turn: { kind: "fix-forward", state: "working", sha },
      stages: { ci: { verdict: "red" } },
    });

    clock.advance(10 * MINUTE_MS);
    const fixed = agentCommits(world, 4, "Fix the sum");
    agentEnds(world, thread, `The sum was off by one.\n\nAFK-STATUS: pushed ${fixed.commit.sha}`);
    await deliverOk(world, "push", fixed.payload);
    expect(recordOf(h, 4)).toMatchObject({ phase: "pushed", sha: fixed.commit.sha });

    await ciRuns(world, fixed.commit.sha, "success");
    expect(recordOf(h, 4)).toMatchObject({ phase: "shipped", sha: fixed.commit.sha, fixForwardsTotal: 1, turns: 2 });
    expect(noticesOf(h, 4)).toEqual([expect.stringMatching(/, 2 turns, 1 fix-forward\./)]);
    expect(h.github.issue(REPO, 4)).toMatchObject({ state: "closed", labels: [] });
    expect(turnTexts(world)).toHaveLength(2);
  });
});

describe("red CI with the budget spent", () => {
  it("fix_forward_turns: 0 → escalated: ready-for-human on, ready and in-progress off, the reason in the record, a notice posted", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false, budgets: { fix_forward_turns: 0 } });
    const { sha } = await pushedAndEnded(world, 4);

    await ciRuns(world, sha, "failure", RED_TEST);

    expectEscalated(
      world,
      4,
      new RegExp(`^CI is red for ${sha.slice(0, 7)} and the fix-forward budget \\(0 turns\\) is spent\\.$`),
    );
    expect(recordOf(world.h, 4).escalation).toMatchObject({ cause: "red-budget-spent" });
    expect(turnTexts(world)).toHaveLength(1);
  });

  it("fix_forward_turns: 1 and a second red after the fix-forward → escalated", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false, budgets: { fix_forward_turns: 1 } });
    const { thread, sha } = await pushedAndEnded(world, 4);
    await ciRuns(world, sha, "failure", RED_TEST);
    expect(turnTexts(world)).toHaveLength(2);

    world.clock.advance(10 * MINUTE_MS);
    const retry = agentCommits(world, 4, "Try again");
    agentEnds(world, thread, `AFK-STATUS: pushed ${retry.commit.sha}`);
    await deliverOk(world, "push", retry.payload);
    await ciRuns(world, retry.commit.sha, "failure", RED_TEST);

    expectEscalated(world, 4, /fix-forward budget \(1 turn\) is spent/);
    expect(recordOf(world.h, 4)).toMatchObject({ fixForwardsTotal: 1, sha: retry.commit.sha });
    expect(turnTexts(world)).toHaveLength(2);
  });
});

describe("a red rollout (ProgressDeadlineExceeded)", () => {
  it.each([
    ["budget left: a fix-forward turn names the failed rollout", {}, false],
    ["fix_forward_turns: 0: escalated", { fix_forward_turns: 0 }, true],
  ])("%s", async (_name, budgets, escalates) => {
    const world = await startWorld(started, { budgets });
    const { sha } = await toRollingOut(world, 4);

    keelDeploys(world, sha);
    world.h.kube?.setProgressDeadlineExceeded(NAMESPACE, DEPLOYMENT);
    world.clock.advance(MINUTE_MS);
    await world.h.sweepOnce();

    expect(recordOf(world.h, 4).stages.rollout).toMatchObject({
      verdict: "red",
      detail: expect.stringContaining("has timed out progressing"),
    });
    if (escalates) {
      expectEscalated(
        world,
        4,
        new RegExp(`^The rollout is red for ${sha.slice(0, 7)} and the fix-forward budget \\(0 turns\\) is spent\\.$`),
      );
      expect(turnTexts(world)).toHaveLength(1);
    } else {
      expect(recordOf(world.h, 4)).toMatchObject({
        phase: "rolling-out",
        fixForwards: 1,
        turn: { kind: "fix-forward", state: "working" },
      });
      const texts = turnTexts(world);
      expect(texts).toHaveLength(2);
      expect(texts[1]).toContain("has timed out progressing");
      expect(texts[1]).toContain(sha);
    }
  });
});
