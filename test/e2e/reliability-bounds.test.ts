// Issue 8, items 11, 16 and 17: bounded concurrency, memory and work. Admission to the
// global cap is one serialized step: two repos labeled at once never both take its last
// slot. Finished runs leave the index (and the status page) after a week; the blocker
// watch holds only what waits now; a job log is fetched as its tail (a suffix byte range),
// and only its tail is kept when the log host ignores the range.
// At most 20 blockers are read per issue, the rest said on the issue; the body's blockers
// are never read for an untrusted labeler.

import { describe, expect, it } from "vitest";
import { DAY_MS } from "../../src/core/common/time.js";
import type { StatusView } from "../../src/core/status/status-types.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  aGitHubFake,
  applyReady,
  closeIssue,
  FakeClock,
  harnessPerTest,
  IN_PROGRESS,
  READY,
  recordOf,
  removeReady,
  REPO,
  type Harness,
} from "./harness.js";
import {
  aFailingLog,
  agentCommits,
  agentEnds,
  ciRuns,
  deliverOk,
  dispatched,
  MINUTE_MS,
  startWorld,
  threadOf,
  turnTexts,
} from "./ship-world.js";
import { issueSeen, t3Sent } from "./reliability-support.js";

const started = harnessPerTest();
const TOKEN = "e2e-status-token-of-forty-characters-xx";

async function statusIssues(h: Harness): Promise<number[]> {
  const answer = await fetch(`${h.baseUrl}/status.json`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(answer.status).toBe(200);
  const view = (await answer.json()) as StatusView;
  return view.groups.flatMap((group) => group.rows.map((row) => row.issue));
}

describe("item 16: memory stays flat as runs and deliveries accumulate", () => {
  it("today a finished run stays in the index for good; after a week it leaves the index and the status page", async () => {
    const clock = new FakeClock();
    const h = await started({ clock, config: { statusToken: TOKEN } });
    await dispatched({ h, clock, woodpeckerRepoId: null }, 4);
    expect(await removeReady(h, 4)).toBe(200);
    await h.settle();
    expect(recordOf(h, 4).phase).toBe("cancelled");

    clock.advance(6 * DAY_MS);
    await h.sweepOnce();
    expect(h.service.index.get(REPO, 4)?.record?.phase).toBe("cancelled");
    expect(await statusIssues(h)).toEqual([4]);

    clock.advance(DAY_MS + MINUTE_MS);
    await h.sweepOnce();
    expect(h.service.index.get(REPO, 4)).toBeUndefined();
    expect(h.service.index.size).toBe(0);
    expect(await statusIssues(h)).toEqual([]);
  });

  it("today a repo stays watched for a blocker it no longer waits on; once its issue is not ready, the blocker's close reconciles nothing there", async () => {
    const other = "acme/widgets";
    const github = aGitHubFake();
    github.addRepo({ fullName: other, ownerType: "Organization", installationId: DEFAULT_INSTALLATION_ID });
    const h = await started({ github, config: { allowlist: [REPO, other] } });
    h.github.addCollaborator(other, "writer-wes", "write");
    h.github.addIssue(REPO, { number: 10, title: "The blocker" });
    h.github.addIssue(other, { number: 2, body: "Blocked by Codertocat/Hello-World#10" });
    expect(await applyReady(h, 2, { repo: other, by: { login: "writer-wes" } })).toBe(200);
    await h.settle();
    expect(h.service.blockerWatch.size).toBe(1);

    expect(await removeReady(h, 2, { repo: other, by: { login: "writer-wes" } })).toBe(200);
    await h.settle();
    expect(h.service.blockerWatch.size).toBe(0);
    const from = h.github.requests.length;

    expect(await closeIssue(h, 10)).toBe(200);
    await h.settle();

    const otherReads = h.github.requests.slice(from).filter((request) => request.path.startsWith(`/repos/${other}/`));
    expect(otherReads.map((request) => `${request.method} ${request.path}`)).toEqual([]);
    expect(t3Sent(h)).toEqual([]);
  });

  it("today a failing job's log is downloaded whole; it is fetched once, as a suffix byte range, and its tail reaches the agent", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false });
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    clock.advance(10 * MINUTE_MS);
    const { commit, payload } = agentCommits(world, 4);
    agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
    await deliverOk(world, "push", payload);

    await ciRuns(world, commit.sha, "failure", {
      lint: { conclusion: "success" },
      test: { conclusion: "failure", log: aFailingLog(2_000) },
    });

    expect(h.github.logDownloads).toHaveLength(1);
    expect(h.github.rangedLogDownloads).toBe(1);
    const fixForward = turnTexts(world)[1] ?? "";
    expect(fixForward).toContain("AssertionError: expected 5 to be 4");
    expect(fixForward).not.toContain("preamble line 1:");
    expect(recordOf(h, 4)).toMatchObject({ phase: "ci", fixForwards: 1 });
  });

  it("a log host that ignores Range sends the whole log (200); afk keeps only its tail, and the tail reaches the agent", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false });
    const { h, clock } = world;
    h.github.logHostIgnoresRange = true;
    const thread = await dispatched(world, 4);
    clock.advance(10 * MINUTE_MS);
    const { commit, payload } = agentCommits(world, 4);
    agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
    await deliverOk(world, "push", payload);

    await ciRuns(world, commit.sha, "failure", {
      lint: { conclusion: "success" },
      test: { conclusion: "failure", log: aFailingLog(2_000) },
    });

    expect(h.github.logDownloads).toHaveLength(1);
    expect(h.github.rangedLogDownloads).toBe(0);
    const fixForward = turnTexts(world)[1] ?? "";
    expect(fixForward).toContain("AssertionError: expected 5 to be 4");
    expect(fixForward).not.toContain("preamble line 1:");
    expect(recordOf(h, 4)).toMatchObject({ phase: "ci", fixForwards: 1 });
  });
});

