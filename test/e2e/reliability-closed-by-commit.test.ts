// Issue 8, item 6: an issue closed by the agent's own commit is not a cancellation.
// GitHub closes an issue when a commit saying `Fixes #N` lands on the default branch
// (its `closed` event carries the commit); afk follows that run to production and ships
// it, or reopens the issue when it has to call a human. Only a close with no commit, by
// a person, cancels (reliability-sweep.test.ts, item 3).

import { describe, expect, it } from "vitest";
import { harnessPerTest, IN_PROGRESS, READY, recordOf, REPO } from "./harness.js";
import {
  agentEnds,
  ciRuns,
  DEPLOYMENT,
  dispatched,
  keelDeploys,
  MINUTE_MS,
  NAMESPACE,
  pipelineEnds,
  pipelineFor,
  startWorld,
  threadOf,
  type World,
} from "./ship-world.js";
import { HUMAN, issueSeen, t3Sent } from "./reliability-support.js";

const started = harnessPerTest();
const DISPATCH_4 = ["project.create", `thread.create ${threadOf(4)}`, `thread.turn.start ${threadOf(4)}`];
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
