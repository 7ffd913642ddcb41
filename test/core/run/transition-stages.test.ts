import { describe, expect, it } from "vitest";
import { toCommandId, toMessageId } from "../../../src/core/run/ids.js";
import { FAILURE_LOG_MAX_CHARS, FAILURE_NAME_MAX_CHARS, FAILURES_MAX } from "../../../src/core/run/limits.js";
import { SHORT_TEXT_MAX_CHARS } from "../../../src/core/run/limits.js";
import type { RepoConfig } from "../../../src/core/config/config-types.js";
import type { CheckFailure, Phase, RunRecord, StageState, Turn } from "../../../src/core/run/run-types.js";
import type { RunEvent } from "../../../src/core/run/run-event.js";
import { T0, aStage } from "../builders.js";
import {
  FAILURE,
  FULL_PIPELINE,
  KEY,
  MINUTE,
  SHA,
  SHA2,
  SLACK,
  SLACK_CTX,
  aContext,
  aPushedRecord,
  aRepoConfig,
  effectOf,
  ev,
  kinds,
  step,
} from "../transition-fixtures.js";

const NOW = T0 + MINUTE;
const working: Turn = { number: 1, kind: "opening", state: "working", startedAt: T0, sha: null, relayText: null };
const SHIP_EFFECTS = ["UpsertProgressComment", "PostNotice", "CloseIssue", "RemoveLabels", "ReconcileRepo"];
const DEPLOY_ONLY = aRepoConfig({ woodpeckerRepo: "acme/deploy" });
const ROLLOUT_ONLY = aRepoConfig({ rollout: FULL_PIPELINE.rollout });

function inStage(phase: Phase, repoConfig: RepoConfig = FULL_PIPELINE, o: Partial<RunRecord> = {}): RunRecord {
  const stages = {
    ci: aStage({ verdict: phase === "pushed" || phase === "ci" ? "pending" : "green", seenAny: phase !== "pushed" }),
    deploy: phase === "deploying" ? aStage() : phase === "rolling-out" ? aStage({ verdict: "green" }) : null,
    rollout: phase === "rolling-out" ? aStage() : null,
  };
  return aPushedRecord({ phase, repoConfig, stages, ...o });
}

/** A notice's words, without the hidden marker that makes it posted once. */
function toNoticeText(body: string): string {
  return body.replace(/\n\n<!-- afk:notice [^>]*-->$/, "");
}

describe("stage observations apply only to the followed sha, in the stage's phase", () => {
  it.each<[string, RunRecord, RunEvent]>([
    ["CI for an older sha", inStage("ci"), ev.ci({ sha: SHA2, verdict: "green" })],
    ["CI while deploying", inStage("deploying"), ev.ci({ verdict: "red" })],
    ["CI before a push", aPushedRecord({ phase: "tests-green", sha: null }), ev.ci({ verdict: "green" })],
    ["a deploy for an older sha", inStage("deploying"), ev.deploy({ sha: SHA2, verdict: "green" })],
    ["a deploy during CI", inStage("ci"), ev.deploy({ verdict: "green" })],
    ["a rollout for an older sha", inStage("rolling-out"), ev.rollout({ sha: SHA2, verdict: "green" })],
    ["a rollout while deploying", inStage("deploying"), ev.rollout({ verdict: "green" })],
  ])("ignores %s", (_name, record, event) => {
    const result = step(record, event);
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });
});

