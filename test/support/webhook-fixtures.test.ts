import { generateKeyPairSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { Probot, ProbotOctokit } from "probot";
import { signDelivery } from "./sign-delivery.js";
import {
  aCheckRunEvent,
  anInstallationEvent,
  anInstallationRepositoriesEvent,
  anIssuesEvent,
  aPushEvent,
  aStatusEvent,
  aWorkflowRunEvent,
  DEFAULT_INSTALLATION_ID,
  DEFAULT_REPO,
} from "./webhook-fixtures.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function labelNames(event: { issue: { labels?: { name: string }[] } }): string[] {
  return (event.issue.labels ?? []).map((label) => label.name);
}

describe("anIssuesEvent", () => {
  it.each(["labeled", "unlabeled", "closed", "opened"] as const)(
    "gives a %s event the installation an App receives",
    (action) => {
      const event = anIssuesEvent(action);
      expect(event.action).toBe(action);
      expect(event.installation).toEqual({
        id: DEFAULT_INSTALLATION_ID,
        node_id: Buffer.from(`023:IntegrationInstallation${DEFAULT_INSTALLATION_ID}`).toString("base64"),
      });
      expect(event.repository.full_name).toBe(DEFAULT_REPO);
    },
  );

  it("defaults to a user-owned repo labelled by its owner", () => {
    const event = anIssuesEvent("labeled");
    expect(event.repository.owner).toMatchObject({ login: "Codertocat", id: 21031067, type: "User" });
    expect(event.sender).toMatchObject({ login: "Codertocat", id: 21031067, type: "User" });
  });

  it("moves the event to another repo everywhere, URLs included", () => {
    const event = anIssuesEvent("labeled", { repo: "acme/widgets", ownerType: "Organization" });
    expect(event.repository).toMatchObject({
      name: "widgets",
      full_name: "acme/widgets",
      owner: { login: "acme", type: "Organization", html_url: "https://github.com/acme" },
    });
    expect(event.issue.url).toBe("https://api.github.com/repos/acme/widgets/issues/1");
    expect(JSON.stringify(event)).not.toContain("Codertocat/Hello-World");
    expect(event.repository.id).not.toBe(anIssuesEvent("labeled").repository.id);
  });

  it("renumbers the issue and its URLs", () => {
    const event = anIssuesEvent("opened", { issueNumber: 42 });
    expect(event.issue.number).toBe(42);
    expect(event.issue).toMatchObject({
      url: expect.stringMatching(/\/issues\/42$/),
      html_url: expect.stringMatching(/\/issues\/42$/),
      comments_url: expect.stringMatching(/\/issues\/42\/comments$/),
    });
  });

  it.each<[string, { login?: string; id?: number; type?: "User" | "Bot" | "Organization" }, object]>([
    [
      "a login, with an id derived from it",
      { login: "alice" },
      { login: "alice", type: "User", html_url: "https://github.com/alice" },
    ],
    [
      "a bot with its id",
      { login: "renovate[bot]", id: 29139614, type: "Bot" },
      { login: "renovate[bot]", id: 29139614, type: "Bot" },
    ],
  ])("sets the sender from %s", (_name, sender, expected) => {
    expect(anIssuesEvent("labeled", { sender }).sender).toMatchObject(expected);
  });

  it("derives the same id for the same login, so a sender can be the repo's owner", () => {
    const event = anIssuesEvent("labeled", { repo: "alice/tool", sender: { login: "alice" } });
    expect(event.sender.id).toBe(event.repository.owner.id);
    expect(event.sender.id).not.toBe(anIssuesEvent("labeled", { sender: { login: "bob" } }).sender.id);
  });

  it.each<[string, "labeled" | "unlabeled" | "closed" | "opened", object, string[]]>([
    ["labeled: the label is on the issue", "labeled", { label: "ready-for-agent" }, ["bug", "ready-for-agent"]],
    [
      "labeled with other labels given",
      "labeled",
      { label: "ready-for-agent", issueLabels: ["priority:1"] },
      ["priority:1", "ready-for-agent"],
    ],
    [
      "unlabeled: the label is gone from the issue",
      "unlabeled",
      { label: "ready-for-agent", issueLabels: ["ready-for-agent", "x"] },
      ["x"],
    ],
    ["unlabeled by default: the example's label is gone", "unlabeled", {}, []],
    ["closed with the label still on", "closed", { label: "afk:in-progress", issueLabels: [] }, ["afk:in-progress"]],
    ["opened with the example's labels", "opened", {}, ["bug"]],
  ])("models %s", (_name, action, overrides, labels) => {
    expect(labelNames(anIssuesEvent(action, overrides))).toEqual(labels);
  });

  it("names the label of a labeled event with a URL in its repo", () => {
    const event = anIssuesEvent("labeled", { repo: "acme/widgets", label: "afk:in-progress" });
    expect(event.label).toMatchObject({
      name: "afk:in-progress",
      url: "https://api.github.com/repos/acme/widgets/labels/afk%3Ain-progress",
    });
  });

  it("reports a closed issue as GitHub does: closed, with a time and a reason", () => {
    const event = anIssuesEvent("closed");
    expect(event.issue).toMatchObject({ state: "closed", closed_at: expect.any(String), state_reason: "completed" });
  });

  it("hands out independent clones", () => {
    const first = anIssuesEvent("labeled");
    first.issue.title = "changed";
    expect(anIssuesEvent("labeled").issue.title).not.toBe("changed");
  });
});

