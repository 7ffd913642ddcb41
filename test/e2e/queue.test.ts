// Ready issues that may not start yet: blocked, their repo busy, the global cap
// reached. Each waits with its reason on the issue (told once) and starts as soon as
// what held it goes away; among free issues the lowest priority:N goes first.

import { describe, expect, it } from "vitest";
import { toThreadId } from "../../src/core/run/ids.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  aGitHubFake,
  applyReady,
  closeIssue,
  harnessPerTest,
  IN_PROGRESS,
  progressRecord,
  READY,
  removeReady,
  REPO,
  t3Commands,
  type Harness,
} from "./harness.js";

const started = harnessPerTest();

const DISPATCH = ["project.create", "thread.create", "thread.turn.start"];

function threadOf(issue: number, repo: string = REPO): string {
  return toThreadId({ installationId: DEFAULT_INSTALLATION_ID, repo, issue, attempt: 1 });
}

function threadsCreated(harness: Harness): unknown[] {
  return harness.t3.commands.filter((command) => command.type === "thread.create").map((command) => command.threadId);
}

function commentEdits(harness: Harness): number {
  return harness.github.calls("PATCH", /\/issues\/comments\/\d+$/).length;
}

describe("blocked issues wait for their blockers", () => {
  it.each([
    ["natively (GitHub's blocked_by lists an open issue)", { blockedBy: [{ repo: REPO, number: 10 }] }],
    ["by a `Blocked by #N` clause in the body", { body: "Make it spin.\n\nBlocked by #10" }],
  ])("%s: queued with the reason told once, dispatched when the blocker closes", async (_name, blocked) => {
    const harness = await started();
    harness.github.addIssue(REPO, { number: 10, title: "The blocker" });
    harness.github.addIssue(REPO, { number: 11, title: "The blocked one", ...blocked });

    expect(await applyReady(harness, 11)).toBe(200);
    await harness.settle();

    expect(t3Commands(harness)).toEqual([]);
    expect(progressRecord(harness, 11)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "blocked", by: [{ repo: REPO, number: 10 }], unreadable: [], notRead: 0 },
    });
    expect(harness.github.appComments(REPO, 11)[0]?.body).toMatch(/#10/);
    expect(harness.github.issue(REPO, 11).labels).not.toContain(IN_PROGRESS);

    // The same reason again writes nothing: no edit, no second comment.
    await harness.runtime.reconcile(REPO, DEFAULT_INSTALLATION_ID);
    await harness.settle();
    expect(commentEdits(harness)).toBe(0);
    expect(harness.github.appComments(REPO, 11)).toHaveLength(1);

    expect(await closeIssue(harness, 10)).toBe(200);
    await harness.settle();

    expect(t3Commands(harness)).toEqual(DISPATCH);
    expect(threadsCreated(harness)).toEqual([threadOf(11)]);
    expect(harness.github.issue(REPO, 11).labels).toContain(IN_PROGRESS);
    // The queued comment became the run's progress comment: edited in place.
    expect(progressRecord(harness, 11)).toMatchObject({ phase: "dispatched", queuedReason: null });
  });
});

describe("a cross-repo blocker", () => {
  it("closing it reconciles the other enrolled repo whose ready issue names it, which is then dispatched", async () => {
    const other = "acme/widgets";
    const github = aGitHubFake();
    github.addRepo({ fullName: "acme/widgets", ownerType: "Organization", installationId: DEFAULT_INSTALLATION_ID });
    const harness = await started({ github, config: { allowlist: [REPO, other] } });
    harness.github.addCollaborator(other, "writer-wes", "write");
    harness.github.addIssue(REPO, { number: 10, title: "The blocker" });
    harness.github.addIssue(other, { number: 2, body: "Blocked by Codertocat/Hello-World#10" });

    expect(await applyReady(harness, 2, { repo: other, by: { login: "writer-wes" } })).toBe(200);
    await harness.settle();
    expect(progressRecord(harness, 2, other)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "blocked", by: [{ repo: REPO, number: 10 }], unreadable: [], notRead: 0 },
    });

    expect(await closeIssue(harness, 10)).toBe(200);
    await harness.settle();

    expect(threadsCreated(harness)).toEqual([threadOf(2, other)]);
    expect(progressRecord(harness, 2, other)).toMatchObject({ phase: "dispatched" });
  });
});

