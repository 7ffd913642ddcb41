// What afk does with what Slack sends it (DESIGN section 8): a message event becomes a
// relay to the agent, a "not allowed" notice, or nothing; a button press becomes a
// run event; a doorbell's metadata names its run again after a restart.

import { z } from "zod";
import { DOORBELL_EVENT_TYPE, RETRY_ACTION_ID, TAKE_OVER_ACTION_ID } from "../render/render-doorbell.js";

/** The fields of a Slack `message` event afk reads (https://docs.slack.dev/reference/events/message). */
export interface SlackMessageEvent {
  readonly type: string;
  readonly subtype?: string;
  readonly bot_id?: string;
  readonly user?: string;
  readonly text?: string;
  readonly ts: string;
  readonly thread_ts?: string;
  readonly channel: string;
  readonly edited?: unknown;
}

export type SlackMessageDecision =
  | { readonly kind: "ignore"; readonly why: string }
  | { readonly kind: "not-allowed"; readonly user: string; readonly channel: string; readonly threadTs: string }
  | {
      readonly kind: "relay";
      readonly user: string;
      readonly text: string;
      readonly channel: string;
      readonly threadTs: string;
      readonly ts: string;
    };

export type SlackActionDecision = "take-over" | "retry";

export interface DoorbellRef {
  readonly repo: string;
  readonly issue: number;
  readonly attempt: number;
  readonly installationId: number;
}

/** Why a message is none of afk's business, or null when it is a human's thread reply. */
function toIgnoreReason(event: SlackMessageEvent, channel: string): string | null {
  if (event.type !== "message") return `not a message but ${event.type}`;
  // Edits, deletions, joins, bot messages, thread broadcasts…: only plain human posts count.
  if (event.subtype !== undefined) return `a ${event.subtype} message`;
  if (event.bot_id !== undefined) return "a bot's message";
  if (event.edited !== undefined) return "an edited message";
  if (event.thread_ts === undefined || event.thread_ts === event.ts) return "not a thread reply";
  if (event.channel !== channel) return `another channel (${event.channel})`;
  if (event.user === undefined || event.user === "") return "no user";
  if (event.text === undefined || event.text.trim() === "") return "no text";
  return null;
}

export function decideSlackMessage(
  event: SlackMessageEvent,
  allowedUsers: readonly string[],
  channel: string,
): SlackMessageDecision {
  const why = toIgnoreReason(event, channel);
  if (why !== null) return { kind: "ignore", why };
  // toIgnoreReason has checked these three.
  const user = event.user!;
  const threadTs = event.thread_ts!;
  if (!allowedUsers.includes(user)) return { kind: "not-allowed", user, channel: event.channel, threadTs };
  return { kind: "relay", user, text: event.text!.trim(), channel: event.channel, threadTs, ts: event.ts };
}

export function decideSlackAction(actionId: string): SlackActionDecision | null {
  if (actionId === TAKE_OVER_ACTION_ID) return "take-over";
  if (actionId === RETRY_ACTION_ID) return "retry";
  return null;
}

export type DoorbellPressDecision =
  | { readonly kind: "ignore" }
  | { readonly kind: "not-allowed"; readonly action: SlackActionDecision }
  | { readonly kind: "steer"; readonly action: SlackActionDecision };

/**
 * A doorbell button steers the run as much as a reply does (a retry even queues an
 * attempt whose ready label afk trusts), so only allowed users may press it.
 */
export function decideDoorbellPress(
  actionId: string,
  userId: string,
  allowedUsers: readonly string[],
): DoorbellPressDecision {
  const action = decideSlackAction(actionId);
  if (action === null) return { kind: "ignore" };
  return allowedUsers.includes(userId) ? { kind: "steer", action } : { kind: "not-allowed", action };
}

const positiveInt = z.number().int().positive();

const MetadataSchema = z.object({
  event_type: z.literal(DOORBELL_EVENT_TYPE),
  event_payload: z.object({
    repo: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/),
    issue: positiveInt,
    attempt: positiveInt,
    installation_id: positiveInt,
  }),
});

/** The doorbell among `messages` (by their metadata) that rang for this attempt of the run, if any. */
export function findRunDoorbell<M extends { readonly metadata: unknown }>(
  messages: readonly M[],
  run: Pick<DoorbellRef, "repo" | "issue" | "attempt">,
): M | null {
  const rang = (message: M): boolean => {
    const ref = parseDoorbellMetadata(message.metadata);
    return (
      ref !== null && ref.repo === run.repo.toLowerCase() && ref.issue === run.issue && ref.attempt === run.attempt
    );
  };
  return messages.find(rang) ?? null;
}

/** The run a doorbell rang for, from its message metadata; null for any other message. */
export function parseDoorbellMetadata(metadata: unknown): DoorbellRef | null {
  const parsed = MetadataSchema.safeParse(metadata);
  if (!parsed.success) return null;
  const { repo, issue, attempt, installation_id: installationId } = parsed.data.event_payload;
  return { repo: repo.toLowerCase(), issue, attempt, installationId };
}
