// Issue 11, the status page in a real browser: Debian's Chromium (playwright-core) loads
// /status from afk's real server while the fakes hold runs in several phases — shipped,
// escalated (with a hostile title), deploying, queued. It logs in through the form (the
// cookie), reads status.json with a bearer header, is refused with a wrong token, and
// saves screenshots to reports/status.png and reports/status-phone.png.

import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toSessionValue, STATUS_COOKIE } from "../../src/shell/http/status-routes.js";
import type { StatusView } from "../../src/core/status/status-types.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { launchChromium } from "../support/chromium.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  aGitHubFake,
  applyReady,
  assertGitHubClean,
  recordOf,
  REPO,
  startHarness,
  type Harness,
  type HarnessOptions,
} from "./harness.js";
import {
  agentEnds,
  keelDeploys,
  DEPLOYMENT,
  NAMESPACE,
  pipelineFor,
  startWorld,
  toDeploying,
  toRollingOut,
  type World,
} from "./ship-world.js";

const TOKEN = "e2e-status-token-0123456789";
const OTHER = "acme/widgets";
const WRITER = "writer-wes";
const HOSTILE_TITLE = `"><script>window.pwned=1</script><img src=x onerror="window.pwned=2"> Tom & Jerry's 'spin'`;
const QUESTION = "Should the widget spin clockwise or anticlockwise?";
const PHONE = { width: 390, height: 844 };
const SETUP_TIMEOUT_MS = 60_000;

let browser: Browser;
let world: World;
const open: Harness[] = [];
let desktop: BrowserContext;
let page: Page;

/** The world's harness, with a second enrolled repo (one repo holds one run, escalated ones included). */
async function startedWithOther(options: HarnessOptions = {}): Promise<Harness> {
  const github = aGitHubFake(options.clock);
  github.addRepo({ fullName: OTHER, ownerType: "Organization", installationId: DEFAULT_INSTALLATION_ID });
  github.addCollaborator(OTHER, WRITER, "write");
  return started({ ...options, github, config: { ...options.config, allowlist: [REPO, OTHER] } });
}

async function started(options: HarnessOptions = {}): Promise<Harness> {
  const h = await startHarness(options);
  open.push(h);
  await h.settle();
  return h;
}

/**
 * #1 shipped, #3 deploying and #4 queued behind it in the fixtures' repo; in the other
 * repo #2 escalated (the agent asked), with a hostile title.
 */
async function buildScene(): Promise<World> {
  const w = await startWorld(startedWithOther, { config: { statusToken: TOKEN } });
  const { h } = w;
  const shipped = await toRollingOut(w, 1);
  keelDeploys(w, shipped.sha);
  h.kube?.rollOut(NAMESPACE, DEPLOYMENT);
  await h.sweepOnce();

  h.github.addIssue(OTHER, { number: 2, title: HOSTILE_TITLE });
  await applyReady(h, 2, { repo: OTHER, by: { login: WRITER } });
  await h.settle();
  agentEnds(w, recordOf(h, 2, OTHER).threadId, `I found both in the docs.\n\nAFK-STATUS: blocked: ${QUESTION}`);
  await h.sweepOnce();

  const deploying = await toDeploying(w, 3);
  pipelineFor(w, deploying.sha, "running");
  await h.sweepOnce();

  h.github.addIssue(REPO, { number: 4, title: "Spin faster" });
  await applyReady(h, 4);
  await h.settle();
  return w;
}

function url(path: string): string {
  return `${world.h.baseUrl}${path}`;
}

/** The scene's issue numbers are unique across its two repos. */
function repoOf(issue: number): string {
  return issue === 2 ? OTHER : REPO;
}

function rowOf(issue: number) {
  return page.locator(`tr[data-issue="${repoOf(issue)}#${issue}"]`);
}

/** Every link of a row, as text → href. */
async function linksOf(issue: number): Promise<Record<string, string>> {
  const anchors = rowOf(issue).locator("a");
  const pairs: [string, string][] = [];
  for (let n = 0; n < (await anchors.count()); n += 1)
    pairs.push([(await anchors.nth(n).innerText()).trim(), (await anchors.nth(n).getAttribute("href")) ?? ""]);
  return Object.fromEntries(pairs);
}

