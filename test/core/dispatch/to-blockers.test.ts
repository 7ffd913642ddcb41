import { describe, expect, it } from "vitest";
import { toBlockers, toRefKey } from "../../../src/core/dispatch/to-blockers.js";

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