describe("CiObserved pending", () => {
  it("moves pushed to ci once any check is seen, with the url, and edits nothing for it (issue 12)", () => {
    const result = step(inStage("pushed"), ev.ci({ seenAny: true, url: "https://ci/1" }));
    expect(result.record.phase).toBe("ci");
    expect(result.record.stages.ci).toEqual(aStage({ seenAny: true, url: "https://ci/1" }));
    expect(result.record.history.at(-1)).toMatchObject({ phase: "ci", note: "CI is running for aaaaaaa" });
    expect(result.effects).toEqual([]);
  });

  it("a re-run of red CI is shown: the comment must not go on saying red", () => {
    const red = inStage("ci", FULL_PIPELINE, {
      stages: { ci: aStage({ verdict: "red", seenAny: true }), deploy: null, rollout: null },
    });
    expect(kinds(step(red, ev.ci({ seenAny: true })).effects)).toEqual(["UpsertProgressComment"]);
  });

  it("the next edit that matters carries CI's start with it", () => {
    const running = step(inStage("pushed"), ev.ci({ seenAny: true, url: "https://ci/1" })).record;
    const green = step(running, ev.ci({ verdict: "green", url: "https://ci/1" }));
    const written = green.effects.find((effect) => effect.kind === "UpsertProgressComment");
    expect(written).toBeDefined();
    expect(green.record.history.map((entry) => entry.phase)).toContain("ci");
  });

  it("stays pushed while no check exists, writing nothing", () => {
    const record = inStage("pushed");
    const result = step(record, ev.ci({ seenAny: false }));
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });

  it("does not forget a check once seen (no move back to pushed)", () => {
    const record = inStage("ci");
    const result = step(record, ev.ci({ seenAny: false }));
    expect(result.record).toBe(record);
  });

  it("a repeated observation writes nothing", () => {
    const record = inStage("ci", FULL_PIPELINE);
    const once = step(record, ev.ci({ url: "https://ci/1" }));
    const twice = step(once.record, ev.ci({ url: "https://ci/1" }));
    expect(twice.record).toBe(once.record);
    expect(twice.effects).toEqual([]);
  });

  it("keeps a known link when a later read has none", () => {
    const record = inStage("ci", FULL_PIPELINE, {
      stages: { ci: aStage({ seenAny: true, url: "https://ci/1" }), deploy: null, rollout: null },
    });
    expect(step(record, ev.ci({ url: null })).record).toBe(record);
  });

  it("creates the CI stage when a record lacks it", () => {
    const record = aPushedRecord({ stages: { ci: null, deploy: null, rollout: null } });
    expect(step(record, ev.ci()).record.stages.ci).toEqual(aStage({ since: NOW, seenAny: true }));
  });
});

