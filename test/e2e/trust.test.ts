// A trusted ready label becomes exactly one agent thread; nobody else's label does.
// Every case goes through afk's real server with a signed delivery; GitHub is the
// fake behind nock (checked against GitHub's OpenAPI description), T3 the strict fake.

import { describe, expect, it } from "vitest";
import { toCommandId, toProjectCommandId, toProjectId, toThreadId } from "../../src/core/run/ids.js";
import type { FakeRole } from "../fakes/github-fake.js";
import { anIssuesEvent, DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  applyReady,
  harnessPerTest,
  IN_PROGRESS,
  logsWith,
  progressRecord,
  READY,
  REPO,
  t3Commands,
  type Harness,
} from "./harness.js";

const started = harnessPerTest();

function expectNothingDispatched(harness: Harness, issue: number): void {
  expect(t3Commands(harness)).toEqual([]);
  expect(harness.github.issue(REPO, issue).labels).not.toContain(IN_PROGRESS);
  expect(harness.github.appComments(REPO, issue)).toEqual([]);
  expect(harness.github.calls("POST", /\/issues\/\d+\/(labels|comments)$/)).toEqual([]);
}

/** Nothing started, and the one progress comment afk wrote says who applied the label and whom afk obeys. */
function expectRefusalSaid(harness: Harness, issue: number, said: RegExp): void {
  expect(t3Commands(harness)).toEqual([]);
  expect(harness.github.issue(REPO, issue).labels).toEqual([READY]);
  expect(harness.github.calls("POST", /\/issues\/\d+\/labels$/)).toEqual([]);
  const comments = harness.github.appComments(REPO, issue);
  expect(comments).toHaveLength(1);
  expect(comments[0]?.body).toMatch(said);
  expect(comments[0]?.body).toContain("afk obeys people with the admin, maintain or write role on this repository");
  expect(progressRecord(harness, issue)).toMatchObject({
    phase: "queued",
    queuedReason: { kind: "labeler-untrusted" },
  });
}

function untrustedReasons(harness: Harness, issue: number): string[] {
  return logsWith(harness.logs, "ready issue not dispatched")
    .filter((line) => line.issue === issue && line.reason === "labeler-untrusted")
    .map((line) => String(line.why));
}

