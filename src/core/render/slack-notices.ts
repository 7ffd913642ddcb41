// What afk says to people in Slack outside the doorbell message itself.

import { assertNever } from "../common/assert-never.js";
import { escapeSlack } from "./render-doorbell.js";

/** Ephemeral, to someone not on the allowed list who replied in a doorbell thread. */
export const NOT_ALLOWED_NOTICE =
  "Only people on afk's list of allowed Slack users can steer agents; your reply was not passed on.";

/** Ephemeral, to someone not on the allowed list who pressed a doorbell button. */
export const NOT_ALLOWED_PRESS_NOTICE =
  "Only people on afk's list of allowed Slack users can steer agents; your button press was ignored.";

/** The reaction afk adds to a reply it relayed to the agent. */
export const RELAYED_REACTION = "white_check_mark";

/**
 * Why afk does not act on a repo now (core/slack/decide-doorbell-gate.ts). The kill switch
 * is not one: under it afk sends nothing at all, not even this notice.
 */
export type NotActingWhy = { readonly kind: "not-enrolled" } | { readonly kind: "refused"; readonly reason: string };

/** What the person did in Slack: a reply in the doorbell's thread, or a press of one of its buttons. */
export type SlackAct = "reply" | "press";

const WHY_MAX_CHARS = 300;

function toWhyText(why: NotActingWhy): string {
  switch (why.kind) {
    case "not-enrolled":
      return "the repository is not on afk's allowlist";
    case "refused":
      return `afk refuses to act (${escapeSlack(why.reason, WHY_MAX_CHARS)})`;
    default:
      return assertNever(why);
  }
}

function toOutcome(act: SlackAct): string {
  return act === "reply" ? "your reply was not passed on" : "your button press was ignored";
}

/** Ephemeral, to an allowed person who replied or pressed on the doorbell of an attempt that is over. */
export function renderEarlierAttemptNotice(repo: string, issue: number, attempt: number, act: SlackAct): string {
  const run = `${escapeSlack(repo, 200)}#${issue}`;
  return `This doorbell rang for attempt ${attempt} of ${run}, which is over: afk works on a later attempt now, and ${toOutcome(act)}.`;
}

/** Ephemeral, to an allowed person who replied or pressed on the doorbell of a repo afk does not act on now. */
export function renderNotActingNotice(repo: string, why: NotActingWhy, act: SlackAct): string {
  return `afk is not acting on ${escapeSlack(repo, 200)} now: ${toWhyText(why)}; ${toOutcome(act)}.`;
}
