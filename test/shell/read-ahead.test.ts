// A labeled delivery's reconcile sends the reads it needs side by side (issue 12, label →
// dispatch): while the repo's lists are on their way, the issue's comments, events,
// native blockers, the labeler's role, `.github/afk.yml` and T3's threads are too.

import { describe, expect, it } from "vitest";
import { AFK_CONFIG_PATH } from "../../src/shell/dispatch-run.js";
import { readAhead } from "../../src/shell/read-ahead.js";
import { reconcile } from "../../src/shell/reconcile-repo.js";
import { aDispatchedRun, aWorld, IN_PROGRESS, INSTALLATION, MAINTAINER, REPO, type World } from "./world.js";

const AHEAD = ["listComments", "listIssueEvents", "getRole", "listNativeBlockers", "readFile"];

function githubCallsSince(world: World, seq: number): string[] {
  return world.github.knobs.calls.filter((call) => call.seq > seq).map((call) => call.method);
}

function lastSeq(world: World): number {
  return world.github.knobs.calls.at(-1)?.seq ?? 0;
}

describe("read ahead: a labeled issue's reads go out together", () => {
  it("asks for the issue's reads and T3's threads while the ready list is still on its way, each once", async () => {
    const world = aWorld();
    await world.reconcile();
    const issue = world.readyIssue();
    const since = lastSeq(world);
    const lists = world.github.knobs.hold("listOpenIssuesWithLabel", { times: Infinity });
    const done = reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER) });
    await lists.arrived();
    await expect.poll(() => githubCallsSince(world, since)).toEqual(expect.arrayContaining(AHEAD));
    expect(world.agent.knobs.calls.filter((call) => call.method === "readOverview")).toHaveLength(1);
    lists.release();
    await done;
    expect(world.record(issue)?.phase).toBe("dispatched");
    const reads = githubCallsSince(world, since).filter((method) => AHEAD.includes(method));
    expect(reads.sort()).toEqual([...AHEAD].sort());
    // The thread went into the project found by that one read of T3.
    expect(world.agent.knobs.calls.filter((call) => call.method === "readOverview")).toHaveLength(1);
  });

  it("makes sure of afk's labels once T3 has the run: none of their reads goes before the dispatch commands", async () => {
    const world = aWorld();
    await world.reconcile();
    const issue = world.readyIssue();
    const turn = world.agent.knobs.hold("startTurn", { times: 1 });
    const done = reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER) });
    await turn.arrived();
    expect(world.github.knobs.count("ensureLabel")).toBe(0);
    turn.release();
    await done;
    expect(world.github.knobs.count("ensureLabel")).toBe(3);
    expect(world.issue(issue).labels).toContain(IN_PROGRESS);
  });

  it("reads the blockers and the file beside the labeler's role: none of them waits for it", async () => {
    const world = aWorld();
    await world.reconcile();
    const issue = world.readyIssue();
    const since = lastSeq(world);
    const role = world.github.knobs.hold("getRole", { times: 1 });
    const done = reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER) });
    await role.arrived();
    await expect
      .poll(() => githubCallsSince(world, since))
      .toEqual(expect.arrayContaining(["listNativeBlockers", "readFile"]));
    role.release();
    await done;
    expect(world.record(issue)?.phase).toBe("dispatched");
  });

  it("reads no blockers and no file ahead for a labeler afk already knows it does not trust", async () => {
    const world = aWorld();
    await world.reconcile();
    const first = world.readyIssue({ labeledBy: "stranger" });
    await reconcile(world.afk, REPO, INSTALLATION, { issue: first, labeler: world.github.user("stranger") });
    expect(world.record(first)).toMatchObject({ phase: "queued", queuedReason: { kind: "labeler-untrusted" } });
    const issue = world.readyIssue({ labeledBy: "stranger" });
    const since = lastSeq(world);
    await reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user("stranger") });
    const reads = githubCallsSince(world, since);
    expect(reads).not.toContain("getRole");
    expect(reads.filter((method) => method === "listNativeBlockers" || method === "readFile")).toEqual([]);
    expect(world.record(issue)).toMatchObject({ phase: "queued", queuedReason: { kind: "labeler-untrusted" } });
  });

  it("reads nothing ahead for an issue whose run is under way", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    const since = lastSeq(world);
    await reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER) });
    expect(githubCallsSince(world, since).filter((method) => AHEAD.includes(method))).toEqual([]);
  });

  it("reads afresh after a write: a read begun before it is not taken", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    const facts = await world.issues().getRepo(REPO);
    if (!facts.ok) throw new Error("no repo");
    const hint = { issue, labeler: world.github.user(MAINTAINER) };
    const { tracker } = readAhead(world.afk, REPO, facts.value, world.issues(), hint, AFK_CONFIG_PATH);
    await tracker.createComment(REPO, issue, "written meanwhile");
    const comments = await tracker.listComments(REPO, issue);
    expect(comments.ok && comments.value.map((comment) => comment.body)).toContain("written meanwhile");
  });
});
