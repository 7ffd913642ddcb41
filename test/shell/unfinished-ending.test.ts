// A run whose record says it ended (shipped, cancelled) while its issue still carries
// afk's labels is an ending afk did not finish: it died, or a write failed, between the
// record and the rest. The next start finishes it from the record, and never reads the
// labels left on as a new request (found by the crash-point suite, test/chaos).

import { describe, expect, it } from "vitest";
import { observe } from "../../src/shell/observe-runs.js";
import { startUp } from "../../src/shell/start-up.js";
import {
  aDispatchedRun,
  aWorld,
  botComments,
  IN_PROGRESS,
  INSTALLATION,
  MAINTAINER,
  pushFix,
  READY,
  REPO,
} from "./world.js";

async function aShipCutShort(failing: "createComment" | "closeIssue") {
  const world = aWorld();
  const { issue, threadId } = await aDispatchedRun(world);
  const sha = pushFix(world, issue);
  world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
  world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
  // The record says shipped; the next write of the ship fails, and afk dies before it tries again.
  world.github.knobs.fail(
    failing,
    "transient",
    failing === "createComment" ? { when: ([, , body]) => String(body).startsWith("Shipped") } : {},
  );
  await observe(world.afk, REPO, INSTALLATION).catch(() => undefined);
  expect(world.recordOnGitHub(issue)?.phase).toBe("shipped");
  expect(world.issue(issue)).toMatchObject({ state: "open", labels: [IN_PROGRESS, READY] });
  world.restart();
  return { world, issue };
}

describe("start-up finishes an ending afk left half-done", () => {
  it.each(["createComment", "closeIssue"] as const)(
    "a ship cut short before %s: the issue is closed, its labels come off, the notice is posted once, and no second attempt starts",
    async (failing) => {
      const { world, issue } = await aShipCutShort(failing);
      await startUp(world.afk);
      expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [] });
      expect(world.agent.snapshot().threads).toHaveLength(1);
      expect(world.recordOnGitHub(issue)).toMatchObject({ phase: "shipped", attempt: 1 });
      expect(botComments(world, issue).filter((comment) => comment.body.startsWith("Shipped"))).toHaveLength(1);
    },
  );

  it("a cancel cut short before its labels came off: the lock label comes off, and nothing is dispatched", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    world.github.knobs.fail("removeLabel", "transient");
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await world.reconcile().catch(() => undefined);
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS]);
    world.restart();
    await startUp(world.afk);
    expect(world.issue(issue).labels).toEqual([]);
    expect(world.agent.snapshot().threads).toHaveLength(1);
  });
});

describe("an ended run whose agent still works keeps its repo", () => {
  it("a cancel whose interrupt did not reach T3: no other issue of the repo is dispatched until the agent stopped", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.pickUpTurn(threadId);
    const next = world.readyIssue();
    await world.reconcile();
    expect(world.record(next)?.phase).toBe("queued");
    world.agent.knobs.fail("interruptTurn", "transient");
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await world.reconcile().catch(() => undefined);
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.agent.thread(threadId)?.session?.status).toBe("running");
    // A reconcile that reads no agent facts: the repo stays held.
    await world.reconcile().catch(() => undefined);
    expect(world.record(next)?.phase).toBe("queued");
    expect(world.agent.snapshot().threads).toHaveLength(1);
    world.clock.advance(60_000);
    // A restart: start-up reads T3's threads, sees the agent at work and stops it before
    // anything is dispatched; the repo is free for the next one then.
    world.restart();
    await startUp(world.afk);
    expect(world.agent.thread(threadId)?.session?.status).toBe("interrupted");
    expect(world.agent.snapshot().threads.map((thread) => thread.id)).toEqual([threadId, world.threadId(next)]);
  });
});
