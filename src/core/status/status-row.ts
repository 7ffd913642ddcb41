// One row of the status page: a run record (and its issue's title, when known) in the
// words and numbers an operator reads at a glance. Text stays plain here; the HTML
// renderer escapes it, and `/status.json` serves it as it is.

import type { ActivePhase, EscalationCause, RunRecord, StageState } from "../run/run-types.js";
import { assertNever } from "../common/assert-never.js";
import { isActive, toCurrentStage } from "../run/run-record.js";
import { toBounded } from "../run/limits.js";
import { renderQueuedReason } from "../render/render-state.js";
import { toShortSha } from "../common/text.js";
import { toIsoTime } from "../render/render-time.js";
import type { StatusBudget, StatusInput, StatusLink, StatusRow } from "./status-types.js";

export interface RowContext {
  readonly config: StatusInput["config"];
  readonly githubUrl: string;
  readonly now: number;
}

const TITLE_SHOWN_CHARS = 300;
const NOTE_SHOWN_CHARS = 300;
const URL_MAX_CHARS = 2_000;
/** Plain http(s) URLs without whitespace, quotes or angle brackets: nothing else is linked. */
const HTTP_URL = /^https?:\/\/[^\s"'<>`\\]+$/i;

const ACTIVE_WORDS: Record<ActivePhase, string> = {
  dispatched: "Dispatched",
  "tests-red": "Failing test written",
  "tests-green": "Tests pass",
  pushed: "Pushed, waiting for CI",
  ci: "CI running",
  deploying: "Deploying",
  "rolling-out": "Rolling out",
};

const RED_WORDS: Record<"ci" | "deploy" | "rollout", string> = {
  ci: "CI red",
  deploy: "Deploy red",
  rollout: "Rollout red",
};

const CAUSE_WORDS: Record<EscalationCause, string> = {
  agent: "the agent stopped",
  "red-budget-spent": "red, fix-forward budget spent",
  "time-budget": "a time budget ran out",
  lost: "afk lost track of the run",
  "dispatch-rejected": "T3 refused to start the agent",
};

export function isHttpUrl(url: string): boolean {
  return url.length <= URL_MAX_CHARS && HTTP_URL.test(url);
}

function toActiveText(record: RunRecord, phase: ActivePhase): string {
  // A pushed commit's CI has not started: its stage says nothing yet.
  const stage = phase === "pushed" ? null : toCurrentStage(phase);
  const state = stage === null ? null : record.stages[stage];
  if (stage === null || state === null) return ACTIVE_WORDS[phase];
  if (state.verdict === "red") return RED_WORDS[stage];
  if (stage === "deploy" && state.verdict === "pending" && state.blockedSince !== null)
    return "Deploy waiting for approval";
  return ACTIVE_WORDS[phase];
}

export function toPhaseText(record: RunRecord): string {
  const phase = record.phase;
  if (isActive(phase)) return toActiveText(record, phase);
  switch (phase) {
    case "queued":
      return "Queued";
    case "escalated":
      return record.escalation === null ? "Escalated" : `Escalated: ${CAUSE_WORDS[record.escalation.cause]}`;
    case "shipped":
      return "Shipped";
    case "cancelled":
      return "Cancelled";
    case "taken-over":
      return "Taken over";
    default:
      return assertNever(phase);
  }
}

function toTurnWords(record: RunRecord): string | null {
  const turn = record.turn;
  if (turn === null) return null;
  const which = `turn ${turn.number}${turn.kind === "opening" ? "" : ` (${turn.kind})`}`;
  return turn.state === "working" ? `the agent is working on ${which}` : `the agent's ${which} has ended`;
}

function toStageDetail(record: RunRecord, phase: ActivePhase): string | null {
  const stage = toCurrentStage(phase);
  const detail = stage === null ? null : (record.stages[stage]?.detail ?? null);
  return detail === null || detail.trim() === "" ? null : detail.trim();
}

/** Why a queued run waits, what the current stage says, why a run stopped, or how it ended. */
export function toNote(record: RunRecord): string | null {
  const phase = record.phase;
  let note: string | null;
  if (isActive(phase)) {
    const parts = [toStageDetail(record, phase), toTurnWords(record)].filter((part) => part !== null);
    note = parts.length === 0 ? null : parts.join(" · ");
  } else if (phase === "queued") {
    const reason = record.queuedReason;
    note = reason === null ? "waiting to be dispatched" : renderQueuedReason(reason, record.repo, (text) => text);
  } else if (phase === "escalated") {
    const said = record.escalation?.agentSaid?.trim() ?? "";
    note =
      record.escalation === null ? null : `${record.escalation.reason}${said === "" ? "" : ` The agent said: ${said}`}`;
  } else {
    note = record.history.findLast((entry) => entry.phase === phase)?.note ?? null;
  }
  const trimmed = note?.replace(/\s+/g, " ").trim() ?? "";
  return trimmed === "" ? null : toBounded(trimmed, NOTE_SHOWN_CHARS);
}

/** In flight: since dispatch. Queued: since queued. Waiting: since escalated. Finished: since it ended. */
export function toSince(record: RunRecord): number | null {
  const phase = record.phase;
  if (isActive(phase)) return record.dispatchedAt;
  switch (phase) {
    case "queued":
      return record.history.findLast((entry) => entry.phase === "queued")?.at ?? null;
    case "escalated":
      return record.escalation?.at ?? record.history.at(-1)?.at ?? null;
    case "shipped":
    case "cancelled":
    case "taken-over":
      return record.endedAt;
    default:
      return assertNever(phase);
  }
}

/** Used against the limits pinned at dispatch; none before dispatch. The clock stops when the run does. */
export function toBudget(record: RunRecord, now: number): StatusBudget | null {
  if (record.legStartedAt === null || record.phase === "queued") return null;
  const stoppedAt = record.phase === "escalated" ? (record.escalation?.at ?? now) : (record.endedAt ?? now);
  const budgets = record.repoConfig.budgets;
  return {
    fixForwardsUsed: record.fixForwards,
    fixForwardsLimit: budgets.fixForwardTurns,
    timeUsedMs: Math.max(0, stoppedAt - record.legStartedAt),
    timeLimitMs: budgets.runMs,
  };
}

function toApproval(record: RunRecord): StatusRow["approval"] {
  const approval = record.approval;
  if (approval !== null) return { by: approval.by, role: approval.role, at: toIsoTime(approval.at) };
  return record.labeler === null ? null : { by: record.labeler, role: null, at: null };
}

function toStageLink(kind: StatusLink["kind"], label: string, stage: StageState | null): StatusLink[] {
  return stage?.url === null || stage?.url === undefined ? [] : [{ kind, label, url: stage.url }];
}

/** T3 thread (built as the checklist builds it), commit, CI run, pipeline, rollout: http(s) only. */
export function toLinks(record: RunRecord, ctx: RowContext): StatusLink[] {
  const repoUrl = `${ctx.githubUrl}/${record.repo}`;
  const base = ctx.config.t3.baseUrl;
  const links: StatusLink[] = [];
  if (base !== null && record.dispatchedAt !== null)
    links.push({ kind: "thread", label: "thread", url: `${base}/${encodeURIComponent(record.threadId)}` });
  if (record.sha !== null)
    links.push({
      kind: "commit",
      label: `commit ${toShortSha(record.sha)}`,
      url: `${repoUrl}/commit/${encodeURIComponent(record.sha)}`,
    });
  links.push(
    ...toStageLink("ci", "CI", record.stages.ci),
    ...toStageLink("pipeline", "pipeline", record.stages.deploy),
    ...toStageLink("rollout", "rollout", record.stages.rollout),
  );
  return links.filter((link) => isHttpUrl(link.url));
}

export function toStatusRow(record: RunRecord, title: string | null, ctx: RowContext): StatusRow {
  const since = toSince(record);
  const shownTitle = title?.replace(/\s+/g, " ").trim() ?? "";
  return {
    repo: record.repo,
    issue: record.issue,
    url: `${ctx.githubUrl}/${record.repo}/issues/${record.issue}`,
    attempt: record.attempt,
    title: shownTitle === "" ? null : toBounded(shownTitle, TITLE_SHOWN_CHARS),
    phase: record.phase,
    phaseText: toPhaseText(record),
    note: toNote(record),
    age: since === null ? null : { since: toIsoTime(since), ms: Math.max(0, ctx.now - since) },
    approval: toApproval(record),
    budget: toBudget(record, ctx.now),
    links: toLinks(record, ctx),
  };
}
