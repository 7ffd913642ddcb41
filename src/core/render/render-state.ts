// The one bold line that says where a run stands, and for an escalated run what a
// human can do about it.

import type { ActivePhase, EscalationCause, QueuedReason, RunRecord, Turn } from "../run/run-types.js";
import type { RepoName } from "../common/github-types.js";
import { assertNever } from "../common/assert-never.js";
import { escapeMarkdown, toCode, toQuote } from "./render-markdown.js";
import { toShortSha } from "../common/text.js";
import type { RenderContext } from "./render-context.js";
import { renderRefusal } from "./render-refusal.js";
import { toBounded } from "../run/limits.js";
import { BLOCKERS_READ_MAX } from "../dispatch/to-blockers.js";

/** Blockers named one by one before the rest are counted. */
const BLOCKERS_SHOWN = 5;
/** What the comment quotes of the agent's last words; the doorbell and T3 have them whole. */
const AGENT_SAID_SHOWN_CHARS = 1_500;
const REASON_SHOWN_CHARS = 600;
const NOTE_SHOWN_CHARS = 250;

/** `A`, `A and B`, `A, B and C`. */
function toList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items.at(-1) ?? ""}`;
}

/** Issue refs, each repo named once: `acme/widgets#3 and #4`. */
function toRefList(
  refs: readonly { readonly repo: RepoName; readonly number: number }[],
  repo: RepoName | null,
  escape: (text: string) => string,
): string {
  let previous = repo;
  const shown = refs.slice(0, BLOCKERS_SHOWN).map((ref) => {
    const text = ref.repo === previous ? `#${ref.number}` : `${escape(ref.repo)}#${ref.number}`;
    previous = ref.repo;
    return text;
  });
  const rest = refs.length - shown.length;
  return toList(rest > 0 ? [...shown, `${rest} more`] : shown);
}

/**
 * Why a ready issue waits, in words; `repo` (the issue's own) shortens refs into it.
 * Repo names go through `escape`: markdown for the issue, none for plain-text views
 * (the status page escapes for HTML itself).
 */
function renderBlocked(
  reason: Extract<QueuedReason, { kind: "blocked" }>,
  repo: RepoName | null,
  escape: (text: string) => string,
): string {
  const parts = [
    reason.by.length === 0
      ? "waiting: blocked by another issue"
      : `waiting: blocked by ${toRefList(reason.by, repo, escape)}`,
  ];
  if (reason.unreadable.length > 0)
    parts.push(
      `afk cannot read ${toRefList(reason.unreadable, repo, escape)} (deleted, or no access), so it counts as open`,
    );
  if (reason.notRead > 0)
    parts.push(
      `${reason.notRead} more ${reason.notRead === 1 ? "reference" : "references"} in the body left unread: afk reads the first ${BLOCKERS_READ_MAX} blockers of an issue and counts the rest as open`,
    );
  return parts.join("; ");
}

export function renderQueuedReason(
  reason: QueuedReason,
  repo: RepoName | null = null,
  escape: (text: string) => string = escapeMarkdown,
): string {
  switch (reason.kind) {
    case "blocked":
      return renderBlocked(reason, repo, escape);
    case "repo-busy":
      return `waiting: ${repo === null ? "the repo" : escape(repo)} is busy with #${reason.with} (one agent per repo)`;
    case "cap-reached":
      return `waiting: ${reason.cap} ${reason.cap === 1 ? "run is" : "runs are"} already in flight (the cap)`;
    case "labeler-untrusted":
    case "label-stale":
    case "edited-after-approval":
    case "repo-config-invalid":
      return renderRefusal(reason, escape);
    default:
      return assertNever(reason);
  }
}

const PHASE_WORDS: Record<ActivePhase, string> = {
  dispatched: "the agent has the task",
  "tests-red": "the agent wrote a failing test",
  "tests-green": "the agent's tests pass",
  pushed: "the commit is pushed; waiting for CI",
  ci: "CI is running",
  deploying: "deploying",
  "rolling-out": "rolling out",
};