describe("a trusted ready label", () => {
  it("starts exactly one T3 thread with the deterministic ids, adds the in-progress label and one progress comment whose record says dispatched", async () => {
    const harness = await started();
    harness.github.addCollaborator(REPO, "writer-wes", "write");
    harness.github.addIssue(REPO, { number: 7, title: "Widgets should spin" });

    expect(await applyReady(harness, 7, { by: { login: "writer-wes" } })).toBe(200);
    await harness.settle();

    const key = { installationId: DEFAULT_INSTALLATION_ID, repo: REPO, issue: 7, attempt: 1 };
    const threadId = toThreadId(key);
    expect(t3Commands(harness)).toEqual(["project.create", "thread.create", "thread.turn.start"]);
    const [project, thread, turn] = harness.t3.commands;
    expect(project).toMatchObject({
      commandId: toProjectCommandId(DEFAULT_INSTALLATION_ID, REPO),
      projectId: toProjectId(DEFAULT_INSTALLATION_ID, REPO),
    });
    expect(thread).toMatchObject({
      commandId: toCommandId(key, "thread.create"),
      threadId,
      projectId: toProjectId(DEFAULT_INSTALLATION_ID, REPO),
    });
    expect(turn).toMatchObject({ commandId: toCommandId(key, "turn:1"), threadId });
    expect(harness.t3.thread(threadId)?.projectId).toBe(toProjectId(DEFAULT_INSTALLATION_ID, REPO));

    expect(harness.github.issue(REPO, 7).labels).toEqual([READY, IN_PROGRESS]);
    const record = progressRecord(harness, 7);
    expect(record).toMatchObject({
      phase: "dispatched",
      threadId,
      attempt: 1,
      labeler: "writer-wes",
      installationId: DEFAULT_INSTALLATION_ID,
    });
    // The role came from the collaborator permission endpoint, not from the payload.
    expect(harness.github.calls("GET", /\/collaborators\/writer-wes\/permission$/)).toHaveLength(1);
  });

  it("creates afk's missing labels at start-up, with a colour and a description, and not again at the dispatch", async () => {
    const harness = await started();
    await harness.settle();
    const created = () => harness.github.calls("POST", /\/labels$/).filter((call) => !/\/issues\//.test(call.path));
    const aLabel = (name: string) => ({
      name,
      color: expect.stringMatching(/^[0-9a-f]{6}$/),
      description: expect.stringMatching(/\S/),
    });
    expect(created().map((call) => call.body)).toEqual(
      expect.arrayContaining([aLabel("ready-for-agent"), aLabel(IN_PROGRESS), aLabel("ready-for-human")]),
    );
    expect(created()).toHaveLength(3);

    harness.github.addIssue(REPO, { number: 7 });
    await applyReady(harness, 7);
    await harness.settle();

    expect(created()).toHaveLength(3);
    expect(harness.github.repo(REPO).labels.get(IN_PROGRESS)?.description).toMatch(/\S/);
    expect(harness.github.repo(REPO).issues.get(7)?.labels).toContain(IN_PROGRESS);
  });
});

describe("an untrusted labeler dispatches nothing, and afk says why once on the issue", () => {
  it.each<[string, FakeRole, RegExp]>([
    ["a collaborator with role read", "read", /role read, which is never trusted/],
    [
      "a collaborator with role triage when triage is not configured",
      "triage",
      /role triage, which is not among the trusted roles/,
    ],
  ])("%s", async (_name, role, why) => {
    const harness = await started();
    harness.github.addCollaborator(REPO, "someone", role);
    harness.github.addIssue(REPO, { number: 3 });

    expect(await applyReady(harness, 3, { by: { login: "someone" } })).toBe(200);
    await harness.settle();

    expectRefusalSaid(harness, 3, new RegExp(`applied by @\u200dsomeone \\(${role}\\)`));
    expect(progressRecord(harness, 3).queuedReason).toMatchObject({ why: expect.stringMatching(why) });
    // Said once: a sweep that finds the same refusal writes nothing.
    const writes = harness.github.requests.filter((request) => request.method !== "GET").length;
    await harness.sweepOnce();
    await harness.settle();
    expect(harness.github.requests.filter((request) => request.method !== "GET")).toHaveLength(writes);
    expect(t3Commands(harness)).toEqual([]);
  });

  it("a bot that is not on the trusted bots list", async () => {
    const harness = await started();
    harness.github.addIssue(REPO, { number: 3 });

    expect(await applyReady(harness, 3, { by: { login: "helper[bot]", type: "Bot" } })).toBe(200);
    await harness.settle();

    expectRefusalSaid(harness, 3, /applied by @\u200dhelper\\\[bot\\\] \(bot\)/);
    expect(progressRecord(harness, 3).queuedReason).toMatchObject({
      why: expect.stringMatching(/bot helper\[bot\] is not on the trusted bots list/),
    });
    // The role of a bot cannot make it trusted: no permission call is spent on it.
    expect(harness.github.calls("GET", /\/permission$/)).toEqual([]);
  });

  it("a label applied by an issue template for an author without access (opened + labeled, as the author)", async () => {
    const harness = await started();
    // The template's label is applied as the issue's author, who is no collaborator.
    harness.github.addIssue(REPO, { number: 5, author: "stranger-sam" });
    harness.github.label(REPO, 5, READY, "stranger-sam");
    const sender = { login: "stranger-sam" };
    const labels = harness.github.issue(REPO, 5).labels;

    const statuses = await Promise.all([
      harness.deliver("issues", anIssuesEvent("opened", { issueNumber: 5, issueLabels: labels, sender })),
      harness.deliver(
        "issues",
        anIssuesEvent("labeled", { issueNumber: 5, label: READY, issueLabels: labels, sender }),
      ),
    ]);
    await harness.settle();

    expect(statuses).toEqual([200, 200]);
    expectNothingDispatched(harness, 5);
    expect(harness.github.calls("GET", /\/collaborators\/stranger-sam\/permission$/)).toHaveLength(1);
    expect(untrustedReasons(harness, 5)).toEqual([expect.stringMatching(/stranger-sam has role none/)]);
  });
});

describe("the labeler of an issue found by the reconcile (no webhook for it)", () => {
  it("is the actor of the latest ready `labeled` event, read across every page of the issue's events", async () => {
    const harness = await started();
    harness.github.addCollaborator(REPO, "writer-wes", "write");
    harness.github.addCollaborator(REPO, "reader-rita", "read");
    harness.github.addIssue(REPO, { number: 30, labels: [READY], labeledBy: "writer-wes" });
    for (let i = 0; i < 60; i += 1) {
      harness.github.label(REPO, 30, "noise", "writer-wes");
      harness.github.unlabel(REPO, 30, "noise", "writer-wes");
    }
    // Re-applied by a reader: this event lands on the second page (100 per page).
    harness.github.unlabel(REPO, 30, READY, "reader-rita");
    harness.github.label(REPO, 30, READY, "reader-rita");
    harness.github.addIssue(REPO, { number: 31 });

    expect(await applyReady(harness, 31, { by: { login: "writer-wes" } })).toBe(200);
    await harness.settle();

    expect(harness.github.calls("GET", /\/issues\/30\/events\?.*page=2/)).toHaveLength(1);
    expect(progressRecord(harness, 30).queuedReason).toMatchObject({
      kind: "labeler-untrusted",
      labeler: "reader-rita",
      why: expect.stringMatching(/reader-rita has role read/),
    });
    expect(progressRecord(harness, 31)).toMatchObject({ phase: "dispatched", labeler: "writer-wes" });
  });
});

describe("triage", () => {
  it("dispatches a triager's label when AFK_TRUSTED_ROLES includes triage", async () => {
    const harness = await started({ config: { trustedRoles: ["admin", "maintain", "write", "triage"] } });
    harness.github.addCollaborator(REPO, "triager-tia", "triage");
    harness.github.addIssue(REPO, { number: 3 });

    expect(await applyReady(harness, 3, { by: { login: "triager-tia" } })).toBe(200);
    await harness.settle();

    expect(t3Commands(harness)).toEqual(["project.create", "thread.create", "thread.turn.start"]);
    expect(progressRecord(harness, 3)).toMatchObject({ phase: "dispatched", labeler: "triager-tia" });
  });
});

describe("deliveries", () => {
  it("handles the same delivery id once: the redelivery is ignored and makes no request", async () => {
    const harness = await started();
    harness.github.addIssue(REPO, { number: 9 });

    expect(await applyReady(harness, 9, { id: "delivery-1" })).toBe(200);
    await harness.settle();
    const requestsAfterFirst = harness.github.requests.length;
    const t3RequestsAfterFirst = harness.t3.requests.length;
    const payload = anIssuesEvent("labeled", {
      issueNumber: 9,
      label: READY,
      issueLabels: harness.github.issue(REPO, 9).labels,
    });
    expect(await harness.deliver("issues", payload, "delivery-1")).toBe(200);
    await harness.settle();

    expect(t3Commands(harness)).toEqual(["project.create", "thread.create", "thread.turn.start"]);
    expect(harness.github.requests).toHaveLength(requestsAfterFirst);
    expect(harness.t3.requests).toHaveLength(t3RequestsAfterFirst);
    expect(logsWith(harness.logs, "delivery already handled")).toHaveLength(1);
    expect(harness.github.appComments(REPO, 9)).toHaveLength(1);
  });

  it("handles a redelivery that arrives while the first is still running once", async () => {
    const harness = await started();
    harness.github.addIssue(REPO, { number: 9 });
    harness.github.label(REPO, 9, READY, "Codertocat");
    const { title, body, labels } = harness.github.issue(REPO, 9);
    const payload = anIssuesEvent("labeled", { issueNumber: 9, label: READY, issueLabels: labels });
    // As GitHub sends it: the issue's own title and body, which afk pins.
    Object.assign(payload.issue, { title, body });

    const statuses = await Promise.all([
      harness.deliver("issues", payload, "delivery-2"),
      harness.deliver("issues", payload, "delivery-2"),
    ]);
    await harness.settle();

    expect(statuses).toEqual([200, 200]);
    expect(t3Commands(harness)).toEqual(["project.create", "thread.create", "thread.turn.start"]);
    expect(logsWith(harness.logs, "sharing its outcome")).toHaveLength(1);
    expect(harness.github.calls("POST", /\/issues\/9\/labels$/)).toHaveLength(1);
    expect(harness.github.appComments(REPO, 9)).toHaveLength(1);
  });
});
