import { describe, expect, it } from "vitest";
import { mapAtMost } from "../../src/shell/at-most.js";

function tick(): Promise<void> {
  return new Promise((done) => setImmediate(done));
}

describe("mapAtMost", () => {
  it("answers in the list's order, with never more than the limit under way", async () => {
    let running = 0;
    let most = 0;
    const answers = await mapAtMost([5, 1, 4, 2, 3, 0], 3, async (n, index) => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < n; i += 1) await tick();
      running -= 1;
      return `${index}:${n}`;
    });
    expect(answers).toEqual(["0:5", "1:1", "2:4", "3:2", "4:3", "5:0"]);
    expect(most).toBe(3);
  });

  it("does nothing for an empty list, and works one at a time below a limit of one", async () => {
    expect(await mapAtMost([], 4, () => Promise.resolve(1))).toEqual([]);
    const order: number[] = [];
    await mapAtMost([1, 2, 3], 0, async (n) => {
      order.push(n);
      await tick();
      order.push(-n);
    });
    expect(order).toEqual([1, -1, 2, -2, 3, -3]);
  });

  it("rejects with the first failure", async () => {
    await expect(
      mapAtMost([1, 2], 2, (n) => (n === 2 ? Promise.reject(new Error("boom")) : Promise.resolve(n))),
    ).rejects.toThrow("boom");
  });
});
