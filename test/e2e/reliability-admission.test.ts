// Issue 8, items 11 and 13: who may start at all. Admission to the global cap is one
// serialized step, so two repos labeled at the same moment never both take its last slot;
// and afk refuses to arm against a T3 older than 0.0.29 (no thread list or detail route),
// saying why, instead of dispatching runs it could never follow.

import { describe, expect, it, onTestFinished } from "vitest";
import { startFakeT3 } from "../fakes/t3-server.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import {
  aGitHubFake,
  applyReady,
  FakeClock,
  harnessPerTest,
  IN_PROGRESS,
  logsWith,
  READY,
  recordOf,
  REPO,
  type Harness,
} from "./harness.js";
import { threadOf } from "./ship-world.js";
import { issueSeen, t3Sent } from "./reliability-support.js";

const started = harnessPerTest();
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
