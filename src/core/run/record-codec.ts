// The run record's wire form (DESIGN section 5): a hidden HTML comment at the end of
// afk's progress comment. The record is versioned and validated on read; a record that
// fails validation is reported, never guessed at (the machine escalates it as E4).

import { z } from "zod";
import { toFittedRecord } from "./record-fit.js";
import type { RunRecord } from "./run-types.js";
import { RECORD_VERSION, runRecordSchema, SCHEMAS } from "./record-schema.js";

export const RECORD_MARKER_PREFIX = "<!-- afk:run ";
export const RECORD_MARKER_SUFFIX = " -->";
/**
 * The encoded marker never exceeds this (see record-fit.ts), leaving the rest of GitHub's
 * 65,536 characters to the rendered checklist.
 */
export const RECORD_MAX_CHARS = 28_000;

const MAX_ISSUES_IN_MESSAGE = 3;

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
