// The Slack doorbell (DESIGN section 8): one Block Kit message per escalated run, plus
// the short lines afk posts around it. Pure: the shell posts what this returns.
//
// Every piece of text afk did not write (titles, reasons, the agent's words, notes) is
// escaped by Slack's rules (https://docs.slack.dev/messaging/formatting-message-text#escaping):
// only `&`, `<` and `>`. That is enough to stop links, mentions (`<!channel>`, `<@U1>`)
// and broadcasts from forming; emphasis such as `*bold*` may still render, which is
// cosmetic.

import { toBounded } from "../run/limits.js";
import { ACTIVE_PHASES, type EscalationCause, type RunRecord } from "../run/run-types.js";
import { assertNever } from "../common/assert-never.js";
import { toShortSha } from "../common/text.js";

export const DOORBELL_EVENT_TYPE = "afk_doorbell";
export const TAKE_OVER_ACTION_ID = "afk_take_over";
export const RETRY_ACTION_ID = "afk_retry";
/** The agent's words shown in the doorbell, before escaping. */
export const DOORBELL_QUOTE_MAX_CHARS = 600;
/** Slack caps a section's text at 3,000 characters; escaping can grow text fivefold. */
const SECTION_MAX_CHARS = 2_900;
/** 600 characters grow to at most 1,600 escaped, plus one `>` per line: within a section. */
const QUOTE_ESCAPED_MAX_CHARS = 1_600;
const FALLBACK_MAX_CHARS = 300;
const TITLE_MAX_CHARS = 200;

export interface DoorbellContext {
  readonly githubUrl: string;
  readonly t3BaseUrl: string | null;
  readonly issueTitle: string | null;
  /** What became of the run, e.g. "Taken over by @x", "Shipped". */
  readonly note: string | null;
}

export interface DoorbellMetadata {
  readonly event_type: typeof DOORBELL_EVENT_TYPE;
  readonly event_payload: {
    readonly repo: string;
    readonly issue: number;
    readonly attempt: number;
    readonly installation_id: number;
  };
}

export interface Doorbell {
  /** The notification and fallback text: one line. */
  readonly text: string;
  readonly blocks: unknown[];
  readonly metadata: DoorbellMetadata;
}

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/** Text for mrkdwn, cut (whole escapes only) so that hostile text cannot outgrow a block. */
export function escapeSlack(text: string, maxChars = Number.POSITIVE_INFINITY): string {
  const pieces = [...text].map((ch) => ENTITIES[ch] ?? ch);
  const out = pieces.join("");
  if (out.length <= maxChars) return out;
  let cut = "";
  for (const piece of pieces) {
    if (cut.length + piece.length > maxChars - 1) break;
    cut += piece;
  }
  return `${cut}…`;
}

function toOneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029\s]+/gu, " ").trim();
}

/** A mrkdwn link when the target is a plain http(s) URL, else the label alone. */
export function toSlackLink(label: string, url: string | null): string {
  if (url === null || url.length > 2_000 || !/^https?:\/\/[^\s<>|]+$/.test(url)) return label;
  return `<${url.replace(/&/g, "&amp;")}|${label}>`;
}

function issueUrl(record: RunRecord, githubUrl: string): string {
  return `${githubUrl}/${record.repo}/issues/${record.issue}`;
}

function toCauseWords(cause: EscalationCause): string {
  switch (cause) {
    case "agent":
      return "The agent needs a human";
    case "red-budget-spent":
      return "Still red after the fix-forward budget";
    case "time-budget":
      return "Out of time";
    case "lost":
      return "afk lost track of the run";
    case "dispatch-rejected":
      return "T3 refused to start the agent";
    default:
      return assertNever(cause);
  }
}

function section(text: string): unknown {
  return { type: "section", text: { type: "mrkdwn", text } };
}

function renderHeading(record: RunRecord, ctx: DoorbellContext): string {
  const repo = toSlackLink(escapeSlack(record.repo), `${ctx.githubUrl}/${record.repo}`);
  const issue = toSlackLink(`#${record.issue}`, issueUrl(record, ctx.githubUrl));
  const title =
    ctx.issueTitle === null ? "" : `: ${escapeSlack(toBounded(toOneLine(ctx.issueTitle), TITLE_MAX_CHARS))}`;
  return `:bell: *${repo}${issue}*${title}`;
}

/**
 * The agent's words as a quote, line by line. Blank lines stay quoted so the quote is
 * not broken. The escaped text is capped so that, with one `>` per line, hostile text
 * still fits a section.
 */
