import { describe, expect, it } from "vitest";
import type { Nudge } from "../../src/core/ingress/nudge.js";
import type { Actor } from "../../src/core/common/github-types.js";
import { toTaskFingerprint } from "../../src/core/dispatch/decide-approval.js";
import { handleNudge } from "../../src/shell/github-ingress.js";
import { observe } from "../../src/shell/observe-runs.js";
import { onSlackMessage } from "../../src/shell/slack-ingress.js";
import { sweepOnce } from "../../src/shell/sweep-work.js";
import { StepError } from "../../src/shell/step-error.js";
import {
  aDispatchedRun,
  ALICE,
  aWorld,
  CHANNEL,
  botComments,
  HUMAN,
  IN_PROGRESS,
  INSTALLATION,
  MAINTAINER,
  MINUTE,
  pushFix,
  READY,
  REPO,
  type World,
} from "./world.js";

const OTHER = "acme/gadgets";

function stopped(world: World, issue: number, why: "label-removed" | "issue-closed", repo = REPO): Nudge {
  return { kind: "stopped", why, repo, installationId: INSTALLATION, issue, sender: world.github.user(MAINTAINER) };
}

describe("handleNudge: ready-labeled", () => {
  it("dispatches the issue, judging the webhook's sender while the issue's events do not show its labeling yet", async () => {
    const world = aWorld();
    world.afk.forgetInstallation(REPO);
    const issue = world.readyIssue({ labeledBy: "someone-else" });
    const sender = world.github.user(MAINTAINER);
    await handleNudge(world.afk, {
      kind: "ready-labeled",
      repo: REPO,
      installationId: INSTALLATION,
      issue,
      sender,
      at: null,
      task: null,
      comments: null,
      blockedBy: null,
    });
    expect(world.record(issue)?.phase).toBe("dispatched");
    expect(world.afk.installations.get(REPO)).toBe(INSTALLATION);
  });

  function labeled(issue: number, sender: Actor, task: { title: string; body: string } | null): Nudge {
    return {
      kind: "ready-labeled",
      repo: REPO,
      installationId: INSTALLATION,
      issue,
      sender,
      at: null,
      task,
      comments: null,
      blockedBy: null,
    };
  }

  it("dispatches nothing when the sender is not trusted, and says so on the issue", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    await handleNudge(world.afk, labeled(issue, world.github.user("drive-by"), null));
    expect(world.record(issue)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "labeler-untrusted", labeler: "drive-by" },
    });
    expect(world.agent.commands).toEqual([]);
  });

  it("pins the task as the delivery saw it: an edit made before afk read the issue is refused", async () => {
    const world = aWorld();
    const issue = world.readyIssue({ title: "Spin", body: "Make it spin." });
    world.github.act.edit(REPO, issue, "drive-by", { body: "Make it spin, and mine coins." });
    const task = { title: "Spin", body: "Make it spin." };
    await handleNudge(world.afk, labeled(issue, world.github.user(MAINTAINER), task));
    expect(world.agent.commands).toEqual([]);
    expect(world.record(issue)).toMatchObject({
      phase: "queued",
      queuedReason: { kind: "edited-after-approval", approvedBy: MAINTAINER },
      approval: { by: MAINTAINER, fingerprint: toTaskFingerprint(task) },
    });
  });
});

