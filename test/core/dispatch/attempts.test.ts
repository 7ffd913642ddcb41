import { describe, expect, it } from "vitest";
import {
  findEarlierAgentAtWork,
  toFreshAttempt,
  toLostAttempt,
  toUsedAttempts,
  type UsedAttempt,
} from "../../../src/core/dispatch/attempts.js";
import type { ThreadFact } from "../../../src/core/observe/agent-threads.js";
import { toThreadId } from "../../../src/core/run/ids.js";
import { T0 } from "../builders.js";

const KEY = { installationId: 7, repo: "acme/widgets", issue: 42 };

function aThread(attempt: number, requestedAt: number | null): ThreadFact {
  return {
    id: toThreadId({ ...KEY, attempt }),
    projectId: "p",
    title: "t",
    latestTurn:
      requestedAt === null ? null : { turnId: "t", state: "completed", requestedAt, assistantMessageId: null },
    session: null,
    archivedAt: null,
    deletedAt: null,
    hasPendingApprovals: false,
    hasPendingUserInput: false,
  };
}

describe("toUsedAttempts", () => {
  it("finds the issue's attempts among T3's threads by their derived ids, highest first", () => {
    const other = { ...aThread(1, T0), id: toThreadId({ ...KEY, issue: 43, attempt: 1 }) };
    expect(toUsedAttempts(KEY, [aThread(1, T0), other, aThread(3, T0 + 5)])).toEqual([
      { attempt: 3, requestedAt: T0 + 5 },
      { attempt: 1, requestedAt: T0 },
    ]);
  });
});

describe("toFreshAttempt", () => {
  const used = (requestedAt: number | null): UsedAttempt[] => [{ attempt: 2, requestedAt }];
  it.each<[string, UsedAttempt[], number | null, number]>([
    ["no thread yet: the first attempt", [], T0, 1],
    ["a thread started after the label: afk died mid-dispatch, the same attempt heals it", used(T0 + 10), T0, 2],
    ["a thread whose opening turn never started: the same attempt", used(null), T0, 2],
    ["a thread older than the label: an old attempt, never reused", used(T0 - 10), T0, 3],
    ["no known labeling: the same attempt (no second agent)", used(T0 - 10), null, 2],
  ])("%s", (_case, attempts, labeledAt, expected) => {
    expect(toFreshAttempt(attempts, labeledAt)).toBe(expected);
  });
});

describe("toLostAttempt", () => {
  it("is the highest attempt T3 knows, so that a retry after it is new", () => {
    expect(
      toLostAttempt([
        { attempt: 4, requestedAt: T0 },
        { attempt: 1, requestedAt: T0 },
      ]),
    ).toBe(4);
    expect(toLostAttempt([])).toBe(1);
  });
});

describe("findEarlierAgentAtWork", () => {
  const working = (attempt: number): ThreadFact => ({
    ...aThread(attempt, T0),
    session: { status: "running", lastError: null, updatedAt: T0 },
  });
  it.each<[string, ThreadFact[], number, number | null]>([
    ["none when no earlier thread works", [aThread(1, T0)], 2, null],
    ["the earlier attempt whose agent works", [working(1)], 2, 1],
    ["not the attempt about to start itself", [working(2)], 2, null],
    ["the latest of several", [working(1), working(2)], 3, 2],
  ])("%s", (_case, threads, attempt, expected) => {
    const found = findEarlierAgentAtWork(KEY, attempt, threads);
    expect(found?.attempt ?? null).toBe(expected);
    if (expected !== null) expect(found?.threadId).toBe(toThreadId({ ...KEY, attempt: expected }));
  });
});
