// The fake GitHub behaves like GitHub on the wire and does what GitHub does unasked: app
// authentication, conditional requests, rate limits, failures, echoes of the app's writes,
// the delivery log and closing keywords.

import { generateKeyPairSync } from "node:crypto";
import { createProbot } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_INSTALLATION_ID, DEFAULT_REPO } from "../support/webhook-fixtures.js";
import { FAKE_APP_BOT, FAKE_APP_SLUG, GitHubFake } from "./github-fake.js";
import { aJwt, aToken, call, SECRET, startReceiver, type Receiver } from "./github-fake-support.js";

const ISSUE = `/repos/${DEFAULT_REPO}/issues/4`;
let github: GitHubFake;
let receiver: Receiver;

beforeEach(async () => {
  github = new GitHubFake();
  github.addRepo({ fullName: DEFAULT_REPO });
  github.addRepo({ fullName: "acme/elsewhere", installationId: 77 });
  github.addIssue(DEFAULT_REPO, { number: 4 });
  await github.start();
  receiver = await startReceiver();
  github.connect({ webhookUrl: receiver.url, secret: SECRET });
});

afterEach(async () => {
  await github.stop();
  await receiver.close();
});

describe("app authentication", () => {
  it("issues an installation token for a JWT signed with the app's key, and the token reads the installation's repos", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    expect((await call(github, "GET", ISSUE, { auth: token })).status).toBe(200);
    expect(github.requests.at(-1)).toMatchObject({ method: "GET", installationId: DEFAULT_INSTALLATION_ID });
  });

  it("refuses a JWT signed with another key, an expired one and another app's (401)", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    const now = Math.floor(Date.now() / 1000);
    for (const jwt of [
      aJwt(other),
      aJwt(github.appPrivateKey, { iat: now - 700, exp: now - 100 }),
      aJwt(github.appPrivateKey, { iss: 1 }),
    ])
      expect((await call(github, "GET", "/app", { auth: `Bearer ${jwt}` })).status).toBe(401);
  });

  it("refuses an installation route without a token it issued (401), and a token on another installation's repo (404)", async () => {
    expect((await call(github, "GET", ISSUE, { auth: "token ghs_forged" })).status).toBe(401);
    expect((await call(github, "GET", ISSUE)).status).toBe(401);
    expect((await call(github, "GET", ISSUE, { auth: `Bearer ${aJwt(github.appPrivateKey)}` })).status).toBe(401);
    const elsewhere = await aToken(github, 77);
    expect((await call(github, "GET", ISSUE, { auth: elsewhere })).status).toBe(404);
  });

  it("serves the same API under /api/v3, as a GitHub Enterprise host (GHE_HOST) is addressed", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    const answer = await call(github, "GET", `/api/v3${ISSUE}`, { auth: token });
    expect(answer).toMatchObject({ status: 200, body: { number: 4 } });
    expect(github.requests.at(-1)?.path).toBe(ISSUE);
  });

  it("authenticates Probot configured as a child process would be (GHE_HOST, GHE_PROTOCOL=http, APP_ID, PRIVATE_KEY)", async () => {
    const probot = createProbot({ env: { ...github.probotEnv(), WEBHOOK_SECRET: SECRET, LOG_LEVEL: "fatal" } });
    const octokit = await probot.auth(DEFAULT_INSTALLATION_ID);
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: "Codertocat",
      repo: "Hello-World",
      issue_number: 4,
    });
    expect(data.number).toBe(4);
    expect(github.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /app/installations/${DEFAULT_INSTALLATION_ID}/access_tokens`,
      `GET ${ISSUE}`,
    ]);
  });

  it("names the app's slug at GET /app and its bot user, with the id its webhooks carry, at GET /users/<slug>[bot]", async () => {
    const app = await call(github, "GET", "/app", { auth: `Bearer ${aJwt(github.appPrivateKey)}` });
    expect(app.body).toMatchObject({ slug: FAKE_APP_SLUG });
    const bot = await call(github, "GET", `/users/${encodeURIComponent(`${FAKE_APP_SLUG}[bot]`)}`);
    expect(bot.body).toMatchObject({ login: FAKE_APP_BOT.login, id: FAKE_APP_BOT.id, type: "Bot" });
  });

  it("records a route it does not serve as unexpected (404) and a request that breaks GitHub's description as a violation", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    expect((await call(github, "GET", `/repos/${DEFAULT_REPO}/pulls`, { auth: token })).status).toBe(404);
    expect(github.unexpected.map((r) => r.path)).toEqual([`/repos/${DEFAULT_REPO}/pulls`]);
    await call(github, "POST", `${ISSUE}/labels`, { auth: token, body: { labels: ["x"], colour: "red" } });
    expect(github.violations.join("\n")).toMatch(/unknown property colour/);
  });
});

describe("conditional requests and rate limits", () => {
  it("answers a GET with an ETag tied to the token, 304 while nothing changed, 200 after a change", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    const first = await call(github, "GET", ISSUE, { auth: token });
    const etag = first.headers.get("etag") ?? "";
    expect(etag).toMatch(/^W\/"/);
    expect((await call(github, "GET", ISSUE, { auth: token, headers: { "if-none-match": etag } })).status).toBe(304);
    const other = await aToken(github, DEFAULT_INSTALLATION_ID);
    expect((await call(github, "GET", ISSUE, { auth: other, headers: { "if-none-match": etag } })).status).toBe(200);
    github.label(DEFAULT_REPO, 4, "bug", "Codertocat");
    expect((await call(github, "GET", ISSUE, { auth: token, headers: { "if-none-match": etag } })).status).toBe(200);
  });

  it("compares If-None-Match weakly and takes a list of ETags or *, as GitHub does", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    const first = await call(github, "GET", ISSUE, { auth: token });
    const etag = first.headers.get("etag") ?? "";
    const strong = etag.replace(/^W\//, "");
    const status = async (header: string) =>
      (await call(github, "GET", ISSUE, { auth: token, headers: { "if-none-match": header } })).status;
    expect(await status(strong)).toBe(304);
    expect(await status(`"other", ${etag}`)).toBe(304);
    expect(await status("*")).toBe(304);
    expect(await status('"other"')).toBe(200);
    const notModified = await call(github, "GET", ISSUE, { auth: token, headers: { "if-none-match": etag } });
    expect(notModified.headers.get("etag")).toBe(etag);
  });

  it("counts each installation's requests, reads and writes, and leaves 304s out of the charge and the remaining budget", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    const etag = (await call(github, "GET", ISSUE, { auth: token })).headers.get("etag") ?? "";
    const again = await call(github, "GET", ISSUE, { auth: token, headers: { "if-none-match": etag } });
    const write = await call(github, "POST", `${ISSUE}/labels`, { auth: token, body: { labels: ["bug"] } });
    expect(github.usage(DEFAULT_INSTALLATION_ID)).toEqual({
      requests: 3,
      charged: 2,
      notModified: 1,
      reads: 2,
      writes: 1,
    });
    expect(again.headers.get("x-ratelimit-used")).toBe("1");
    expect(write.headers.get("x-ratelimit-remaining")).toBe("4998");
    expect(write.headers.get("x-ratelimit-limit")).toBe("5000");
    expect(github.usage(77).requests).toBe(0);
  });

  it("answers 403 once an installation has spent its hour's budget", async () => {
    github.rateLimitPerHour = 2;
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    await call(github, "GET", ISSUE, { auth: token });
    await call(github, "GET", ISSUE, { auth: token });
    const limited = await call(github, "GET", ISSUE, { auth: token });
    expect(limited.status).toBe(403);
    expect(limited.headers.get("x-ratelimit-remaining")).toBe("0");
  });
});

describe("scripted failures", () => {
  it("fails the nth matching call only, with a secondary rate limit GitHub's way (403, retry-after)", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    github.failNth("GET", /\/issues\/4$/, 2, "secondary-rate-limit");
    expect((await call(github, "GET", ISSUE, { auth: token })).status).toBe(200);
    const limited = await call(github, "GET", ISSUE, { auth: token });
    expect(limited).toMatchObject({ status: 403, body: { message: expect.stringMatching(/secondary rate limit/) } });
    expect(limited.headers.get("retry-after")).toBe("60");
    expect((await call(github, "GET", ISSUE, { auth: token })).status).toBe(200);
  });

  it("resets the connection, holds an answer until released, and answers a 5xx", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    github.failNext("GET", /\/issues\/4$/, "reset");
    await expect(call(github, "GET", ISSUE, { auth: token })).rejects.toThrow();
    github.failNext("GET", /\/issues\/4$/, "timeout");
    const held = call(github, "GET", ISSUE, { auth: token });
    await new Promise((resolve) => setTimeout(resolve, 50));
    github.releaseHeld();
    await expect(held).rejects.toThrow();
    github.failNext("GET", /\/issues\/4$/, 502);
    expect((await call(github, "GET", ISSUE, { auth: token })).status).toBe(502);
  });

  it("applies a write whose answer is lost: the label is on, and GitHub still sends its webhook", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    github.failNext("POST", /\/issues\/4\/labels$/, "applied-then-reset");
    await expect(call(github, "POST", `${ISSUE}/labels`, { auth: token, body: { labels: ["bug"] } })).rejects.toThrow();
    await github.deliveriesSettled();
    expect(github.issue(DEFAULT_REPO, 4).labels).toEqual(["bug"]);
    expect(receiver.received.map((r) => `${r.event}.${String(r.payload.action)}`)).toEqual(["issues.labeled"]);
  });
});

describe("echoes of the app's writes", () => {
  it("sends each write back as its signed webhook, after the answer, with the app's bot as sender", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    const answered = await call(github, "POST", `${ISSUE}/labels`, { auth: token, body: { labels: ["a", "b"] } });
    await call(github, "DELETE", `${ISSUE}/labels/a`, { auth: token });
    const comment = await call(github, "POST", `${ISSUE}/comments`, { auth: token, body: { body: "hi" } });
    const id = (comment.body as { id: number }).id;
    await call(github, "PATCH", `/repos/${DEFAULT_REPO}/issues/comments/${id}`, { auth: token, body: { body: "ho" } });
    await call(github, "PATCH", ISSUE, { auth: token, body: { state: "closed", state_reason: "completed" } });
    await call(github, "PATCH", ISSUE, { auth: token, body: { state: "open", title: "Renamed" } });
    await github.deliveriesSettled();

    expect(answered.status).toBe(200);
    expect(receiver.received.map((r) => `${r.event}.${String(r.payload.action)}`)).toEqual([
      "issues.labeled",
      "issues.labeled",
      "issues.unlabeled",
      "issue_comment.created",
      "issue_comment.edited",
      "issues.closed",
      "issues.edited",
      "issues.reopened",
    ]);
    for (const delivery of receiver.received) {
      expect(delivery.signatureOk).toBe(true);
      expect(delivery.payload).toMatchObject({
        sender: { login: FAKE_APP_BOT.login, id: FAKE_APP_BOT.id, type: "Bot" },
        installation: { id: DEFAULT_INSTALLATION_ID },
        repository: { full_name: DEFAULT_REPO },
      });
    }
    expect(new Set(receiver.received.map((r) => r.guid)).size).toBe(receiver.received.length);
    expect(receiver.received[2]?.payload).toMatchObject({ label: { name: "a" }, issue: { labels: [{ name: "b" }] } });
    expect(receiver.received[6]?.payload).toMatchObject({ changes: { title: { from: "Issue 4" } } });
  });

  it("logs each delivery with the app's answer; a failed one is listed and redelivered with the same guid", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    const app = `Bearer ${aJwt(github.appPrivateKey)}`;
    receiver.status = 500;
    await call(github, "POST", `${ISSUE}/labels`, { auth: token, body: { labels: ["bug"] } });
    await github.deliveriesSettled();
    receiver.status = 200;
    const listed = await call(github, "GET", "/app/hook/deliveries?per_page=100", { auth: app });
    expect(listed.body).toMatchObject([{ status_code: 500, event: "issues", action: "labeled", redelivery: false }]);
    const [failed] = listed.body as { id: number; guid: string }[];

    expect((await call(github, "POST", `/app/hook/deliveries/${failed?.id}/attempts`, { auth: app })).status).toBe(202);
    await github.deliveriesSettled();

    expect(receiver.received.map((r) => r.guid)).toEqual([failed?.guid, failed?.guid]);
    expect(github.deliveries.at(-1)).toMatchObject({ guid: failed?.guid, redelivery: true, status: "OK" });
  });

  it("drops, delays, holds and reorders deliveries when told to", async () => {
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    const label = (name: string) => call(github, "POST", `${ISSUE}/labels`, { auth: token, body: { labels: [name] } });
    github.webhooks.dropNext(1);
    await label("lost");
    github.webhooks.hold();
    github.webhooks.delayMs = 5;
    await label("first");
    await label("second");
    await github.deliveriesSettled();
    expect(receiver.received).toEqual([]);

    github.webhooks.release("reversed");
    await github.deliveriesSettled();

    const names = receiver.received.map((r) => (r.payload.label as { name: string }).name);
    expect(names).toEqual(["second", "first"]);
    expect(github.deliveries[0]).toMatchObject({ status_code: 0, action: "labeled" });
  });
});

describe("a person's acts and closing keywords", () => {
  it("delivers a person's act with them as sender, and the act changes GitHub's state first", async () => {
    const sent = await github.as("Codertocat").label(DEFAULT_REPO, 4, "ready-for-agent");
    expect(sent?.status).toBe(200);
    expect(receiver.received[0]?.payload).toMatchObject({
      action: "labeled",
      sender: { login: "Codertocat", type: "User" },
      issue: { labels: [{ name: "ready-for-agent" }] },
    });
    expect(await github.as("Codertocat").label(DEFAULT_REPO, 4, "ready-for-agent")).toBeNull();
  });

  it("a commit on the default branch saying `Fixes #4` closes #4 as completed, its event naming the commit, its webhook the pusher", async () => {
    github.addIssue(DEFAULT_REPO, { number: 5 });
    const { commit } = await github
      .as("dev-dana")
      .push(DEFAULT_REPO, { message: "Add it\n\nFixes #4, resolves Codertocat/Hello-World#5" });
    await github.deliveriesSettled();

    for (const number of [4, 5]) {
      const issue = github.issue(DEFAULT_REPO, number);
      expect(issue).toMatchObject({ state: "closed", state_reason: "completed" });
      expect(issue.events.at(-1)).toMatchObject({
        event: "closed",
        commitId: commit.sha,
        actor: { login: "dev-dana" },
      });
    }
    expect(receiver.received.map((r) => `${r.event}.${String(r.payload.action ?? "")}`)).toEqual([
      "push.",
      "issues.closed",
      "issues.closed",
    ]);
    expect(receiver.received[1]?.payload).toMatchObject({ sender: { login: "dev-dana" }, issue: { number: 4 } });
  });

  it("a person's close has no commit", async () => {
    await github.as("Codertocat").close(DEFAULT_REPO, 4);
    const token = await aToken(github, DEFAULT_INSTALLATION_ID);
    const events = await call(github, "GET", `${ISSUE}/events`, { auth: token });
    expect(events.body).toMatchObject([{ event: "closed", commit_id: null }]);
  });
});
