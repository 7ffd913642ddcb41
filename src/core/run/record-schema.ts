// The run record's schema (DESIGN section 5): strict, versioned, bounded, mirroring
// RunRecord both ways. Older versions are read through their own schema and brought up
// to the current one; the codec (record-codec.ts) writes only the current version.

import { z } from "zod";
import {
  AGENT_SAID_MAX_CHARS,
  BLOCKERS_MAX,
  COMMENTERS_MAX,
  DETAIL_MAX_CHARS,
  FAILURE_LOG_MAX_CHARS,
  FAILURE_NAME_MAX_CHARS,
  FAILURE_SUMMARY_MAX_CHARS,
  FAILURES_MAX,
  HISTORY_MAX,
  ID_MAX_CHARS,
  LOGIN_MAX_CHARS,
  NOTE_MAX_CHARS,
  PINNED_CHECKS_MAX,
  PROBLEMS_MAX,
  REASON_MAX_CHARS,
  RELAY_TEXT_MAX_CHARS,
  REPO_MAX_CHARS,
  RESUMPTIONS_MAX,
  SHORT_TEXT_MAX_CHARS,
  URL_MAX_CHARS,
} from "./limits.js";
import { ACTIVE_PHASES, TERMINAL_PHASES, type RunRecord } from "./run-types.js";

const text = (max: number) => z.string().max(max);
const count = z.int().nonnegative();
const positive = z.int().positive();
const time = z.int().nonnegative();
const list = <T extends z.ZodType>(item: T, max: number) => z.array(item).max(max).readonly();

const phaseSchema = z.enum(["queued", ...ACTIVE_PHASES, "escalated", ...TERMINAL_PHASES]);

const budgetsSchema = z.strictObject({
  fixForwardTurns: count,
  runMs: count,
  ciMs: count,
  ciNoChecksMs: count,
  deployMs: count,
  deployBlockedMs: count,
  rolloutMs: count,
});

const rolloutTargetSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("kubernetes"),
    namespace: text(SHORT_TEXT_MAX_CHARS),
    deployment: text(SHORT_TEXT_MAX_CHARS),
    container: text(SHORT_TEXT_MAX_CHARS),
  }),
  z.strictObject({ kind: z.literal("version-url"), url: text(URL_MAX_CHARS), consecutive: positive }),
]);

const repoConfigSchema = z.strictObject({
  requiredChecks: list(text(FAILURE_NAME_MAX_CHARS), PINNED_CHECKS_MAX),
  ignoredChecks: list(text(FAILURE_NAME_MAX_CHARS), PINNED_CHECKS_MAX),
  woodpeckerRepo: text(REPO_MAX_CHARS).nullable(),
  rollout: rolloutTargetSchema.nullable(),
  budgets: budgetsSchema,
});

const issueRefSchema = z.strictObject({ repo: text(REPO_MAX_CHARS), number: positive });

const queuedReasonSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("blocked"),
    by: list(issueRefSchema, BLOCKERS_MAX),
    unreadable: list(issueRefSchema, BLOCKERS_MAX),
    notRead: count,
  }),
  z.strictObject({ kind: z.literal("repo-busy"), with: positive }),
  z.strictObject({
    kind: z.literal("labeler-untrusted"),
    labeler: text(LOGIN_MAX_CHARS).nullable(),
    why: text(REASON_MAX_CHARS),
    standing: text(SHORT_TEXT_MAX_CHARS),
    silent: z.boolean(),
    obeys: list(text(SHORT_TEXT_MAX_CHARS), 8),
  }),
  z.strictObject({ kind: z.literal("label-stale"), endedAt: time }),
  z.strictObject({
    kind: z.literal("edited-after-approval"),
    approvedBy: text(LOGIN_MAX_CHARS),
    approvedAt: time,
  }),
  z.strictObject({ kind: z.literal("repo-config-invalid"), problems: text(REASON_MAX_CHARS) }),
  z.strictObject({ kind: z.literal("cap-reached"), cap: count }),
]);

const agentStatusSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("tests-red") }),
  z.strictObject({ kind: z.literal("tests-green") }),
  z.strictObject({ kind: z.literal("pushed"), sha: text(ID_MAX_CHARS) }),
  z.strictObject({ kind: z.literal("blocked"), question: text(AGENT_SAID_MAX_CHARS) }),
  z.strictObject({ kind: z.literal("gave-up"), why: text(AGENT_SAID_MAX_CHARS) }),
]);

const checkFailureSchema = z.strictObject({
  name: text(FAILURE_NAME_MAX_CHARS),
  conclusion: text(SHORT_TEXT_MAX_CHARS),
  summary: text(FAILURE_SUMMARY_MAX_CHARS).nullable(),
  url: text(URL_MAX_CHARS).nullable(),
  logTail: text(FAILURE_LOG_MAX_CHARS).nullable(),
});

const stageSchema = z.strictObject({
  verdict: z.enum(["pending", "green", "red", "skipped"]),
  since: time,
  url: text(URL_MAX_CHARS).nullable(),
  detail: text(DETAIL_MAX_CHARS).nullable(),
  blockedSince: time.nullable(),
  seenAny: z.boolean(),
  failures: list(checkFailureSchema, FAILURES_MAX),
});