function toTurnWords(turn: Turn | null): string {
  if (turn === null) return "";
  const which = `turn ${turn.number}${turn.kind === "opening" ? "" : ` (${turn.kind})`}`;
  return turn.state === "working"
    ? ` The agent is working on ${which}.`
    : ` The agent's ${which} has ended; afk is following the build.`;
}

function toWorkingLine(record: RunRecord, phase: ActivePhase): string {
  const stage =
    phase === "ci"
      ? record.stages.ci
      : phase === "deploying"
        ? record.stages.deploy
        : phase === "rolling-out"
          ? record.stages.rollout
          : null;
  const words = stage?.verdict === "red" ? `${PHASE_WORDS[phase]}, and it is red` : PHASE_WORDS[phase];
  return `**Working — ${words}.${toTurnWords(record.turn)}**`;
}

const CAUSE_WORDS: Record<EscalationCause, string> = {
  agent: "the agent stopped",
  "red-budget-spent": "red, and the fix-forward budget is spent",
  "time-budget": "a time budget ran out",
  lost: "afk lost track of the run",
};

function toHumanOptions(record: RunRecord, ctx: RenderContext): string[] {
  const ready = toCode(ctx.config.labels.ready);
  const human = toCode(ctx.config.labels.human);
  const lost = record.escalation?.cause === "lost";
  const carryOn = lost ? "afk starts a fresh attempt" : "the same agent reads it and carries on";
  const slack =
    ctx.config.slack === null
      ? "- No Slack doorbell is configured for afk, so the answer goes here on GitHub."
      : `- **Answer in Slack:** reply in the doorbell thread; ${carryOn}.`;
  return [
    "**What a human can do:**",
    slack,
    `- **Answer on GitHub:** comment your answer on this issue, then apply the ${ready} label again; ${carryOn}.`,
    `- **Take over:** remove the ${human} and ${ready} labels${ctx.config.slack === null ? "" : " (or press *Take over* on the doorbell)"}; afk leaves the issue to you.`,
  ];
}

function toEscalatedBlock(record: RunRecord, ctx: RenderContext): string {
  const escalation = record.escalation;
  const reasonText = escalation === null ? "" : escapeMarkdown(escalation.reason, REASON_SHOWN_CHARS).trim();
  const reason = reasonText === "" ? "" : ` ${reasonText}`;
  const cause = escalation === null ? "" : ` (${CAUSE_WORDS[escalation.cause]})`;
  const lines = [`**Escalated — waiting for a human${cause}.${reason}**`];
  const said = escalation?.agentSaid ?? "";
  // Control characters alone say nothing: no quote for them.
  if (said.replace(/\p{Cc}/gu, "").trim() !== "")
    lines.push("", "The agent said:", "", toQuote(toBounded(said.trim(), AGENT_SAID_SHOWN_CHARS)));
  lines.push("", ...toHumanOptions(record, ctx));
  return lines.join("\n");
}

/** The note afk wrote when the run ended, if history still holds it. */
function toEndNote(record: RunRecord): string {
  const entry = record.history.findLast((h) => h.phase === record.phase);
  const note = escapeMarkdown(entry?.note ?? "", NOTE_SHOWN_CHARS).trim();
  return note === "" ? "" : ` ${note}`;
}

export function renderStateBlock(record: RunRecord, ctx: RenderContext): string {
  const phase = record.phase;
  switch (phase) {
    case "queued":
      return `**Queued — ${record.queuedReason === null ? "waiting to be dispatched" : renderQueuedReason(record.queuedReason, record.repo)}.**`;
    case "escalated":
      return toEscalatedBlock(record, ctx);
    case "shipped":
      return `**Shipped — ${record.sha === null ? "the change" : `commit ${toCode(toShortSha(record.sha))}`} is live.**`;
    case "cancelled":
      return `**Cancelled — the agent was stopped and the run ended.${toEndNote(record)}**`;
    case "taken-over":
      return `**Taken over — a human has this issue now; afk will not act on this run again.${toEndNote(record)}**`;
    case "dispatched":
    case "tests-red":
    case "tests-green":
    case "pushed":
    case "ci":
    case "deploying":
    case "rolling-out":
      return toWorkingLine(record, phase);
    default:
      return assertNever(phase);
  }
}
