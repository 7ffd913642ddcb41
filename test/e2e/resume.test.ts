// Issue 5 from GitHub: a trusted person re-applying the ready label to an escalated issue
// resumes the same agent thread with a turn that asks it to re-read the issue.

import { describe, expect, it } from "vitest";
import { applyReady, harnessPerTest, IN_PROGRESS, READY, recordOf, REPO } from "./harness.js";
import { agentEnds, dispatched, MINUTE_MS, startWorld, turnTexts } from "./ship-world.js";

const started = harnessPerTest();
const HUMAN = "ready-for-human";

describe("resuming from GitHub", () => {
  it("the ready label applied again by a trusted person resumes the same thread: labels switched, one resume turn", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    clock.advance(5 * MINUTE_MS);
    agentEnds(world, thread, "Two databases are configured.\n\nAFK-STATUS: blocked: which db?");
    await h.sweepOnce();
    expect(recordOf(h, 4).phase).toBe("escalated");

    clock.advance(MINUTE_MS);
    h.github.addComment(REPO, 4, "Use Postgres.", "Codertocat");
    expect(await applyReady(h, 4)).toBe(200);
    await h.settle();

    const record = recordOf(h, 4);
    expect(record).toMatchObject({
      phase: "dispatched",
      threadId: thread,
      attempt: 1,
      escalation: null,
      turn: { kind: "resume", state: "working", number: 2 },
    });
    expect(record.resumptions).toEqual([expect.objectContaining({ by: "Codertocat", via: "github" })]);
    const labels = h.github.issue(REPO, 4).labels;
    expect(labels).toContain(IN_PROGRESS);
    expect(labels).toContain(READY);
    expect(labels).not.toContain(HUMAN);
    const texts = turnTexts(world);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toContain("Re-read the issue and its newest comments");
    expect(h.t3.commands.filter((command) => command.type === "thread.create")).toHaveLength(1);
  });

  it("the ready label applied again by someone untrusted does not resume", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    clock.advance(5 * MINUTE_MS);
    agentEnds(world, thread, "AFK-STATUS: blocked: which db?");
    await h.sweepOnce();
    h.github.addCollaborator(REPO, "reader-rita", "read");

    expect(await applyReady(h, 4, { by: { login: "reader-rita" } })).toBe(200);
    await h.settle();

    expect(recordOf(h, 4).phase).toBe("escalated");
    expect(turnTexts(world)).toHaveLength(1);
    expect(h.github.issue(REPO, 4).labels).toContain(HUMAN);
  });
});
