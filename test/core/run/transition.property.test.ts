import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { defaultRepoConfig, type Budgets, type RepoConfig } from "../../../src/core/config/config-types.js";
import {
  AGENT_SAID_MAX_CHARS,
  DETAIL_MAX_CHARS,
  FAILURE_LOG_MAX_CHARS,
  FAILURE_NAME_MAX_CHARS,
  FAILURE_SUMMARY_MAX_CHARS,
  FAILURES_MAX,
  HISTORY_MAX,
  LOGIN_MAX_CHARS,
  NOTE_MAX_CHARS,
  REASON_MAX_CHARS,
  RESUMPTIONS_MAX,
  URL_MAX_CHARS,
} from "../../../src/core/run/limits.js";
import { decodeRecord, encodeRecord } from "../../../src/core/run/record-codec.js";
import { isDeepEqual } from "../../../src/core/run/run-record.js";
import { transition } from "../../../src/core/run/transition.js";
import { isActive, isTerminal } from "../../../src/core/run/run-record.js";
import { newRun } from "../../../src/core/run/run-start.js";
import type { AgentStatus, CheckFailure, RunRecord } from "../../../src/core/run/run-types.js";
import type { Effect, MachineContext, Transition } from "../../../src/core/run/effect.js";
import type { RunEvent } from "../../../src/core/run/run-event.js";
import { T0, anIssue, anOperatorConfig } from "../builders.js";
import { KEY, MINUTE, SLACK } from "../transition-fixtures.js";

const SHAS = ["a".repeat(40), "b".repeat(40), "c".repeat(40)] as const;
const FAR_FUTURE = 10_000 * 60 * MINUTE;
const DEFAULT_PIPELINE: RepoConfig = defaultRepoConfig(anOperatorConfig());

/** An event may name "the sha the run follows" so that sequences actually progress. */
type EventMaker = (record: RunRecord) => RunEvent;

// Long texts are past every bound in limits.ts; the constants are hostile markdown.
const arbText = fc.oneof(
  {
    arbitrary: fc.constantFrom("", "  ", "Which colour?", "<script>@everyone</script> -->", "`x` | [a](javascript:x)"),
    weight: 3,
  },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 3 },
  {
    arbitrary: fc
      .constantFrom("x", "é", "\n")
      .chain((c) => fc.integer({ min: 2_100, max: 3_000 }).map((n) => c.repeat(n))),
    weight: 1,
  },
);
const arbNullableText = fc.option(arbText, { nil: null });
const arbShaChoice = fc.oneof(
  { arbitrary: fc.constant("current" as const), weight: 4 },
  { arbitrary: fc.constantFrom(...SHAS), weight: 1 },
);
const toSha = (choice: string, record: RunRecord): string => (choice === "current" ? (record.sha ?? SHAS[0]) : choice);

const arbStatus: fc.Arbitrary<AgentStatus | { kind: "pushed-current" }> = fc.oneof(
  fc.constant({ kind: "tests-red" as const }),
  fc.constant({ kind: "tests-green" as const }),
  fc.constantFrom(...SHAS).map((sha) => ({ kind: "pushed" as const, sha })),
  fc.constant({ kind: "pushed-current" as const }),
  arbText.map((question) => ({ kind: "blocked" as const, question })),
  arbText.map((why) => ({ kind: "gave-up" as const, why })),
);
const toStatus = (status: AgentStatus | { kind: "pushed-current" }, record: RunRecord): AgentStatus =>
  status.kind === "pushed-current" ? { kind: "pushed", sha: record.sha ?? SHAS[0] } : status;

const arbFailure: fc.Arbitrary<CheckFailure> = fc.record({
  name: arbText,
  conclusion: fc.constantFrom("failure", "timed_out", "x".repeat(100)),
  summary: arbNullableText,
  url: fc.option(fc.constantFrom("https://ci.test/1", `https://ci.test/${"u".repeat(2_100)}`), { nil: null }),
  logTail: arbNullableText,
});

