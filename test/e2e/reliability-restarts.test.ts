// Issue 8, items 9, 10, 12 and 13: what afk finds when it starts (again). A dispatch healed
// after a crash keeps its original time, so what the agent did meanwhile counts; a record
// afk cannot read is escalated as the highest attempt T3 knows, so a retry never reuses
// an attempt's ids; an installation afk could not look up at start is looked up by the
// sweep; the index is rebuilt before failed deliveries are redelivered; and afk refuses
// to arm against a T3 older than 0.0.29 (no thread list or detail route), saying why.

import { describe, expect, it, onTestFinished } from "vitest";
import { startFakeT3 } from "../fakes/t3-server.js";
import { RETRY_ACTION_ID } from "../../src/core/render/render-doorbell.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  aGitHubFake,
  applyReady,
  eventually,
  FakeClock,
  harnessPerTest,
  IN_PROGRESS,
  logsWith,
  pressDoorbell,
  READY,
  recordOf,
  removeReady,
  REPO,
  SLACK_ALLOWED_USER as ALLOWED,
} from "./harness.js";
import { agentCommits, deliverOk, dispatched, MINUTE_MS, startWorld, threadOf } from "./ship-world.js";
import { DISPATCH_4, HUMAN, issueSeen, t3Sent } from "./reliability-support.js";

const started = harnessPerTest();

describe("item 9: a dispatch healed after a crash keeps its dispatch time", () => {
  it("today the turn that ended and the commit pushed while afk was down are ignored and the run stalls; after the restart both count", async () => {
    const clock = new FakeClock();
    const first = await started({ clock });
    first.github.addIssue(REPO, { number: 4 });
    const dispatchedAt = clock.now();
    // afk dies between T3's dispatch and its lock label: the thread runs, GitHub shows nothing.
    first.github.failNext("POST", /\/issues\/4\/labels$/, 502);
    expect(await applyReady(first, 4)).toBe(500);
    await first.stopAfk();
    expect(issueSeen(first, 4)).toEqual({ state: "open", labels: [READY], notices: [] });

    clock.advance(10 * MINUTE_MS);
    const { commit } = first.github.pushCommit(REPO, { message: "Make issue 4 happen\n\nAFK-Issue: 4" });
    first.t3.completeTurn(threadOf(4), { text: `AFK-STATUS: pushed ${commit.sha}`, state: "completed" });
    clock.advance(20 * MINUTE_MS);

    const second = await started({ clock, github: first.github, t3: first.t3 });
    await second.sweepOnce();

    expect(recordOf(second, 4)).toMatchObject({
      attempt: 1,
      dispatchedAt,
      sha: commit.sha,
      turn: { number: 1, state: "ended" },
      agentStatus: { kind: "pushed", sha: commit.sha },
    });
    expect(recordOf(second, 4).phase).toMatch(/^(pushed|ci)$/);
    expect(issueSeen(second, 4)).toEqual({ state: "open", labels: [IN_PROGRESS, READY].sort(), notices: [] });
    expect(second.github.appComments(REPO, 4)).toHaveLength(1);
    // Healed with the same ids: T3 holds one thread and one turn.
    expect(t3Sent(second)).toEqual(DISPATCH_4);
  });
});

