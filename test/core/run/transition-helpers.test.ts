import { describe, expect, it } from "vitest";
import { isDeepEqual, toBoundedFailures, toSha7 } from "../../../src/core/run/run-record.js";
import { transition } from "../../../src/core/run/transition.js";
import type { RunEvent } from "../../../src/core/run/run-event.js";
import { T0, aRecord } from "../builders.js";
import { CTX, FAILURE, aPushedRecord, ev } from "../transition-fixtures.js";

describe("isDeepEqual compares plain data by structure", () => {
  it.each<[string, unknown, unknown, boolean]>([
    ["same primitives", 1, 1, true],
    ["different primitives", 1, 2, false],
    ["null and an object", null, {}, false],
    ["objects with keys in another order", { a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    ["objects with a different value deep inside", { a: [{ c: 2 }] }, { a: [{ c: 3 }] }, false],
    ["objects with more keys", { kind: "pushed", sha: "a" }, { kind: "pushed" }, false],
    ["objects with other keys", { kind: "x", a: 1 }, { kind: "x", b: 1 }, false],
    ["an array and an object with the same keys", ["x"], { 0: "x" }, false],
    ["arrays of different lengths", [1], [1, 2], false],
  ])("%s → %s", (_name, a, b, equal) => {
    expect(isDeepEqual(a, b)).toBe(equal);
    expect(isDeepEqual(b, a)).toBe(equal);
  });
});

describe("record helpers", () => {
  it("names a missing commit instead of failing", () => {
    expect(toSha7(null)).toBe("(no commit)");
    expect(toSha7("0123456789abcdef")).toBe("0123456");
  });

  it("keeps absent failure texts absent", () => {
    const failure = { ...FAILURE, summary: null, url: null, logTail: null };
    expect(toBoundedFailures([failure])).toEqual([failure]);
  });
});

describe("unknown variants are programming errors that assertNever names", () => {
  it.each<[string, RunEvent]>([
    ["an unknown event kind", { kind: "Exploded" } as unknown as RunEvent],
    ["an unknown CI verdict", ev.ci({ verdict: "purple" as never })],
  ])("%s", (_name, event) => {
    expect(() => transition(aPushedRecord({ phase: "ci" }), event, T0, CTX)).toThrow(/unhandled variant/);
  });

  it("an unknown deploy verdict", () => {
    expect(() =>
      transition(aPushedRecord({ phase: "deploying" }), ev.deploy({ verdict: "purple" as never }), T0, CTX),
    ).toThrow(/unhandled variant/);
  });

  it("an unknown rollout verdict", () => {
    expect(() =>
      transition(
        aRecord({ phase: "rolling-out", sha: ev.rollout().sha }),
        ev.rollout({ verdict: "purple" as never }),
        T0,
        CTX,
      ),
    ).toThrow(/unhandled variant/);
  });
});