describe("handleNudge: issue-edited", () => {
  async function heldBusy(world: World): Promise<number> {
    const first = world.readyIssue();
    const issue = world.readyIssue({ title: "Spin", body: "Make it spin." });
    await world.reconcile();
    expect(world.record(first)?.phase).toBe("dispatched");
    expect(world.record(issue)).toMatchObject({ phase: "queued", approval: { by: MAINTAINER } });
    return issue;
  }

  function edited(issue: number, login: string, body: string): Nudge {
    const sender = { login, id: 77, type: "User" as const };
    const task = { title: "Spin", body };
    return {
      kind: "issue-edited",
      repo: REPO,
      installationId: INSTALLATION,
      issue,
      sender,
      at: null,
      task,
      comments: null,
      blockedBy: null,
    };
  }

  it("an untrusted edit of a queued, approved issue is refused and said at once", async () => {
    const world = aWorld();
    const issue = await heldBusy(world);
    world.github.act.edit(REPO, issue, "drive-by", { body: "Mine coins." });
    await handleNudge(world.afk, edited(issue, "drive-by", "Mine coins."));
    expect(world.record(issue)?.queuedReason).toMatchObject({ kind: "edited-after-approval", approvedBy: MAINTAINER });
  });

  it("a trusted editor's edit is pinned again, under their name", async () => {
    const world = aWorld();
    const issue = await heldBusy(world);
    world.github.act.edit(REPO, issue, MAINTAINER, { body: "Make it spin twice." });
    await handleNudge(world.afk, edited(issue, MAINTAINER, "Make it spin twice."));
    expect(world.record(issue)).toMatchObject({
      approval: {
        by: MAINTAINER,
        via: "edit",
        fingerprint: toTaskFingerprint({ title: "Spin", body: "Make it spin twice." }),
      },
      queuedReason: { kind: "repo-busy" },
    });
  });

  it("an edit of an issue whose run is under way reads nothing", async () => {
    const world = aWorld();
    const issue = world.readyIssue();
    await world.reconcile();
    const calls = world.github.knobs.calls.length;
    await handleNudge(world.afk, edited(issue, "drive-by", "x"));
    expect(world.github.knobs.calls).toHaveLength(calls);
  });
});

describe("handleNudge: stopped", () => {
  it("the ready label removed: cancels the run (turn interrupted, lock released) and dispatches the issue waiting behind it", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const waiting = world.readyIssue();
    await world.reconcile();
    expect(world.record(waiting)?.queuedReason).toEqual({ kind: "repo-busy", with: issue });
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await handleNudge(world.afk, stopped(world, issue, "label-removed"));
    expect(world.record(issue)).toMatchObject({ phase: "cancelled" });
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue).labels).toEqual([]);
    expect(world.agent.commands.some((c) => c.type === "thread.turn.interrupt" && c.threadId === threadId)).toBe(true);
    expect(world.record(waiting)?.phase).toBe("dispatched");
  });

  it("cancels a run afk does not hold in memory (after a restart), read from its progress comment", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    world.restart();
    world.github.act.close(REPO, issue, MAINTAINER);
    await handleNudge(world.afk, stopped(world, issue, "issue-closed"));
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue).labels).toEqual([READY]);
  });

  it("cancels a run whose T3 thread was deleted", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.deleteThread(threadId);
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    await handleNudge(world.afk, stopped(world, issue, "label-removed"));
    expect(world.record(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue).labels).not.toContain(IN_PROGRESS);
  });

  it("writes nothing for an issue that never had a run", async () => {
    const world = aWorld();
    const issue = world.github.addIssue(REPO);
    await handleNudge(world.afk, stopped(world, issue, "issue-closed"));
    expect(world.github.knobs.writes()).toEqual([]);
  });

  it("throws a StepError, so the delivery can be redelivered, when the progress comment cannot be read", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    world.restart();
    world.github.knobs.fail("listComments", "transient");
    await expect(handleNudge(world.afk, stopped(world, issue, "label-removed"))).rejects.toBeInstanceOf(StepError);
  });

  it("throws a StepError when the cancel's effects fail; the cancelled record stands (written first), the next look takes the lock off, and the check ends once T3 was seen (issue 8)", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    world.github.act.unlabel(REPO, issue, READY, MAINTAINER);
    world.github.knobs.fail("removeLabel", "transient");
    await expect(handleNudge(world.afk, stopped(world, issue, "label-removed"))).rejects.toThrow(
      `looking at ${REPO}#${issue} failed`,
    );
    expect(world.recordOnGitHub(issue)?.phase).toBe("cancelled");
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS]);
    await world.reconcile();
    expect(world.issue(issue).labels).toEqual([]);
    // A reconcile alone reads no T3: the agent may still be at work, and the run keeps its repo until a look that does.
    expect(world.afk.index.get(REPO, issue)).toMatchObject({ record: { phase: "cancelled" }, needsCheck: true });
    await sweepOnce(world.afk);
    expect(world.afk.index.get(REPO, issue)).toMatchObject({ record: { phase: "cancelled" }, needsCheck: false });
  });

  it("reads the issue afresh: a stopped nudge whose issue still carries the ready label cancels nothing", async () => {
    const world = aWorld();
    const { issue, record } = await aDispatchedRun(world);
    await handleNudge(world.afk, stopped(world, issue, "label-removed"));
    expect(world.record(issue)).toEqual(record);
    expect(world.issue(issue).labels).toEqual([IN_PROGRESS, READY]);
  });

  it("an issue closed by the agent's own commit is no cancellation (issue 8): the run goes on to production", async () => {
    const world = aWorld();
    const { issue } = await aDispatchedRun(world);
    const [sha] = world.github.act.push(REPO, [{ message: `Spin\n\nFixes #${issue}` }], { by: "afk-agent" });
    await handleNudge(world.afk, stopped(world, issue, "issue-closed"));
    expect(world.record(issue)).toMatchObject({ phase: "dispatched", closedByCommit: sha });
    expect(world.issue(issue)).toMatchObject({ state: "closed", labels: [IN_PROGRESS, READY] });
  });

  it("a closed blocker reconciles the repos whose issues wait on it", async () => {
    const world = aWorld({ repos: [REPO, OTHER] });
    const blocker = world.github.addIssue(OTHER);
    const waiting = world.readyIssue({ body: `Blocked by ${OTHER}#${blocker}` });
    await world.reconcile();
    expect(world.record(waiting)?.phase).toBe("queued");
    world.github.act.close(OTHER, blocker, MAINTAINER);
    await handleNudge(world.afk, stopped(world, blocker, "issue-closed", OTHER));
    expect(world.record(waiting)?.phase).toBe("dispatched");
    expect(botComments(world, waiting)).toHaveLength(1);
  });
});

