// Reads an issue's progress comment: the newest comment written by afk's own GitHub App
// that carries the run marker. Anyone can paste a marker into a comment; only the
// app's own comments count.

import type { IssueTracker } from "../ports/issue-tracker.js";
import type { Result } from "../ports/result.js";
import { decodeRecord, isAfkComment, type RecordError } from "../core/run/record-codec.js";
import type { RunRecord } from "../core/run/run-types.js";

export type LoadedRun =
  | { readonly kind: "none" }
  | { readonly kind: "found"; readonly record: RunRecord; readonly commentId: number }
  | { readonly kind: "unreadable"; readonly error: RecordError; readonly commentId: number };

export async function loadRun(
  github: IssueTracker,
  repo: string,
  issue: number,
  appId: number,
): Promise<Result<LoadedRun>> {
  const comments = await github.listComments(repo, issue);
  if (!comments.ok) return comments;
  const ours = comments.value.filter((comment) => comment.appId === appId && isAfkComment(comment.body));
  const latest = ours.at(-1);
  if (latest === undefined) return { ok: true, value: { kind: "none" } };
  const decoded = decodeRecord(latest.body);
  if (!decoded.ok) return { ok: true, value: { kind: "unreadable", error: decoded.error, commentId: latest.id } };
  return { ok: true, value: { kind: "found", record: decoded.record, commentId: latest.id } };
}
