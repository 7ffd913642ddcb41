// Issue 8, items 2–4: the sweep sees what webhooks missed. A run the sweep dispatches is
// never judged by T3 facts read before it started; a person's act whose webhook never
// arrived (ready label off, issue closed) still cancels the run and frees its repo; a
// person taking over by removing `ready-for-human` frees the repo at once.

import { describe, expect, it } from "vitest";
import { toThreadId } from "../../src/core/run/ids.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  aGitHubFake,
  applyReady,
  closeIssue,
  FakeClock,
  harnessPerTest,
  IN_PROGRESS,
  READY,
  recordOf,
  REPO,
} from "./harness.js";
import type { Harness } from "./harness.js";
import { agentEnds, dispatched, MINUTE_MS, threadOf, type World } from "./ship-world.js";
import { DISPATCH_4, HUMAN, issueSeen, T3_500, t3Sent } from "./reliability-support.js";

const started = harnessPerTest();

async function plainWorld(): Promise<World> {
  const clock = new FakeClock();
  const h = await started({ clock });
  return { h, clock, woodpeckerRepoId: null };
}

/** #4 dispatched, #5 labeled too and queued behind it (one agent per repo). */
async function runAndQueued(world: World): Promise<string> {
  const thread = await dispatched(world, 4);
  world.h.github.addIssue(REPO, { number: 5 });
  expect(await applyReady(world.h, 5)).toBe(200);
  await world.h.settle();
  expect(recordOf(world.h, 5)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: 4 } });
  return thread;
}

const OTHER = "acme/widgets";
const WRITER = "writer-wes";
const DISPATCH_5 = [`thread.create ${threadOf(5)}`, `thread.turn.start ${threadOf(5)}`];

describe("item 2: a run the sweep dispatches is judged only by facts read after its dispatch", () => {
  it("today a sweep that read T3 before dispatching escalates the new run as 'T3 does not know the thread'; it stays dispatched and its turn is left alone", async () => {
    const world = await plainWorld();
    const { h, clock } = world;
    h.github.addIssue(REPO, { number: 4 });
    // A T3 blip fails the webhook's dispatch: the label stays, nothing else happened.
    h.t3.failNext("thread.create", T3_500);
    expect(await applyReady(h, 4)).toBe(500);
    await h.settle();
    expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [READY], notices: [] });

    clock.advance(MINUTE_MS);
    await h.sweepOnce();

    expect(recordOf(h, 4)).toMatchObject({ phase: "dispatched", attempt: 1, escalation: null });
    expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [IN_PROGRESS, READY].sort(), notices: [] });
    expect(t3Sent(h)).toEqual(DISPATCH_4);

    // The next sweep reads T3 afresh: the turn is running, and nothing changes.
    h.t3.startTurn(threadOf(4));
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    expect(recordOf(h, 4)).toMatchObject({ phase: "dispatched", escalation: null });
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });
});

describe("item 2: a run the sweep dispatches when the cap frees a slot in another repo", () => {
  it("is judged only by T3 facts read after its dispatch: the sweep that frees the slot and dispatches it leaves it dispatched", async () => {
    const clock = new FakeClock();
    const github = aGitHubFake(clock);
    github.addRepo({ fullName: OTHER, ownerType: "Organization", installationId: DEFAULT_INSTALLATION_ID });
    const h = await started({ clock, github, config: { allowlist: [REPO, OTHER], maxConcurrentRuns: 1 } });
    h.github.addCollaborator(OTHER, WRITER, "write");
    const world: World = { h, clock, woodpeckerRepoId: null };
    await dispatched(world, 4);
    h.github.addIssue(OTHER, { number: 1 });
    expect(await applyReady(h, 1, { repo: OTHER, by: { login: WRITER } })).toBe(200);
    await h.settle();
    expect(recordOf(h, 1, OTHER)).toMatchObject({ phase: "queued", queuedReason: { kind: "cap-reached", cap: 1 } });
    // #4's stop never reaches afk: only the sweep frees the cap, after it read T3.
    h.github.webhooks.dropNext(1, { match: ({ event }) => event === "issues", as: "lost" });
    await h.github.as("Codertocat").unlabel(REPO, 4, READY);
    await h.settle();

    clock.advance(MINUTE_MS);
    await h.sweepOnce();

    const other = toThreadId({ installationId: DEFAULT_INSTALLATION_ID, repo: OTHER, issue: 1, attempt: 1 });
    expect(recordOf(h, 4).phase).toBe("cancelled");
    expect(recordOf(h, 1, OTHER)).toMatchObject({ phase: "dispatched", threadId: other, escalation: null });
    expect(issueSeen(h, 1, OTHER)).toEqual({ state: "open", labels: [IN_PROGRESS, READY].sort(), notices: [] });
    expect(t3Sent(h).filter((sent) => sent.endsWith(other))).toEqual([
      `thread.create ${other}`,
      `thread.turn.start ${other}`,
    ]);

    // The next sweep reads T3 afresh: the turn is running, and nothing changes.
    h.t3.startTurn(other);
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    expect(recordOf(h, 1, OTHER)).toMatchObject({ phase: "dispatched", escalation: null });
    expect(t3Sent(h).filter((sent) => sent.startsWith("thread.turn.interrupt"))).toEqual([
      `thread.turn.interrupt ${threadOf(4)}`,
    ]);
  });
});

