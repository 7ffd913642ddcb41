// Crash points (issue 8, "The tests that would have caught these"): for each story, afk
// is killed right after its k-th outbound write — every k, counting writes to GitHub, T3
// and Slack together — and started again over the same twins, its memory lost; the
// story is then told to its end and must end exactly as it ends without the crash: one
// thread per attempt, one progress comment, each notice once, the same labels, the same
// record, the issue closed. The acknowledgements of a relayed answer in Slack (the reply
// in the doorbell's thread) are sent at most once: afk does not redo them after a crash.

import { describe, expect, it } from "vitest";
import { tell, type Outcome, type Told } from "./crash-driver.js";
import { STORIES, type Story } from "./crash-stories.js";

/** The end state to compare, and the Slack acknowledgements apart (at most once). */
function split(outcome: Outcome): {
  readonly state: Omit<Outcome, "slack">;
  readonly doorbells: number;
  readonly replies: number;
} {
  const { slack, ...state } = outcome;
  return { state, doorbells: slack.doorbells, replies: slack.replies };
}

interface Told1 {
  readonly story: Story;
  readonly told: Told;
  readonly log: readonly string[];
}

// Each story told once without a crash first: how many writes it makes is how many crash points it has.
const uninterrupted: Told1[] = await Promise.all(
  STORIES.map(async (story) => {
    let log: readonly string[] = [];
    const told = await tell(story, null, false, (world) => (log = world.writes.log));
    return { story, told, log };
  }),
);

describe.each(uninterrupted)("crash points of $story.name", ({ story, told: base, log }) => {
  it("without a crash, the story ends shipped: closed, no labels, one progress comment, one thread per attempt", () => {
    expect(base.outcome.issue).toEqual({ state: "closed", stateReason: "completed", labels: [] });
    expect(base.outcome.progressComments).toBe(1);
    expect(base.outcome.record).toMatchObject({ phase: "shipped" });
    expect(base.starts).toBe(1);
  });

  const points = log.map((write, index) => [index + 1, write] as const);
  it.each(points)("killed right after write %i (%s), restarted: it ends as without the crash", async (k, write) => {
    let seen: readonly string[] = [];
    const told = await tell(story, k, false, (world) => (seen = world.writes.log));
    // The k-th write was the same one: the story is deterministic up to the crash.
    expect(seen[k - 1]).toBe(write);
    expect(told.starts).toBe(2);
    const crashed = split(told.outcome);
    const expected = split(base.outcome);
    expect(crashed.state).toEqual(expected.state);
    expect(crashed.doorbells).toBe(expected.doorbells);
    expect(crashed.replies).toBeLessThanOrEqual(expected.replies);
  });
});
