// The world of the forged-and-malformed input suites (issue 8): afk's real server, armed,
// with the Slack doorbell, and one run escalated and waiting for a human, so that a
// well-formed delivery of almost any kind would change something (resume, cancel, take
// over, forget an installation). A footprint of everything afk can change, or ask of
// GitHub, T3 and Slack, tells whether a delivery had any effect.

import { createHmac } from "node:crypto";
import { FAKE_SLACK_CHANNEL, type FakeSlackMessage } from "../fakes/slack-api.js";
import { signDelivery, WEBHOOK_PATH } from "../support/sign-delivery.js";
import { postSlack, type SlackRequest, type SlackResponse } from "../support/sign-slack.js";
import {
  FakeClock,
  recordOf,
  REPO,
  SLACK_ALLOWED_USER,
  startHarness,
  WEBHOOK_SECRET,
  type Harness,
  type HarnessOptions,
} from "./harness.js";
import { agentEnds, dispatched, MINUTE_MS, type World } from "./ship-world.js";

/** The escalated issue of the world. */
export const ISSUE = 4;

export interface InputWorld extends World {
  readonly doorbell: FakeSlackMessage;
}

/** Starts afk (with Slack) and escalates #ISSUE: the agent asked a question, the doorbell rang. */
export async function startInputWorld(options: HarnessOptions = {}): Promise<InputWorld> {
  const clock = new FakeClock();
  const h = await startHarness({ clock, kube: false, slack: { allowedUsers: [SLACK_ALLOWED_USER] }, ...options });
  await h.settle();
  const world: World = { h, clock, woodpeckerRepoId: null };
  const thread = await dispatched(world, ISSUE);
  clock.advance(5 * MINUTE_MS);
  agentEnds(world, thread, "Two databases are configured.\n\nAFK-STATUS: blocked: which db?");
  await h.sweepOnce();
  const ts = recordOf(h, ISSUE).doorbell?.ts;
  const doorbell = ts === undefined ? undefined : h.slack?.message(FAKE_SLACK_CHANNEL, ts);
  if (doorbell === undefined) throw new Error(`#${ISSUE} rang no doorbell`);
  return { ...world, doorbell };
}

/**
 * Everything a delivery could change or cause: requests to each fake, GitHub's issues as
 * they stand, afk's runs and installations, Slack's messages. Two equal footprints mean
 * no side effect at all.
 */
export interface Footprint {
  readonly requests: { readonly github: number; readonly t3: number; readonly slack: number };
  readonly state: string;
}

export function footprint(h: Harness): Footprint {
  const issues = [...h.github.repo(REPO).issues.values()].map((issue) => ({
    number: issue.number,
    state: issue.state,
    labels: [...issue.labels].sort(),
    comments: issue.comments.map((comment) => comment.body),
    events: issue.events.length,
  }));
  const state = {
    issues,
    runs: h.service.index.records(),
    installations: [...h.service.installations.entries()].sort(),
    slack: h.slack?.messages(FAKE_SLACK_CHANNEL).map((message) => [message.ts, message.text]) ?? [],
    ephemerals: h.slack?.ephemerals.length ?? 0,
    t3Commands: h.t3.commands.length,
  };
  return {
    requests: { github: h.github.requests.length, t3: h.t3.requests.length, slack: h.slack?.calls.length ?? 0 },
    state: JSON.stringify(state),
  };
}

/** Posts a delivery to afk's webhook route exactly as given (headers and body bytes), skipping GitHub's log. */
export async function postRaw(h: Harness, headers: Readonly<Record<string, string>>, body: string): Promise<number> {
  return (await postRawAnswer(h, headers, body)).status;
}

/** The same, with afk's answer's body. */
export async function postRawAnswer(
  h: Harness,
  headers: Readonly<Record<string, string>>,
  body: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${h.baseUrl}${WEBHOOK_PATH}`, { method: "POST", headers: { ...headers }, body });
  return { status: response.status, text: await response.text() };
}

/** The headers GitHub sends with a delivery of `event`, signed over `body` with `secret`. */
export function deliveryHeaders(event: string, body: string, secret: string = WEBHOOK_SECRET): Record<string, string> {
  const { headers } = signDelivery({ event, payload: null, secret });
  return { ...headers, "X-Hub-Signature-256": signatureOf(body, secret) };
}

/** `sha256=<hex>`: GitHub's HMAC-SHA256 over the exact body bytes. */
export function signatureOf(body: string, secret: string = WEBHOOK_SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

/** A delivery signed with the e2e secret, posted raw (not through GitHub's delivery log). */
export function postSigned(h: Harness, event: string, body: string): Promise<number> {
  return postRaw(h, deliveryHeaders(event, body), body);
}

/** A Slack request as given, to afk's `/slack/events`. */
export function postSlackRaw(h: Harness, request: SlackRequest): Promise<SlackResponse> {
  return postSlack(h.baseUrl, request);
}
