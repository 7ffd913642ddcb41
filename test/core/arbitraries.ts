// fast-check arbitraries for the run record: every value they generate is valid under
// the codec's schema (within every bound), across every phase and every optional part.
// Strings mix plain text, arbitrary unicode and hostile text (`-->`, `<script>`, mentions).

import fc from "fast-check";
import type { Budgets, RepoConfig, RolloutTarget } from "../../src/core/config/config-types.js";
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
} from "../../src/core/run/limits.js";
import { BLOCKERS_MAX, PINNED_CHECKS_MAX, SHORT_TEXT_MAX_CHARS } from "../../src/core/run/limits.js";
import {
  ACTIVE_PHASES,
  TERMINAL_PHASES,
  type AgentStatus,
  type CheckFailure,
  type Escalation,
  type HistoryEntry,
  type Phase,
  type QueuedReason,
  type Resumption,
  type RunRecord,
  type StageState,
  type Turn,
} from "../../src/core/run/run-types.js";

export const HOSTILE_TEXTS = [
  "-->",
  "--!>",
  '<!-- afk:run {"v":1} -->',
  "<script>alert(1)</script>",
  "@everyone look",
  "a & b &amp; &#64;c",
  "`code` ``` fence",
  "| a | b |",
  "[link](javascript:x)",
  "![img](http://x/y.png)",
  "# heading\n===\n- item\n> quote",
  "line\u2028sep\u2029end",
  "\\u003c escaped",
  "**bold** _it_ ~~s~~",
] as const;

export const PHASES: readonly Phase[] = ["queued", ...ACTIVE_PHASES, "escalated", ...TERMINAL_PHASES];

/** Text of at most `max` UTF-16 code units: plain, any unicode, or hostile. */
export function arbText(max: number, maxGenerated = 40): fc.Arbitrary<string> {
  const cut = (s: string) => s.slice(0, max);
  const n = Math.min(max, maxGenerated);
  return fc.oneof(
    fc.string({ maxLength: n }),
    fc.string({ unit: "binary", maxLength: n }).map(cut),
    fc.constantFrom(...HOSTILE_TEXTS).map(cut),
  );
}

export const arbTime = fc.integer({ min: 0, max: 4_102_444_800_000 });
const arbCount = fc.nat({ max: 1_000 });
const arbPositive = fc.integer({ min: 1, max: 1_000_000 });
const arbSha = fc.stringMatching(/^[0-9a-f]{7,40}$/);
const arbUrl = fc.oneof(fc.webUrl(), arbText(URL_MAX_CHARS)).map((u) => u.slice(0, URL_MAX_CHARS));
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const arbRepo = fc.constantFrom("acme/widgets", "acme/gadgets", "Other-Org/repo.name_x");

export const arbBudgets: fc.Arbitrary<Budgets> = fc.record({
  fixForwardTurns: fc.nat({ max: 20 }),
  runMs: fc.nat(),
  ciMs: fc.nat(),
  ciNoChecksMs: fc.nat(),
  deployMs: fc.nat(),
  deployBlockedMs: fc.nat(),
  rolloutMs: fc.nat(),
});

const arbRollout: fc.Arbitrary<RolloutTarget> = fc.oneof(
  fc.record({
    kind: fc.constant("kubernetes" as const),
    namespace: arbText(SHORT_TEXT_MAX_CHARS),
    deployment: arbText(SHORT_TEXT_MAX_CHARS),
    container: arbText(SHORT_TEXT_MAX_CHARS),
  }),
  fc.record({ kind: fc.constant("version-url" as const), url: arbUrl, consecutive: fc.integer({ min: 1, max: 20 }) }),
);

export const arbRepoConfig: fc.Arbitrary<RepoConfig> = fc.record({
  requiredChecks: fc.array(arbText(FAILURE_NAME_MAX_CHARS), { maxLength: Math.min(PINNED_CHECKS_MAX, 4) }),
  ignoredChecks: fc.array(arbText(FAILURE_NAME_MAX_CHARS), { maxLength: Math.min(PINNED_CHECKS_MAX, 4) }),
  woodpeckerRepo: nullable(arbRepo),
  rollout: nullable(arbRollout),
  budgets: arbBudgets,
});

export const arbQueuedReason: fc.Arbitrary<QueuedReason> = fc.oneof(
  fc.record({
    kind: fc.constant("blocked" as const),
    by: fc.array(fc.record({ repo: arbRepo, number: arbPositive }), { maxLength: Math.min(BLOCKERS_MAX, 5) }),
    unreadable: fc.array(fc.record({ repo: arbRepo, number: arbPositive }), { maxLength: 2 }),
    notRead: fc.nat({ max: 30 }),
  }),
  fc.record({ kind: fc.constant("repo-busy" as const), with: arbPositive }),
  fc.record({ kind: fc.constant("cap-reached" as const), cap: fc.integer({ min: 1, max: 100 }) }),
  fc.record({
    kind: fc.constant("labeler-untrusted" as const),
    labeler: nullable(arbText(LOGIN_MAX_CHARS)),
    why: arbText(REASON_MAX_CHARS, 80),
    standing: arbText(SHORT_TEXT_MAX_CHARS),
    silent: fc.boolean(),
    obeys: fc.subarray(["admin", "maintain", "write", "triage"]),
  }),
  fc.record({ kind: fc.constant("label-stale" as const), endedAt: arbTime }),
  fc.record({
    kind: fc.constant("edited-after-approval" as const),
    approvedBy: arbText(LOGIN_MAX_CHARS),
    approvedAt: arbTime,
  }),
  fc.record({ kind: fc.constant("repo-config-invalid" as const), problems: arbText(REASON_MAX_CHARS, 80) }),
);