const arbOutcome = fc.oneof(
  { arbitrary: fc.constant("completed" as const), weight: 8 },
  { arbitrary: fc.constantFrom("interrupted", "error" as const), weight: 1 },
);
// Weighted towards progress (pushes, stage verdicts, answers) so that runs reach every
// phase, fix-forwards and resumptions; the events that end a run are rare.
const arbTurnStatus = fc.oneof(
  { arbitrary: fc.constant({ kind: "pushed-current" as const }), weight: 4 },
  { arbitrary: fc.option(arbStatus, { nil: null }), weight: 3 },
);

const arbEvent: fc.Arbitrary<EventMaker> = fc.oneof(
  { arbitrary: fc.constant<EventMaker>(() => ({ kind: "Ticked" })), weight: 6 },
  {
    arbitrary: fc
      .tuple(arbTurnStatus, arbOutcome, arbNullableText, arbNullableText)
      .map(([status, outcome, lastMessage, error]): EventMaker => (r) => ({
        kind: "TurnEnded",
        outcome,
        status: status === null ? null : toStatus(status, r),
        lastMessage,
        error,
      })),
    weight: 12,
  },
  {
    arbitrary: arbStatus.map((status): EventMaker => (r) => ({ kind: "AgentReported", status: toStatus(status, r) })),
    weight: 6,
  },
  { arbitrary: arbNullableText.map((question): EventMaker => () => ({ kind: "QuestionAsked", question })), weight: 1 },
  {
    arbitrary: fc.constantFrom(...SHAS).map((sha): EventMaker => () => ({ kind: "CommitPushed", sha, url: null })),
    weight: 4,
  },
  {
    arbitrary: fc
      .tuple(
        arbShaChoice,
        fc.constantFrom("pending", "green", "red" as const),
        fc.boolean(),
        fc.array(arbFailure, { maxLength: 7 }),
      )
      .map(([sha, verdict, seenAny, failures]): EventMaker => (r) => ({
        kind: "CiObserved",
        sha: toSha(sha, r),
        verdict,
        seenAny,
        url: "https://ci.test/run",
        failures,
      })),
    weight: 20,
  },
  {
    arbitrary: fc
      .tuple(
        arbShaChoice,
        fc.constantFrom("pending", "blocked", "green", "red", "superseded" as const),
        arbNullableText,
      )
      .map(([sha, verdict, detail]): EventMaker => (r) => ({
        kind: "DeployObserved",
        sha: toSha(sha, r),
        verdict,
        url: null,
        detail,
      })),
    weight: 12,
  },
  {
    arbitrary: fc
      .tuple(arbShaChoice, fc.constantFrom("pending", "green", "red", "superseded" as const), arbNullableText)
      .map(([sha, verdict, detail]): EventMaker => (r) => ({
        kind: "RolloutObserved",
        sha: toSha(sha, r),
        verdict,
        url: null,
        detail,
      })),
    weight: 12,
  },
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom("alice", "U0ALICE", "x".repeat(300)),
        fc.constantFrom("slack", "github" as const),
        arbNullableText,
      )
      .map(([by, via, text]): EventMaker => () => ({ kind: "HumanResumed", by, via, text })),
    weight: 8,
  },
  { arbitrary: fc.constant<EventMaker>(() => ({ kind: "RetryRequested", by: "bob" })), weight: 1 },
  {
    arbitrary: fc.constant<EventMaker>(() => ({
      kind: "DispatchApproved",
      startedAt: null,
      issue: anIssue(),
      labeler: "bob",
      defaultBranch: "main",
      cloneUrl: "https://x.test/r.git",
      repoConfig: DEFAULT_PIPELINE,
      approval: null,
    })),
    weight: 3,
  },
  {
    arbitrary: fc.constant<EventMaker>(() => ({
      kind: "Held",
      reason: { kind: "repo-busy", with: 7 },
      approval: null,
    })),
    weight: 1,
  },
  { arbitrary: arbText.map((why): EventMaker => () => ({ kind: "ThreadLost", why })), weight: 1 },
  {
    arbitrary: fc
      .constantFrom("1.1", "2.2")
      .map((ts): EventMaker => () => ({ kind: "DoorbellRung", channel: "C1", ts })),
    weight: 2,
  },
  {
    arbitrary: fc.constantFrom<EventMaker>(
      () => ({ kind: "Cancelled", by: "bob", why: "label-removed" }),
      () => ({ kind: "Cancelled", by: null, why: "issue-closed" }),
      () => ({ kind: "TakenOver", by: "carol" }),
    ),
    weight: 1,
  },
);

