// The status page (`GET /status`): the view model as one HTML document that reloads
// itself, needs no script and no outside asset, and turns its tables into cards on a
// phone. Everything from outside (titles, logins, notes, URLs) is escaped here.

import type { StatusBudget, StatusGroup, StatusGroupKind, StatusRow, StatusView } from "./status-types.js";
import { assertNever } from "../common/assert-never.js";
import { toDuration } from "../render/render-time.js";
import { escapeHtml, renderDocument, toAnchor } from "./render-html.js";

/** A budget this far used is shown as nearly spent. */
const NEAR_SPENT = 0.8;

const HEADINGS: Record<StatusGroupKind, { readonly heading: string; readonly empty: string }> = {
  "in-flight": { heading: "In flight", empty: "No run in flight." },
  "waiting-for-human": { heading: "Waiting for a human", empty: "No run waits for a human." },
  queued: { heading: "Queued", empty: "Nothing queued." },
  finished: { heading: "Recently finished", empty: "No run finished recently." },
};

/** Each column's label and class (its width on a wide screen, its card line on a phone). */
const COLUMNS = [
  ["Issue", "issue"],
  ["Phase", "phase-col"],
  ["Age", "age"],
  ["Approved by", "approval"],
  ["Budget", "budget"],
  ["Links", "links"],
] as const;
type Column = (typeof COLUMNS)[number][1];

/** One cell: the label for the phone's card layout, and one wrapper so the card's grid has two items. */
function toCell(column: Column, html: string): string {
  const label = COLUMNS.find(([, key]) => key === column)?.[0] ?? "";
  return `<td class="${column}" data-label="${label}"><div class="cell">${html}</div></td>`;
}

function toAgeHeading(kind: StatusGroupKind): string {
  switch (kind) {
    case "in-flight":
      return "since dispatch";
    case "waiting-for-human":
      return "since escalated";
    case "queued":
      return "since queued";
    case "finished":
      return "since it ended";
    default:
      return assertNever(kind);
  }
}

/** `4 h 00 min` kept on one line (no-break spaces): a cell may wrap between durations, never inside one. */
function toSpan(ms: number): string {
  return toDuration(ms).replace(/ /g, "\u00a0");
}

function toUse(used: number, limit: number): string {
  if (used > limit) return "spent";
  return limit > 0 && used / limit >= NEAR_SPENT ? "near" : "ok";
}

function renderBudget(budget: StatusBudget | null): string {
  if (budget === null) return '<span class="muted">—</span>';
  const fix = toUse(budget.fixForwardsUsed, budget.fixForwardsLimit);
  const time = toUse(budget.timeUsedMs, budget.timeLimitMs);
  return [
    `<span class="${fix}">fix-forward ${budget.fixForwardsUsed} / ${budget.fixForwardsLimit}</span>`,
    `<span class="${time}">time ${toSpan(budget.timeUsedMs)} / ${toSpan(budget.timeLimitMs)}</span>`,
  ].join("");
}

function renderApproval(approval: StatusRow["approval"]): string {
  if (approval === null) return '<span class="muted">unknown</span>';
  const role = approval.role === null ? "" : ` <span class="muted">(${escapeHtml(approval.role)})</span>`;
  const at = approval.at === null ? "" : `<span class="note when">${escapeHtml(approval.at)}</span>`;
  return `${escapeHtml(approval.by)}${role}${at}`;
}

function renderAge(row: StatusRow, kind: StatusGroupKind): string {
  if (row.age === null) return '<span class="muted">—</span>';
  const since = escapeHtml(row.age.since);
  return `<time datetime="${since}" title="${escapeHtml(toAgeHeading(kind))}: ${since}">${toSpan(row.age.ms)}</time>`;
}

function toPhaseClass(row: StatusRow): string {
  if (row.phase === "shipped") return "phase shipped";
  return / red$/.test(row.phaseText) ? "phase red" : "phase";
}

function renderRow(row: StatusRow, kind: StatusGroupKind): string {
  const ref = `${row.repo}#${row.issue}`;
  const title =
    row.title === null
      ? '<span class="title muted">(title not read yet)</span>'
      : `<span class="title">${escapeHtml(row.title)}</span>`;
  const attempt = row.attempt > 1 ? ` <span class="muted">attempt ${row.attempt}</span>` : "";
  const note = row.note === null ? "" : `<span class="note">${escapeHtml(row.note)}</span>`;
  const links = row.links.map((link) => toAnchor(link.label, link.url)).join(" ");
  const cells = [
    toCell("issue", `${toAnchor(ref, row.url, "ref")}${title}`),
    toCell("phase-col", `<span class="${toPhaseClass(row)}">${escapeHtml(row.phaseText)}</span>${attempt}${note}`),
    toCell("age", renderAge(row, kind)),
    toCell("approval", renderApproval(row.approval)),
    toCell("budget", renderBudget(row.budget)),
    toCell("links", links === "" ? '<span class="muted">—</span>' : links),
  ];
  return `<tr data-issue="${escapeHtml(ref)}" data-phase="${escapeHtml(row.phase)}">\n${cells.join("\n")}\n</tr>`;
}

function renderGroup(group: StatusGroup): string {
  const { heading, empty } = HEADINGS[group.kind];
  const id = `group-${group.kind}`;
  const lines = [
    `<section class="${group.kind}" aria-labelledby="${id}">`,
    `<h2 id="${id}">${heading} <span class="count">${group.rows.length}</span></h2>`,
  ];
  if (group.rows.length === 0) lines.push(`<p class="empty">${empty}</p>`);
  else {
    const head = COLUMNS.map(([label, key]) => `<th class="${key}" scope="col">${label}</th>`).join("");
    lines.push(`<table>`, `<thead><tr>${head}</tr></thead>`, "<tbody>");
    lines.push(...group.rows.map((row) => renderRow(row, group.kind)), "</tbody>", "</table>");
  }
  if (group.omitted > 0)
    lines.push(
      `<p class="muted">${group.omitted} older finished ${group.omitted === 1 ? "run" : "runs"} not shown.</p>`,
    );
  lines.push("</section>");
  return lines.join("\n");
}

function renderSummary(view: StatusView): string {
  return view.groups.map((group) => `${group.rows.length} ${HEADINGS[group.kind].heading.toLowerCase()}`).join(" · ");
}

export function renderStatusPage(view: StatusView): string {
  const generated = escapeHtml(view.generatedAt);
  const banner = view.armed
    ? ""
    : '<p class="banner">afk is disarmed: the kill switch is on or no repository is enrolled, so it starts no run.</p>\n';
  const body = [
    "<header>",
    "<h1>afk status</h1>",
    `<p class="meta">${renderSummary(view)}</p>`,
    `${banner}</header>`,
    "<main>",
    ...view.groups.map(renderGroup),
    "</main>",
    `<footer class="muted">As of <time datetime="${generated}">${generated}</time>; this page reloads every ${view.refreshSeconds} s.</footer>`,
  ].join("\n");
  return renderDocument({ title: "afk status", refreshSeconds: view.refreshSeconds, body });
}