describe("CiObserved green moves to the next configured stage", () => {
  it.each<[string, Phase, "deploy" | "rollout", RepoConfig]>([
    ["deploy and rollout configured", "deploying", "deploy", FULL_PIPELINE],
    ["deploy only", "deploying", "deploy", DEPLOY_ONLY],
    ["rollout only", "rolling-out", "rollout", ROLLOUT_ONLY],
  ])("%s → %s", (_name, phase, stage, repoConfig) => {
    const result = step(inStage("ci", repoConfig), ev.ci({ verdict: "green", url: "https://ci/1" }));
    expect(result.record.phase).toBe(phase);
    expect(result.record.stages.ci).toMatchObject({ verdict: "green", url: "https://ci/1" });
    expect(result.record.stages[stage]).toEqual(aStage({ since: NOW }));
    expect(result.record.history.at(-1)?.phase).toBe(phase);
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("with no rollout the deploy stage is marked skipped", () => {
    const result = step(inStage("ci", ROLLOUT_ONLY), ev.ci({ verdict: "green" }));
    expect(result.record.stages.deploy?.verdict).toBe("skipped");
  });

  it("with nothing after CI the run ships, the other stages skipped", () => {
    const result = step(inStage("ci", aRepoConfig()), ev.ci({ verdict: "green" }));
    expect(result.record).toMatchObject({ phase: "shipped", endedAt: NOW });
    expect(result.record.stages.deploy?.verdict).toBe("skipped");
    expect(result.record.stages.rollout?.verdict).toBe("skipped");
    expect(kinds(result.effects)).toEqual(SHIP_EFFECTS);
  });
});

describe("CiObserved red", () => {
  const failures: CheckFailure[] = [FAILURE];

  it("with the turn ended and budget left, sends a fix-forward carrying the failure", () => {
    const result = step(inStage("pushed", FULL_PIPELINE, { turns: 3 }), ev.ci({ verdict: "red", failures }));
    expect(result.record).toMatchObject({
      phase: "ci",
      fixForwards: 1,
      fixForwardsTotal: 1,
      turns: 4,
      turn: { number: 4, kind: "fix-forward", state: "working", startedAt: NOW, sha: SHA, relayText: null },
    });
    expect(result.record.stages.ci).toMatchObject({ verdict: "red", failures });
    expect(kinds(result.effects)).toEqual(["SendTurn", "UpsertProgressComment"]);
    const send = effectOf(result.effects, "SendTurn");
    expect(send).toMatchObject({
      threadId: result.record.threadId,
      commandId: toCommandId(KEY, "turn:4"),
      messageId: toMessageId(KEY, 4),
      purpose: "fix-forward",
    });
    expect(send.text).toContain("test (ubuntu)");
    expect(send.text).toContain("1 test failed: spins()");
    expect(send.text).toContain("expected 1 to be 2");
    expect(send.text).toContain("fix-forward 1 of 2");
    expect(effectOf(result.effects, "UpsertProgressComment").record).toBe(result.record);
  });

  it("counts the fix-forward in the leg and in the attempt", () => {
    const result = step(
      inStage("ci", FULL_PIPELINE, { fixForwards: 1, fixForwardsTotal: 3 }),
      ev.ci({ verdict: "red", failures }),
    );
    expect(result.record).toMatchObject({ fixForwards: 2, fixForwardsTotal: 4 });
    expect(effectOf(result.effects, "SendTurn").text).toContain("fix-forward 2 of 2");
  });

  it("with the turn still working only stores the red verdict (never a turn while the agent works)", () => {
    const result = step(inStage("ci", FULL_PIPELINE, { turn: working }), ev.ci({ verdict: "red", failures }));
    expect(result.record.stages.ci?.verdict).toBe("red");
    expect(result.record.turn).toEqual(working);
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("the same red again while the agent works writes nothing", () => {
    const once = step(inStage("ci", FULL_PIPELINE, { turn: working }), ev.ci({ verdict: "red", failures }));
    const twice = step(once.record, ev.ci({ verdict: "red", failures }));
    expect(twice.record).toBe(once.record);
    expect(twice.effects).toEqual([]);
  });

  it("with the budget spent escalates (E2) and rings the doorbell", () => {
    const result = step(
      inStage("ci", FULL_PIPELINE, { fixForwards: 2 }),
      ev.ci({ verdict: "red", failures }),
      NOW,
      SLACK_CTX,
    );
    expect(result.record.escalation).toEqual({
      cause: "red-budget-spent",
      reason: "CI is red for aaaaaaa and the fix-forward budget (2 turns) is spent.",
      agentSaid: null,
      at: NOW,
      resumeTo: "ci",
    });
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "AddLabels",
      "RemoveLabels",
      "PostNotice",
      "RingDoorbell",
    ]);
  });

  it("with a budget of one turn says so in the singular", () => {
    const repoConfig = aRepoConfig({ budgets: { ...aRepoConfig().budgets, fixForwardTurns: 1 } });
    const result = step(inStage("ci", repoConfig, { fixForwards: 1 }), ev.ci({ verdict: "red" }));
    expect(result.record.escalation?.reason).toContain("(1 turn)");
  });

  it("stores failures within the record's bounds but gives the agent the full log tail", () => {
    const long: CheckFailure = {
      name: "n".repeat(500),
      conclusion: "c".repeat(100),
      summary: "s".repeat(900),
      url: null,
      logTail: `${"x".repeat(4_000)}THE END`,
    };
    const many = Array.from({ length: FAILURES_MAX + 3 }, () => long);
    const result = step(inStage("ci"), ev.ci({ verdict: "red", failures: many }));
    const stored = result.record.stages.ci?.failures ?? [];
    expect(stored).toHaveLength(FAILURES_MAX);
    expect(stored[0]?.name.length).toBe(FAILURE_NAME_MAX_CHARS);
    expect(stored[0]?.conclusion.length).toBe(SHORT_TEXT_MAX_CHARS);
    expect(stored[0]?.summary?.length).toBe(500);
    expect(stored[0]?.logTail?.length).toBe(FAILURE_LOG_MAX_CHARS);
    expect(stored[0]?.logTail?.endsWith("THE END")).toBe(true);
    expect(effectOf(result.effects, "SendTurn").text).toContain("x".repeat(3_000));
  });
});

describe("DeployObserved", () => {
  const blockedAt = T0 + 10 * MINUTE;

  it.each<[string, Extract<RunEvent, { kind: "DeployObserved" }>, Partial<StageState>, Partial<StageState>]>([
    [
      "pending updates url and detail",
      ev.deploy({ url: "https://wp/1", detail: "pipeline #1" }),
      {},
      { url: "https://wp/1", detail: "pipeline #1" },
    ],
    [
      "pending clears a blocked state",
      ev.deploy({ detail: "running" }),
      { blockedSince: blockedAt },
      { blockedSince: null, detail: "running" },
    ],
    [
      "blocked starts the approval clock",
      ev.deploy({ verdict: "blocked", detail: "waiting for approval" }),
      {},
      { blockedSince: NOW, detail: "waiting for approval" },
    ],
    [
      "superseded is not red: it stays pending and says so",
      ev.deploy({ verdict: "superseded", detail: "pipeline #2" }),
      {},
      { verdict: "pending", detail: "Superseded by a newer pipeline: pipeline #2" },
    ],
    [
      "superseded without detail",
      ev.deploy({ verdict: "superseded" }),
      { blockedSince: blockedAt },
      { verdict: "pending", detail: "Superseded by a newer pipeline.", blockedSince: null },
    ],
  ])("%s", (_name, event, before, after) => {
    const record = inStage("deploying", FULL_PIPELINE, {
      stages: { ...inStage("deploying").stages, deploy: aStage(before) },
    });
    const result = step(record, event, NOW);
    expect(result.record.phase).toBe("deploying");
    expect(result.record.stages.deploy).toEqual(aStage({ ...before, ...after }));
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("blocked again keeps the time it was first blocked and writes nothing", () => {
    const record = inStage("deploying", FULL_PIPELINE, {
      stages: { ...inStage("deploying").stages, deploy: aStage({ blockedSince: blockedAt }) },
    });
    const result = step(record, ev.deploy({ verdict: "blocked" }), blockedAt + MINUTE);
    expect(result.record).toBe(record);
    expect(result.effects).toEqual([]);
  });

  it("green with a rollout configured moves to rolling-out", () => {
    const result = step(inStage("deploying"), ev.deploy({ verdict: "green", url: "https://wp/1" }));
    expect(result.record.phase).toBe("rolling-out");
    expect(result.record.stages.deploy).toMatchObject({ verdict: "green", url: "https://wp/1" });
    expect(result.record.stages.rollout).toEqual(aStage({ since: NOW }));
    expect(result.record.history.at(-1)?.note).toBe("deploy green for aaaaaaa; rolling out");
  });

  it("green without a rollout ships", () => {
    const result = step(inStage("deploying", DEPLOY_ONLY), ev.deploy({ verdict: "green" }));
    expect(result.record.phase).toBe("shipped");
    expect(result.record.stages.rollout?.verdict).toBe("skipped");
    expect(effectOf(result.effects, "PostNotice").body).toContain("deployed, rollout skipped (not configured)");
  });

  it("red sends a fix-forward carrying the pipeline detail", () => {
    const result = step(inStage("deploying"), ev.deploy({ verdict: "red", detail: "step deploy failed: exit 1" }));
    expect(result.record.stages.deploy?.verdict).toBe("red");
    expect(effectOf(result.effects, "SendTurn").text).toContain("step deploy failed: exit 1");
  });

  it("red with the budget spent escalates naming the deploy", () => {
    const result = step(inStage("deploying", FULL_PIPELINE, { fixForwards: 2 }), ev.deploy({ verdict: "red" }));
    expect(result.record.escalation?.reason).toBe(
      "The deploy is red for aaaaaaa and the fix-forward budget (2 turns) is spent.",
    );
  });

  it("creates the deploy stage when a record lacks it", () => {
    const record = inStage("deploying", FULL_PIPELINE, {
      stages: { ci: aStage({ verdict: "green" }), deploy: null, rollout: null },
    });
    expect(step(record, ev.deploy()).record.stages.deploy).toEqual(aStage({ since: NOW }));
  });
});

describe("RolloutObserved", () => {
  it("pending updates url and detail", () => {
    const result = step(
      inStage("rolling-out"),
      ev.rollout({ url: "https://k8s/1", detail: "2 of 3 replicas updated" }),
    );
    expect(result.record.stages.rollout).toEqual(aStage({ url: "https://k8s/1", detail: "2 of 3 replicas updated" }));
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("green ships: comment, notice, labels, close, free the repo", () => {
    const late = T0 + 65 * MINUTE;
    const stages = { ...inStage("rolling-out").stages, rollout: aStage({ since: late - MINUTE }) };
    const record = inStage("rolling-out", FULL_PIPELINE, { turns: 3, fixForwardsTotal: 1, stages });
    const result = step(record, ev.rollout({ verdict: "green" }), late);
    expect(result.record).toMatchObject({ phase: "shipped", endedAt: T0 + 65 * MINUTE });
    expect(result.record.stages.rollout?.verdict).toBe("green");
    expect(kinds(result.effects)).toEqual(SHIP_EFFECTS);
    expect(effectOf(result.effects, "RemoveLabels").labels).toEqual([
      "ready-for-agent",
      "afk:in-progress",
      "ready-for-human",
    ]);
    expect(effectOf(result.effects, "CloseIssue").reason).toBe("completed");
    expect(effectOf(result.effects, "ReconcileRepo")).toEqual({
      kind: "ReconcileRepo",
      repo: "acme/widgets",
      whenQueued: true,
    });
    expect(toNoticeText(effectOf(result.effects, "PostNotice").body)).toBe(
      `Shipped ${"a".repeat(40)}: CI green, deployed, rolled out, in 1 h 05 min, 3 turns, 1 fix-forward. Details in the progress comment above.`,
    );
  });

  it("superseded ships: a newer commit's image is live and contains this one", () => {
    const result = step(inStage("rolling-out"), ev.rollout({ verdict: "superseded", detail: "image bbbbbbb" }));
    expect(result.record.phase).toBe("shipped");
    expect(result.record.stages.rollout).toMatchObject({
      verdict: "green",
      detail: "A newer commit is live: image bbbbbbb",
    });
    expect(effectOf(result.effects, "PostNotice").body).toContain(
      "rolled out (a newer commit that contains it is live)",
    );
  });

  it("superseded without detail still notes it", () => {
    const result = step(inStage("rolling-out"), ev.rollout({ verdict: "superseded" }));
    expect(result.record.stages.rollout?.detail).toBe("A newer commit is live.");
  });

  it("red with the budget spent escalates naming the rollout", () => {
    const result = step(inStage("rolling-out", FULL_PIPELINE, { fixForwards: 2 }), ev.rollout({ verdict: "red" }));
    expect(result.record.escalation?.reason).toBe(
      "The rollout is red for aaaaaaa and the fix-forward budget (2 turns) is spent.",
    );
  });

  it("creates the rollout stage when a record lacks it", () => {
    const record = inStage("rolling-out", FULL_PIPELINE, {
      stages: { ci: aStage({ verdict: "green" }), deploy: aStage({ verdict: "green" }), rollout: null },
    });
    expect(step(record, ev.rollout()).record.stages.rollout).toEqual(aStage({ since: NOW }));
  });
});

describe("shipping", () => {
  it("updates the doorbell when there is one", () => {
    const record = inStage("ci", aRepoConfig(), { doorbell: { channel: "C1", ts: "1.2" } });
    const result = step(record, ev.ci({ verdict: "green" }));
    expect(kinds(result.effects)).toEqual([
      "UpsertProgressComment",
      "PostNotice",
      "CloseIssue",
      "RemoveLabels",
      "UpdateDoorbell",
      "ReconcileRepo",
    ]);
    expect(effectOf(result.effects, "UpdateDoorbell")).toMatchObject({ note: "Shipped", record: result.record });
  });

  it("stops a turn still working before freeing the repo (one agent per repo)", () => {
    const record = inStage("ci", aRepoConfig(), { turn: { ...working, number: 2 }, turns: 2 });
    const result = step(record, ev.ci({ verdict: "green" }));
    expect(kinds(result.effects)).toEqual(["UpsertProgressComment", "InterruptTurn", ...SHIP_EFFECTS.slice(1)]);
    expect(effectOf(result.effects, "InterruptTurn").commandId).toBe(toCommandId(KEY, "interrupt:2"));
    expect(result.record.turn?.state).toBe("ended");
  });

  it("the notice links the CI run, the pipeline and the rollout evidence when afk has them", () => {
    const late = T0 + 65 * MINUTE;
    const stages = {
      ci: aStage({ verdict: "green", url: "https://github.com/acme/widgets/actions/runs/9" }),
      deploy: aStage({ verdict: "green", url: "https://ci.example.com/repos/3/pipeline/12" }),
      rollout: aStage({ since: late - MINUTE, url: "https://widgets.example.com/version" }),
    };
    const record = inStage("rolling-out", FULL_PIPELINE, { stages });
    const body = effectOf(
      step(record, ev.rollout({ verdict: "green", url: "https://widgets.example.com/version" }), late).effects,
      "PostNotice",
    ).body;
    expect(body).toContain("[CI green](https://github.com/acme/widgets/actions/runs/9)");
    expect(body).toContain("[deployed](https://ci.example.com/repos/3/pipeline/12)");
    expect(body).toContain("[rolled out](https://widgets.example.com/version)");
  });

  it("the notice counts in the singular and names skipped stages", () => {
    const record = inStage("ci", aRepoConfig(), { turns: 1, fixForwardsTotal: 0, dispatchedAt: T0 });
    const body = effectOf(step(record, ev.ci({ verdict: "green" }), T0 + 40_000).effects, "PostNotice").body;
    expect(toNoticeText(body)).toBe(
      `Shipped ${"a".repeat(40)}: CI green, deploy skipped (not configured), rollout skipped (not configured), in 40 s, 1 turn, 0 fix-forwards. Details in the progress comment above.`,
    );
  });

  it("a record without a dispatch time reports no elapsed time", () => {
    const record = inStage("ci", aRepoConfig(), { dispatchedAt: null });
    expect(effectOf(step(record, ev.ci({ verdict: "green" })).effects, "PostNotice").body).toContain("in 0 s");
  });
});

describe("announcing a ship in Slack", () => {
  it.each([
    [true, ["UpsertProgressComment", "PostNotice", "CloseIssue", "RemoveLabels", "AnnounceShipped", "ReconcileRepo"]],
    [false, SHIP_EFFECTS],
  ])("with AFK_SLACK_ANNOUNCE_SHIPPED %s the effects are %j", (announce, expected) => {
    const record = inStage("ci", aRepoConfig(), { turns: 1, dispatchedAt: T0 });
    const ctx = aContext({ slack: { ...SLACK, announceShipped: announce } });
    const result = step(record, ev.ci({ verdict: "green" }), T0 + 40_000, ctx);
    expect(kinds(result.effects)).toEqual(expected);
    if (announce) expect(effectOf(result.effects, "AnnounceShipped").record).toBe(result.record);
  });
});
