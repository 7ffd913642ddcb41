// An issue afk has not met is read for its progress comment, unless GitHub says it has no
// comment at all; a ready issue is read for its native blockers, unless GitHub says none
// block it (issue 12). The ready list's counts decide; the delivery's counts only whether
// the reads are asked for ahead of the list.

import { describe, expect, it } from "vitest";
import { reconcile } from "../../src/shell/reconcile-repo.js";
import { aWorld, INSTALLATION, MAINTAINER, REPO, type World } from "./world.js";

function commentReads(world: World): number {
  return world.github.knobs.count("listComments");
}

describe("the comments of a labeled issue afk has not met", () => {
  it("are not read when the delivery and the ready list both say there are none", async () => {
    const world = aWorld();
    await world.reconcile();
    const issue = world.readyIssue();
    const before = commentReads(world);
    await reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER), comments: 0 });
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(commentReads(world)).toBe(before);
  });

  it("are read when a comment came after the delivery: the ready list's count is the fresh one", async () => {
    const world = aWorld();
    await world.reconcile();
    const issue = world.readyIssue();
    world.github.act.comment(REPO, issue, "drive-by", "me too");
    const before = commentReads(world);
    await reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER), comments: 0 });
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(commentReads(world)).toBe(before + 1);
  });

  it("are read ahead when the delivery does not say", async () => {
    const world = aWorld();
    await world.reconcile();
    const issue = world.readyIssue();
    const before = commentReads(world);
    await reconcile(world.afk, REPO, INSTALLATION, { issue, labeler: world.github.user(MAINTAINER) });
    expect(commentReads(world)).toBe(before + 1);
  });
});

describe("the native blockers of a labeled issue", () => {
  const blockerReads = (world: World): number => world.github.knobs.count("listNativeBlockers");

  it("are not read when the delivery and the ready list both say none block it", async () => {
    const world = aWorld();
    await world.reconcile();
    const issue = world.readyIssue();
    const before = blockerReads(world);
    const hint = { issue, labeler: world.github.user(MAINTAINER), blockedBy: 0 };
    await reconcile(world.afk, REPO, INSTALLATION, hint);
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(blockerReads(world)).toBe(before);
  });

  it("are read when the ready list counts one the delivery did not: the issue stays queued", async () => {
    const world = aWorld();
    await world.reconcile();
    const blocker = world.github.addIssue(REPO);
    const issue = world.readyIssue({ blockedBy: [{ repo: REPO, number: blocker }] });
    const before = blockerReads(world);
    const hint = { issue, labeler: world.github.user(MAINTAINER), blockedBy: 0 };
    await reconcile(world.afk, REPO, INSTALLATION, hint);
    expect(world.record(issue)).toMatchObject({ phase: "queued", queuedReason: { kind: "blocked" } });
    expect(blockerReads(world)).toBe(before + 1);
  });
});
