// The status page's view model (issue 11): every run afk holds in memory, grouped the
// way an operator scans them — in flight, waiting for a human, queued, recently
// finished. Pure: `now` and everything else come in as arguments.

import type { Phase } from "../run/run-types.js";
import { assertNever } from "../common/assert-never.js";
import { isActive } from "../run/run-record.js";
import { toIsoTime } from "../render/render-time.js";
import { toStatusRow } from "./status-row.js";
import type { StatusGroup, StatusGroupKind, StatusInput, StatusRow, StatusView } from "./status-types.js";

/** How often the page reloads itself. */
export const STATUS_REFRESH_SECONDS = 15;
/** Finished runs shown: the most recent ones, within the window. */
export const FINISHED_SHOWN = 20;
export const FINISHED_WINDOW_MS = 7 * 24 * 60 * 60_000;

export const GROUP_ORDER: readonly StatusGroupKind[] = ["in-flight", "waiting-for-human", "queued", "finished"];

export function toGroupKind(phase: Phase): StatusGroupKind {
  if (isActive(phase)) return "in-flight";
  switch (phase) {
    case "queued":
      return "queued";
    case "escalated":
      return "waiting-for-human";
    case "shipped":
    case "cancelled":
    case "taken-over":
      return "finished";
    default:
      return assertNever(phase);
  }
}

/**
 * Waiting rows oldest first (the one waiting longest leads); finished rows latest first.
 * A row without an age comes last; ties go by repo, then issue.
 */
function compareRows(kind: StatusGroupKind): (a: StatusRow, b: StatusRow) => number {
  const latestFirst = kind === "finished";
  const key = (row: StatusRow) =>
    row.age === null ? Number.POSITIVE_INFINITY : latestFirst ? row.age.ms : -row.age.ms;
  return (a, b) => key(a) - key(b) || a.repo.localeCompare(b.repo) || a.issue - b.issue;
}

function toGroup(kind: StatusGroupKind, rows: readonly StatusRow[]): StatusGroup {
  const sorted = [...rows].sort(compareRows(kind));
  if (kind !== "finished") return { kind, rows: sorted, omitted: 0 };
  const shown = sorted.filter((row) => row.age === null || row.age.ms <= FINISHED_WINDOW_MS).slice(0, FINISHED_SHOWN);
  return { kind, rows: shown, omitted: sorted.length - shown.length };
}

export function toStatusView(input: StatusInput, now: number): StatusView {
  const byGroup: Record<StatusGroupKind, StatusRow[]> = {
    "in-flight": [],
    "waiting-for-human": [],
    queued: [],
    finished: [],
  };
  const ctx = { config: input.config, githubUrl: input.githubUrl, now };
  for (const { record, title } of input.runs) byGroup[toGroupKind(record.phase)].push(toStatusRow(record, title, ctx));
  return {
    generatedAt: toIsoTime(now),
    refreshSeconds: STATUS_REFRESH_SECONDS,
    armed: input.armed,
    groups: GROUP_ORDER.map((kind) => toGroup(kind, byGroup[kind])),
  };
}
