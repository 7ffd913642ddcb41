// The checklist of the progress comment: one line per phase of DESIGN section 2, in
// order, each ticked once the run got there, with the evidence afk has for it.

import type { CheckFailure, Phase, RunRecord, StageState } from "../run/run-types.js";
import { assertNever } from "../common/assert-never.js";
import { escapeMarkdown, toCode, toLink } from "./render-markdown.js";
import type { RenderContext } from "./render-context.js";
import { toShortSha } from "../common/text.js";

export const CHECKLIST_PHASES = [
  "dispatched",
  "tests-red",
  "tests-green",
  "pushed",
  "ci",
  "deploying",
  "rolling-out",
  "shipped",
] as const;
type ChecklistPhase = (typeof CHECKLIST_PHASES)[number];

const LABELS: Record<ChecklistPhase, string> = {
  dispatched: "Dispatched",
  "tests-red": "Failing test written",
  "tests-green": "Tests pass",
  pushed: "Pushed",
  ci: "CI green",
  deploying: "Deployed",
  "rolling-out": "Rolled out",
  shipped: "Shipped",
};

// What the checklist shows of a red stage; the full text is in the record and the links.
const FAILURES_SHOWN = 3;
const NAME_SHOWN_CHARS = 100;
const CONCLUSION_SHOWN_CHARS = 40;
const SUMMARY_SHOWN_CHARS = 120;
const DETAIL_SHOWN_CHARS = 300;

function rankOf(phase: Phase): number {
  return (CHECKLIST_PHASES as readonly Phase[]).indexOf(phase);
}

/** The furthest checklist phase this run reached; -1 before dispatch. */
export function toReachedRank(record: RunRecord): number {
  const status = record.agentStatus?.kind;
  const reported = status === "tests-green" ? rankOf("tests-green") : status === "tests-red" ? rankOf("tests-red") : -1;
  const byPhase = toPhaseRank(record);
  // Evidence counts too: a commit afk saw was pushed, whatever phase the run rests in.
  return byPhase < 0 ? byPhase : Math.max(byPhase, reported, toEvidenceRank(record));
}

function toPhaseRank(record: RunRecord): number {
  switch (record.phase) {
    case "queued":
      return -1;
    case "escalated":
      // Escalated before its dispatch (T3 refused the thread): nothing was reached.
      return record.escalation === null || record.dispatchedAt === null
        ? toEvidenceRank(record)
        : rankOf(record.escalation.resumeTo);
    case "cancelled":
    case "taken-over": {
      // The record keeps no "phase left"; the latest checklist phase in history is it.
      const last = record.history
        .map((entry) => rankOf(entry.phase))
        .filter((rank) => rank >= 0)
        .at(-1);
      return last ?? toEvidenceRank(record);
    }
    case "dispatched":
    case "tests-red":
    case "tests-green":
    case "pushed":
    case "ci":
    case "deploying":
    case "rolling-out":
    case "shipped":
      return rankOf(record.phase);
    default:
      return assertNever(record.phase);
  }
}

function toEvidenceRank(record: RunRecord): number {
  if (record.sha !== null) return rankOf("pushed");
  return record.dispatchedAt === null ? -1 : rankOf("dispatched");
}

function toThreadEvidence(record: RunRecord, ctx: RenderContext): string {
  const base = ctx.config.t3.baseUrl;
  const id = toCode(record.threadId);
  return `thread ${base === null ? id : toLink(id, `${base}/${encodeURIComponent(record.threadId)}`)}`;
}

function toCommitEvidence(record: RunRecord, ctx: RenderContext): string {
  if (record.sha === null) return "";
  const url = `${ctx.githubUrl}/${record.repo}/commit/${encodeURIComponent(record.sha)}`;
  return `commit ${toLink(toCode(toShortSha(record.sha)), url)}`;
}