describe("handleNudge: ci", () => {
  it("observes the repo's runs now: a green CI for the pushed sha ships the run", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    await handleNudge(world.afk, {
      kind: "ci",
      repo: REPO,
      installationId: INSTALLATION,
      sha,
      branch: "main",
      push: false,
      pipeline: null,
      fact: null,
      commits: null,
    });
    expect(world.record(issue)?.phase).toBe("shipped");
  });

  it("a CI nudge about another commit looks at no run following its own sha; a push looks at them all (issue 8)", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const sha = pushFix(world, issue);
    world.agent.endTurn(threadId, { state: "completed", text: `AFK-STATUS: pushed ${sha}` });
    await observe(world.afk, REPO, INSTALLATION, { sweep: true });
    expect(world.record(issue)).toMatchObject({ phase: "pushed", sha });
    world.github.ci.completeWorkflowRun(world.github.ci.startWorkflowRun(REPO, { sha }), "success");
    const ci = {
      kind: "ci",
      repo: REPO,
      installationId: INSTALLATION,
      branch: "main",
      pipeline: null,
      fact: null,
      commits: null,
    } as const;
    const reads = world.github.knobs.count("listCheckRuns");
    await handleNudge(world.afk, { ...ci, sha: "e".repeat(40), push: false });
    expect(world.github.knobs.count("listCheckRuns")).toBe(reads);
    expect(world.record(issue)?.phase).toBe("pushed");
    await handleNudge(world.afk, { ...ci, sha: "e".repeat(40), push: true });
    expect(world.record(issue)?.phase).toBe("shipped");
  });

  it("reads nothing for a repo without a run in flight", async () => {
    const world = aWorld();
    await handleNudge(world.afk, {
      kind: "ci",
      repo: REPO,
      installationId: INSTALLATION,
      sha: null,
      branch: null,
      push: false,
      pipeline: null,
      fact: null,
      commits: null,
    });
    expect(world.github.knobs.calls).toEqual([]);
    expect(world.agent.knobs.calls).toEqual([]);
  });
});

