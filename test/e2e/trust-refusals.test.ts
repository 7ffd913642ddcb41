// Issue 9, items 6–8, through afk's real server with signed deliveries: every "no" is said
// on the issue, once, and holds nothing it should not. An unusable `.github/afk.yml` is said
// on each ready issue (key, problem, accepted form) without holding the repo; a command T3
// refuses (and refuses again for the same id) escalates once with T3's words and frees the
// repo; a body with too many blockers, or blockers afk cannot read, says so with their refs.

import { describe, expect, it } from "vitest";
import { applyReady, harnessPerTest, noticesOf, READY, recordOf, REPO, type Harness } from "./harness.js";
import { MINUTE_MS, threadOf } from "./ship-world.js";
import { markNow, t3SentSince, trustWorld, writesSince } from "./trust-world.js";

const started = harnessPerTest();
const HUMAN = "ready-for-human";
const AFK_YML = ".github/afk.yml";

/** Every comment afk wrote on any issue of the repo. */
function allComments(h: Harness): string[] {
  return [...h.github.repo(REPO).issues.values()].flatMap((issue) =>
    h.github.appComments(REPO, issue.number).map((comment) => comment.body),
  );
}

describe("item 6: an unusable .github/afk.yml", () => {
  it("is said on every ready issue (key, problem, accepted form), dispatches nothing and holds nothing; fixed, the next sweep dispatches", async () => {
    const world = await trustWorld(started);
    const { h, clock } = world;
    h.github.repo(REPO).files.set(AFK_YML, "budgets:\n  fix_forward_turns: many\n");
    h.github.addIssue(REPO, { number: 4 });
    h.github.addIssue(REPO, { number: 5 });

    const mark = markNow(h);
    expect(await applyReady(h, 4)).toBe(200);
    expect(await applyReady(h, 5)).toBe(200);
    await h.settle();

    expect(t3SentSince(h, mark)).toEqual([]);
    // One comment on each, nothing else: no label of afk's, no lock.
    expect(writesSince(h, mark).sort()).toEqual(["POST /issues/4/comments", "POST /issues/5/comments"]);
    for (const issue of [4, 5]) {
      expect(h.github.issue(REPO, issue).labels).toEqual([READY]);
      expect(recordOf(h, issue)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-config-invalid" } });
      expect(recordOf(h, issue).queuedReason).toMatchObject({
        problems:
          "budgets.fix_forward_turns (many): not a whole number; accepted: a whole number from 0 to 20 (the operator's value caps it)",
      });
      const comment = h.github.appComments(REPO, issue)[0]?.body ?? "";
      // The key, the problem and the accepted form, as markdown shows them.
      expect(comment).toContain(
        "not started: .github/afk.yml on the default branch cannot be used: budgets\\.fix\\_forward\\_turns \\(many\\)\\: not a whole number; accepted\\: a whole number from 0 to 20 \\(the operator's value caps it\\)",
      );
      expect(comment).toContain("fix the file and afk tries again");
    }
    // The repo is not held: no issue says it waits on another.
    expect(allComments(h).filter((body) => body.includes("busy with"))).toEqual([]);

    // Said once: a sweep with the file unchanged writes nothing.
    let again = markNow(h);
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    expect(writesSince(h, again)).toEqual([]);
    expect(t3SentSince(h, again)).toEqual([]);

    // Fixed on the default branch: the next sweep dispatches the oldest, the other waits for it.
    h.github.repo(REPO).files.set(AFK_YML, "budgets:\n  fix_forward_turns: 1\n");
    again = markNow(h);
    clock.advance(MINUTE_MS);
    await h.sweepOnce();

    expect(t3SentSince(h, again)).toEqual([
      "project.create",
      `thread.create ${threadOf(4)}`,
      `thread.turn.start ${threadOf(4)}`,
    ]);
    expect(recordOf(h, 4)).toMatchObject({ phase: "dispatched", repoConfig: { budgets: { fixForwardTurns: 1 } } });
    expect(recordOf(h, 5)).toMatchObject({ phase: "queued", queuedReason: { kind: "repo-busy", with: 4 } });
  });
});

describe("item 7: a dispatch T3 rejects", () => {
  it("escalates once with T3's words, is not retried by later sweeps, and frees the repo for the next issue", async () => {
    const world = await trustWorld(started);
    const { h, clock } = world;
    h.github.addIssue(REPO, { number: 4 });
    h.github.addIssue(REPO, { number: 5 });
    // thread.create for #4 breaks one of T3's invariants; T3 refuses its id for good.
    h.t3.rejectNext("thread.create");

    expect(await applyReady(h, 4)).toBe(200);
    await h.settle();

    expect(recordOf(h, 4)).toMatchObject({
      phase: "escalated",
      escalation: {
        cause: "dispatch-rejected",
        reason: expect.stringContaining(
          "T3 refused to start the agent's thread: POST /api/orchestration/dispatch answered 500 EnvironmentInternalError/internal_error/orchestration_dispatch_failed",
        ),
      },
    });
    expect(h.github.issue(REPO, 4).labels).toEqual([HUMAN]);
    const notices = noticesOf(h, 4);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain("T3 refused to start the agent's thread");
    const dispatches = (): string[] =>
      h.t3.requests.filter((request) => request.method === "POST").map((r) => `${r.commandType} ${r.status}`);
    expect(dispatches()).toEqual(["project.create 200", "thread.create 500"]);

    // Several sweeps later: nothing retried, nothing written, still one escalation.
    const mark = markNow(h);
    for (let sweep = 0; sweep < 3; sweep += 1) {
      clock.advance(5 * MINUTE_MS);
      await h.sweepOnce();
    }
    expect(dispatches()).toEqual(["project.create 200", "thread.create 500"]);
    expect(writesSince(h, mark)).toEqual([]);
    expect(noticesOf(h, 4)).toHaveLength(1);

    // The repo is free: the next ready issue is dispatched at once.
    expect(await applyReady(h, 5)).toBe(200);
    await h.settle();
    expect(recordOf(h, 5)).toMatchObject({ phase: "dispatched", queuedReason: null });
    expect(t3SentSince(h, mark)).toEqual([`thread.create ${threadOf(5)}`, `thread.turn.start ${threadOf(5)}`]);
  });
});

describe("item 8: blockers over the limit, and blockers afk cannot read", () => {
  it("reads the first 20, says how many more it left unread, and names each one it cannot read (deleted, no access)", async () => {
    const world = await trustWorld(started);
    const { h, clock } = world;
    // A repo afk's app is not installed on: its issues cannot be read.
    h.github.addRepo({ fullName: "acme/secret", ownerType: "Organization", installationId: null });
    h.github.addIssue("acme/secret", { number: 3 });
    const closed = Array.from({ length: 18 }, (_, n) => 101 + n);
    for (const number of closed) {
      h.github.addIssue(REPO, { number });
      h.github.close(REPO, number);
    }
    const past = Array.from({ length: 5 }, (_, n) => 201 + n);
    for (const number of past) h.github.addIssue(REPO, { number });
    // #999 never existed (or was deleted): 404.
    const refs = [...closed.map((n) => `#${n}`), "#999", "acme/secret#3", ...past.map((n) => `#${n}`)];
    h.github.addIssue(REPO, { number: 4, body: `Needs all of these.\n\nBlocked by ${refs.join(", ")}` });

    const mark = markNow(h);
    expect(await applyReady(h, 4)).toBe(200);
    await h.settle();

    const reads = h.github.requests
      .slice(mark.github)
      .filter((request) => request.method === "GET" && /\/issues\/\d+$/.test(request.path));
    expect(reads).toHaveLength(20);
    expect(reads.filter((request) => /\/issues\/20\d$/.test(request.path))).toEqual([]);
    expect(recordOf(h, 4)).toMatchObject({
      phase: "queued",
      queuedReason: {
        kind: "blocked",
        by: [
          { repo: REPO, number: 999 },
          { repo: "acme/secret", number: 3 },
        ],
        unreadable: [
          { repo: REPO, number: 999 },
          { repo: "acme/secret", number: 3 },
        ],
        notRead: 5,
      },
    });
    const comment = h.github.appComments(REPO, 4)[0]?.body ?? "";
    expect(comment).toContain("afk cannot read #999 and acme/secret#3 (deleted, or no access), so they count as open");
    expect(comment).toContain(
      "5 more references in the body left unread: afk reads the first 20 blockers of an issue and counts the rest as open",
    );
    expect(writesSince(h, mark)).toEqual(["POST /issues/4/comments"]);
    expect(t3SentSince(h, mark)).toEqual([]);
    expect(h.github.issue(REPO, 4).labels).toEqual([READY]);

    // Said once.
    const again = markNow(h);
    clock.advance(MINUTE_MS);
    await h.sweepOnce();
    expect(writesSince(h, again)).toEqual([]);
    expect(t3SentSince(h, again)).toEqual([]);
  });
});
