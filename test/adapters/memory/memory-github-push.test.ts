import { describe, expect, it } from "vitest";
import { MemoryGitHub } from "../../../src/adapters/memory/memory-github.js";
import type { Webhook } from "../../../src/adapters/memory/github-world.js";

const REPO = "acme/web";
const INSTALLATION = 7;

function aWorld(): { github: MemoryGitHub; tracker: ReturnType<MemoryGitHub["issueTracker"]> } {
  let now = 1_000_000;
  const github = new MemoryGitHub({ now: () => (now += 1_000) });
  github.addRepo(REPO, { installationId: INSTALLATION });
  return { github, tracker: github.issueTracker(INSTALLATION) };
}

function received(github: MemoryGitHub): Webhook[] {
  const seen: Webhook[] = [];
  github.onWebhook((webhook) => void seen.push(webhook));
  return seen;
}

function describeWebhook(webhook: Webhook): string {
  const payload = webhook.payload as { action?: string; label?: { name: string }; sender: { login: string } };
  const label = payload.label === undefined ? "" : ` ${payload.label.name}`;
  return `${webhook.name}.${payload.action ?? ""}${label} by ${payload.sender.login}`;
}

describe("MemoryGitHub pushes", () => {
  it("closes an issue named with a closing keyword on the default branch, with the commit and the pusher", async () => {
    const { github, tracker } = aWorld();
    const seen = received(github);
    const issue = github.addIssue(REPO, { labels: ["ready-for-agent"] });
    const [sha] = github.act.push(REPO, [{ message: `Fix the crash\n\nFixes #${issue}` }], { by: "agent-user" });
    const read = await tracker.getIssue(REPO, issue);
    expect(read.ok && read.value.state).toBe("closed");
    expect(github.snapshot().repos[0]?.issues[0]?.stateReason).toBe("completed");
    const events = await tracker.listIssueEvents(REPO, issue);
    expect(events.ok && events.value.at(-1)).toMatchObject({ kind: "closed", commitId: sha });
    expect(events.ok && events.value.at(-1)?.actor?.login).toBe("agent-user");
    await github.flushWebhooks();
    expect(seen.map(describeWebhook)).toEqual(["push. by agent-user", "issues.closed by agent-user"]);
    expect(seen[0]?.payload).toMatchObject({ ref: "refs/heads/main", after: sha, head_commit: { id: sha } });
  });

  it.each([
    ["closes #1", true],
    ["Resolved: #1", true],
    ["fixed acme/web#1", true],
    ["FIX #1", true],
    ["AFK-Issue: 1, see #1", false],
    ["prefix #1", false],
  ])("reads %j as closing: %s", (message, closes) => {
    const { github } = aWorld();
    const issue = github.addIssue(REPO);
    github.act.push(REPO, [{ message }], { by: "dev" });
    expect(github.snapshot().repos[0]?.issues[issue - 1]?.state).toBe(closes ? "closed" : "open");
  });

  it("leaves a referenced event for a mention without a closing keyword", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO);
    const [sha] = github.act.push(REPO, [{ message: `Work on it\n\nAFK-Issue: ${issue} (#${issue})` }], { by: "dev" });
    const events = await tracker.listIssueEvents(REPO, issue);
    expect(events.ok && events.value).toEqual([expect.objectContaining({ kind: "other", commitId: sha })]);
  });

  it("closes nothing from another branch, but still sends the push", () => {
    const { github } = aWorld();
    const issue = github.addIssue(REPO);
    github.act.push(REPO, [{ message: `Fixes #${issue}` }], { by: "dev", branch: "feature" });
    expect(github.snapshot().repos[0]?.issues[0]?.state).toBe("open");
    expect(github.pendingWebhooks.map((webhook) => webhook.name)).toEqual(["push"]);
  });

  it("lists the default branch's commits since a time, newest first", async () => {
    let now = 10_000;
    const github = new MemoryGitHub({ now: () => now });
    github.addRepo(REPO);
    const [old] = github.act.push(REPO, [{ message: "old" }], { by: "dev" });
    now = 20_000;
    const [fresh] = github.act.push(REPO, [{ message: "new" }], { by: "dev" });
    const commits = await github.ciReader(1).listCommitsSince(REPO, "main", 15_000);
    expect(commits.ok && commits.value.map((commit) => commit.sha)).toEqual([fresh]);
    const all = await github.ciReader(1).listCommitsSince(REPO, "main", 0);
    expect(all.ok && all.value.map((commit) => commit.sha)).toEqual([fresh, old]);
  });
});

describe("MemoryGitHub app", () => {
  it("says who afk is and where it is installed", async () => {
    const { github } = aWorld();
    const app = github.app();
    expect(await app.readIdentity()).toEqual({
      ok: true,
      value: { appId: 4711, slug: "afk-test", botLogin: "afk-test[bot]" },
    });
    expect(await app.findInstallation("ACME/web")).toEqual({ ok: true, value: INSTALLATION });
    expect(await app.findInstallation("acme/unknown")).toEqual({ ok: true, value: null });
  });

  it("snapshots issues as plain data that a later write does not change", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO, { title: "Crash", labels: ["b", "a"] });
    const before = github.snapshot();
    await tracker.addLabels(REPO, issue, ["c"]);
    expect(before.repos[0]?.issues[0]).toMatchObject({ title: "Crash", labels: ["a", "b"], state: "open" });
    expect(structuredClone(github.snapshot())).toEqual(github.snapshot());
  });
});
