import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parsePriority } from "../../../src/core/dispatch/parse-priority.js";

const PREFIX = "priority:";
const DEFAULT = 3;

function priorityOf(labels: readonly string[], prefix = PREFIX): number {
  return parsePriority(labels, prefix, DEFAULT);
}

describe("parsePriority", () => {
  it.each<[string, string[], number]>([
    ["no labels give the default", [], DEFAULT],
    ["no priority label gives the default", ["bug", "ready-for-agent"], DEFAULT],
    ["a priority label sets the priority", ["priority:1"], 1],
    ["zero is a priority", ["priority:0"], 0],
    ["a priority may be above the default", ["priority:9"], 9],
    ["the lowest N wins", ["priority:5", "priority:2", "priority:4"], 2],
    ["the prefix matches case-insensitively", ["Priority:2"], 2],
    ["spaces after the prefix are allowed", ["priority: 2"], 2],
    ["leading zeros are read as decimal", ["priority:010"], 10],
    ["a non-numeric value is ignored", ["priority:high", "priority:7"], 7],
    ["only non-numeric values give the default", ["priority:high"], DEFAULT],
    ["a negative value is ignored", ["priority:-1"], DEFAULT],
    ["a fraction is ignored", ["priority:1.5"], DEFAULT],
    ["an empty value is ignored", ["priority:"], DEFAULT],
    ["trailing text is ignored", ["priority:1 urgent"], DEFAULT],
    ["a value beyond a safe integer is ignored", ["priority:99999999999999999999", "priority:8"], 8],
    ["the prefix must start the label", ["p1 priority:1"], DEFAULT],
    ["a different prefix does not count", ["prio:1"], DEFAULT],
  ])("%s", (_rule, labels, expected) => {
    expect(priorityOf(labels)).toBe(expected);
  });

  it.each<[string, string, string[], number]>([
    ["a configured prefix is honoured", "p", ["P2", "p5"], 2],
    ["a prefix without a colon needs no colon", "prio-", ["prio-1"], 1],
    ["an empty prefix reads bare numbers", "", ["4", "bug", "2"], 2],
  ])("%s", (_rule, prefix, labels, expected) => {
    expect(priorityOf(labels, prefix)).toBe(expected);
  });

  it("is the minimum of the numeric labels, or the default when there is none", () => {
    const label = fc.oneof(
      fc
        .tuple(fc.constantFrom("priority:", "Priority: ", "PRIORITY:"), fc.nat({ max: 1_000 }))
        .map(([prefix, n]) => ({ label: `${prefix}${n}`, value: n as number | null })),
      fc
        .string({ maxLength: 10 })
        .filter((s) => !/^priority:\s*\d+\s*$/i.test(s))
        .map((s) => ({ label: s, value: null })),
    );
    fc.assert(
      fc.property(fc.array(label, { maxLength: 8 }), fc.nat({ max: 10 }), (entries, fallback) => {
        const values = entries.flatMap((e) => (e.value === null ? [] : [e.value]));
        const expected = values.length === 0 ? fallback : Math.min(...values);
        expect(
          parsePriority(
            entries.map((e) => e.label),
            PREFIX,
            fallback,
          ),
        ).toBe(expected);
      }),
      { numRuns: 400 },
    );
  });
});
