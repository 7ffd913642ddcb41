// What a signed Slack request must look like before Bolt sees it (pure). Bolt reads its
// body without guarding the types: a JSON `null` body throws outside any handler (an
// unhandled rejection, and a request never answered), `{"event": 5}` answers 500, and a
// press whose user id is a number reaches afk's listener. afk reads only Slack's message
// events and its own buttons, so only those (and Slack's URL check) go on to Bolt, with
// every field afk or Bolt reads of the type Slack documents
// (https://docs.slack.dev/reference/events/message, https://docs.slack.dev/reference/interaction-payloads/block_actions-payload).

import { z } from "zod";

const text = z.string().optional();
/** Bolt looks for a conversation in `channel`, `channel_id` and `item.channel`; each must be what Slack sends. */
const messageEvent = z.object({
  type: z.literal("message"),
  channel: z.string(),
  channel_id: text,
  ts: z.string(),
  thread_ts: text,
  user: text,
  text,
  subtype: text,
  bot_id: text,
  item: z.record(z.string(), z.unknown()).optional(),
});

const eventCallback = z.object({
  type: z.literal("event_callback"),
  event_id: text,
  event: messageEvent,
  authorizations: z.array(z.record(z.string(), z.unknown())).optional(),
});

const blockActions = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string(), name: text, username: text }),
  channel: z.object({ id: z.string() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
  actions: z.array(z.object({ type: z.string(), action_id: z.string(), value: text })).min(1),
  response_url: text,
  response_urls: z.array(z.object({ response_url: z.string() })).optional(),
  // A press is routed as an event when it carries one: it must not.
  event: z.never().optional(),
  command: z.never().optional(),
  name: z.never().optional(),
});

const urlVerification = z.object({ type: z.literal("url_verification"), challenge: z.string() });

const afkReads = z.discriminatedUnion("type", [eventCallback, blockActions, urlVerification]);

export type SlackBodyVerdict =
  | { readonly kind: "bolt" }
  /** Signed by Slack, but nothing afk reads: acknowledged, and dropped. */
  | { readonly kind: "ignore"; readonly why: string }
  /** Not a JSON object at all. */
  | { readonly kind: "malformed" };

export function judgeSlackBody(body: unknown): SlackBodyVerdict {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { kind: "malformed" };
  const parsed = afkReads.safeParse(body);
  if (parsed.success) return { kind: "bolt" };
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? "the body" : issue.path.join(".");
  return { kind: "ignore", why: `not a request afk reads (${where})` };
}
