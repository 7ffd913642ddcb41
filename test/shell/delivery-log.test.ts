import { describe, expect, it } from "vitest";
import { DeliveryLog } from "../../src/shell/delivery-log.js";

describe("DeliveryLog", () => {
  it("remembers only what was marked done", () => {
    const log = new DeliveryLog();
    expect(log.has("d1")).toBe(false);
    log.markDone("d1");
    expect(log.has("d1")).toBe(true);
    expect(log.has("d2")).toBe(false);
  });

  it("forgets the oldest ids beyond its bound", () => {
    const log = new DeliveryLog(2);
    log.markDone("d1");
    log.markDone("d2");
    log.markDone("d3");
    expect(log.size).toBe(2);
    expect(log.has("d1")).toBe(false);
    expect(log.has("d3")).toBe(true);
  });

  it("counts a re-marked id as recent", () => {
    const log = new DeliveryLog(2);
    log.markDone("d1");
    log.markDone("d2");
    log.markDone("d1");
    log.markDone("d3");
    expect(log.has("d1")).toBe(true);
    expect(log.has("d2")).toBe(false);
  });
});