const turnSchema = z.strictObject({
  number: positive,
  kind: z.enum(["opening", "fix-forward", "relay", "resume"]),
  state: z.enum(["working", "ended"]),
  startedAt: time,
  sha: text(ID_MAX_CHARS).nullable(),
  relayText: text(RELAY_TEXT_MAX_CHARS).nullable(),
  commenters: list(
    z.strictObject({
      login: text(LOGIN_MAX_CHARS),
      standing: text(SHORT_TEXT_MAX_CHARS),
      trusted: z.boolean(),
      comments: positive,
    }),
    COMMENTERS_MAX,
  ).optional(),
});

const problemSchema = z.strictObject({
  what: z.enum(["agent", "commits", "ci", "deploy", "rollout"]),
  message: text(REASON_MAX_CHARS),
  since: time,
  told: z.boolean(),
});

const escalationSchema = z.strictObject({
  cause: z.enum(["agent", "red-budget-spent", "time-budget", "lost", "dispatch-rejected"]),
  reason: text(REASON_MAX_CHARS),
  agentSaid: text(AGENT_SAID_MAX_CHARS).nullable(),
  at: time,
  resumeTo: z.enum(ACTIVE_PHASES),
});

const resumptionSchema = z.strictObject({ by: text(LOGIN_MAX_CHARS), via: z.enum(["slack", "github"]), at: time });

const historyEntrySchema = z.strictObject({ at: time, phase: phaseSchema, note: text(NOTE_MAX_CHARS) });

const approvalSchema = z.strictObject({
  by: text(LOGIN_MAX_CHARS),
  role: z.enum(["admin", "maintain", "write", "triage", "owner", "bot", "slack"]),
  via: z.enum(["label", "retry", "edit"]),
  at: time,
  fingerprint: text(ID_MAX_CHARS).nullable(),
});

export const runRecordSchema = z.strictObject({
  v: z.literal(2),
  repo: text(REPO_MAX_CHARS),
  issue: positive,
  installationId: positive,
  attempt: positive,
  phase: phaseSchema,
  threadId: text(ID_MAX_CHARS),
  labeler: text(LOGIN_MAX_CHARS).nullable(),
  approval: approvalSchema.nullable(),
  queuedReason: queuedReasonSchema.nullable(),
  dispatchedAt: time.nullable(),
  legStartedAt: time.nullable(),
  endedAt: time.nullable(),
  turn: turnSchema.nullable(),
  turns: count,
  agentStatus: agentStatusSchema.nullable(),
  sha: text(ID_MAX_CHARS).nullable(),
  pushedAt: time.nullable(),
  stages: z.strictObject({
    ci: stageSchema.nullable(),
    deploy: stageSchema.nullable(),
    rollout: stageSchema.nullable(),
  }),
  fixForwards: count,
  fixForwardsTotal: count,
  escalation: escalationSchema.nullable(),
  doorbell: z.strictObject({ channel: text(ID_MAX_CHARS), ts: text(ID_MAX_CHARS) }).nullable(),
  doorbellFailure: z.strictObject({ reason: text(REASON_MAX_CHARS), attempts: positive, at: time }).nullable(),
  closedByCommit: text(ID_MAX_CHARS).nullable(),
  // Records written before the field came read as "no turn judged yet".
  turnSeenAt: time.nullable().default(null),
  problems: list(problemSchema, PROBLEMS_MAX),
  resumptions: list(resumptionSchema, RESUMPTIONS_MAX),
  history: list(historyEntrySchema, HISTORY_MAX),
  repoConfig: repoConfigSchema,
});

// The schema mirrors RunRecord exactly: a field added to or removed from either side
// fails to compile here.
type Assignable<T, U extends T> = U;
export type _SchemaFitsRecord = Assignable<RunRecord, z.infer<typeof runRecordSchema>>;
export type _RecordFitsSchema = Assignable<z.infer<typeof runRecordSchema>, RunRecord>;

/**
 * Version 1 (before the approval was a typed field) kept a retry's approval only in the
 * history note `retry from scratch requested by <login>: attempt <n>`, which the size
 * fitting may shed; it is read into the typed field here, once, when the note survived.
 */
const runRecordV1Schema = runRecordSchema
  .omit({ approval: true, doorbellFailure: true, closedByCommit: true, problems: true, turn: true })
  .extend({ v: z.literal(1), turn: turnSchema.omit({ relayText: true }).nullable() })
  .transform((v1): RunRecord => ({
    ...v1,
    v: 2,
    turn: v1.turn === null ? null : { ...v1.turn, relayText: null },
    approval: toV1RetryApproval(v1),
    doorbellFailure: null,
    closedByCommit: null,
    problems: [],
  }));

const V1_RETRY_NOTE = /^retry from scratch requested by (.+): attempt (\d+)$/;

function toV1RetryApproval(record: Pick<RunRecord, "phase" | "history" | "attempt">): RunRecord["approval"] {
  if (record.phase !== "queued") return null;
  const queued = record.history.findLast((entry) => entry.phase === "queued");
  const match = queued === undefined ? null : V1_RETRY_NOTE.exec(queued.note);
  if (match === null || queued === undefined || Number(match[2]) !== record.attempt) return null;
  return { by: match[1] ?? "", role: "slack", via: "retry", at: queued.at, fingerprint: null };
}

export const SCHEMAS: Readonly<Record<number, z.ZodType<RunRecord>>> = { 1: runRecordV1Schema, 2: runRecordSchema };
export const RECORD_VERSION = 2;