describe("item 3: a person's stop whose webhook was lost is seen by the sweep", () => {
  it.each([
    ["the ready label removed", (h: Harness) => h.github.as("Codertocat").unlabel(REPO, 4, READY), "open", []],
    ["the issue closed", (h: Harness) => closeIssue(h, 4), "closed", [READY]],
  ])(
    "%s with the webhook lost: today the run stays active and the repo locked; the sweep cancels it, interrupts the turn and dispatches the queued issue",
    async (_what, stop, state, labels) => {
      const world = await plainWorld();
      const { h, clock } = world;
      await runAndQueued(world);
      h.t3.startTurn(threadOf(4));
      h.github.webhooks.dropNext(1, { match: ({ event }) => event === "issues", as: "lost" });
      await stop(h);
      await h.settle();
      expect(recordOf(h, 4).phase).toBe("dispatched");

      clock.advance(MINUTE_MS);
      await h.sweepOnce();

      expect(recordOf(h, 4)).toMatchObject({ phase: "cancelled" });
      expect(t3Sent(h)).toEqual([...DISPATCH_4, `thread.turn.interrupt ${threadOf(4)}`, ...DISPATCH_5]);
      // The person's own act stands (a closed issue keeps its ready label); afk's lock is off.
      expect(issueSeen(h, 4)).toEqual({ state, labels, notices: [] });
      expect(recordOf(h, 5)).toMatchObject({ phase: "dispatched", threadId: threadOf(5) });
      expect(issueSeen(h, 5)).toEqual({ state: "open", labels: [IN_PROGRESS, READY].sort(), notices: [] });
    },
  );
});

describe("item 4: removing ready-for-human takes the run over and frees the repo", () => {
  it.each([
    ["the webhook delivered", false],
    ["the webhook lost, the next sweep", true],
  ])(
    "%s: today the repo stays 'busy with #4' until a restart; the run ends taken over and the queued issue is dispatched",
    async (_how, lost) => {
      const world = await plainWorld();
      const { h, clock } = world;
      const thread = await runAndQueued(world);
      clock.advance(5 * MINUTE_MS);
      agentEnds(world, thread, "Two databases are configured.\n\nAFK-STATUS: blocked: which db?");
      await h.sweepOnce();
      expect(recordOf(h, 4).phase).toBe("escalated");
      expect(recordOf(h, 5)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: 4 } });

      if (lost) h.github.webhooks.dropNext(1, { match: ({ event }) => event === "issues", as: "lost" });
      await h.github.as("Codertocat").unlabel(REPO, 4, HUMAN);
      await h.settle();
      if (lost) {
        expect(recordOf(h, 4).phase).toBe("escalated");
        clock.advance(MINUTE_MS);
        await h.sweepOnce();
      }

      expect(recordOf(h, 4)).toMatchObject({ phase: "taken-over" });
      expect(issueSeen(h, 4)).toEqual({
        state: "open",
        labels: [],
        notices: [expect.stringContaining("afk needs a human")],
      });
      expect(recordOf(h, 5)).toMatchObject({ phase: "dispatched", threadId: threadOf(5) });
      expect(t3Sent(h)).toEqual([...DISPATCH_4, ...DISPATCH_5]);
    },
  );
});
