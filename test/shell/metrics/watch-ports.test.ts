// Every failed Result a watched port returns is told once, by system and category;
// successes, plain values and the port's own fields pass through untouched.

import { describe, expect, it } from "vitest";
import { watchPort } from "../../../src/shell/metrics/watch-ports.js";
import { failure, ok, type PortError, type Result } from "../../../src/ports/result.js";

class Twin {
  readonly name = "twin";
  calls = 0;

  async read(fail: boolean): Promise<Result<number>> {
    this.calls += 1;
    return fail ? failure("woodpecker", "unauthorized", "token refused", { status: 401 }) : ok(this.calls);
  }

  size(): number {
    return this.calls;
  }
}

describe("watchPort", () => {
  it("tells of failed results only, and answers what the port answered", async () => {
    const told: PortError[] = [];
    const twin = new Twin();
    const watched = watchPort(twin, (error) => told.push(error));
    expect(await watched.read(false)).toEqual({ ok: true, value: 1 });
    const failed = await watched.read(true);
    expect(failed.ok).toBe(false);
    expect(told.map((error) => [error.system, error.category])).toEqual([["woodpecker", "unauthorized"]]);
    expect(watched.size()).toBe(2);
    expect(watched.name).toBe("twin");
    expect(twin.calls).toBe(2);
  });
});
