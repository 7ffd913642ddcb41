import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BoundedMap } from "../../../src/core/common/bounded-map.js";

describe("BoundedMap", () => {
  it("forgets the oldest entries beyond its size", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    map.set("c", 3);
    expect([map.has("a"), map.get("b"), map.get("c"), map.size]).toEqual([false, 2, 3, 2]);
  });

  it("keeps a key that was set again, or read with refresh, as the youngest", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    map.get("a", true);
    map.set("c", 3);
    expect(map.has("a")).toBe(true);
    expect(map.has("b")).toBe(false);
    map.set("a", 4);
    map.set("d", 5);
    expect([...map.values()]).toEqual([4, 5]);
  });

  it("deletes and prunes", () => {
    const map = new BoundedMap<string, number>(5);
    for (const [key, value] of [
      ["a", 1],
      ["b", 2],
      ["c", 3],
    ] as const)
      map.set(key, value);
    expect(map.delete("a")).toBe(true);
    map.prune((value) => value > 2);
    expect([...map.values()]).toEqual([2]);
  });

  it("refuses a size below one", () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
  });

  it("never holds more than its size, whatever is set", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.array(fc.integer({ min: 0, max: 50 })), (max, keys) => {
        const map = new BoundedMap<number, number>(max);
        for (const key of keys) map.set(key, key);
        expect(map.size).toBeLessThanOrEqual(max);
        if (keys.length > 0) expect(map.get(keys.at(-1) ?? -1)).toBe(keys.at(-1));
      }),
    );
  });
});
