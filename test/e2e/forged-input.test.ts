// Issue 8, forged input, through afk's real server: a delivery whose signature is missing,
// made with another secret, made for another body, or cut short is refused with a 4xx and
// has no effect at all: no request to GitHub, T3 or Slack, no change to afk's runs or to
// GitHub. The same for Slack's events and button presses on `/slack/events`. Each forged
// payload is one that, correctly signed, would act (the last tests show it does).

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_ACTION_ID, TAKE_OVER_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import { FAKE_SLACK_CHANNEL } from "../fakes/slack-api.js";
import { signBlockAction, signEvent, signSlackBody, type SlackRequest } from "../support/sign-slack.js";
import {
  aCheckRunEvent,
  anInstallationEvent,
  anInstallationRepositoriesEvent,
  anIssueCommentEvent,
  anIssuesEvent,
  aPushEvent,
  aStatusEvent,
  aWorkflowRunEvent,
} from "../support/webhook-fixtures.js";
import {
  assertGitHubClean,
  assertNoLeaks,
  eventually,
  recordOf,
  REPO,
  SLACK_ALLOWED_USER,
  SLACK_SIGNING_SECRET,
} from "./harness.js";
import {
  deliveryHeaders,
  footprint,
  ISSUE,
  postRaw,
  postSlackRaw,
  signatureOf,
  startInputWorld,
  type InputWorld,
} from "./input-world.js";
import { trapProcessErrors, type ProcessErrorTrap } from "../support/process-errors.js";

/** One delivery of each event afk is sent (app.yml, plus what every app gets), each one afk would act on. */
const EVENTS: readonly [string, () => unknown][] = [
  ["issues", () => anIssuesEvent("closed", { issueNumber: ISSUE })],
  ["issue_comment", () => anIssueCommentEvent("created", { issueNumber: ISSUE })],
  ["workflow_run", () => aWorkflowRunEvent("completed")],
  ["check_run", () => aCheckRunEvent("completed")],
  ["status", () => aStatusEvent()],
  ["push", () => aPushEvent()],
  ["installation", () => anInstallationEvent("deleted")],
  ["installation_repositories", () => anInstallationRepositoriesEvent("removed")],
];

type Forgery = (event: string, body: string, other: string) => Record<string, string>;

const FORGERIES: readonly [string, Forgery][] = [
  [
    "unsigned",
    (event, body) => {
      const { "X-Hub-Signature-256": _dropped, ...headers } = deliveryHeaders(event, body);
      return headers;
    },
  ],
  ["signed with another secret", (event, body) => deliveryHeaders(event, body, "not-the-webhook-secret")],
  [
    "signed for another body",
    (event, body, other) => ({ ...deliveryHeaders(event, body), "X-Hub-Signature-256": signatureOf(other) }),
  ],
  [
    "with a truncated signature",
    (event, body) => ({ ...deliveryHeaders(event, body), "X-Hub-Signature-256": signatureOf(body).slice(0, -2) }),
  ],
  [
    "with the signature's prefix alone",
    (event, body) => ({ ...deliveryHeaders(event, body), "X-Hub-Signature-256": "sha256=" }),
  ],
];

const CASES = EVENTS.flatMap(([event, payload]) =>
  FORGERIES.map(([forgery, headers]) => [event, forgery, payload, headers] as const),
);

let world: InputWorld;
let trap: ProcessErrorTrap;

beforeAll(async () => {
  trap = trapProcessErrors();
  world = await startInputWorld();
});

afterAll(async () => {
  trap.release();
  await world.h.close();
  assertGitHubClean(world.h.github);
  assertNoLeaks(world.h);
});

describe("forged GitHub deliveries", () => {
  it.each(CASES)("%s %s: refused with a 4xx and no effect", async (event, _forgery, payload, forge) => {
    const { h } = world;
    const body = JSON.stringify(payload());
    const other = JSON.stringify({ ...(payload() as object), forged: true });
    const headers = forge(event, body, other);
    const before = footprint(h);

    const status = await postRaw(h, headers, body);
    await h.settle();

    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(footprint(h)).toEqual(before);
    expect(h.service.deliveries.has(headers["X-GitHub-Delivery"] ?? "")).toBe(false);
    expect(trap.errors).toEqual([]);
  });
});