describe("installation events", () => {
  it.each(["created", "deleted", "suspend", "unsuspend", "new_permissions_accepted"] as const)(
    "builds installation.%s on the default installation and account",
    (action) => {
      const event = anInstallationEvent(action);
      expect(event.installation.id).toBe(DEFAULT_INSTALLATION_ID);
      expect(event.installation.account.login).toBe("Codertocat");
    },
  );

  it("lists the given repositories and account", () => {
    const event = anInstallationEvent("created", { installationId: 9, account: "acme", repos: ["acme/a", "acme/b"] });
    expect(event.installation).toMatchObject({ id: 9, account: { login: "acme" } });
    expect(event.repositories?.map((repo) => repo.full_name)).toEqual(["acme/a", "acme/b"]);
  });

  it.each<["added" | "removed", string[], string[]]>([
    ["added", [DEFAULT_REPO], []],
    ["removed", [], [DEFAULT_REPO]],
  ])("builds installation_repositories.%s with the default repo on its side", (action, added, removed) => {
    const event = anInstallationRepositoriesEvent(action);
    expect(event.repositories_added.map((repo) => repo.full_name)).toEqual(added);
    expect(event.repositories_removed.map((repo) => repo.full_name)).toEqual(removed);
    expect(event.installation.id).toBe(DEFAULT_INSTALLATION_ID);
  });

  it.each<["added" | "removed", "repositories_added" | "repositories_removed"]>([
    ["added", "repositories_added"],
    ["removed", "repositories_removed"],
  ])("puts the given repositories on the %s side", (action, side) => {
    const event = anInstallationRepositoriesEvent(action, {
      installationId: 5,
      account: "acme",
      repos: ["acme/x", "acme/y"],
      sender: { login: "root" },
    });
    const listed: { full_name: string; name: string; private: boolean }[] = event[side];
    expect(listed).toEqual([
      expect.objectContaining({ full_name: "acme/x", name: "x", private: false }),
      expect.objectContaining({ full_name: "acme/y" }),
    ]);
    expect(event.installation.account.login).toBe("acme");
    expect(event.sender.login).toBe("root");
  });
});

