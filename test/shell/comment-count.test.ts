// An issue afk has not met is read for its progress comment, unless GitHub says it has no
// comment at all (issue 12): the ready list's count decides, the delivery's count only
// whether the comments are asked for ahead of the list.

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
