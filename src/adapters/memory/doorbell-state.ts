// The Slack twin's messages and the shapes it answers and sends in: a stored message,
// an ephemeral notice, the `message` event Slack sends for every message in a channel
// (a thread reply carries `thread_ts`, the bot's own `bot_id`), and Slack's failures,
// an `error` code with HTTP 200, as the adapter sorts them (slack-errors.ts).

import type { DoorbellPost } from "../../ports/doorbell.js";
import { failure, type ErrorCategory, type Result } from "../../ports/result.js";
import type { Delivery } from "./delivery-queue.js";

export interface SlackMessage {
  readonly channel: string;
  readonly ts: string;
  /** The thread's root ts for a reply, else null. */
  readonly threadTs: string | null;
  text: string;
  blocks: readonly unknown[] | null;
  readonly metadata: DoorbellPost["metadata"] | null;
  readonly user: string;
  readonly botId: string | null;
  /** Reaction name → users, in order. */
  readonly reactions: Map<string, string[]>;
}

export interface SlackEphemeral {
  readonly channel: string;
  readonly user: string;
  readonly text: string;
  readonly threadTs: string | null;
}

export type SlackEvent = Delivery<Record<string, unknown>>;

export function toMessageEvent(message: SlackMessage, n: number): SlackEvent {
  return {
    id: `Ev${String(n).padStart(10, "0")}`,
    name: "message",
    payload: {
      type: "message",
      channel: message.channel,
      user: message.user,
      text: message.text,
      ts: message.ts,
      event_ts: message.ts,
      ...(message.threadTs === null ? {} : { thread_ts: message.threadTs }),
      ...(message.botId === null ? {} : { bot_id: message.botId }),
    },
  };
}

export function slackError(method: string, code: string, category: ErrorCategory): Result<never> {
  return failure("slack", category, `Slack ${method} failed: ${code}`, { status: 200, detail: code });
}

/** Slack refuses a message with neither text nor blocks (`no_text`). */
export function noText(method: string, text: string, blocks: readonly unknown[] | null): Result<never> | null {
  return text === "" && (blocks === null || blocks.length === 0) ? slackError(method, "no_text", "rejected") : null;
}