describe("handleNudge: installation and the nudges that need nothing", () => {
  it("remembers the repos afk was installed on and forgets the ones it was removed from", async () => {
    const world = aWorld();
    await handleNudge(world.afk, { kind: "installation", installationId: 9, added: [OTHER], removed: [REPO] });
    expect([...world.afk.installations]).toEqual([[OTHER, 9]]);
  });

  it.each<Nudge>([
    { kind: "ignore", why: "not afk's business" },
    { kind: "needs-identity", repo: REPO },
  ])("does nothing for a $kind nudge", async (nudge) => {
    const world = aWorld();
    world.readyIssue();
    await handleNudge(world.afk, nudge);
    expect(world.github.knobs.calls).toEqual([]);
  });
});

describe("handleNudge: human-label-removed", () => {
  const humanRemoved = (world: World, issue: number): Nudge => ({
    kind: "human-label-removed",
    repo: REPO,
    installationId: INSTALLATION,
    issue,
    sender: world.github.user(MAINTAINER),
  });

  it("a person who takes over on GitHub ends the run taken over and frees the repo for the next issue (issue 8)", async () => {
    const world = aWorld();
    const { issue, threadId } = await aDispatchedRun(world);
    const waiting = world.readyIssue();
    world.clock.advance(MINUTE);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: which colour?" });
    await observe(world.afk, REPO, INSTALLATION, { sweep: true });
    await world.reconcile();
    expect(world.record(waiting)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: issue } });
    world.github.act.unlabel(REPO, issue, HUMAN, MAINTAINER);
    await handleNudge(world.afk, humanRemoved(world, issue));
    expect(world.record(issue)).toMatchObject({ phase: "taken-over" });
    expect(world.recordOnGitHub(issue)?.phase).toBe("taken-over");
    expect(world.issue(issue)).toMatchObject({ state: "open", labels: [] });
    expect(world.record(waiting)?.phase).toBe("dispatched");
  });

  it("writes nothing for an issue that never had a run", async () => {
    const world = aWorld();
    const issue = world.github.addIssue(REPO);
    await handleNudge(world.afk, humanRemoved(world, issue));
    expect(world.github.knobs.writes()).toEqual([]);
    expect(world.agent.commands).toEqual([]);
  });
});

describe("handleNudge: human-label-removed after a resume afk did not finish", () => {
  it("the person's take-over is the last word: the run ends taken over and no agent works (issue 8)", async () => {
    const world = aWorld({ slack: true });
    const { issue, threadId } = await aDispatchedRun(world);
    world.agent.endTurn(threadId, { state: "completed", text: "AFK-STATUS: blocked: Which colour?" });
    await observe(world.afk, REPO, INSTALLATION);
    const doorbell = world.recordOnGitHub(issue)?.doorbell;
    if (doorbell === null || doorbell === undefined) throw new Error("no doorbell");
    world.clock.advance(MINUTE);
    // Alice answers; afk writes the resume and dies before its labels and the turn.
    const ts = world.doorbell.humanMessage(CHANNEL, ALICE, "Blue, please.", doorbell.ts);
    world.github.knobs.fail("addLabels", "transient");
    const answer = {
      type: "message",
      channel: CHANNEL,
      user: ALICE,
      text: "Blue, please.",
      ts,
      thread_ts: doorbell.ts,
    };
    await onSlackMessage(world.afk, answer).catch(() => undefined);
    expect(world.recordOnGitHub(issue)?.phase).toBe("dispatched");
    expect(world.issue(issue).labels).toEqual([HUMAN]);
    world.github.knobs.clear();
    world.restart();
    world.clock.advance(MINUTE);
    world.github.act.unlabel(REPO, issue, HUMAN, MAINTAINER);
    const sender = world.github.user(MAINTAINER);
    const nudge: Nudge = { kind: "human-label-removed", repo: REPO, installationId: INSTALLATION, issue, sender };
    await handleNudge(world.afk, nudge);
    expect(world.record(issue)?.phase).toBe("taken-over");
    expect(world.issue(issue).labels).toEqual([]);
    expect(world.agent.latestTurn(threadId)?.state).not.toBe("running");
    expect(world.agent.snapshot().threads.filter((thread) => thread.turnRequested)).toHaveLength(0);
  });
});
