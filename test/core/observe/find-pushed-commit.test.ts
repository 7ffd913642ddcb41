import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  CLOCK_SKEW_MARGIN_MS,
  findPushedCommit,
  isAfterDispatch,
  type PushedCommitInput,
} from "../../../src/core/observe/find-pushed-commit.js";
import type { CommitFact } from "../../../src/core/observe/observe-types.js";
import { T0 } from "../builders.js";

const ISSUE = { repo: "acme/widgets", number: 12 };

function aCommit(overrides: Partial<CommitFact> = {}): CommitFact {
  return {
    sha: "a".repeat(40),
    message: "Retry flaky uploads\n\nAFK-Issue: 12",
    committedAt: T0 + 60_000,
    url: "https://github.com/acme/widgets/commit/a",
    ...overrides,
  };
}

function anInput(overrides: Partial<PushedCommitInput> = {}): PushedCommitInput {
  return { commits: [aCommit()], issue: ISSUE, dispatchedAt: T0, currentSha: null, ...overrides };
}

const A = aCommit({ sha: "a".repeat(40) });
const B = aCommit({ sha: "b".repeat(40), message: "Fix #12: handle empty bodies" });
const UNRELATED = aCommit({ sha: "c".repeat(40), message: "Bump deps" });

describe("isAfterDispatch", () => {
  it.each([
    ["a commit after the dispatch", T0 + 1, true],
    ["a commit at the dispatch", T0, true],
    ["a commit within the clock-skew margin before it", T0 - CLOCK_SKEW_MARGIN_MS, true],
    ["a commit just past the margin", T0 - CLOCK_SKEW_MARGIN_MS - 1, false],
    ["a commit from the day before", T0 - 86_400_000, false],
  ])("%s: %s", (_rule, committedAt, expected) => {
    expect(isAfterDispatch(committedAt, T0)).toBe(expected);
  });
});

describe("findPushedCommit", () => {
  it.each<[string, Partial<PushedCommitInput>, CommitFact | null]>([
    ["the AFK-Issue trailer names the run's commit", {}, A],
    ["a closing keyword names it", { commits: [B] }, B],
    [
      "owner/repo#N of the same repo names it",
      { commits: [aCommit({ message: "Closes Acme/Widgets#12" })] },
      aCommit({ message: "Closes Acme/Widgets#12" }),
    ],
    ["a bare mention does not count", { commits: [aCommit({ message: "Related to #12" })] }, null],
    ["Refs #N does not count", { commits: [aCommit({ message: "Refs #12" })] }, null],
    ["another issue's commit does not count", { commits: [aCommit({ message: "AFK-Issue: 13" })] }, null],
    ["the same number in another repo does not count", { commits: [aCommit({ message: "Fixes other/lib#12" })] }, null],
    [
      "a commit from before the dispatch does not count",
      { commits: [aCommit({ committedAt: T0 - 2 * CLOCK_SKEW_MARGIN_MS })] },
      null,
    ],
    [
      "a commit within the skew margin counts",
      { commits: [aCommit({ committedAt: T0 - 30_000 })] },
      aCommit({ committedAt: T0 - 30_000 }),
    ],
    ["no commits at all", { commits: [] }, null],
    ["the newest referencing commit wins, by list order", { commits: [UNRELATED, B, A] }, B],
    [
      "list order decides over dates",
      { commits: [aCommit({ ...B, committedAt: T0 + 1 }), aCommit({ committedAt: T0 + 9_999 })] },
      aCommit({ ...B, committedAt: T0 + 1 }),
    ],
    ["nothing new when the newest is the followed sha", { commits: [A], currentSha: A.sha }, null],
    ["the followed sha matches case-insensitively", { commits: [A], currentSha: A.sha.toUpperCase() }, null],
    ["a newer push replaces the followed sha", { commits: [B, A], currentSha: A.sha }, B],
    ["never steps back behind a newer followed sha", { commits: [UNRELATED, A], currentSha: UNRELATED.sha }, null],
    ["a followed sha not listed yet does not hide the newest match", { commits: [B], currentSha: "d".repeat(40) }, B],
    ["an abbreviated followed sha is replaced by the full one", { commits: [A], currentSha: A.sha.slice(0, 7) }, A],
  ])("%s", (_rule, overrides, expected) => {
    expect(findPushedCommit(anInput(overrides))).toEqual(expected);
  });

  it("the result is always a listed, referencing commit after dispatch that is not the followed sha", () => {
    const arbCommit = fc.record({
      sha: fc.constantFrom("a", "b", "c", "d").map((c) => c.repeat(40)),
      message: fc.constantFrom("AFK-Issue: 12", "Fixes #12", "mentions #12", "AFK-Issue: 13", "chore"),
      committedAt: fc.integer({ min: T0 - 3 * CLOCK_SKEW_MARGIN_MS, max: T0 + 3 * CLOCK_SKEW_MARGIN_MS }),
    });
    const arb = fc.record({
      commits: fc.array(
        arbCommit.map((c) => aCommit(c)),
        { maxLength: 6 },
      ),
      currentSha: fc.option(
        fc.constantFrom("a", "b", "e").map((c) => c.repeat(40)),
        { nil: null },
      ),
    });
    fc.assert(
      fc.property(arb, ({ commits, currentSha }) => {
        const found = findPushedCommit(anInput({ commits, currentSha }));
        if (found === null) return;
        expect(commits).toContain(found);
        expect(found.sha).not.toBe(currentSha);
        expect(found.message).toMatch(/AFK-Issue: 12|Fixes #12/);
        expect(isAfterDispatch(found.committedAt, T0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
