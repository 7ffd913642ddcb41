// Slack's requests to afk (contracts/slack.md): Bolt's HTTPReceiver mounted on afk's own
// server through Probot's `addHandler`, so there is no second port. Bolt verifies every
// request (signature and a timestamp within 5 minutes, else 401) and acknowledges events
// before the listeners run; this file hands afk what arrived, deduplicated, and decides
// nothing.

import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver, HTTPReceiverDeferredRequestError, LogLevel, type Logger } from "@slack/bolt";
import type { SlackMessageEvent } from "../../core/slack/decide-slack.js";
import { RETRY_ACTION_ID, TAKE_OVER_ACTION_ID } from "../../core/render/render-doorbell.js";
import { guardSlackRequest } from "./slack-request-guard.js";

export const SLACK_EVENTS_PATH = "/slack/events";
/** Slack retries an event for about an hour at most three times: a few thousand ids cover that. */
export const SEEN_EVENTS_MAX = 5_000;

/** The slice of Probot's pino logger used here. */
export interface SlackLog {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface SlackAction {
  readonly actionId: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly messageTs: string;
  readonly value: string;
}

export interface SlackReceiverOptions {
  readonly signingSecret: string;
  readonly botToken: string;
  /** With both ids Bolt skips `auth.test` at start (read them once with `readIdentity`). */
  readonly botId: string;
  readonly botUserId: string;
  /** `SLACK_API_URL`, or null for Slack's own. */
  readonly apiUrl: string | null;
  readonly onMessage: (event: SlackMessageEvent) => void | Promise<void>;
  readonly onAction: (action: SlackAction) => void | Promise<void>;
  readonly log: SlackLog;
  readonly seenEventsMax?: number;
}

export interface SlackReceiver {
  /** For Probot's `addHandler`: true when the request was Slack's (and is being answered). */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
}

export function createSlackReceiver(options: SlackReceiverOptions): SlackReceiver {
  const logger = toBoltLogger(options.log);
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    processBeforeResponse: false,
    logger,
  });
  const app = new App({
    receiver,
    token: options.botToken,
    botId: options.botId,
    botUserId: options.botUserId,
    logger,
    ...(options.apiUrl === null ? {} : { clientOptions: { slackApiUrl: options.apiUrl } }),
  });
  const seen = new SeenIds(options.seenEventsMax ?? SEEN_EVENTS_MAX);
  app.event("message", async ({ event, body }) => {
    const eventId = typeof body.event_id === "string" ? body.event_id : null;
    // Slack retries an event it thinks was not acknowledged (`X-Slack-Retry-Num`): one relay only.
    if (eventId !== null && !seen.add(eventId)) return void options.log.debug({ eventId }, "Slack event already seen");
    await options.onMessage(toMessageEvent(event as unknown as Readonly<Record<string, unknown>>));
  });
  for (const actionId of [TAKE_OVER_ACTION_ID, RETRY_ACTION_ID]) {
    app.action(actionId, async ({ ack, body, action }) => {
      await ack();
      const channel = body.channel?.id;
      const messageTs = "message" in body ? body.message?.ts : undefined;
      if (channel === undefined || messageTs === undefined)
        return void options.log.warn({ actionId }, "Slack button press without a channel or message");
      const value = "value" in action && typeof action.value === "string" ? action.value : "";
      const user = {
        id: body.user.id,
        name: body.user.name ?? ("username" in body.user ? body.user.username : body.user.id),
      };
      await options.onAction({ actionId, user, channel, messageTs, value });
    });
  }
  app.error(async (error) => options.log.error({ code: error.code }, `Slack listener failed: ${error.message}`));
  const guard = { signingSecret: options.signingSecret, log: options.log };
  return { handler: async (req, res) => dispatch(receiver, req, res, guard) };
}

function isSlackPost(req: IncomingMessage): boolean {
  return req.method === "POST" && new URL(req.url ?? "/", "http://afk").pathname === SLACK_EVENTS_PATH;
}

/** Bolt throws `HTTPReceiverDeferredRequestError` for requests that are not its own. */
async function dispatch(
  receiver: HTTPReceiver,
  req: IncomingMessage,
  res: ServerResponse,
  guard: Parameters<typeof guardSlackRequest>[2],
): Promise<boolean> {
  // A body Bolt would choke on is answered before it reaches Bolt (slack-request-guard.ts).
  if (isSlackPost(req) && !(await guardSlackRequest(req, res, guard))) return true;
  try {
    receiver.requestListener(req, res);
    return true;
  } catch (error) {
    if (error instanceof HTTPReceiverDeferredRequestError) return false;
    throw error;
  }
}

function optionalString(event: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = event[key];
  return typeof value === "string" ? value : undefined;
}

function toMessageEvent(event: Readonly<Record<string, unknown>>): SlackMessageEvent {
  const fields = {
    subtype: optionalString(event, "subtype"),
    bot_id: optionalString(event, "bot_id"),
    user: optionalString(event, "user"),
    text: optionalString(event, "text"),
    thread_ts: optionalString(event, "thread_ts"),
    edited: event.edited,
  };
  const present = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { type: String(event.type), ts: String(event.ts), channel: String(event.channel), ...present };
}

/** Insertion-ordered and bounded: the oldest ids are forgotten first. */
class SeenIds {
  readonly #ids = new Set<string>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** False when the id was seen already. */
  add(id: string): boolean {
    if (this.#ids.has(id)) return false;
    this.#ids.add(id);
    if (this.#ids.size > this.#max) this.#ids.delete(this.#ids.values().next().value!);
    return true;
  }
}

function toBoltLogger(log: SlackLog): Logger {
  const join = (parts: unknown[]) => parts.map(String).join(" ");
  return {
    debug: (...parts) => log.debug({ component: "slack" }, join(parts)),
    info: (...parts) => log.info({ component: "slack" }, join(parts)),
    warn: (...parts) => log.warn({ component: "slack" }, join(parts)),
    error: (...parts) => log.error({ component: "slack" }, join(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}
