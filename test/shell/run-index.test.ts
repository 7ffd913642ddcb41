import { describe, expect, it } from "vitest";
import { RunIndex } from "../../src/shell/run-index.js";
import { aRecord } from "../core/builders.js";

describe("RunIndex", () => {
  it("keys runs by repo (any case) and issue", () => {
    const index = new RunIndex();
    const record = aRecord();
    index.set("Acme/Widgets", 42, { record, commentId: 9 });
    expect(index.get("acme/widgets", 42)).toEqual({ record, commentId: 9 });
    expect(index.get("acme/widgets", 43)).toBeUndefined();
    expect(index.size).toBe(1);
  });

  it("lists only the records it holds, not issues known to have none", () => {
    const index = new RunIndex();
    index.set("acme/widgets", 1, { record: null, commentId: null });
    index.set("acme/widgets", 2, { record: aRecord({ issue: 2 }), commentId: 5 });
    expect(index.records().map((record) => record.issue)).toEqual([2]);
  });
});
