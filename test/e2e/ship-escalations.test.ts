// Issue 4, stuck runs: a deploy waiting for approval past its budget, an agent that ends
// without a push or asks a question — each escalated with the reason; and a superseded
// pipeline, which is not a failure at all.

import { describe, expect, it } from "vitest";
import { harnessPerTest, IN_PROGRESS, noticesOf, READY, recordOf, REPO } from "./harness.js";
import {
  agentEnds,
  dispatched,
  MINUTE_MS,
  pipelineEnds,
  pipelineFor,
  startWorld,
  toDeploying,
  turnTexts,
  type World,
} from "./ship-world.js";

const started = harnessPerTest();
const HUMAN = "ready-for-human";

function expectEscalated(world: World, issue: number, cause: string, reason: RegExp): void {
  const record = recordOf(world.h, issue);
  expect(record.phase).toBe("escalated");
  expect(record.escalation).toMatchObject({ cause });
  expect(record.escalation?.reason).toMatch(reason);
  const labels = world.h.github.issue(REPO, issue).labels;
  expect(labels).toContain(HUMAN);
  expect(labels).not.toContain(READY);
  expect(labels).not.toContain(IN_PROGRESS);
  expect(noticesOf(world.h, issue)).toEqual([expect.stringContaining("afk needs a human")]);
}

describe("the deploy stage", () => {
  it("a Woodpecker pipeline blocked on approval past deploy_blocked_minutes is escalated with the reason", async () => {
    const world = await startWorld(started, { budgets: { deploy_blocked_minutes: 5 } });
    const { sha } = await toDeploying(world, 4);
    pipelineFor(world, sha, "blocked");

    await world.h.sweepOnce();
    expect(recordOf(world.h, 4)).toMatchObject({
      phase: "deploying",
      stages: { deploy: { verdict: "pending", blockedSince: world.clock.now() } },
    });
    expect(recordOf(world.h, 4).stages.deploy?.detail).toMatch(/waiting for approval/);

    // At the budget it still waits; past it, a human is called.
    world.clock.advance(5 * MINUTE_MS);
    await world.h.sweepOnce();
    expect(recordOf(world.h, 4).phase).toBe("deploying");
    world.clock.advance(MINUTE_MS);
    await world.h.sweepOnce();

    expectEscalated(world, 4, "time-budget", /^The deploy pipeline waited for approval longer than 5 min/);
    expect(turnTexts(world)).toHaveLength(1);
  });

  it.each([
    ["v3: killed with cancel_info.superseded_by", "v3", true],
    ["v2: killed, with a newer pipeline for a newer commit", "v2", false],
  ] as const)(
    "a superseded pipeline (%s) is not red: the run stays deploying, no fix-forward",
    async (_name, mode, withCancelInfo) => {
      const world = await startWorld(started, { woodpecker: mode });
      const { sha } = await toDeploying(world, 4);
      const first = pipelineFor(world, sha, "running");
      await world.h.sweepOnce();

      // Someone else's newer commit starts a pipeline that cancels this one.
      const newer = world.h.github.pushCommit(REPO, { message: "Bump a dependency", author: "someone-else" });
      const second = pipelineFor(world, newer.commit.sha, "running");
      pipelineEnds(world, first, "killed", withCancelInfo ? second : undefined);
      world.clock.advance(MINUTE_MS);
      expect((await world.h.sweepOnce()).failures).toEqual([]);

      const record = recordOf(world.h, 4);
      expect(record).toMatchObject({
        phase: "deploying",
        sha,
        fixForwards: 0,
        stages: { deploy: { verdict: "pending" } },
      });
      expect(record.stages.deploy?.detail).toMatch(
        new RegExp(`^Superseded by a newer pipeline: pipeline #${first} \\(killed\\) was replaced by #${second}`),
      );
      expect(turnTexts(world)).toHaveLength(1);
      expect(world.h.github.issue(REPO, 4).labels).toContain(IN_PROGRESS);
    },
  );
});

describe("the agent's turn", () => {
  it("ends with no push (AFK-STATUS: tests-green, no commit): escalated with its last words", async () => {
    const world = await startWorld(started);
    const thread = await dispatched(world, 4);
    world.clock.advance(10 * MINUTE_MS);
    agentEnds(
      world,
      thread,
      "The new test passes locally, but I could not push: the remote rejected it.\n\nAFK-STATUS: tests-green",
    );

    await world.h.sweepOnce();

    expectEscalated(
      world,
      4,
      "agent",
      /^The agent's turn ended without a pushed commit \(last status: tests-green\)\.$/,
    );
    expect(recordOf(world.h, 4).escalation?.agentSaid).toContain("the remote rejected it");
  });

  it("ends with a question (AFK-STATUS: blocked: which db?): escalated with the question", async () => {
    const world = await startWorld(started);
    const thread = await dispatched(world, 4);
    world.clock.advance(10 * MINUTE_MS);
    agentEnds(world, thread, "Two databases are configured.\n\nAFK-STATUS: blocked: which db?");

    await world.h.sweepOnce();

    expectEscalated(world, 4, "agent", /^The agent asked a question\.$/);
    expect(recordOf(world.h, 4).escalation?.agentSaid).toBe("which db?");
  });

  it("waits on T3's pending user input mid-turn: escalated as waiting for an answer, the turn stopped", async () => {
    const world = await startWorld(started);
    const thread = await dispatched(world, 4);
    world.h.t3.startTurn(thread);
    world.clock.advance(10 * MINUTE_MS);
    world.h.t3.setPendingUserInput(thread, true);

    await world.h.sweepOnce();

    expectEscalated(world, 4, "agent", /^The agent is waiting for an answer to a question\.$/);
    expect(world.h.t3.commands.at(-1)).toMatchObject({ type: "thread.turn.interrupt", threadId: thread });
  });
});