/** An allowed person's reply in the doorbell's thread, and a Take over press: both would act. */
function slackRequests(secret: string, timestampSec?: number): readonly [string, SlackRequest][] {
  const options = { secret, ...(timestampSec === undefined ? {} : { timestampSec }) };
  const ts = world.doorbell.ts;
  const reply = { type: "message", channel: FAKE_SLACK_CHANNEL, user: SLACK_ALLOWED_USER, text: "use postgres" };
  const press = { value: "", user: { id: SLACK_ALLOWED_USER, name: "alice" }, channel: FAKE_SLACK_CHANNEL };
  return [
    ["a reply", signEvent({ ...reply, ts: `${Number(ts) + 1}`, thread_ts: ts }, options)],
    ["a Take over press", signBlockAction({ ...press, actionId: TAKE_OVER_ACTION_ID, messageTs: ts }, options)],
    ["a Retry press", signBlockAction({ ...press, actionId: RETRY_ACTION_ID, messageTs: ts }, options)],
  ];
}

type SlackForgery = (request: SlackRequest) => SlackRequest;

const SLACK_FORGERIES: readonly [string, SlackForgery][] = [
  [
    "unsigned",
    ({ body, headers }) => {
      const { "x-slack-signature": _dropped, ...rest } = headers;
      return { body, headers: rest };
    },
  ],
  ["signed with another secret", ({ body, headers }) => signSlackBody(body, headers["content-type"] ?? "", WRONG)],
  [
    "signed for another body",
    ({ body, headers }) => {
      const other = signSlackBody(`${body} `, headers["content-type"] ?? "", RIGHT);
      return { body, headers: { ...headers, "x-slack-signature": other.headers["x-slack-signature"] ?? "" } };
    },
  ],
  [
    "with a truncated signature",
    ({ body, headers }) => ({
      body,
      headers: { ...headers, "x-slack-signature": headers["x-slack-signature"]!.slice(0, -2) },
    }),
  ],
];
const WRONG = { secret: "not-the-signing-secret" };
const RIGHT = { secret: SLACK_SIGNING_SECRET };

describe("forged Slack requests", () => {
  it.each(SLACK_FORGERIES)("%s: every request refused with 401 and no effect", async (_forgery, forge) => {
    const { h } = world;
    for (const [what, request] of slackRequests(SLACK_SIGNING_SECRET)) {
      const before = footprint(h);
      const response = await postSlackRaw(h, forge(request));
      await h.settle();
      expect({ what, status: response.status }).toEqual({ what, status: 401 });
      expect(footprint(h)).toEqual(before);
    }
    expect(trap.errors).toEqual([]);
  });

  it("signed more than five minutes ago (a replay): refused with 401 and no effect", async () => {
    const { h } = world;
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    for (const [what, request] of slackRequests(SLACK_SIGNING_SECRET, stale)) {
      const before = footprint(h);
      const response = await postSlackRaw(h, request);
      await h.settle();
      expect({ what, status: response.status }).toEqual({ what, status: 401 });
      expect(footprint(h)).toEqual(before);
    }
  });
});

describe("the controls: the same requests, correctly signed, act", () => {
  it("an allowed person's reply in the doorbell's thread resumes the run", async () => {
    const { h } = world;
    const before = footprint(h);
    const [, reply] = slackRequests(SLACK_SIGNING_SECRET)[0]!;
    expect((await postSlackRaw(h, reply)).status).toBe(200);
    await eventually(h, () => recordOf(h, ISSUE).phase !== "escalated", "the run to resume");
    expect(footprint(h)).not.toEqual(before);
  });

  it("the issue's closed delivery cancels the run", async () => {
    const { h } = world;
    const before = footprint(h);
    // afk reads the issue afresh when a delivery says it changed: close it on GitHub first.
    h.github.close(REPO, ISSUE);
    const body = JSON.stringify(anIssuesEvent("closed", { issueNumber: ISSUE }));
    expect(await postRaw(h, deliveryHeaders("issues", body), body)).toBe(200);
    await h.settle();
    expect(footprint(h)).not.toEqual(before);
    expect(recordOf(h, ISSUE).phase).toBe("cancelled");
  });
});