function renderQuote(said: string): string {
  const clean = said
    .replace(/\r\n?/g, "\n")
    .replace(/[^\P{Cc}\n\t]/gu, " ")
    .trim();
  const escaped = escapeSlack(toBounded(clean, DOORBELL_QUOTE_MAX_CHARS), QUOTE_ESCAPED_MAX_CHARS);
  return escaped
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n");
}

function renderLinks(record: RunRecord, ctx: DoorbellContext): string | null {
  const links: string[] = [];
  // A thread T3 refused to start has nothing to show.
  if (ctx.t3BaseUrl !== null && record.escalation?.cause !== "dispatch-rejected")
    links.push(toSlackLink("T3 thread", `${ctx.t3BaseUrl}/${encodeURIComponent(record.threadId)}`));
  if (record.sha !== null) {
    const sha = escapeSlack(toShortSha(record.sha));
    links.push(
      toSlackLink(`commit ${sha}`, `${ctx.githubUrl}/${record.repo}/commit/${encodeURIComponent(record.sha)}`),
    );
  }
  const ci = record.stages.ci?.url ?? null;
  if (ci !== null) links.push(toSlackLink("CI run", ci));
  const deploy = record.stages.deploy?.url ?? null;
  if (deploy !== null) links.push(toSlackLink("pipeline", deploy));
  return links.length === 0 ? null : links.join(" · ");
}

/** Buttons only while the run can still be taken over or retried: escalated, or running. */
function isLive(record: RunRecord): boolean {
  return record.phase === "escalated" || (ACTIVE_PHASES as readonly string[]).includes(record.phase);
}

function toButtonValue(record: RunRecord): string {
  return `${record.repo}#${record.issue}/${record.attempt}`;
}

function renderActions(record: RunRecord): unknown {
  const value = toButtonValue(record);
  const button = (actionId: string, text: string) => ({
    type: "button",
    action_id: actionId,
    text: { type: "plain_text", text },
    value,
  });
  return {
    type: "actions",
    block_id: "afk_doorbell_actions",
    elements: [button(TAKE_OVER_ACTION_ID, "Take over"), button(RETRY_ACTION_ID, "Retry from scratch")],
  };
}

function renderFallback(record: RunRecord, ctx: DoorbellContext): string {
  const title = ctx.issueTitle === null ? "" : `: ${ctx.issueTitle}`;
  const what = ctx.note ?? record.escalation?.reason ?? "afk needs a human";
  return escapeSlack(toOneLine(`${record.repo}#${record.issue}${title} — ${what}`), FALLBACK_MAX_CHARS);
}

export function renderDoorbell(record: RunRecord, ctx: DoorbellContext): Doorbell {
  const blocks: unknown[] = [section(renderHeading(record, ctx))];
  const { escalation } = record;
  if (escalation !== null) {
    blocks.push(
      section(
        `*${toCauseWords(escalation.cause)}.* ${escapeSlack(toOneLine(escalation.reason), SECTION_MAX_CHARS - 60)}`,
      ),
    );
    if (escalation.agentSaid !== null && escalation.agentSaid.trim() !== "") {
      blocks.push(section(`*The agent said:*\n${renderQuote(escalation.agentSaid)}`));
    }
  }
  const links = renderLinks(record, ctx);
  if (links !== null) blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: links }] });
  if (ctx.note !== null) blocks.push(section(`*${escapeSlack(toOneLine(ctx.note), SECTION_MAX_CHARS)}*`));
  if (isLive(record)) blocks.push(renderActions(record));
  return {
    text: renderFallback(record, ctx),
    blocks,
    // Only what finds the run again after a restart: never a token or a secret.
    metadata: {
      event_type: DOORBELL_EVENT_TYPE,
      event_payload: {
        repo: record.repo,
        issue: record.issue,
        attempt: record.attempt,
        installation_id: record.installationId,
      },
    },
  };
}

/** The optional one-line "shipped" message in the doorbell channel. */
export function renderShippedAnnouncement(record: RunRecord, githubUrl: string): string {
  const issue = toSlackLink(escapeSlack(`${record.repo}#${record.issue}`), issueUrl(record, githubUrl));
  const commit =
    record.sha === null
      ? ""
      : ` (${toSlackLink(escapeSlack(toShortSha(record.sha)), `${githubUrl}/${record.repo}/commit/${encodeURIComponent(record.sha)}`)})`;
  return `:rocket: Shipped ${issue}${commit}: the change is live.`;
}

/** afk's answer in the doorbell thread once a reply reached the agent. */
export function renderRelayAck(): string {
  return "Relayed to the agent; the run resumed.";
}
