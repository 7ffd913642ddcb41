import { describe, expect, it } from "vitest";
import { RunIndex } from "../../src/shell/run-index.js";
import { aRecord } from "../core/builders.js";

describe("RunIndex", () => {
  it("keys runs by repo (any case) and issue", () => {
    const index = new RunIndex();
    const record = aRecord();
    index.load("Acme/Widgets", 42, { record, commentId: 9, notices: new Set() });
    expect(index.get("acme/widgets", 42)).toEqual({
      record,
      commentId: 9,
      notices: new Set(),
      noticesComplete: true,
      needsCheck: false,
      unwritten: false,
    });
    expect(index.get("acme/widgets", 43)).toBeUndefined();
    expect(index.size).toBe(1);
  });

  it("lists only the records it holds, not issues known to have none", () => {
    const index = new RunIndex();
    index.load("acme/widgets", 1, { record: null, commentId: null, notices: new Set() });
    index.setRecord(aRecord({ issue: 2 }), 5);
    expect(index.records().map((record) => record.issue)).toEqual([2]);
  });

  it("keeps the notices it knows when a record changes, and remembers new ones", () => {
    const index = new RunIndex();
    index.load("acme/widgets", 42, { record: aRecord(), commentId: 9, notices: new Set(["a"]) });
    index.addNotice("acme/widgets", 42, "b");
    index.setRecord(aRecord({ phase: "ci" }), 9, true);
    expect(index.get("acme/widgets", 42)).toMatchObject({ notices: new Set(["a", "b"]), needsCheck: true });
  });

  it("holds the notices as complete only when read from the comments and no post failed since", () => {
    const index = new RunIndex();
    index.load("acme/widgets", 42, { record: aRecord(), commentId: 9, notices: new Set(["a"]) });
    index.setRecord(aRecord({ phase: "ci" }), 9);
    expect(index.get("acme/widgets", 42)?.noticesComplete).toBe(true);
    index.doubtNotices("acme/widgets", 42);
    index.addNotice("acme/widgets", 42, "b");
    expect(index.get("acme/widgets", 42)?.noticesComplete).toBe(false);
    index.setRecord(aRecord({ issue: 7 }), 10);
    index.doubtNotices("acme/widgets", 8);
    expect(index.get("acme/widgets", 7)?.noticesComplete).toBe(false);
    expect(index.get("acme/widgets", 8)).toBeUndefined();
  });

  it("marks a record as unwritten only with a check to write it", () => {
    const index = new RunIndex();
    index.setRecord(aRecord({ issue: 1 }), 9, true, true);
    index.setRecord(aRecord({ issue: 2 }), 9, false, true);
    expect(index.get("acme/widgets", 1)).toMatchObject({ needsCheck: true, unwritten: true });
    expect(index.get("acme/widgets", 2)).toMatchObject({ needsCheck: false, unwritten: false });
  });

  it("gives one repo's runs (any case) without the other repos', and counts what it holds", () => {
    const index = new RunIndex();
    index.setRecord(aRecord({ repo: "acme/widgets", issue: 1 }), 5);
    index.setRecord(aRecord({ repo: "acme/gadgets", issue: 1 }), 6);
    index.load("acme/widgets", 2, { record: null, commentId: null, notices: new Set() });
    index.setRecord(aRecord({ repo: "acme/widgets", issue: 3 }), 7);
    expect(index.recordsOf("Acme/Widgets").map((record) => record.issue)).toEqual([1, 3]);
    expect(index.entriesOf("acme/widgets").map(([issue]) => issue)).toEqual([1, 2, 3]);
    expect(index.keysOf("acme/gadgets")).toEqual([1]);
    expect(index.recordsOf("acme/unknown")).toEqual([]);
    expect(index.entries().map(([key]) => key)).toEqual([
      "acme/widgets#1",
      "acme/widgets#2",
      "acme/widgets#3",
      "acme/gadgets#1",
    ]);
    expect(index.size).toBe(4);
  });

  it("forgets a deleted run, once, and a repo with none left", () => {
    const index = new RunIndex();
    index.setRecord(aRecord({ repo: "acme/widgets", issue: 1 }), 5);
    index.setRecord(aRecord({ repo: "acme/widgets", issue: 1, phase: "ci" }), 5);
    index.delete("ACME/widgets", 1);
    index.delete("acme/widgets", 1);
    index.delete("acme/unknown", 1);
    expect(index.size).toBe(0);
    expect(index.get("acme/widgets", 1)).toBeUndefined();
    expect(index.records()).toEqual([]);
    expect(index.keysOf("acme/widgets")).toEqual([]);
  });
});
