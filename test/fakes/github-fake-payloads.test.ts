// Every webhook the fake GitHub builds for issues and comments validates against GitHub's
// own webhook schemas (`@octokit/openapi-webhooks`, api.github.com), so that afk's
// parsing is tried on payloads GitHub could really send. Checked here once, not on every
// delivery of the e2e suite: compiling the schemas takes seconds.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_INSTALLATION_ID, DEFAULT_REPO } from "../support/webhook-fixtures.js";
import { GitHubFake } from "./github-fake.js";
import { aToken, call, SECRET, startReceiver, type Receiver } from "./github-fake-support.js";

const addFormats = addFormatsModule.default;
const ISSUE = `/repos/${DEFAULT_REPO}/issues/4`;

function loadWebhookSchemas(): Ajv {
  const file = createRequire(import.meta.url).resolve("@octokit/openapi-webhooks/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as { components: unknown };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat("uri-template", true);
  ajv.addSchema({ $id: "webhooks", components: spec.components });
  return ajv;
}

let github: GitHubFake;
let receiver: Receiver;

beforeAll(async () => {
  github = new GitHubFake();
  github.addRepo({ fullName: DEFAULT_REPO });
  github.addIssue(DEFAULT_REPO, { number: 4, labels: ["bug"] });
  await github.start();
  receiver = await startReceiver();
  github.connect({ webhookUrl: receiver.url, secret: SECRET });
  const token = await aToken(github, DEFAULT_INSTALLATION_ID);
  // One of each: the app's writes (echoes), then a person's acts.
  await call(github, "POST", `${ISSUE}/labels`, { auth: token, body: { labels: ["afk:in-progress"] } });
  await call(github, "DELETE", `${ISSUE}/labels/bug`, { auth: token });
  const comment = await call(github, "POST", `${ISSUE}/comments`, { auth: token, body: { body: "Working" } });
  const id = (comment.body as { id: number }).id;
  await call(github, "PATCH", `/repos/${DEFAULT_REPO}/issues/comments/${id}`, { auth: token, body: { body: "Done" } });
  await call(github, "PATCH", ISSUE, { auth: token, body: { state: "closed", state_reason: "completed" } });
  await call(github, "PATCH", ISSUE, { auth: token, body: { state: "open", body: "New body" } });
  await github.as("Codertocat").comment(DEFAULT_REPO, 4, "A person's comment");
  await github.as("dev-dana").push(DEFAULT_REPO, { message: "Do it\n\nCloses #4" });
  await github.deliveriesSettled();
}, 30_000);

afterAll(async () => {
  await github.stop();
  await receiver.close();
});

describe("the fake's issues and issue_comment payloads", () => {
  it("cover every kind the fake sends", () => {
    const kinds = receiver.received
      .filter((r) => r.event !== "push")
      .map((r) => `${r.event}.${String(r.payload.action)}`);
    expect(new Set(kinds)).toEqual(
      new Set([
        "issues.labeled",
        "issues.unlabeled",
        "issue_comment.created",
        "issue_comment.edited",
        "issues.closed",
        "issues.reopened",
        "issues.edited",
      ]),
    );
  });

  it("each validates against GitHub's webhook schema for its event and action", () => {
    const ajv = loadWebhookSchemas();
    const problems = receiver.received
      .filter((r) => r.event !== "push")
      .flatMap((r) => {
        const name = `webhook-${r.event.replace("_", "-")}-${String(r.payload.action)}`;
        const validate = ajv.getSchema(`webhooks#/components/schemas/${name}`);
        if (validate === undefined) return [`no schema ${name}`];
        return validate(r.payload) ? [] : [`${name}: ${ajv.errorsText(validate.errors)}`];
      });
    expect(problems).toEqual([]);
  }, 30_000);
});
