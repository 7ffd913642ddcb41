// Requests as Slack sends them to afk (https://docs.slack.dev/authentication/verifying-requests-from-slack):
// the exact body bytes, signed with the app's signing secret over
// `v0:{x-slack-request-timestamp}:{body}` (HMAC-SHA256, `x-slack-signature: v0=<hex>`).

import { createHmac, randomUUID } from "node:crypto";

export const SLACK_EVENTS_URL_PATH = "/slack/events";

export interface SlackRequest {
  /** The bytes that were signed: send them unchanged, or the signature no longer matches. */
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface SlackResponse {
  readonly status: number;
  readonly text: string;
}

export interface SignOptions {
  readonly secret: string;
  /** Unix seconds; now when absent. */
  readonly timestampSec?: number;
}

export function signSlackBody(body: string, contentType: string, { secret, timestampSec }: SignOptions): SlackRequest {
  const timestamp = String(timestampSec ?? Math.floor(Date.now() / 1000));
  const signature = createHmac("sha256", secret).update(`v0:${timestamp}:${body}`, "utf8").digest("hex");
  return {
    body,
    headers: {
      "content-type": contentType,
      "x-slack-request-timestamp": timestamp,
      "x-slack-signature": `v0=${signature}`,
    },
  };
}

/** An Events API `event_callback` envelope around one event, as JSON. */
export function toEventEnvelope(
  event: Readonly<Record<string, unknown>>,
  options: { readonly eventId?: string; readonly teamId?: string } = {},
): string {
  return JSON.stringify({
    token: "deprecated-verification-token",
    team_id: options.teamId ?? "T0AFK",
    api_app_id: "A0AFK",
    event: { event_ts: event.ts, ...event },
    type: "event_callback",
    event_id: options.eventId ?? `Ev${randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: options.teamId ?? "T0AFK",
        user_id: "U0AFKBOT",
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  });
}

export interface BlockActionInput {
  readonly actionId: string;
  readonly value: string;
  readonly user: { readonly id: string; readonly name: string };
  readonly channel: string;
  readonly messageTs: string;
  readonly teamId?: string;
}

/** An interactive `block_actions` payload for one button press, form-encoded as `payload=<json>`. */
export function toBlockActionsBody(input: BlockActionInput): string {
  const teamId = input.teamId ?? "T0AFK";
  const payload = {
    type: "block_actions",
    user: { id: input.user.id, username: input.user.name, name: input.user.name, team_id: teamId },
    api_app_id: "A0AFK",
    token: "deprecated-verification-token",
    container: { type: "message", message_ts: input.messageTs, channel_id: input.channel, is_ephemeral: false },
    trigger_id: "123.456.abc",
    team: { id: teamId, domain: "afk-test" },
    channel: { id: input.channel, name: "afk" },
    message: { type: "message", ts: input.messageTs, user: "U0AFKBOT", bot_id: "B0AFKBOT", text: "doorbell" },
    response_url: "https://hooks.slack.com/actions/T0AFK/1/abc",
    actions: [
      {
        type: "button",
        action_id: input.actionId,
        block_id: "afk_doorbell_actions",
        text: { type: "plain_text", text: "button" },
        value: input.value,
        action_ts: `${Math.floor(Date.now() / 1000)}.000001`,
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function signEvent(
  event: Readonly<Record<string, unknown>>,
  options: SignOptions & { readonly eventId?: string },
): SlackRequest {
  return signSlackBody(toEventEnvelope(event, options), "application/json", options);
}

export function signBlockAction(input: BlockActionInput, options: SignOptions): SlackRequest {
  return signSlackBody(toBlockActionsBody(input), "application/x-www-form-urlencoded", options);
}

/** POSTs a signed request to `baseUrl` + `/slack/events` (or `path`) and reads the whole answer. */
export async function postSlack(
  baseUrl: string,
  request: SlackRequest,
  headers: Readonly<Record<string, string>> = {},
  path = SLACK_EVENTS_URL_PATH,
): Promise<SlackResponse> {
  const response = await fetch(`${baseUrl.replace(/\/+$/, "")}${path}`, {
    method: "POST",
    headers: { ...request.headers, ...headers },
    body: request.body,
  });
  return { status: response.status, text: await response.text() };
}
