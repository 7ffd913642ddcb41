import { describe, expect, it } from "vitest";
import { NonDoorbellThreads } from "../../src/shell/non-doorbell-threads.js";

describe("NonDoorbellThreads", () => {
  it("knows a thread once remembered, per channel", () => {
    const threads = new NonDoorbellThreads();
    threads.remember("C0AFK", "1700003000.000100");
    expect(threads.has("C0AFK", "1700003000.000100")).toBe(true);
    expect(threads.has("C0OTHER", "1700003000.000100")).toBe(false);
    expect(threads.has("C0AFK", "1700003000.000200")).toBe(false);
  });

  it("holds at most its bound, forgetting the thread seen longest ago: a busy thread stays", () => {
    const threads = new NonDoorbellThreads(2);
    threads.remember("C0AFK", "1.0");
    threads.remember("C0AFK", "2.0");
    expect(threads.has("C0AFK", "1.0")).toBe(true);
    threads.remember("C0AFK", "3.0");
    expect(threads.size).toBe(2);
    expect(["1.0", "2.0", "3.0"].map((ts) => threads.has("C0AFK", ts))).toEqual([true, false, true]);
  });
});
