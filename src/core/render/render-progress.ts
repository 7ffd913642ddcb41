// afk's progress comment (DESIGN section 5): the human checklist, then the run record
// as a hidden marker at the very end. A pure view of the record at `now`.

import type { RunRecord, StageState } from "../run/run-types.js";
import type { Budgets } from "../config/config-types.js";
import { encodeRecord } from "../run/record-codec.js";
import { renderChecklist } from "./render-checklist.js";
import { escapeMarkdown } from "./render-markdown.js";
import { renderIncidents } from "./render-incidents.js";
import { renderStateBlock } from "./render-state.js";
import { renderApprovalLine } from "./render-refusal.js";
import { toDuration, toIsoTime } from "./render-time.js";
import type { RenderContext } from "./render-context.js";

/** History entries and resumptions shown; the record holds more. */
const HISTORY_SHOWN = 8;
const RESUMPTIONS_SHOWN = 5;
const NOTE_SHOWN_CHARS = 250;
const LOGIN_SHOWN_CHARS = 120;

/** When the clocks stopped: the end, the escalation, or now. */
function toClockEnd(record: RunRecord, now: number): number {
  if (record.endedAt !== null) return record.endedAt;
  if (record.phase === "escalated" && record.escalation !== null) return record.escalation.at;
  return now;
}

/** The stage the run waits on now, with its timeout. */
function toWaiting(record: RunRecord, budgets: Budgets): { name: string; stage: StageState; limitMs: number } | null {
  const { ci, deploy, rollout } = record.stages;
  if ((record.phase === "pushed" || record.phase === "ci") && ci?.verdict === "pending") {
    return ci.seenAny
      ? { name: "CI", stage: ci, limitMs: budgets.ciMs }
      : { name: "first CI check", stage: ci, limitMs: budgets.ciNoChecksMs };
  }
  if (record.phase === "deploying" && deploy?.verdict === "pending") {
    return deploy.blockedSince === null
      ? { name: "deploy", stage: deploy, limitMs: budgets.deployMs }
      : { name: "deploy approval", stage: { ...deploy, since: deploy.blockedSince }, limitMs: budgets.deployBlockedMs };
  }
  if (record.phase === "rolling-out" && rollout?.verdict === "pending")
    return { name: "rollout", stage: rollout, limitMs: budgets.rolloutMs };
  return null;
}

function renderBudget(record: RunRecord, now: number): string {
  if (record.dispatchedAt === null) return "";
  const budgets = record.repoConfig.budgets;
  const end = toClockEnd(record, now);
  const leg = record.legStartedAt ?? record.dispatchedAt;
  const parts = [`fix-forwards ${record.fixForwards} of ${budgets.fixForwardTurns}`, `turns ${record.turns}`];
  const run = `run time ${toDuration(end - leg)} of ${toDuration(budgets.runMs)}`;
  parts.push(
    leg === record.dispatchedAt
      ? run
      : `${run} since the last resumption (${toDuration(end - record.dispatchedAt)} since dispatch)`,
  );
  const waiting = toWaiting(record, budgets);
  if (waiting !== null)
    parts.push(`${waiting.name} waited ${toDuration(now - waiting.stage.since)} of ${toDuration(waiting.limitMs)}`);
  return `**Budget:** ${parts.join(" · ")}`;
}

function renderResumptions(record: RunRecord): string {
  if (record.resumptions.length === 0) return "";
  const lines = record.resumptions
    .slice(-RESUMPTIONS_SHOWN)
    .map(
      (r) =>
        `- by ${escapeMarkdown(r.by, LOGIN_SHOWN_CHARS)} via ${r.via === "slack" ? "Slack" : "GitHub"} at ${toIsoTime(r.at)}`,
    );
  return ["**Resumed by a human:**", ...lines].join("\n");
}

function renderHistory(record: RunRecord): string {
  const { history } = record;
  if (history.length === 0) return "";
  const shown = history.slice(-HISTORY_SHOWN);
  const count = shown.length === history.length ? `${history.length}` : `last ${shown.length} of ${history.length}`;
  const lines = shown.map((h) => {
    const text = escapeMarkdown(h.note, NOTE_SHOWN_CHARS).trim();
    const note = text === "" ? "" : ` — ${text}`;
    return `- \`${toIsoTime(h.at)}\` **${h.phase}**${note}`;
  });
  return [`<details><summary>History (${count})</summary>`, "", ...lines, "", "</details>"].join("\n");
}

export function renderProgressComment(record: RunRecord, now: number, ctx: RenderContext): string {
  const sections = [
    `### afk · run for #${record.issue} (attempt ${record.attempt})`,
    renderStateBlock(record, ctx),
    record.approval === null ? "" : renderApprovalLine(record.approval, escapeMarkdown),
    renderChecklist(record, ctx),
    renderIncidents(record),
    renderBudget(record, now),
    renderResumptions(record),
    renderHistory(record),
    encodeRecord(record),
  ];
  return sections.filter((section) => section !== "").join("\n\n");
}
