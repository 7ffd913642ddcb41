// The short texts the run machine writes itself: the comments that notify a person
// (escalated, shipped). The progress comment is rendered elsewhere; these point at it.
// Text from outside (reasons quote agents and errors) is escaped so that echoing it
// never formats, links or pings anyone.

import { GITHUB_LOGIN } from "../common/github-names.js";
import { escapeMarkdown, toLink } from "./render-markdown.js";
import { toDuration } from "./render-time.js";
import type { RunRecord } from "../run/run-types.js";

/** The rollout detail when a newer commit's image is live (it contains this commit). */
export const SUPERSEDED_ROLLOUT = "A newer commit is live";

export function toCount(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function toAddressee(labeler: string | null): string {
  if (labeler === null) return "";
  return GITHUB_LOGIN.test(labeler) ? `@${labeler} ` : `${escapeMarkdown(labeler)}: `;
}

/**
 * The hidden mark of a notice: which run, which kind and which occasion. Before posting,
 * afk looks for it among its own comments, so a notice is posted once even when afk dies
 * between posting it and writing down that it did.
 */
export function toNoticeMarker(kind: "escalated" | "shipped", record: RunRecord, at: number): string {
  return `<!-- afk:notice ${kind} ${record.repo}#${record.issue}/${record.attempt} ${at} -->`;
}

export function renderEscalationNotice(record: RunRecord, reason: string): string {
  return [
    `${toAddressee(record.labeler)}afk needs a human to carry on with this issue.`,
    "",
    `Why: ${escapeMarkdown(reason)}`,
    "",
    "The progress comment above says what the agent said last and what you can do next.",
  ].join("\n");
}

function toStagesText(record: RunRecord): string {
  const { ci, deploy, rollout } = record.stages;
  const ciText = toLink("CI green", ci?.url ?? null);
  const deployText =
    deploy === null || deploy.verdict === "skipped"
      ? "deploy skipped (not configured)"
      : toLink("deployed", deploy.url);
  const rolloutText =
    rollout === null || rollout.verdict === "skipped"
      ? "rollout skipped (not configured)"
      : rollout.detail !== null && rollout.detail.startsWith(SUPERSEDED_ROLLOUT)
        ? "rolled out (a newer commit that contains it is live)"
        : toLink("rolled out", rollout.url);
  return `${ciText}, ${deployText}, ${rolloutText}`;
}

/**
 * The record is the shipped one (endedAt set). The full sha is written out: GitHub
 * links it to the commit by itself. Stage links go to the CI run, the pipeline and the
 * rollout evidence when afk has them.
 */
export function renderShippedNotice(record: RunRecord): string {
  const { dispatchedAt, endedAt } = record;
  const elapsed = dispatchedAt === null || endedAt === null ? 0 : endedAt - dispatchedAt;
  const commit =
    record.sha === null
      ? ""
      : /^[0-9a-f]{7,40}$/.test(record.sha)
        ? ` ${record.sha}`
        : ` ${escapeMarkdown(record.sha)}`;
  return [
    `Shipped${commit}: ${toStagesText(record)}, in ${toDuration(elapsed)},`,
    `${toCount(record.turns, "turn")}, ${toCount(record.fixForwardsTotal, "fix-forward")}.`,
    "Details in the progress comment above.",
  ].join(" ");
}