const arbBudgets: fc.Arbitrary<Budgets> = fc.record({
  fixForwardTurns: fc.integer({ min: 0, max: 3 }),
  runMs: fc.integer({ min: 30, max: 600 }).map((m) => m * MINUTE),
  ciMs: fc.integer({ min: 5, max: 120 }).map((m) => m * MINUTE),
  ciNoChecksMs: fc.integer({ min: 5, max: 30 }).map((m) => m * MINUTE),
  deployMs: fc.integer({ min: 5, max: 60 }).map((m) => m * MINUTE),
  deployBlockedMs: fc.integer({ min: 5, max: 120 }).map((m) => m * MINUTE),
  rolloutMs: fc.integer({ min: 5, max: 60 }).map((m) => m * MINUTE),
});

const arbRepoConfig: fc.Arbitrary<RepoConfig> = fc
  .record({ deploy: fc.boolean(), rollout: fc.boolean(), budgets: arbBudgets })
  .map(({ deploy, rollout, budgets }) => ({
    ...DEFAULT_PIPELINE,
    woodpeckerRepo: deploy ? "acme/deploy" : null,
    rollout: rollout ? { kind: "version-url" as const, url: "https://widgets.test/version", consecutive: 2 } : null,
    budgets,
  }));

interface Scenario {
  readonly ctx: MachineContext;
  readonly repoConfig: RepoConfig;
  readonly steps: readonly { readonly event: EventMaker; readonly after: number }[];
}

const arbScenario: fc.Arbitrary<Scenario> = fc.record({
  ctx: fc.boolean().map((slack) => ({ config: anOperatorConfig({ slack: slack ? SLACK : null }) })),
  repoConfig: arbRepoConfig,
  steps: fc.array(
    fc.record({
      event: arbEvent,
      // Mostly minutes apart; sometimes nothing between events, sometimes hours.
      after: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 3 * MINUTE }), weight: 80 },
        { arbitrary: fc.integer({ min: 0, max: 300 * MINUTE }), weight: 1 },
      ),
    }),
    { minLength: 5, maxLength: 50, size: "max" },
  ),
});

interface Step {
  readonly before: RunRecord;
  readonly event: RunEvent;
  readonly now: number;
  readonly result: Transition;
}

/** Dispatch a fresh run at T0, then play the scenario with a non-decreasing clock. */
function play(scenario: Scenario): { readonly first: Transition; readonly steps: Step[]; readonly now: number } {
  const queued = newRun({ ...KEY, labeler: "alice", now: T0, config: scenario.ctx.config });
  const dispatch: RunEvent = {
    kind: "DispatchApproved",
    issue: anIssue(),
    labeler: "alice",
    defaultBranch: "main",
    cloneUrl: "https://x.test/r.git",
    repoConfig: scenario.repoConfig,
    startedAt: null,
    approval: null,
  };
  const first = transition(queued, dispatch, T0, scenario.ctx);
  const steps: Step[] = [];
  let record = first.record;
  let now = T0;
  for (const { event: make, after } of scenario.steps) {
    now += after;
    const event = make(record);
    const result = transition(record, event, now, scenario.ctx);
    steps.push({ before: record, event, now, result });
    record = result.record;
  }
  return { first, steps, now };
}

const lastRecord = (played: ReturnType<typeof play>): RunRecord =>
  played.steps.at(-1)?.result.record ?? played.first.record;

