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

describe("MemoryGitHub issue tracker", () => {
  it("treats labels as a set: adding twice keeps one, removing an absent label succeeds", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO, { labels: ["bug"] });
    expect((await tracker.addLabels(REPO, issue, ["Bug", "ready-for-agent"])).ok).toBe(true);
    expect((await tracker.removeLabel(REPO, issue, "never-there")).ok).toBe(true);
    const read = await tracker.getIssue(REPO, issue);
    expect(read.ok && read.value.labels).toEqual(["bug", "ready-for-agent"]);
  });

  it("creates a label the repo does not define when it is added to an issue, as GitHub does", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO);
    await tracker.addLabels(REPO, issue, ["afk:in-progress"]);
    expect(github.snapshot().repos[0]?.labels).toEqual(["afk:in-progress"]);
  });

  it("answers absences that are facts as values: a missing file is null, a stranger's role is none", async () => {
    const { github, tracker } = aWorld();
    github.setFile(REPO, ".github/afk.yml", "deploy: {}\n");
    github.setRole(REPO, "maria", "maintain");
    expect(await tracker.readFile(REPO, ".github/afk.yml", "main")).toEqual({ ok: true, value: "deploy: {}\n" });
    expect(await tracker.readFile(REPO, "missing.yml", "main")).toEqual({ ok: true, value: null });
    expect(await tracker.getRole(REPO, "Maria")).toEqual({ ok: true, value: "maintain" });
    expect(await tracker.getRole(REPO, "stranger")).toEqual({ ok: true, value: "none" });
  });

  it("gives the owner of a user-owned repo the admin role", async () => {
    const github = new MemoryGitHub();
    github.addRepo("alice/tool", { ownerType: "User", installationId: 1 });
    expect(await github.issueTracker(1).getRole("alice/tool", "alice")).toEqual({ ok: true, value: "admin" });
  });

  it("answers not-found for a repo outside the installation, as a token without access sees it", async () => {
    const { github } = aWorld();
    const result = await github.issueTracker(INSTALLATION + 1).getRepo(REPO);
    expect(!result.ok && result.error.category).toBe("not-found");
  });

  it("lists open issues with the label case-insensitively, never pull requests or closed issues", async () => {
    const { github, tracker } = aWorld();
    const open = github.addIssue(REPO, { labels: ["Ready-For-Agent"] });
    github.addIssue(REPO, { labels: ["ready-for-agent"], state: "closed" });
    github.addPullRequest(REPO, { labels: ["ready-for-agent"] });
    github.addIssue(REPO, { labels: ["bug"] });
    const listed = await tracker.listOpenIssuesWithLabel(REPO, "ready-for-agent");
    expect(listed.ok && listed.value.map((issue) => issue.number)).toEqual([open]);
  });

  it("marks a comment written through the port with the app's id, a person's with none", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO);
    github.act.comment(REPO, issue, "maria", "me too");
    await tracker.createComment(REPO, issue, "progress");
    const comments = await tracker.listComments(REPO, issue);
    expect(comments.ok && comments.value.map((c) => [c.author?.login, c.appId])).toEqual([
      ["maria", null],
      ["afk-test[bot]", 4711],
    ]);
  });

  it("answers not-found when updating a deleted comment", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO);
    const created = await tracker.createComment(REPO, issue, "progress");
    if (!created.ok) throw new Error("no comment");
    github.act.deleteComment(created.value.id, "maria");
    const updated = await tracker.updateComment(REPO, created.value.id, "progress, again");
    expect(!updated.ok && updated.error.category).toBe("not-found");
  });

  it("records an issue event for every label, close and reopen, with the bot as actor for port writes", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO, { labels: ["ready-for-agent"], labeledBy: "maria" });
    await tracker.removeLabel(REPO, issue, "ready-for-agent");
    await tracker.closeIssue(REPO, issue, "completed");
    github.act.reopen(REPO, issue, "maria");
    github.act.edit(REPO, issue, "maria", { title: "A better title" });
    const events = await tracker.listIssueEvents(REPO, issue);
    expect(events.ok && events.value.map((e) => `${e.kind} ${e.label ?? ""} ${e.actor?.login ?? ""}`)).toEqual([
      "labeled ready-for-agent maria",
      "unlabeled ready-for-agent afk-test[bot]",
      "closed  afk-test[bot]",
      "reopened  maria",
      "edited  maria",
    ]);
  });

  it("answers not-found for native blockers on a server without the dependencies endpoint", async () => {
    const github = new MemoryGitHub();
    github.addRepo("ghes/app", { installationId: 1, nativeBlockers: false });
    const issue = github.addIssue("ghes/app");
    const result = await github.issueTracker(1).listNativeBlockers("ghes/app", issue);
    expect(!result.ok && result.error.category).toBe("not-found");
  });

  it("lists native blockers with their current state", async () => {
    const { github, tracker } = aWorld();
    const blocker = github.addIssue(REPO);
    const blocked = github.addIssue(REPO, { blockedBy: [{ repo: REPO, number: blocker }] });
    github.act.close(REPO, blocker, "maria");
    expect(await tracker.listNativeBlockers(REPO, blocked)).toEqual({
      ok: true,
      value: [{ repo: REPO, number: blocker, state: "closed" }],
    });
  });
});