describe("one agent per repo", () => {
  it("of two issues labeled at the same moment, one is dispatched and the other queued as busy until the first run ends", async () => {
    const harness = await started();
    harness.github.addIssue(REPO, { number: 1 });
    harness.github.addIssue(REPO, { number: 2 });

    const statuses = await Promise.all([applyReady(harness, 1), applyReady(harness, 2)]);
    await harness.settle();

    expect(statuses).toEqual([200, 200]);
    expect(t3Commands(harness)).toEqual(DISPATCH);
    expect(threadsCreated(harness)).toEqual([threadOf(1)]);
    expect(progressRecord(harness, 1)).toMatchObject({ phase: "dispatched" });
    expect(progressRecord(harness, 2)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: 1 } });
    expect(harness.github.issue(REPO, 2).labels).not.toContain(IN_PROGRESS);

    // A human takes the label off the first: its run is cancelled, which frees the repo.
    expect(await removeReady(harness, 1)).toBe(200);
    await harness.settle();

    expect(progressRecord(harness, 1)).toMatchObject({ phase: "cancelled" });
    expect(threadsCreated(harness)).toEqual([threadOf(1), threadOf(2)]);
    expect(progressRecord(harness, 2)).toMatchObject({ phase: "dispatched", threadId: threadOf(2) });
    expect(harness.github.issue(REPO, 1).labels).not.toContain(IN_PROGRESS);
    expect(harness.github.issue(REPO, 2).labels).toContain(IN_PROGRESS);
  });

  it("dispatches the lowest priority:N first when the repo is free (no label counts as the default, 100)", async () => {
    const harness = await started();
    harness.github.addIssue(REPO, { number: 21, labels: [READY, "priority:2"], labeledBy: "Codertocat" });
    harness.github.addIssue(REPO, { number: 23, labels: [READY, "priority:1"], labeledBy: "Codertocat" });
    harness.github.addIssue(REPO, { number: 22 });

    expect(await applyReady(harness, 22)).toBe(200);
    await harness.settle();

    expect(threadsCreated(harness)).toEqual([threadOf(23)]);
    expect(progressRecord(harness, 23)).toMatchObject({ phase: "dispatched" });
    expect(progressRecord(harness, 21)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "repo-busy", with: 23 },
    });
    expect(progressRecord(harness, 22)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "repo-busy", with: 23 },
    });
  });
});

describe("the global cap", () => {
  it("with maxConcurrentRuns 1 and two enrolled repos, only one run starts; the other is queued with the cap as its reason", async () => {
    const other = "acme/widgets";
    const github = aGitHubFake();
    github.addRepo({ fullName: "acme/widgets", ownerType: "Organization", installationId: DEFAULT_INSTALLATION_ID });
    const harness = await started({ github, config: { allowlist: [REPO, other], maxConcurrentRuns: 1 } });
    harness.github.addCollaborator(other, "writer-wes", "write");
    harness.github.addIssue(REPO, { number: 1 });
    harness.github.addIssue(other, { number: 1 });

    expect(await applyReady(harness, 1)).toBe(200);
    await harness.settle();
    expect(await applyReady(harness, 1, { repo: other, by: { login: "writer-wes" } })).toBe(200);
    await harness.settle();

    expect(threadsCreated(harness)).toEqual([threadOf(1)]);
    expect(progressRecord(harness, 1)).toMatchObject({ phase: "dispatched" });
    expect(progressRecord(harness, 1, other)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "cap-reached", cap: 1 },
    });
    expect(harness.github.issue(other, 1).labels).not.toContain(IN_PROGRESS);
  });
});