describe("CI events", () => {
  it.each<["requested" | "in_progress" | "completed", string, string | null]>([
    ["requested", "queued", null],
    ["in_progress", "in_progress", null],
    ["completed", "completed", "success"],
  ])("sets workflow_run.%s to status %s", (action, status, conclusion) => {
    const event = aWorkflowRunEvent(action);
    expect(event.workflow_run).toMatchObject({ status, conclusion });
    expect(event.installation.id).toBe(DEFAULT_INSTALLATION_ID);
  });

  it("rewrites a workflow run's sha everywhere and takes a conclusion and an attempt", () => {
    const original = aWorkflowRunEvent("completed").workflow_run.head_sha;
    const event = aWorkflowRunEvent("completed", {
      sha: SHA,
      conclusion: "failure",
      runAttempt: 2,
      repo: "acme/widgets",
    });
    expect(event.workflow_run).toMatchObject({ head_sha: SHA, conclusion: "failure", run_attempt: 2 });
    expect(JSON.stringify(event)).not.toContain(original);
    expect(event.repository.full_name).toBe("acme/widgets");
  });

  it.each([
    ["a workflow run", () => aWorkflowRunEvent("requested", { conclusion: "failure" })],
    ["a check run", () => aCheckRunEvent("created", { conclusion: "failure" })],
  ])("refuses a conclusion on %s that has not completed", (_name, build) => {
    expect(build).toThrow(/has no conclusion/);
  });

  it.each(["created", "completed", "rerequested", "requested_action"] as const)(
    "builds check_run.%s in the default repo",
    (action) => {
      const event = aCheckRunEvent(action);
      expect(event.action).toBe(action);
      expect(event.repository.full_name).toBe(DEFAULT_REPO);
      expect(event.installation.id).toBe(DEFAULT_INSTALLATION_ID);
    },
  );

  it("starts a completed check run green and takes a conclusion, a name and a sha", () => {
    expect(aCheckRunEvent("completed").check_run.conclusion).toBe("success");
    const event = aCheckRunEvent("completed", { conclusion: "timed_out", name: "test", sha: SHA });
    expect(event.check_run).toMatchObject({
      conclusion: "timed_out",
      name: "test",
      head_sha: SHA,
      check_suite: { head_sha: SHA },
    });
  });

  it("builds a status with its sha, state and context", () => {
    expect(aStatusEvent().installation.id).toBe(DEFAULT_INSTALLATION_ID);
    const event = aStatusEvent({ sha: SHA, state: "failure", context: "ci/woodpecker" });
    expect(event).toMatchObject({ sha: SHA, state: "failure", context: "ci/woodpecker", commit: { sha: SHA } });
  });

  it("builds a branch push whose head commit carries the message and sha", () => {
    expect(aPushEvent()).toMatchObject({ ref: "refs/heads/master", installation: { id: DEFAULT_INSTALLATION_ID } });
    const event = aPushEvent({ sha: SHA, ref: "refs/heads/main", message: "Fix it\n\nFixes #7" });
    expect(event).toMatchObject({
      after: SHA,
      ref: "refs/heads/main",
      head_commit: { id: SHA, message: "Fix it\n\nFixes #7" },
    });
    expect(event.commits.map((commit) => commit.message)).toEqual(["Fix it\n\nFixes #7"]);
  });
});

describe("every loader against Probot's webhook verification", () => {
  const SECRET = "fixture-secret";
  let probot: Probot;
  const seen: { name: string; installation: number | undefined }[] = [];

  beforeAll(() => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const Octokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });
    probot = new Probot({ appId: 1, privateKey, secret: SECRET, Octokit, logLevel: "fatal" });
    probot.onAny(async (context) => {
      seen.push({
        name: context.name,
        installation: (context.payload as { installation?: { id: number } }).installation?.id,
      });
    });
  });

  it.each<[string, () => unknown]>([
    ["issues", () => anIssuesEvent("labeled", { label: "ready-for-agent" })],
    ["issues", () => anIssuesEvent("closed")],
    ["installation", () => anInstallationEvent("created")],
    ["installation_repositories", () => anInstallationRepositoriesEvent("removed")],
    ["workflow_run", () => aWorkflowRunEvent("completed", { sha: SHA })],
    ["check_run", () => aCheckRunEvent("completed", { conclusion: "failure" })],
    ["status", () => aStatusEvent({ state: "success" })],
    ["push", () => aPushEvent({ message: "Fixes #1" })],
  ])("a signed %s fixture passes verification and reaches the handler", async (event, build) => {
    seen.length = 0;
    const delivery = signDelivery({ event, payload: build(), secret: SECRET });
    await probot.webhooks.verifyAndReceive({
      id: delivery.headers["X-GitHub-Delivery"],
      name: event as never,
      payload: delivery.body,
      signature: delivery.headers["X-Hub-Signature-256"],
    });
    expect(seen).toEqual([{ name: event, installation: DEFAULT_INSTALLATION_ID }]);
  });
});
