// A record's change counts once: a dispatch, fix-forward turns, an escalation by cause, a
// shipped run, each with its durations; the same record written again counts nothing.

import { describe, expect, it } from "vitest";
import { toRunMetricEvents } from "../../../src/core/metrics/run-metric-events.js";
import type { Escalation, RunRecord } from "../../../src/core/run/run-types.js";
import { aRecord, T0 } from "../builders.js";

const queued = aRecord({ phase: "queued", dispatchedAt: null, legStartedAt: null, turn: null, turns: 0 });
const approval = { by: "octocat", role: "write", via: "label", at: T0 - 90_000, fingerprint: null } as const;
const dispatched = aRecord({ approval });

function escalation(overrides: Partial<Escalation> = {}): Escalation {
  return { cause: "agent", reason: "asked", agentSaid: null, at: T0 + 60_000, resumeTo: "dispatched", ...overrides };
}

describe("toRunMetricEvents", () => {
  it("counts a dispatch with the time from the trusted label to it", () => {
    expect(toRunMetricEvents(queued, dispatched)).toEqual([{ kind: "dispatched", labelToDispatchSeconds: 90 }]);
    expect(toRunMetricEvents(null, dispatched)).toEqual([{ kind: "dispatched", labelToDispatchSeconds: 90 }]);
  });

  it("counts a dispatch without a duration when no approval is pinned, and never a negative one", () => {
    expect(toRunMetricEvents(null, aRecord())).toEqual([{ kind: "dispatched", labelToDispatchSeconds: null }]);
    const early = aRecord({ approval: { ...approval, at: T0 + 5_000 } });
    expect(toRunMetricEvents(null, early)).toEqual([{ kind: "dispatched", labelToDispatchSeconds: 0 }]);
  });

  it("counts nothing when the same record is written again, or a later phase of the same dispatch", () => {
    expect(toRunMetricEvents(dispatched, dispatched)).toEqual([]);
    expect(toRunMetricEvents(dispatched, { ...dispatched, phase: "ci" })).toEqual([]);
  });

  it("counts the fix-forward turns a transition sent", () => {
    const red = { ...dispatched, phase: "ci" as const };
    expect(toRunMetricEvents(red, { ...red, fixForwards: 1, fixForwardsTotal: 1 })).toEqual([
      { kind: "fix-forward-turns", count: 1 },
    ]);
  });

  it("counts an escalation by its cause once, and again only for a new escalation", () => {
    const escalated = { ...dispatched, phase: "escalated" as const, escalation: escalation({ cause: "time-budget" }) };
    expect(toRunMetricEvents(dispatched, escalated)).toEqual([{ kind: "escalated", cause: "time-budget" }]);
    expect(toRunMetricEvents(escalated, { ...escalated, doorbell: { channel: "C1", ts: "1.2" } })).toEqual([]);
    const again = { ...escalated, escalation: escalation({ cause: "lost", at: T0 + 120_000 }) };
    expect(toRunMetricEvents(escalated, again)).toEqual([{ kind: "escalated", cause: "lost" }]);
  });

  it("counts a shipped run with the time from dispatch to shipped", () => {
    const rolling = { ...dispatched, phase: "rolling-out" as const };
    const shipped = { ...rolling, phase: "shipped" as const, endedAt: T0 + 17 * 60_000 };
    expect(toRunMetricEvents(rolling, shipped)).toEqual([{ kind: "shipped", dispatchToShippedSeconds: 17 * 60 }]);
    expect(toRunMetricEvents(shipped, shipped)).toEqual([]);
  });

  it("reads a new attempt of the issue from nothing: its dispatch counts", () => {
    const ended: RunRecord = { ...dispatched, phase: "escalated", escalation: escalation(), fixForwardsTotal: 2 };
    const retried = aRecord({ attempt: 2, approval, fixForwardsTotal: 0 });
    expect(toRunMetricEvents(ended, retried)).toEqual([{ kind: "dispatched", labelToDispatchSeconds: 90 }]);
  });
});
