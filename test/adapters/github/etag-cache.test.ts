// The ETag cache's bounds: entries and bytes, the least recently used out first.

import { describe, expect, it } from "vitest";
import { createEtagCache } from "../../../src/adapters/github/etag-cache.js";

const entry = (value: unknown) => ({ etag: '"e"', value });

describe("ETag cache", () => {
  it("keeps at most maxEntries, dropping the least recently used", () => {
    const cache = createEtagCache(2, 1_000_000);
    cache.set("a", entry(1));
    cache.set("b", entry(2));
    expect(cache.get("a")?.value).toBe(1); // a is now the most recently used
    cache.set("c", entry(3));
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")?.value).toBe(1);
    expect(cache.get("c")?.value).toBe(3);
    expect(cache.size.entries).toBe(2);
  });

  it("keeps at most maxBytes, dropping the least recently used until the new entry fits", () => {
    const cache = createEtagCache(100, 250);
    cache.set("a", entry("x".repeat(100)));
    cache.set("b", entry("y".repeat(100)));
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("b")).toBeDefined();
    cache.set("c", entry("z".repeat(100)));
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
    expect(cache.size.bytes).toBeLessThanOrEqual(250);
  });

  it("does not hold an answer bigger than the whole budget, and forgets what it held under that key", () => {
    const cache = createEtagCache(100, 200);
    cache.set("a", entry("small"));
    cache.set("b", entry("kept"));
    cache.set("a", entry("x".repeat(500)));
    expect(cache.get("a")).toBeUndefined();
    expect(cache.get("b")?.value).toBe("kept");
    expect(cache.size).toEqual({ entries: 1, bytes: expect.any(Number) as number });
  });

  it("counts the bytes back when an entry is replaced or deleted", () => {
    const cache = createEtagCache();
    cache.set("a", entry("x".repeat(100)));
    const one = cache.size.bytes;
    cache.set("a", entry("x".repeat(100)));
    expect(cache.size.bytes).toBe(one);
    cache.delete("a");
    cache.delete("missing");
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });
});
