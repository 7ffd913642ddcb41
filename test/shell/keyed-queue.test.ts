import { describe, expect, it } from "vitest";
import { KeyedQueue } from "../../src/shell/keyed-queue.js";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("KeyedQueue", () => {
  it("runs tasks for one key one after another, in order", async () => {
    const queue = new KeyedQueue();
    const order: string[] = [];
    const gate = deferred();
    const first = queue.run("acme/a", async () => {
      order.push("first:start");
      await gate.promise;
      order.push("first:end");
    });
    const second = queue.run("acme/a", async () => {
      order.push("second");
    });
    await Promise.resolve();
    expect(order).toEqual(["first:start"]);
    gate.resolve();
    await Promise.all([first, second]);
    expect(order).toEqual(["first:start", "first:end", "second"]);
  });

  it("runs tasks for different keys in parallel", async () => {
    const queue = new KeyedQueue();
    const gate = deferred();
    const order: string[] = [];
    const blocked = queue.run("acme/a", async () => {
      await gate.promise;
      order.push("a");
    });
    await queue.run("acme/b", async () => {
      order.push("b");
    });
    expect(order).toEqual(["b"]);
    gate.resolve();
    await blocked;
    expect(order).toEqual(["b", "a"]);
  });

  it("keeps going after a task fails, and hands the failure to its caller", async () => {
    const queue = new KeyedQueue();
    const failed = queue.run("acme/a", async () => {
      throw new Error("boom");
    });
    const next = queue.run("acme/a", async () => "next ran");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("next ran");
  });

  it("forgets a key once its work is done, and idle() waits for everything", async () => {
    const queue = new KeyedQueue();
    const gate = deferred();
    const task = queue.run("acme/a", () => gate.promise);
    expect(queue.busyKeys).toEqual(["acme/a"]);
    const idle = queue.idle();
    gate.resolve();
    await task;
    await idle;
    expect(queue.busyKeys).toEqual([]);
  });
});