function expectedLinks(record: RunRecord): Record<string, string> {
  const { ci, deploy, rollout } = record.stages;
  const links: Record<string, string> = {
    [`${record.repo}#${record.issue}`]: `https://github.com/${record.repo}/issues/${record.issue}`,
    thread: `${world.h.t3.url}/${record.threadId}`,
  };
  if (record.sha !== null)
    links[`commit ${record.sha.slice(0, 7)}`] = `https://github.com/${record.repo}/commit/${record.sha}`;
  if (ci?.url) links.CI = ci.url;
  if (deploy?.url) links.pipeline = deploy.url;
  if (rollout?.url) links.rollout = rollout.url;
  return links;
}

beforeAll(async () => {
  [browser, world] = await Promise.all([launchChromium(), buildScene()]);
  desktop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await desktop.newPage();
  page.on("dialog", (dialog) => void dialog.dismiss());
}, SETUP_TIMEOUT_MS);

/** Newest first: only one harness may hold the GitHub OpenAPI guard at a time. */
async function closeAll(): Promise<void> {
  const closing = open.splice(0, open.length);
  for (const h of [...closing].reverse()) await h.close();
  for (const h of closing) assertGitHubClean(h.github);
}

afterAll(async () => {
  await browser?.close();
  await closeAll();
});