/** Every bound of limits.ts the record breaks (empty when within all). */
function toBoundBreaks(record: RunRecord): string[] {
  const breaks: string[] = [];
  const check = (ok: boolean, what: string): void => {
    if (!ok) breaks.push(what);
  };
  const within = (text: string | null, max: number): boolean => (text ?? "").length <= max;
  check(record.history.length <= HISTORY_MAX, "history");
  check(record.resumptions.length <= RESUMPTIONS_MAX, "resumptions");
  check(
    record.history.every((entry) => within(entry.note, NOTE_MAX_CHARS)),
    "note",
  );
  check(
    record.resumptions.every((resumption) => within(resumption.by, LOGIN_MAX_CHARS)),
    "resumption login",
  );
  check(within(record.labeler, LOGIN_MAX_CHARS), "labeler");
  check(within(record.escalation?.reason ?? null, REASON_MAX_CHARS), "reason");
  check(within(record.escalation?.agentSaid ?? null, AGENT_SAID_MAX_CHARS), "agentSaid");
  for (const stage of [record.stages.ci, record.stages.deploy, record.stages.rollout]) {
    if (stage === null) continue;
    check(within(stage.url, URL_MAX_CHARS) && within(stage.detail, DETAIL_MAX_CHARS), "stage url/detail");
    check(stage.failures.length <= FAILURES_MAX, "failures");
    for (const failure of stage.failures) {
      check(within(failure.name, FAILURE_NAME_MAX_CHARS), "failure name");
      check(within(failure.summary, FAILURE_SUMMARY_MAX_CHARS), "failure summary");
      check(within(failure.logTail, FAILURE_LOG_MAX_CHARS), "failure log tail");
      check(within(failure.url, URL_MAX_CHARS), "failure url");
    }
  }
  // The codec's schema holds every bound too: what the machine makes, afk can read back.
  const decoded = decodeRecord(encodeRecord(record));
  check(
    decoded.ok && isDeepEqual(decoded.record, record),
    decoded.ok ? "round trip" : `codec: ${decoded.error.message}`,
  );
  return breaks;
}

const RECORD_EFFECTS: ReadonlySet<Effect["kind"]> = new Set([
  "UpsertProgressComment",
  "RingDoorbell",
  "UpdateDoorbell",
]);
const PROPERTY = { numRuns: 200 };

