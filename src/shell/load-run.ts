// Reads an issue's progress comment: the newest comment written by afk's own GitHub App
// that carries the run marker, and the markers of the notices afk posted there. Anyone
// can paste a marker into a comment; only the app's own comments count.

import type { IssueTracker } from "../ports/issue-tracker.js";
import type { Result } from "../ports/result.js";
import { decodeRecord, isAfkComment, type RecordError } from "../core/run/record-codec.js";
import type { RunRecord } from "../core/run/run-types.js";

export type LoadedRun =
  | { readonly kind: "none"; readonly notices: ReadonlySet<string> }
  | {
      readonly kind: "found";
      readonly record: RunRecord;
      readonly commentId: number;
      readonly notices: ReadonlySet<string>;
    }
  | {
      readonly kind: "unreadable";
      readonly error: RecordError;
      readonly commentId: number;
      readonly notices: ReadonlySet<string>;
    };

const NOTICE_MARKER = /<!-- afk:notice [^>]*-->/g;

export async function loadRun(
  github: IssueTracker,
  repo: string,
  issue: number,
  appId: number,
): Promise<Result<LoadedRun>> {
  const comments = await github.listComments(repo, issue);
  if (!comments.ok) return comments;
  const own = comments.value.filter((comment) => comment.appId === appId);
  const notices = new Set(own.flatMap((comment) => comment.body.match(NOTICE_MARKER) ?? []));
  const latest = own.filter((comment) => isAfkComment(comment.body)).at(-1);
  if (latest === undefined) return { ok: true, value: { kind: "none", notices } };
  const decoded = decodeRecord(latest.body);
  if (!decoded.ok)
    return { ok: true, value: { kind: "unreadable", error: decoded.error, commentId: latest.id, notices } };
  return { ok: true, value: { kind: "found", record: decoded.record, commentId: latest.id, notices } };
}
