// A run after its dispatch: a human stops it (label removed, issue closed), or afk
// restarts and must find it again from GitHub alone (DESIGN section 1.3).

import { describe, expect, it } from "vitest";
import { toThreadId } from "../../src/core/run/ids.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  applyReady,
  closeIssue,
  harnessPerTest,
  IN_PROGRESS,
  progressRecord,
  removeReady,
  REPO,
  t3Commands,
  type Harness,
} from "./harness.js";

const started = harnessPerTest();

const THREAD = toThreadId({ installationId: DEFAULT_INSTALLATION_ID, repo: REPO, issue: 4, attempt: 1 });
const DISPATCH = ["project.create", "thread.create", "thread.turn.start"];

async function dispatched(harness: Harness): Promise<void> {
  harness.github.addIssue(REPO, { number: 4 });
  expect(await applyReady(harness, 4)).toBe(200);
  await harness.settle();
  expect(progressRecord(harness, 4)).toMatchObject({ phase: "dispatched", threadId: THREAD });
}

describe("a human stops a run", () => {
  it.each([
    ["the ready label is removed", removeReady],
    ["the issue is closed", closeIssue],
  ])(
    "when %s mid-run: the turn is interrupted, the lock label removed and the comment says cancelled",
    async (_what, stop) => {
      const harness = await started();
      await dispatched(harness);

      expect(await stop(harness, 4)).toBe(200);
      await harness.settle();

      expect(t3Commands(harness)).toEqual([...DISPATCH, "thread.turn.interrupt"]);
      expect(harness.t3.commands.at(-1)).toMatchObject({ type: "thread.turn.interrupt", threadId: THREAD });
      expect(harness.github.issue(REPO, 4).labels).not.toContain(IN_PROGRESS);
      expect(harness.github.calls("DELETE", /\/issues\/4\/labels\/afk%3Ain-progress$/)).toHaveLength(1);
      // The one progress comment is edited in place, not followed by another.
      expect(harness.github.calls("PATCH", /\/issues\/comments\/\d+$/)).toHaveLength(1);
      expect(progressRecord(harness, 4)).toMatchObject({ phase: "cancelled", threadId: THREAD });
      expect(harness.github.appComments(REPO, 4)[0]?.body).toMatch(/Cancelled/);
    },
  );
});

describe("a restart", () => {
  it("a second afk instance rebuilds its index from the progress comments and does not dispatch the running issue again", async () => {
    const first = await started();
    await dispatched(first);
    await first.stopAfk();
    const requestsBefore = first.github.requests.length;

    const second = await started({ github: first.github, t3: first.t3 });

    // Start-up read the in-progress issue's record from afk's own comment.
    const rebuilt = second.github.requests.slice(requestsBefore).map((request) => `${request.method} ${request.path}`);
    expect(rebuilt).toContain(`GET /repos/${REPO}/issues?state=open&labels=afk%3Ain-progress&per_page=100`);
    expect(rebuilt).toContain(`GET /repos/${REPO}/issues/4/comments?per_page=100`);
    expect(second.service.index.get(REPO, 4)?.record).toMatchObject({ phase: "dispatched", threadId: THREAD });

    // The label is applied again: still one run, and another ready issue waits for it.
    second.github.addIssue(REPO, { number: 5 });
    expect(await applyReady(second, 4)).toBe(200);
    expect(await applyReady(second, 5)).toBe(200);
    await second.settle();

    expect(t3Commands(second)).toEqual(DISPATCH);
    expect(second.github.appComments(REPO, 4)).toHaveLength(1);
    expect(progressRecord(second, 4)).toMatchObject({ phase: "dispatched" });
    expect(progressRecord(second, 5)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: 4 } });
  });
});
