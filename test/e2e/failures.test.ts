// A dispatch that fails part-way is healed by the next reconcile with the same ids: in
// the end exactly one project, one thread, one turn, one lock label and one comment.
// Dispatch order is T3 first, then the label, then the comment (DESIGN section 5).

import { describe, expect, it } from "vitest";
import { toThreadId } from "../../src/core/run/ids.js";
import type { FakeCommandType, FakeFailure, FakeRoute } from "../fakes/t3-server.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  applyReady,
  harnessPerTest,
  IN_PROGRESS,
  logsWith,
  progressRecord,
  READY,
  REPO,
  t3Commands,
  type Harness,
} from "./harness.js";

const started = harnessPerTest();

const THREAD = toThreadId({ installationId: DEFAULT_INSTALLATION_ID, repo: REPO, issue: 4, attempt: 1 });
const T3_500: FakeFailure = {
  status: 500,
  body: { _tag: "EnvironmentInternalError", code: "internal_error", traceId: "trace-e2e" },
};

function commandsOfType(harness: Harness, type: string): Record<string, unknown>[] {
  return harness.t3.commands.filter((command) => command.type === type);
}

/** Exactly one of everything, and the record says dispatched. */
function expectDispatchedOnce(harness: Harness): void {
  expect(t3Commands(harness)).toEqual(["project.create", "thread.create", "thread.turn.start"]);
  expect(new Set(harness.t3.commands.map((command) => command.threadId).filter((id) => id !== undefined))).toEqual(
    new Set([THREAD]),
  );
  expect(harness.t3.thread(THREAD)).toBeDefined();
  expect(harness.github.issue(REPO, 4).labels).toEqual([READY, IN_PROGRESS]);
  expect(harness.github.calls("POST", /\/issues\/4\/comments$/)).toHaveLength(1);
  expect(progressRecord(harness, 4)).toMatchObject({ phase: "dispatched", threadId: THREAD, attempt: 1 });
}

describe("T3 fails at a dispatch step", () => {
  const steps: readonly (FakeRoute | FakeCommandType)[] = [
    "shell",
    "project.create",
    "thread.create",
    "thread.turn.start",
  ];
  const cases = steps.flatMap((step) => [
    [step, "a 500", T3_500],
    [step, "a timeout", "timeout"],
  ]) as [FakeRoute | FakeCommandType, string, FakeFailure][];

  it.each(cases)(
    "at %s with %s: the delivery fails, no lock label; the next delivery ends with exactly one thread, turn, label and comment",
    async (step, _what, failure) => {
      const harness = await started({ t3DeadlineMs: 500 });
      harness.github.addIssue(REPO, { number: 4 });
      harness.t3.failNext(step, failure);

      expect(await applyReady(harness, 4)).toBe(500);
      await harness.settle();

      expect(harness.github.issue(REPO, 4).labels).toEqual([READY]);
      expect(harness.github.appComments(REPO, 4)).toEqual([]);
      expect(commandsOfType(harness, "thread.turn.start")).toEqual([]);
      const named = step === "shell" ? "/api/orchestration/shell" : step;
      expect(logsWith(harness.logs, named).length).toBeGreaterThan(0);

      // The label is still on: a fresh delivery (GitHub's redelivery, or the next nudge) heals it.
      expect(await applyReady(harness, 4)).toBe(200);
      await harness.settle();

      expectDispatchedOnce(harness);
    },
  );
});

describe("GitHub fails between the T3 dispatch and the lock label", () => {
  it("the next reconcile reuses the same thread id: T3 answers the repeated commands with their first sequence and holds one thread", async () => {
    const harness = await started();
    harness.github.addIssue(REPO, { number: 4 });
    harness.github.failNext("POST", /\/issues\/4\/labels$/, 502);

    expect(await applyReady(harness, 4)).toBe(500);
    await harness.settle();
    // afk says it, naming the delivery (Octokit's middleware also logs what it answered 500).
    const failure = harness.logs.filter(
      (line) => line.level === 50 && line.msg.startsWith("handling the delivery failed"),
    );
    expect(failure).toEqual([expect.objectContaining({ delivery: expect.any(String), event: "issues" })]);

    expect(harness.t3.thread(THREAD)).toBeDefined();
    expect(harness.github.issue(REPO, 4).labels).toEqual([READY]);
    expect(harness.github.appComments(REPO, 4)).toEqual([]);

    await harness.runtime.reconcile(REPO, DEFAULT_INSTALLATION_ID);
    await harness.settle();

    expectDispatchedOnce(harness);
    // thread.create went out twice with the same command id, and was answered alike.
    const creates = harness.t3.requests.filter((request) => request.commandType === "thread.create");
    expect(creates.map((request) => request.status)).toEqual([200, 200]);
    expect(harness.t3.requests.filter((request) => request.commandType === "project.create")).toHaveLength(1);
  });
});