describe("item 17: the work afk does for one issue is bounded whatever its body says", () => {
  const blockers = Array.from({ length: 25 }, (_, n) => 101 + n);
  const body = `Needs all of these.\n\nBlocked by ${blockers.map((n) => `#${n}`).join(", ")}`;

  function blockerReads(h: Harness, from = 0): string[] {
    return h.github.requests
      .slice(from)
      .filter((request) => request.method === "GET" && /\/issues\/1\d\d$/.test(request.path))
      .map((request) => request.path);
  }

  it("today every reference in the body is read; 25 blockers: 20 are read, the other 5 are said on the issue and count as open", async () => {
    const h = await started();
    for (const number of blockers) h.github.addIssue(REPO, { number, title: `Blocker ${number}` });
    h.github.addIssue(REPO, { number: 4, body });

    expect(await applyReady(h, 4)).toBe(200);
    await h.settle();

    expect(blockerReads(h)).toHaveLength(20);
    expect(recordOf(h, 4)).toMatchObject({ phase: "queued", queuedReason: { kind: "blocked", notRead: 5 } });
    expect(h.github.appComments(REPO, 4)[0]?.body).toMatch(/5 more references in the body left unread/);
    expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [READY], notices: [] });
    expect(t3Sent(h)).toEqual([]);
  });

  it("today the body decides what afk reads; for a ready label someone afk does not trust applied, no other issue is read, the body's blockers not at all, and only the refusal is said", async () => {
    const h = await started();
    h.github.addCollaborator(REPO, "reader-rita", "read");
    for (const number of blockers) h.github.addIssue(REPO, { number });
    h.github.addIssue(REPO, { number: 4, body, blockedBy: [{ repo: REPO, number: 101 }] });
    h.github.addIssue(REPO, { number: 5, body });
    const from = h.github.requests.length;

    expect(await applyReady(h, 4, { by: { login: "reader-rita" } })).toBe(200);
    await h.settle();

    const reads = h.github.requests.slice(from).map((request) => `${request.method} ${request.path}`);
    // Whose role afk does not know yet: the native blockers and the repo's file went out
    // beside the role (issue 12), a fixed two reads whatever the body says, then left unused.
    expect(reads.filter((read) => /blocked_by|\/contents\//.test(read))).toHaveLength(2);
    // The one write: the refusal, said once on the issue (who applied the label, whom afk obeys).
    expect(reads.filter((read) => !read.startsWith("GET "))).toEqual([`POST /repos/${REPO}/issues/4/comments`]);
    expect(blockerReads(h, from)).toEqual([]);
    expect(issueSeen(h, 4)).toEqual({ state: "open", labels: [READY], notices: [] });
    expect(recordOf(h, 4)).toMatchObject({ phase: "queued", queuedReason: { kind: "labeler-untrusted" } });
    expect(h.github.appComments(REPO, 4).map((comment) => comment.body)).toEqual([
      expect.stringMatching(/applied by @\u200dreader\\-rita \(read\)/),
    ]);
    expect(t3Sent(h)).toEqual([]);

    // Once afk knows they are not trusted, their next label makes it read neither.
    const next = h.github.requests.length;
    expect(await applyReady(h, 5, { by: { login: "reader-rita" } })).toBe(200);
    await h.settle();
    const again = h.github.requests.slice(next).map((request) => `${request.method} ${request.path}`);
    expect(again.filter((read) => /blocked_by|\/contents\/|\/permission$/.test(read))).toEqual([]);
    expect(blockerReads(h, next)).toEqual([]);
    expect(recordOf(h, 5)).toMatchObject({ phase: "queued", queuedReason: { kind: "labeler-untrusted" } });
  });
});