export const arbAgentStatus: fc.Arbitrary<AgentStatus> = fc.oneof(
  fc.constant({ kind: "tests-red" as const }),
  fc.constant({ kind: "tests-green" as const }),
  fc.record({ kind: fc.constant("pushed" as const), sha: arbSha }),
  fc.record({ kind: fc.constant("blocked" as const), question: arbText(AGENT_SAID_MAX_CHARS, 80) }),
  fc.record({ kind: fc.constant("gave-up" as const), why: arbText(AGENT_SAID_MAX_CHARS, 80) }),
);

export const arbFailure: fc.Arbitrary<CheckFailure> = fc.record({
  name: arbText(FAILURE_NAME_MAX_CHARS),
  conclusion: fc.oneof(fc.constantFrom("failure", "timed_out", "cancelled"), arbText(SHORT_TEXT_MAX_CHARS)),
  summary: nullable(arbText(FAILURE_SUMMARY_MAX_CHARS, 80)),
  url: nullable(arbUrl),
  logTail: nullable(arbText(FAILURE_LOG_MAX_CHARS, 80)),
});

export const arbStage: fc.Arbitrary<StageState> = fc.record({
  verdict: fc.constantFrom("pending", "green", "red", "skipped"),
  since: arbTime,
  url: nullable(arbUrl),
  detail: nullable(arbText(DETAIL_MAX_CHARS)),
  blockedSince: nullable(arbTime),
  seenAny: fc.boolean(),
  failures: fc.array(arbFailure, { maxLength: FAILURES_MAX }),
});

export const arbTurn: fc.Arbitrary<Turn> = fc.record(
  {
    number: arbPositive,
    kind: fc.constantFrom("opening", "fix-forward", "relay", "resume"),
    state: fc.constantFrom("working", "ended"),
    startedAt: arbTime,
    sha: nullable(arbSha),
    relayText: nullable(arbText(300)),
    commenters: fc.option(
      fc.array(
        fc.record({
          login: arbText(LOGIN_MAX_CHARS),
          standing: arbText(SHORT_TEXT_MAX_CHARS),
          trusted: fc.boolean(),
          comments: arbPositive,
        }),
        { maxLength: 3 },
      ),
      { nil: undefined },
    ),
  },
  { requiredKeys: ["number", "kind", "state", "startedAt", "sha", "relayText"] },
);

export const arbEscalation: fc.Arbitrary<Escalation> = fc.record({
  cause: fc.constantFrom("agent", "red-budget-spent", "time-budget", "lost", "dispatch-rejected"),
  reason: arbText(REASON_MAX_CHARS, 80),
  agentSaid: nullable(arbText(AGENT_SAID_MAX_CHARS, 120)),
  at: arbTime,
  resumeTo: fc.constantFrom(...ACTIVE_PHASES),
});

const arbResumption: fc.Arbitrary<Resumption> = fc.record({
  by: arbText(LOGIN_MAX_CHARS),
  via: fc.constantFrom("slack", "github"),
  at: arbTime,
});

const arbHistoryEntry: fc.Arbitrary<HistoryEntry> = fc.record({
  at: arbTime,
  phase: fc.constantFrom(...PHASES),
  note: arbText(NOTE_MAX_CHARS),
});

export const arbRecord: fc.Arbitrary<RunRecord> = fc.record({
  v: fc.constant(2 as const),
  repo: arbRepo,
  issue: arbPositive,
  installationId: arbPositive,
  attempt: fc.integer({ min: 1, max: 50 }),
  phase: fc.constantFrom(...PHASES),
  threadId: fc.uuid(),
  labeler: nullable(arbText(LOGIN_MAX_CHARS)),
  approval: nullable(
    fc.record({
      by: arbText(LOGIN_MAX_CHARS),
      role: fc.constantFrom("admin", "maintain", "write", "triage", "owner", "bot", "slack"),
      via: fc.constantFrom("label", "retry", "edit"),
      at: arbTime,
      fingerprint: nullable(fc.stringMatching(/^[0-9a-f]{64}$/)),
    }),
  ),
  queuedReason: nullable(arbQueuedReason),
  dispatchedAt: nullable(arbTime),
  legStartedAt: nullable(arbTime),
  endedAt: nullable(arbTime),
  turn: nullable(arbTurn),
  turns: arbCount,
  agentStatus: nullable(arbAgentStatus),
  sha: nullable(arbSha),
  pushedAt: nullable(arbTime),
  stages: fc.record({ ci: nullable(arbStage), deploy: nullable(arbStage), rollout: nullable(arbStage) }),
  fixForwards: fc.nat({ max: 20 }),
  fixForwardsTotal: arbCount,
  escalation: nullable(arbEscalation),
  doorbellFailure: nullable(fc.record({ reason: arbText(REASON_MAX_CHARS, 80), attempts: arbPositive, at: arbTime })),
  closedByCommit: nullable(arbSha),
  turnSeenAt: nullable(arbTime),
  problems: fc.uniqueArray(
    fc.record({
      what: fc.constantFrom("agent", "commits", "ci", "deploy", "rollout"),
      message: arbText(REASON_MAX_CHARS, 80),
      since: arbTime,
      told: fc.boolean(),
    }),
    { maxLength: 5, selector: (problem) => problem.what },
  ),
  doorbell: nullable(
    fc.record({ channel: fc.stringMatching(/^C[A-Z0-9]{8,11}$/), ts: fc.stringMatching(/^\d{10}\.\d{6}$/) }),
  ),
  resumptions: fc.array(arbResumption, { maxLength: RESUMPTIONS_MAX }),
  history: fc.array(arbHistoryEntry, { maxLength: HISTORY_MAX }),
  repoConfig: arbRepoConfig,
});
