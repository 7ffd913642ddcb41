import { describe, expect, it } from "vitest";
import { TtlCache } from "../../src/shell/ttl-cache.js";

describe("TtlCache", () => {
  it("returns a value until it expires", () => {
    let now = 1_000;
    const cache = new TtlCache<string>(5_000, () => now);
    cache.set("k", "v");
    now += 4_999;
    expect(cache.get("k")).toBe("v");
    now += 1;
    expect(cache.get("k")).toBeUndefined();
  });

  it("misses what was never set", () => {
    expect(new TtlCache<string>(1, () => 0).get("k")).toBeUndefined();
  });

  it("drops the oldest entries beyond its bound", () => {
    const cache = new TtlCache<number>(60_000, () => 0, 2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.set("c", 3);
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toBe(2);
    expect(cache.get("c")).toBe(3);
  });
});