const OTHER = "acme/widgets";
const WRITER = "writer-wes";

/** Two enrolled repos under one installation, each with issue #1; the cap is one run. */
async function twoRepos(): Promise<Harness> {
  const github = aGitHubFake();
  github.addRepo({ fullName: OTHER, ownerType: "Organization", installationId: DEFAULT_INSTALLATION_ID });
  const h = await started({ github, config: { allowlist: [REPO, OTHER], maxConcurrentRuns: 1 } });
  h.github.addCollaborator(OTHER, WRITER, "write");
  h.github.addIssue(REPO, { number: 1 });
  h.github.addIssue(OTHER, { number: 1 });
  return h;
}

describe("item 11: the global cap holds under concurrent deliveries for different repos", () => {
  it("today two repos labeled at once with a cap of 1 both dispatch; exactly one does, the other waits for the cap", async () => {
    const h = await twoRepos();
    // Both labels are on; GitHub delivers both webhooks at the same moment.
    h.github.label(REPO, 1, READY, "Codertocat");
    h.github.label(OTHER, 1, READY, WRITER);
    const labeled = (repo: string, by: string): Promise<number> =>
      h.deliver(
        "issues",
        h.github.issuesPayload(repo, 1, by, { action: "labeled", label: h.github.labelJson(repo, READY) }),
      );

    expect(await Promise.all([labeled(REPO, "Codertocat"), labeled(OTHER, WRITER)])).toEqual([200, 200]);
    await h.settle();

    const creates = h.t3.commands.filter((command) => command.type === "thread.create");
    expect(creates).toHaveLength(1);
    const [winner, waiting] = creates[0]?.threadId === threadOf(1) ? [REPO, OTHER] : [OTHER, REPO];
    expect(recordOf(h, 1, winner)).toMatchObject({ phase: "dispatched" });
    expect(recordOf(h, 1, waiting)).toMatchObject({ phase: "queued", queuedReason: { kind: "cap-reached", cap: 1 } });
    expect(issueSeen(h, 1, winner).labels).toEqual([IN_PROGRESS, READY].sort());
    expect(issueSeen(h, 1, waiting).labels).toEqual([READY]);
    expect(t3Sent(h).filter((sent) => sent.startsWith("thread.turn.start"))).toHaveLength(1);
  });
});