describe("run machine properties", () => {
  it("transition never throws, and every record it makes is within the bounds of limits.ts", () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        const played = play(scenario);
        for (const record of [played.first.record, ...played.steps.map((step) => step.result.record)]) {
          expect(toBoundBreaks(record)).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("terminal states absorb: once terminal, every later event returns the same record and no effects", () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        for (const { before, result } of play(scenario).steps) {
          if (!isTerminal(before.phase)) continue;
          expect(result.record).toBe(before);
          expect(result.effects).toEqual([]);
        }
      }),
      PROPERTY,
    );
  });

  it("an event that changes nothing returns the same record; effects always carry the new record", () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        for (const { before, now, result } of play(scenario).steps) {
          if (result.record === before) expect(result.effects).toEqual([]);
          for (const effect of result.effects) {
            if (RECORD_EFFECTS.has(effect.kind)) expect("record" in effect && effect.record).toBe(result.record);
          }
          if (result.record.phase !== before.phase)
            expect(result.record.history.at(-1)).toMatchObject({ at: now, phase: result.record.phase });
          // The agent is stopped before its repo is freed (one agent per repo).
          const kinds = result.effects.map((effect) => effect.kind);
          const interrupt = kinds.indexOf("InterruptTurn");
          const freed = kinds.indexOf("ReconcileRepo");
          expect(interrupt === -1 || freed === -1 || interrupt < freed).toBe(true);
          // Crash points: the record is written before any label comes off, and labels are
          // added before others are removed, so dying after any effect leaves an issue that
          // carries one of afk's labels and a record that says what was meant.
          const upsert = kinds.indexOf("UpsertProgressComment");
          const removed = kinds.indexOf("RemoveLabels");
          const added = kinds.indexOf("AddLabels");
          if (removed !== -1 && !kinds.includes("StartThread")) expect(upsert !== -1 && upsert < removed).toBe(true);
          if (removed !== -1 && added !== -1) expect(added).toBeLessThan(removed);
        }
      }),
      PROPERTY,
    );
  });

  it("never sends a turn while the previous turn is still working, and never reuses a turn's command id", () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        const played = play(scenario);
        const commandIds = new Set<string>();
        for (const { before, event, result } of played.steps) {
          // The end of a turn may send the next one: that turn is no longer working.
          const previousWorking = before.turn?.state === "working" && event.kind !== "TurnEnded";
          for (const effect of result.effects) {
            if (effect.kind === "SendTurn") {
              expect(previousWorking).toBe(false);
              expect(result.record.turn?.state).toBe("working");
              expect(commandIds.has(effect.commandId)).toBe(false);
              commandIds.add(effect.commandId);
            }
            if (effect.kind === "StartThread") expect(before.turn).toBeNull();
          }
        }
      }),
      PROPERTY,
    );
  });

  it("fix-forward turns between two human resumptions never exceed the budget", () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        let fixForwards = 0;
        for (const { before, result } of play(scenario).steps) {
          const resumed = result.effects.some(
            (e) => e.kind === "SendTurn" && (e.purpose === "relay" || e.purpose === "resume"),
          );
          if (resumed || result.record.attempt !== before.attempt) fixForwards = 0;
          fixForwards += result.effects.filter((e) => e.kind === "SendTurn" && e.purpose === "fix-forward").length;
          expect(fixForwards).toBeLessThanOrEqual(result.record.repoConfig.budgets.fixForwardTurns);
          expect(result.record.fixForwards).toBeLessThanOrEqual(result.record.repoConfig.budgets.fixForwardTurns);
        }
      }),
      PROPERTY,
    );
  });

  it("phases and their fields agree: escalated has its escalation, running runs have none, ended runs their end time", () => {
    fc.assert(
      fc.property(arbScenario, (scenario) => {
        for (const { result } of play(scenario).steps) {
          const { record } = result;
          // A run cancelled or taken over while escalated keeps the escalation it ended with.
          if (record.phase === "escalated") expect(record.escalation).not.toBeNull();
          if (record.phase === "queued" || isActive(record.phase)) expect(record.escalation).toBeNull();
          expect(record.endedAt !== null).toBe(isTerminal(record.phase));
          if (isActive(record.phase)) expect(record.turns).toBeGreaterThanOrEqual(1);
        }
      }),
      PROPERTY,
    );
  });

  it("once every time budget is spent an active run is escalated (a resting state), and Cancelled or TakenOver then end it", () => {
    fc.assert(
      fc.property(
        arbScenario,
        fc.constantFrom<RunEvent>(
          { kind: "Cancelled", by: "bob", why: "issue-closed" },
          { kind: "TakenOver", by: "carol" },
        ),
        (scenario, end) => {
          const played = play(scenario);
          const record = lastRecord(played);
          const late = played.now + FAR_FUTURE;
          const ticked = transition(record, { kind: "Ticked" }, late, scenario.ctx);
          if (isActive(record.phase)) {
            expect(ticked.record.phase).toBe("escalated");
            expect(ticked.record.escalation?.cause).toBe("time-budget");
            expect(ticked.record.turn?.state ?? "ended").toBe("ended");
          } else {
            expect(ticked.record).toBe(record);
          }
          // Resting: more time changes nothing.
          const again = transition(ticked.record, { kind: "Ticked" }, late + FAR_FUTURE, scenario.ctx);
          expect(again.record).toBe(ticked.record);
          const ended = transition(ticked.record, end, late, scenario.ctx);
          expect(isTerminal(ended.record.phase)).toBe(true);
          expect(ended.record.turn?.state ?? "ended").toBe("ended");
        },
      ),
      PROPERTY,
    );
  });
});