function toFailureLine(failure: CheckFailure): string {
  const name = toLink(escapeMarkdown(failure.name, NAME_SHOWN_CHARS), failure.url);
  const firstLine = failure.summary?.trim().split("\n")[0]?.trim() ?? "";
  const summary = firstLine === "" ? "" : ` — ${escapeMarkdown(firstLine, SUMMARY_SHOWN_CHARS)}`;
  return `  - ${name}: ${escapeMarkdown(failure.conclusion, CONCLUSION_SHOWN_CHARS)}${summary}`;
}

function toFailureLines(failures: readonly CheckFailure[]): string[] {
  const lines = failures.slice(0, FAILURES_SHOWN).map(toFailureLine);
  const more = failures.length - FAILURES_SHOWN;
  return more > 0 ? [...lines, `  - and ${more} more failing ${more === 1 ? "check" : "checks"}`] : lines;
}

function toVerdictWords(stage: StageState, pendingWords: string): string {
  switch (stage.verdict) {
    case "pending":
      return stage.blockedSince === null ? `⏳ ${pendingWords}` : "⏸️ waiting for approval in Woodpecker";
    case "green":
      return "✅ green";
    case "red":
      return "❌ red";
    case "skipped":
      return "skipped";
    default:
      return assertNever(stage.verdict);
  }
}

function toStageEvidence(stage: StageState | null, linkLabel: string, pendingWords: string): string {
  if (stage === null) return "";
  const parts = [toVerdictWords(stage, pendingWords)];
  if (stage.url !== null) parts.push(toLink(linkLabel, stage.url));
  if (stage.detail !== null && stage.detail.trim() !== "")
    parts.push(escapeMarkdown(stage.detail.trim(), DETAIL_SHOWN_CHARS));
  return parts.join(" · ");
}

function toEvidence(phase: ChecklistPhase, record: RunRecord, ctx: RenderContext): string {
  const { ci, deploy, rollout } = record.stages;
  switch (phase) {
    case "dispatched":
      return record.dispatchedAt === null ? "" : toThreadEvidence(record, ctx);
    case "tests-red":
    case "tests-green":
      return "";
    case "pushed":
      return toCommitEvidence(record, ctx);
    case "ci":
      return toStageEvidence(ci, "checks", ci?.seenAny === false ? "waiting for the first check" : "running");
    case "deploying":
      if (deploy === null && record.repoConfig.woodpeckerRepo === null) return "skipped (not configured)";
      return toStageEvidence(
        deploy,
        "pipeline",
        ctx.config.woodpecker === null ? "running (afk has no Woodpecker server configured)" : "running",
      );
    case "rolling-out":
      if (rollout === null && record.repoConfig.rollout === null) return "skipped (not configured)";
      return toStageEvidence(rollout, "rollout", "in progress");
    case "shipped":
      return record.phase === "shipped" && record.sha !== null ? `${toCode(toShortSha(record.sha))} is live` : "";
    default:
      return assertNever(phase);
  }
}

const STAGE_OF: Partial<Record<ChecklistPhase, "ci" | "deploy" | "rollout">> = {
  ci: "ci",
  deploying: "deploy",
  "rolling-out": "rollout",
};

function isTicked(phase: ChecklistPhase, record: RunRecord, reached: number): boolean {
  if (phase === "shipped") return record.phase === "shipped";
  const stage = STAGE_OF[phase];
  // A stage is done once the run moved past it; reaching it only means it is running.
  if (stage !== undefined) return reached > rankOf(phase) || record.stages[stage]?.verdict === "green";
  return reached >= rankOf(phase);
}

export function renderChecklist(record: RunRecord, ctx: RenderContext): string {
  const reached = toReachedRank(record);
  const lines: string[] = [];
  for (const phase of CHECKLIST_PHASES) {
    const evidence = toEvidence(phase, record, ctx);
    lines.push(
      `- [${isTicked(phase, record, reached) ? "x" : " "}] ${LABELS[phase]}${evidence === "" ? "" : ` — ${evidence}`}`,
    );
    const stage = STAGE_OF[phase];
    const state = stage === undefined ? null : record.stages[stage];
    if (state?.verdict === "red") lines.push(...toFailureLines(state.failures));
  }
  return lines.join("\n");
}
