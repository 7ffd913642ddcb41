import { describe, expect, it } from "vitest";
import type { Budgets } from "../../../src/core/config/config-types.js";
import type { Phase, RunRecord, StageState } from "../../../src/core/run/run-types.js";
import { T0, aRecord, aStage } from "../builders.js";
import { FULL_PIPELINE, MINUTE, aPushedRecord, aRepoConfig, effectOf, kinds, step } from "../transition-fixtures.js";

const HOUR = 60 * MINUTE;
const TICK = { kind: "Ticked" } as const;

function waiting(
  phase: Phase,
  stage: "ci" | "deploy" | "rollout",
  state: Partial<StageState>,
  o: Partial<RunRecord> = {},
): RunRecord {
  return aPushedRecord({
    phase,
    repoConfig: FULL_PIPELINE,
    stages: { ci: aStage({ verdict: "green", seenAny: true }), deploy: null, rollout: null, [stage]: aStage(state) },
    ...o,
  });
}

describe("time budgets escalate (E3) only once spent (strictly more than the budget)", () => {
  type Case = [string, RunRecord, number, string];
  it.each<Case>([
    ["run, from dispatch", aRecord(), 4 * HOUR, "The run exceeded its time budget of 4 h 00 min."],
    [
      "run, while a stage is red",
      waiting("ci", "ci", { verdict: "red", seenAny: true }),
      4 * HOUR,
      "The run exceeded its time budget of 4 h 00 min.",
    ],
    [
      "run, from the latest resumption",
      aRecord({ legStartedAt: T0 + HOUR }),
      4 * HOUR,
      "The run exceeded its time budget of 4 h 00 min.",
    ],
    [
      "CI without any check",
      waiting("pushed", "ci", { seenAny: false }),
      15 * MINUTE,
      "No CI check appeared for aaaaaaa within 15 min.",
    ],
    ["CI pending", waiting("ci", "ci", { seenAny: true }), HOUR, "CI for aaaaaaa was still pending after 1 h 00 min."],
    [
      "deploy blocked on approval",
      waiting(
        "deploying",
        "deploy",
        { blockedSince: T0 + 5 * MINUTE },
        { repoConfig: aRepoConfig({ budgets: { ...FULL_PIPELINE.budgets, deployBlockedMs: 10 * MINUTE } }) },
      ),
      15 * MINUTE,
      "The deploy pipeline waited for approval longer than 10 min.",
    ],
    ["deploy running", waiting("deploying", "deploy", {}), 30 * MINUTE, "The deploy was still running after 30 min."],
    [
      "deploy running, blocked only briefly",
      waiting("deploying", "deploy", { blockedSince: T0 + 29 * MINUTE }),
      30 * MINUTE,
      "The deploy was still running after 30 min.",
    ],
    ["rollout", waiting("rolling-out", "rollout", {}), 20 * MINUTE, "The rollout did not complete within 20 min."],
  ])("%s", (_name, record, budget, reason) => {
    const at = (record.legStartedAt ?? T0) - T0 + budget;
    const held = step(record, TICK, T0 + at);
    expect(held.record).toBe(record);
    expect(held.effects).toEqual([]);

    const spent = step(record, TICK, T0 + at + 1);
    expect(spent.record.phase).toBe("escalated");
    expect(spent.record.escalation).toEqual({
      cause: "time-budget",
      reason,
      agentSaid: null,
      at: T0 + at + 1,
      resumeTo: record.phase,
    });
    expect(effectOf(spent.effects, "PostNotice").body).toContain(reason.replace(/\./g, "\\."));
  });

  it("a stage phase without a known commit still gets a reason", () => {
    const result = step(waiting("pushed", "ci", {}, { sha: null }), TICK, T0 + 15 * MINUTE + 1);
    expect(result.record.escalation?.reason).toBe("No CI check appeared for (no commit) within 15 min.");
  });

  it("a working turn is interrupted when a budget runs out", () => {
    const result = step(aRecord(), TICK, T0 + 4 * HOUR + 1);
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "RemoveLabels",
      "InterruptTurn",
      "PostNotice",
    ]);
  });

  it("budgets are the ones pinned in the record, not the operator's current ones", () => {
    const budgets: Budgets = { ...aRepoConfig().budgets, runMs: 10 * MINUTE };
    const result = step(aRecord({ repoConfig: aRepoConfig({ budgets }) }), TICK, T0 + 10 * MINUTE + 1);
    expect(result.record.escalation?.reason).toBe("The run exceeded its time budget of 10 min.");
  });

  it("durations under a minute read in seconds", () => {
    const budgets: Budgets = { ...aRepoConfig().budgets, runMs: 40_000 };
    const result = step(aRecord({ repoConfig: aRepoConfig({ budgets }) }), TICK, T0 + 40_001);
    expect(result.record.escalation?.reason).toBe("The run exceeded its time budget of 40 s.");
  });

  it.each<[string, RunRecord]>([
    ["a run without a leg start and no stage", aRecord({ legStartedAt: null })],
    [
      "a stage phase without its stage",
      aPushedRecord({ phase: "deploying", legStartedAt: null, stages: { ci: null, deploy: null, rollout: null } }),
    ],
    ["a green stage", waiting("rolling-out", "rollout", { verdict: "green" }, { legStartedAt: null })],
  ])("nothing is spent for %s", (_name, record) => {
    const result = step(record, TICK, T0 + 100 * HOUR);
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });
});
