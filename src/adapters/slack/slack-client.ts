// The doorbell port over Slack's Web API, through `@slack/web-api`'s WebClient
// (re-exported by Bolt). Transport only: what to post is decided in the core
// (render-doorbell). The token travels in the
// Authorization header that WebClient sets; it is never logged or put in an error.

import { LogLevel, webApi, type Logger } from "@slack/bolt";
import type { Doorbell, DoorbellPost, MessageRef, SlackIdentity } from "../../ports/doorbell.js";
import type { OutboundObserver } from "../../ports/outbound.js";
import { failure, type Result } from "../../ports/result.js";
import { toSlackFailure } from "./slack-errors.js";

export const DEFAULT_SLACK_TIMEOUT_MS = 10_000;

export interface SlackClientOptions {
  readonly token: string;
  /** `SLACK_API_URL` (tests, proxies); null for Slack's own `https://slack.com/api/`. */
  readonly apiUrl: string | null;
  readonly timeoutMs?: number;
  /** WebClient's retries of one call (network errors, 5xx); tests pass 0. */
  readonly retries?: number;
  /** Where WebClient's own warnings go; silent but errors when absent. */
  readonly logger?: Logger;
  /** Told of every Web API call (metrics): once per call, WebClient's own retries inside it. */
  readonly observe?: OutboundObserver;
}

type Args = Record<string, unknown>;
type Answer = Readonly<Record<string, unknown>>;
/** What a successful answer means, or a sentence saying why it does not fit the contract. */
type Read<T> = (answer: Answer) => T | { readonly unreadable: string };

export function createSlackClient(options: SlackClientOptions): Doorbell {
  const web = new webApi.WebClient(options.token, {
    ...(options.apiUrl === null ? {} : { slackApiUrl: options.apiUrl }),
    timeout: options.timeoutMs ?? DEFAULT_SLACK_TIMEOUT_MS,
    retryConfig: { retries: options.retries ?? 2, factor: 2, minTimeout: 500, maxTimeout: 4_000 },
    // A 429 comes back as a `rate-limited` value at once instead of holding the queue.
    rejectRateLimitedCalls: true,
    ...(options.logger === undefined ? { logLevel: LogLevel.ERROR } : { logger: options.logger }),
  });
  const call = async <T>(method: string, args: Args, read: Read<T>): Promise<Result<T>> => {
    let answer: Answer;
    try {
      const result: object = await web.apiCall(method, args);
      answer = Object.fromEntries(Object.entries(result));
    } catch (error) {
      const failed = toSlackFailure(method, error);
      options.observe?.({ system: "slack", method: "POST", route: method, status: toStatus(failed) });
      return failed;
    }
    options.observe?.({ system: "slack", method: "POST", route: method, status: 200 });
    const value = read(answer);
    if (isUnreadable(value)) return failure("slack", "invalid-response", `${method} answered ok ${value.unreadable}`);
    return { ok: true, value };
  };
  return {
    readIdentity: () => call("auth.test", {}, toIdentity),
    postDoorbell: (post: DoorbellPost) =>
      call(
        "chat.postMessage",
        { channel: post.channel, text: post.text, blocks: post.blocks, metadata: post.metadata, unfurl_links: false },
        (r) => toRef(r, post.channel),
      ),
    updateDoorbell: (update) =>
      call(
        "chat.update",
        { channel: update.channel, ts: update.ts, text: update.text, blocks: update.blocks },
        () => undefined,
      ),
    replyInThread: (reply) =>
      call("chat.postMessage", { channel: reply.channel, thread_ts: reply.threadTs, text: reply.text }, (r) =>
        toRef(r, reply.channel),
      ),
    postMessage: (message) =>
      call("chat.postMessage", { channel: message.channel, text: message.text }, (r) => toRef(r, message.channel)),
    addReaction: async (reaction) => {
      const result = await call(
        "reactions.add",
        { channel: reaction.channel, timestamp: reaction.ts, name: reaction.name },
        () => undefined,
      );
      return !result.ok && result.error.detail === "already_reacted" ? { ok: true, value: undefined } : result;
    },
    postEphemeral: (notice) =>
      call(
        "chat.postEphemeral",
        {
          channel: notice.channel,
          user: notice.user,
          text: notice.text,
          ...(notice.threadTs === null ? {} : { thread_ts: notice.threadTs }),
        },
        () => undefined,
      ),
    listDoorbells: (query) =>
      call(
        "conversations.history",
        { channel: query.channel, oldest: (query.oldestMs / 1000).toFixed(6), include_all_metadata: true, limit: 200 },
        toOwnMetadataMessages,
      ),
    readThreadParent: (thread) =>
      call(
        "conversations.replies",
        { channel: thread.channel, ts: thread.threadTs, limit: 1, include_all_metadata: true },
        toParentMetadata,
      ),
  };
}

/**
 * The HTTP status behind a failed call: Slack answers its own errors (`ok: false`) with
 * 200, a rate limit with 429; a network error has none.
 */
function toStatus(failed: Result<never>): number | null {
  if (failed.ok) return 200;
  const { status, category, detail } = failed.error;
  if (status !== null) return status;
  if (category === "rate-limited") return 429;
  return detail === null ? null : 200;
}

function isUnreadable(value: unknown): value is { readonly unreadable: string } {
  return typeof value === "object" && value !== null && "unreadable" in value;
}

function toIdentity(answer: Answer): SlackIdentity | { readonly unreadable: string } {
  const { bot_id: botId, user_id: botUserId } = answer;
  if (typeof botId !== "string" || typeof botUserId !== "string") return { unreadable: "without bot_id and user_id" };
  return { botId, botUserId };
}

function toRef(answer: Answer, fallbackChannel: string): MessageRef | { readonly unreadable: string } {
  if (typeof answer.ts !== "string") return { unreadable: "without a ts" };
  return { channel: typeof answer.channel === "string" ? answer.channel : fallbackChannel, ts: answer.ts };
}

/** The messages of `conversations.history` that a bot posted with metadata (the doorbell's shape). */
function toOwnMetadataMessages(answer: Answer): { ts: string; metadata: unknown }[] {
  const messages: unknown[] = Array.isArray(answer.messages) ? answer.messages : [];
  return messages.flatMap((message) => {
    if (typeof message !== "object" || message === null) return [];
    const { ts, bot_id: botId, metadata } = message as Record<string, unknown>;
    return typeof ts === "string" && typeof botId === "string" && metadata !== undefined && metadata !== null
      ? [{ ts, metadata }]
      : [];
  });
}

/** The first message of `conversations.replies` is the thread's parent. */
function toParentMetadata(answer: Answer): unknown {
  const parent: unknown = Array.isArray(answer.messages) ? answer.messages[0] : undefined;
  if (typeof parent !== "object" || parent === null || !("metadata" in parent)) return null;
  return parent.metadata ?? null;
}
