// The run record's wire form (DESIGN section 5): a hidden HTML comment at the end of
// afk's progress comment. The record is versioned and validated on read; a record that
// fails validation is reported, never guessed at (the machine escalates it as E4).

import { z } from "zod";
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
} from "./limits.js";
import { toFittedRecord } from "./record-fit.js";
import { ACTIVE_PHASES, TERMINAL_PHASES, type RunRecord } from "./run-types.js";

export const RECORD_MARKER_PREFIX = "<!-- afk:run ";
export const RECORD_MARKER_SUFFIX = " -->";
/**
 * The encoded marker never exceeds this (see record-fit.ts), leaving the rest of GitHub's
 * 65,536 characters to the rendered checklist.
 */
export const RECORD_MAX_CHARS = 28_000;

/*
 * Bounds for fields limits.ts does not name. They exist so that the largest record the
 * schema accepts still fits a comment; each is far above what GitHub, T3 or Slack emit.
 */
/** owner (39) + "/" + name (100). */
export const REPO_MAX_CHARS = 140;
/** Thread ids (UUIDs), shas (40 or 64 hex), Slack channel ids and message timestamps. */
export const ID_MAX_CHARS = 64;
/** Names of required or ignored checks pinned from `.github/afk.yml`, per list. */
export const PINNED_CHECKS_MAX = 20;
/** Blockers named by one queued reason. */
export const BLOCKERS_MAX = 50;
/** Kubernetes names are DNS-1123 labels (63); conclusions are short words. */
export const SHORT_TEXT_MAX_CHARS = 63;

const MAX_ISSUES_IN_MESSAGE = 3;

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
  z.strictObject({ kind: z.literal("blocked"), by: list(issueRefSchema, BLOCKERS_MAX) }),
  z.strictObject({ kind: z.literal("repo-busy"), with: positive }),
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
});

const escalationSchema = z.strictObject({
  cause: z.enum(["agent", "red-budget-spent", "time-budget", "lost"]),
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
  via: z.enum(["label", "retry"]),
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
  resumptions: list(resumptionSchema, RESUMPTIONS_MAX),
  history: list(historyEntrySchema, HISTORY_MAX),
  repoConfig: repoConfigSchema,
});

// The schema mirrors RunRecord exactly: a field added to or removed from either side
// fails to compile here.
type Assignable<T, U extends T> = U;
export type _SchemaFitsRecord = Assignable<RunRecord, z.infer<typeof runRecordSchema>>;
export type _RecordFitsSchema = Assignable<z.infer<typeof runRecordSchema>, RunRecord>;

export type RecordErrorKind = "missing" | "malformed" | "unknown-version" | "invalid";
export interface RecordError {
  readonly kind: RecordErrorKind;
  readonly message: string;
}
export type DecodeResult =
  { readonly ok: true; readonly record: RunRecord } | { readonly ok: false; readonly error: RecordError };

// `<`, `>` and `&` never appear raw, so no text inside the record can close the HTML
// comment (`-->`, `--!>`) or be read by GitHub's markdown as a tag or an entity.
function toMarker(record: RunRecord): string {
  const json = JSON.stringify(record).replace(/[<>&]/g, (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`);
  return `${RECORD_MARKER_PREFIX}${json}${RECORD_MARKER_SUFFIX}`;
}

/** The hidden marker for the record; content is shed only when it would exceed RECORD_MAX_CHARS. */
export function encodeRecord(record: RunRecord): string {
  return toMarker(toFittedRecord(record, (r) => toMarker(r).length <= RECORD_MAX_CHARS));
}

export function isAfkComment(body: string | null | undefined): boolean {
  return typeof body === "string" && body.includes(RECORD_MARKER_PREFIX);
}

function failure(kind: RecordErrorKind, message: string): DecodeResult {
  return { ok: false, error: { kind, message } };
}

/** The JSON text of the last marker in the body, or the reason there is none. */
function toMarkerJson(body: string): { readonly json: string } | DecodeResult {
  const start = body.lastIndexOf(RECORD_MARKER_PREFIX);
  if (start === -1) return failure("missing", "no afk run record marker in the comment");
  const from = start + RECORD_MARKER_PREFIX.length;
  // The encoded JSON holds no `>`, so the first `-->` after the prefix ends the marker.
  const end = body.indexOf("-->", from);
  if (end === -1) return failure("malformed", "the afk run record marker is not closed (truncated comment?)");
  return { json: body.slice(from, end) };
}

function parseJson(json: string): { readonly value: unknown } | DecodeResult {
  try {
    return { value: JSON.parse(json) as unknown };
  } catch (error) {
    return failure("malformed", `the afk run record is not valid JSON: ${String(error)}`);
  }
}

function toIssueList(error: z.ZodError): string {
  const shown = error.issues.slice(0, MAX_ISSUES_IN_MESSAGE).map((issue) => {
    const path = issue.path.length === 0 ? "(record)" : issue.path.map(String).join(".");
    return `${path}: ${issue.message}`;
  });
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join("; ")}; and ${more} more` : shown.join("; ");
}

/**
 * Version 1 (before the approval was a typed field) kept a retry's approval only in the
 * history note `retry from scratch requested by <login>: attempt <n>`, which the size
 * fitting may shed; it is read into the typed field here, once, when the note survived.
 */
const runRecordV1Schema = runRecordSchema
  .omit({ approval: true })
  .extend({ v: z.literal(1) })
  .transform((v1): RunRecord => ({ ...v1, v: 2, approval: toV1RetryApproval(v1) }));

const V1_RETRY_NOTE = /^retry from scratch requested by (.+): attempt (\d+)$/;

function toV1RetryApproval(record: Omit<RunRecord, "v" | "approval">): RunRecord["approval"] {
  if (record.phase !== "queued") return null;
  const queued = record.history.findLast((entry) => entry.phase === "queued");
  const match = queued === undefined ? null : V1_RETRY_NOTE.exec(queued.note);
  if (match === null || queued === undefined || Number(match[2]) !== record.attempt) return null;
  return { by: match[1] ?? "", role: "slack", via: "retry", at: queued.at, fingerprint: null };
}

const SCHEMAS: Readonly<Record<number, z.ZodType<RunRecord>>> = { 1: runRecordV1Schema, 2: runRecordSchema };
export const RECORD_VERSION = 2;

function toRecord(value: unknown): DecodeResult {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return failure("malformed", "the afk run record is not a JSON object");
  }
  const version: unknown = (value as Record<string, unknown>)["v"];
  const schema = typeof version === "number" ? SCHEMAS[version] : undefined;
  if (schema === undefined && (version === undefined || typeof version === "number")) {
    return failure(
      "unknown-version",
      `the afk run record has version ${String(version)}; this afk reads versions 1 to ${RECORD_VERSION}`,
    );
  }
  const parsed = (schema ?? runRecordSchema).safeParse(value);
  if (!parsed.success) return failure("invalid", `the afk run record fails validation: ${toIssueList(parsed.error)}`);
  return { ok: true, record: parsed.data };
}

/** Read the run record from a comment body; the last marker wins. Never throws. */
export function decodeRecord(commentBody: string | null | undefined): DecodeResult {
  if (typeof commentBody !== "string") return failure("missing", "no comment body");
  const marker = toMarkerJson(commentBody);
  if (!("json" in marker)) return marker;
  const parsed = parseJson(marker.json);
  if (!("value" in parsed)) return parsed;
  return toRecord(parsed.value);
}