describe("the status page in a real browser", () => {
  it("the scene holds runs in four phases", () => {
    expect([1, 2, 3, 4].map((issue) => recordOf(world.h, issue, repoOf(issue)).phase)).toEqual([
      "shipped",
      "escalated",
      "deploying",
      "queued",
    ]);
  });

  it("without credentials /status answers 401 with the login form; a wrong token is refused", async () => {
    const first = await page.goto(url("/status"));
    expect(first?.status()).toBe(401);
    await expect(page.locator("form").getAttribute("action")).resolves.toBe("/status/login");
    await page.fill("#token", "not-the-token");
    const [refused] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    expect(refused?.status()).toBe(401);
    await expect(page.locator(".error").innerText()).resolves.toBe("That token was not accepted.");
    expect(await desktop.cookies()).toEqual([]);
  });

  it("the login form sets an HttpOnly, SameSite=Strict cookie on /status holding an HMAC, and opens the page", async () => {
    await page.fill("#token", TOKEN);
    const [opened] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    expect(opened?.status()).toBe(200);
    expect(new URL(page.url()).pathname).toBe("/status");
    const cookies = await desktop.cookies();
    expect(cookies).toEqual([
      expect.objectContaining({
        name: STATUS_COOKIE,
        value: toSessionValue(TOKEN),
        path: "/status",
        httpOnly: true,
        sameSite: "Strict",
      }),
    ]);
    expect(cookies[0]?.value).not.toContain(TOKEN);
    // Reloading (the page's own refresh does the same) stays signed in.
    expect((await page.reload())?.status()).toBe(200);
  });

  it("shows each run in its group with its phase, title, approver, budget and age", async () => {
    const groupOf = async (issue: number) => rowOf(issue).evaluate((row) => row.closest("section")?.className ?? "");
    expect(await Promise.all([1, 2, 3, 4].map(groupOf))).toEqual([
      "finished",
      "waiting-for-human",
      "in-flight",
      "queued",
    ]);
    await expect(rowOf(1).locator(".phase").innerText()).resolves.toBe("Shipped");
    await expect(rowOf(2).locator(".phase").innerText()).resolves.toBe("Escalated: the agent stopped");
    await expect(rowOf(2).locator(".note:not(.when)").innerText()).resolves.toContain(QUESTION);
    await expect(rowOf(3).locator(".phase").innerText()).resolves.toBe("Deploying");
    await expect(rowOf(3).locator(".title").innerText()).resolves.toBe("Make issue 3 happen");
    await expect(rowOf(4).locator(".note:not(.when)").innerText()).resolves.toBe(
      `waiting: ${REPO} is busy with #3 (one agent per repo)`,
    );
    // The approval afk pinned: who, their standing, and when.
    await expect(rowOf(3).locator('[data-label="Approved by"]').innerText()).resolves.toMatch(
      /^Codertocat \(owner\)\n\d{4}-\d\d-\d\dT/,
    );
    await expect(rowOf(2).locator('[data-label="Approved by"]').innerText()).resolves.toMatch(
      new RegExp(`^${WRITER} \\(write\\)\\n`),
    );
    await expect(rowOf(3).locator(".budget").innerText()).resolves.toMatch(
      /fix-forward 0 \/ 2\s+time \d+\smin \/ 4\sh\s00\smin/,
    );
    await expect(rowOf(4).locator(".budget").innerText()).resolves.toBe("—");
    await expect(page.locator("header .meta").innerText()).resolves.toBe(
      "1 in flight · 1 waiting for a human · 1 queued · 1 recently finished",
    );
  });

  it("links the issue, the thread, the commit, the CI run, the pipeline and the rollout as the records have them", async () => {
    for (const issue of [1, 2, 3])
      expect(await linksOf(issue)).toEqual(expectedLinks(recordOf(world.h, issue, repoOf(issue))));
    // Not vacuous: the deploying run has every link but the rollout's (Kubernetes has no URL).
    expect(Object.keys(await linksOf(3))).toEqual([`${REPO}#3`, "thread", expect.any(String), "CI", "pipeline"]);
    expect(await linksOf(4)).toEqual({ [`${REPO}#4`]: `https://github.com/${REPO}/issues/4` });
  });

  it("shows a hostile title as text and runs none of it", async () => {
    await expect(rowOf(2).locator(".title").textContent()).resolves.toBe(HOSTILE_TITLE);
    // Browser-side code as text: the tests are type-checked without the DOM library.
    expect(await page.evaluate("typeof window.pwned")).toBe("undefined");
    expect(await page.locator("script, img, iframe, object").count()).toBe(0);
  });

  it("saves a screenshot of the page", async () => {
    mkdirSync("reports", { recursive: true });
    await page.screenshot({ path: "reports/status.png", fullPage: true });
  });

  it("reads well on a phone: the tables become cards that fit the screen", async () => {
    const phone = await browser.newContext({ viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    await phone.addCookies(await desktop.cookies());
    const small = await phone.newPage();
    expect((await small.goto(url("/status")))?.status()).toBe(200);
    const layout = await small.evaluate(`({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      row: getComputedStyle(document.querySelector("tbody tr")).display,
      head: getComputedStyle(document.querySelector("thead")).position,
    })`);
    expect(layout).toEqual({ overflow: 0, row: "block", head: "absolute" });
    await small.screenshot({ path: "reports/status-phone.png", fullPage: true });
    await phone.close();
  });

  it("status.json with the bearer header gives the same rows", async () => {
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` } });
    const answer = await (await context.newPage()).goto(url("/status.json"));
    expect(answer?.status()).toBe(200);
    const view = (await answer?.json()) as StatusView;
    expect(view.groups.map((group) => [group.kind, group.rows.map((row) => row.issue)])).toEqual([
      ["in-flight", [3]],
      ["waiting-for-human", [2]],
      ["queued", [4]],
      ["finished", [1]],
    ]);
    expect(view.groups[1]?.rows[0]?.title).toBe(HOSTILE_TITLE);
    await context.close();
  });

  it.each([
    ["a wrong bearer token", { authorization: `Bearer ${TOKEN}x` }],
    ["the token itself as the cookie", { cookie: `${STATUS_COOKIE}=${TOKEN}` }],
    ["no credentials", {}],
  ])("status.json with %s answers 401 and nothing else", async (_, headers) => {
    // Chromium shows its own error page for an empty 401: read it through the context's client.
    const context = await browser.newContext({ extraHTTPHeaders: headers });
    const answer = await context.request.get(url("/status.json"));
    expect(answer.status()).toBe(401);
    expect(await answer.text()).toBe("");
    expect(answer.headers()["www-authenticate"]).toBe('Bearer realm="afk status"');
    await context.close();
  });

  it("never logs the token nor the cookie's value (with the redaction the root logger must carry)", () => {
    const logged = JSON.stringify(world.h.logs);
    expect(logged).toContain('"url":"/status.json"');
    expect(logged).toContain('"authorization":"[redacted]"');
    expect(logged).not.toContain(TOKEN);
    expect(logged).not.toContain(toSessionValue(TOKEN));
  });

  it("without AFK_STATUS_TOKEN the routes are not mounted: 404", async () => {
    await closeAll();
    const off = await started();
    const context = await browser.newContext({ extraHTTPHeaders: { authorization: `Bearer ${TOKEN}` } });
    for (const path of ["/status", "/status.json", "/status/login"])
      expect((await context.request.get(`${off.baseUrl}${path}`)).status()).toBe(404);
    await context.close();
  });
});