describe("MemoryGitHub echoes", () => {
  it("queues the webhook of every port write, with the bot as sender, and delivers it only after the call", async () => {
    const { github, tracker } = aWorld();
    const seen = received(github);
    const issue = github.addIssue(REPO);
    await tracker.addLabels(REPO, issue, ["afk:in-progress", "ready-for-human"]);
    await tracker.removeLabel(REPO, issue, "ready-for-human");
    const comment = await tracker.createComment(REPO, issue, "progress");
    if (comment.ok) await tracker.updateComment(REPO, comment.value.id, "progress 2");
    await tracker.closeIssue(REPO, issue, "completed");
    await tracker.reopenIssue(REPO, issue);
    expect(seen).toEqual([]);
    await github.flushWebhooks();
    expect(seen.map(describeWebhook)).toEqual([
      "issues.labeled afk:in-progress by afk-test[bot]",
      "issues.labeled ready-for-human by afk-test[bot]",
      "issues.unlabeled ready-for-human by afk-test[bot]",
      "issue_comment.created by afk-test[bot]",
      "issue_comment.edited by afk-test[bot]",
      "issues.closed by afk-test[bot]",
      "issues.reopened by afk-test[bot]",
    ]);
    expect(seen[0]?.payload).toMatchObject({
      sender: { login: "afk-test[bot]", id: 990_001, type: "Bot" },
      installation: { id: INSTALLATION },
      repository: { full_name: REPO, default_branch: "main", owner: { login: "acme" } },
      issue: { number: issue, labels: [{ name: "afk:in-progress" }] },
    });
  });

  it("sends nothing for a write that changes nothing", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO, { labels: ["bug"] });
    await tracker.addLabels(REPO, issue, ["bug"]);
    await tracker.removeLabel(REPO, issue, "absent");
    await tracker.reopenIssue(REPO, issue);
    expect(github.pendingWebhooks).toEqual([]);
  });

  it("sends a person's acts with the person as sender", async () => {
    const { github } = aWorld();
    const seen = received(github);
    const issue = github.addIssue(REPO);
    github.act.label(REPO, issue, "ready-for-agent", "maria");
    github.act.unlabel(REPO, issue, "ready-for-agent", "maria");
    github.act.edit(REPO, issue, "maria", { body: "new body" });
    github.act.close(REPO, issue, "maria", "not_planned");
    await github.flushWebhooks();
    expect(seen.map(describeWebhook)).toEqual([
      "issues.labeled ready-for-agent by maria",
      "issues.unlabeled ready-for-agent by maria",
      "issues.edited by maria",
      "issues.closed by maria",
    ]);
  });

  it("opens an issue with template labels as opened plus labeled by the author", async () => {
    const { github } = aWorld();
    const seen = received(github);
    github.setWebhookOrder("lifo");
    github.act.openIssue(REPO, "newcomer", { title: "Crash", labels: ["ready-for-agent"] });
    await github.flushWebhooks();
    expect(seen.map(describeWebhook)).toEqual([
      "issues.labeled ready-for-agent by newcomer",
      "issues.opened by newcomer",
    ]);
  });

  it("sends labels on a pull request as pull_request, never issues", async () => {
    const { github } = aWorld();
    const pr = github.addPullRequest(REPO);
    github.act.label(REPO, pr, "ready-for-agent", "maria");
    expect(github.pendingWebhooks.map((webhook) => webhook.name)).toEqual(["pull_request"]);
  });

  it("sends nothing for a repo afk is not installed on, nor for events the app does not subscribe to", async () => {
    const github = new MemoryGitHub({ subscribedEvents: ["issues"] });
    github.addRepo("acme/other", { installationId: null });
    github.addRepo(REPO, { installationId: 1 });
    github.act.label("acme/other", github.addIssue("acme/other"), "x", "maria");
    github.act.comment(REPO, github.addIssue(REPO), "maria", "hello");
    expect(github.pendingWebhooks).toEqual([]);
  });

  it("records a delivery afk failed or never got as failed, and redelivers it with the same id", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO);
    await tracker.addLabels(REPO, issue, ["a"]);
    await tracker.addLabels(REPO, issue, ["b"]);
    github.dropWebhooks((webhook) => (webhook.payload as { label: { name: string } }).label.name === "a");
    const off = github.onWebhook(() => {
      throw new Error("afk is down");
    });
    const report = await github.flushWebhooks();
    off();
    expect(report.failed).toHaveLength(1);
    const app = github.app();
    const failed = await app.listFailedDeliveries(0);
    expect(failed.ok && failed.value).toHaveLength(2);
    const seen = received(github);
    for (const id of failed.ok ? failed.value : []) await app.redeliver(id);
    await github.flushWebhooks();
    expect(seen.map(describeWebhook).sort()).toEqual([
      "issues.labeled a by afk-test[bot]",
      "issues.labeled b by afk-test[bot]",
    ]);
    expect(await app.listFailedDeliveries(0)).toEqual({ ok: true, value: [] });
  });

  it("guards a flush against an endless echo loop", async () => {
    const { github, tracker } = aWorld();
    const issue = github.addIssue(REPO);
    let flip = 0;
    github.onWebhook(async () => {
      flip += 1;
      await (flip % 2 === 0 ? tracker.addLabels(REPO, issue, ["x"]) : tracker.removeLabel(REPO, issue, "x"));
    });
    await tracker.addLabels(REPO, issue, ["x"]);
    await expect(github.flushWebhooks({ maxDeliveries: 50 })).rejects.toThrow(/echo loop/);
  });
});
