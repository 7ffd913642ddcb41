import { describe, expect, it } from "vitest";
import { isReleaseAwaited } from "../../../src/core/dispatch/is-release-awaited.js";
import type { Phase } from "../../../src/core/run/run-types.js";
import { aRecord } from "../builders.js";

describe("isReleaseAwaited", () => {
  it("a repo with a queued run waits for the lock afk just released: reconcile it now", () => {
    expect(isReleaseAwaited([aRecord({ issue: 4, phase: "shipped" }), aRecord({ issue: 5, phase: "queued" })])).toBe(
      true,
    );
  });

  it.each<Phase[]>([[], ["shipped"], ["shipped", "escalated"], ["cancelled", "taken-over"]])(
    "no queued run among %j: nothing waits, nothing is read (the sweep finds issues afk never heard of)",
    (...phases) => {
      expect(isReleaseAwaited(phases.map((phase, i) => aRecord({ issue: i + 1, phase })))).toBe(false);
    },
  );
});