describe("item 10: attempt numbers never repeat for an issue", () => {
  it("today an unreadable record restarts at attempt 1 and a retry re-uses attempt 2's thread; it is escalated as attempt 2, and the retry starts attempt 3", async () => {
    const world = await startWorld(started, {
      woodpecker: false,
      kube: false,
      slack: { allowedUsers: [ALLOWED] },
    });
    const { h, clock } = world;
    await dispatched(world, 4);
    expect(await removeReady(h, 4)).toBe(200);
    await h.settle();
    clock.advance(MINUTE_MS);
    expect(await applyReady(h, 4)).toBe(200);
    await h.settle();
    expect(recordOf(h, 4)).toMatchObject({ attempt: 2, phase: "dispatched", threadId: threadOf(4, 2) });
    await h.stopAfk();
    // The record becomes unreadable (a hand edit broke its JSON).
    const comment = h.github.appComments(REPO, 4)[0];
    if (comment === undefined) throw new Error("no progress comment");
    comment.body = comment.body.replace(/<!-- afk:run \{/, "<!-- afk:run {{");

    const second = await started({
      clock,
      github: h.github,
      t3: h.t3,
      slack: { allowedUsers: [ALLOWED], ...(h.slack === null ? {} : { api: h.slack }) },
    });
    expect(recordOf(second, 4)).toMatchObject({ attempt: 2, phase: "escalated", escalation: { cause: "lost" } });
    expect(issueSeen(second, 4).labels).toEqual([HUMAN]);

    const doorbell = recordOf(second, 4).doorbell?.ts ?? "";
    expect((await pressDoorbell(second, doorbell, RETRY_ACTION_ID, { id: ALLOWED, name: "alice" })).status).toBe(200);
    await eventually(second, () => recordOf(second, 4).attempt === 3, "attempt 3");
    await second.settle();

    expect(recordOf(second, 4)).toMatchObject({ attempt: 3, phase: "dispatched", threadId: threadOf(4, 3) });
    const created = second.t3.commands.filter((command) => command.type === "thread.create");
    expect(created.map((command) => command.threadId)).toEqual([threadOf(4, 1), threadOf(4, 2), threadOf(4, 3)]);
    const opened = second.t3.commands.filter((command) => command.type === "thread.turn.start");
    expect(opened.map((command) => command.threadId)).toEqual([threadOf(4, 1), threadOf(4, 2), threadOf(4, 3)]);
    expect(issueSeen(second, 4).labels).toEqual([IN_PROGRESS, READY].sort());
  });
});

describe("item 12: start-up", () => {
  it("today a repo whose installation lookup failed at start is never swept; the next sweep looks it up and dispatches its ready issue", async () => {
    const clock = new FakeClock();
    const github = aGitHubFake(clock);
    // Labeled while afk was down: no webhook will tell afk about it.
    github.addIssue(REPO, { number: 4, labels: [READY], labeledBy: "Codertocat" });
    github.failNext("GET", /^\/repos\/codertocat\/hello-world\/installation$/i, 502);

    const h = await started({ clock, github });
    expect(logsWith(h.logs, "cannot find afk's installation")).toHaveLength(1);
    expect(t3Sent(h)).toEqual([]);
    expect(h.service.installations.get(REPO)).toBeUndefined();

    clock.advance(MINUTE_MS);
    await h.sweepOnce();

    expect(h.service.installations.get(REPO)).toBe(DEFAULT_INSTALLATION_ID);
    expect(recordOf(h, 4)).toMatchObject({ phase: "dispatched", threadId: threadOf(4) });
    expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [IN_PROGRESS, READY].sort(), notices: [] });
    expect(t3Sent(h)).toEqual(DISPATCH_4);
  });

  it("today redelivered CI webhooks reach an empty index and are dropped; the index is rebuilt first, so the run they finish ships at start", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false });
    const { h, clock } = world;
    await dispatched(world, 4);
    clock.advance(10 * MINUTE_MS);
    const { commit, payload } = agentCommits(world, 4);
    await deliverOk(world, "push", payload);
    const run = h.github.startWorkflowRun(REPO, { sha: commit.sha, jobs: ["test"] });
    await h.stopAfk();

    // CI ends while afk is down: GitHub cannot deliver its webhooks.
    clock.advance(3 * MINUTE_MS);
    h.github.completeWorkflowRun(REPO, run.id, { conclusion: "success" });
    for (const check of h.github.checkRunsOf(REPO, run.id))
      expect(await h.deliver("check_run", h.github.checkRunPayload(REPO, check.id))).toBe(0);
    expect(await h.deliver("workflow_run", h.github.workflowRunPayload(REPO, run.id))).toBe(0);

    const second = await started({ clock, github: h.github, t3: h.t3 });

    expect(second.github.redelivered).toHaveLength(2);
    expect(recordOf(second, 4)).toMatchObject({ phase: "shipped", sha: commit.sha });
    expect(issueSeen(second, 4)).toEqual({
      state: "closed",
      labels: [],
      notices: [expect.stringMatching(new RegExp(`^Shipped ${commit.sha}: `))],
    });
  });
});

describe("item 13: T3 below 0.0.29", () => {
  it("today afk arms and dispatches runs it can never follow; it refuses to arm with a clear log line and dispatches nothing", async () => {
    const clock = new FakeClock();
    const t3 = await startFakeT3({ serverVersion: "0.0.28", now: clock.now });
    onTestFinished(() => t3.close());
    const h = await started({ clock, t3 });
    h.github.addIssue(REPO, { number: 4 });
    const writesBefore = h.github.requests.filter((request) => request.method !== "GET").length;

    expect(await applyReady(h, 4)).toBe(200);
    await h.settle();
    await h.sweepOnce();

    const refusals = logsWith(h.logs, "afk refuses to arm");
    expect(refusals).toHaveLength(1);
    expect(refusals[0]?.msg).toMatch(/T3 is version 0\.0\.28; afk needs 0\.0\.29 or later/);
    expect(refusals[0]?.level).toBeGreaterThanOrEqual(50);
    expect(h.service.armed).toBe(false);
    expect(t3Sent(h)).toEqual([]);
    expect(h.t3.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /.well-known/t3/environment",
    ]);
    expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [READY], notices: [] });
    expect(h.github.appComments(REPO, 4)).toEqual([]);
    expect(h.github.requests.filter((request) => request.method !== "GET")).toHaveLength(writesBefore);
  });
});
