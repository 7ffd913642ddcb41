import { describe, expect, it } from "vitest";
import { isSameIssue, toBlockers, toBodyBlockerRefs, toRefKey } from "../../../src/core/dispatch/to-blockers.js";

describe("toBlockers", () => {
  it("keeps native blockers with their state, then body references once each", () => {
    const native = [{ repo: "Acme/Widgets", number: 3, state: "closed" as const }];
    const body = [
      { repo: "acme/widgets", number: 3 },
      { repo: "acme/widgets", number: 4 },
      { repo: "other/repo", number: 10 },
    ];
    const states = new Map([["acme/widgets#4", "open" as const]]);
    expect(toBlockers(native, body, states)).toEqual([
      { repo: "acme/widgets", number: 3, state: "closed" },
      { repo: "acme/widgets", number: 4, state: "open" },
      { repo: "other/repo", number: 10, state: "unknown" },
    ]);
  });

  it("has no blockers when there are none", () => {
    expect(toBlockers([], [], new Map())).toEqual([]);
  });

  it("keys references case-insensitively", () => {
    expect(toRefKey({ repo: "Acme/Widgets", number: 1 })).toBe("acme/widgets#1");
  });
});

describe("toBodyBlockerRefs", () => {
  it("reads the body's clauses, never the issue itself, whatever the case of its repo", () => {
    const issue = { repo: "acme/widgets", number: 7, body: "Blocked by #7, Acme/Widgets#7, #8 and other/repo#2" };
    expect(toBodyBlockerRefs(issue)).toEqual([
      { repo: "acme/widgets", number: 8 },
      { repo: "other/repo", number: 2 },
    ]);
  });

  it("tells the same issue apart from the same number in another repo", () => {
    expect(isSameIssue({ repo: "Acme/W", number: 1 }, { repo: "acme/w", number: 1 })).toBe(true);
    expect(isSameIssue({ repo: "acme/w", number: 1 }, { repo: "acme/x", number: 1 })).toBe(false);
    expect(isSameIssue({ repo: "acme/w", number: 1 }, { repo: "acme/w", number: 2 })).toBe(false);
  });
});
