import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Actor } from "../../../src/core/common/github-types.js";
import { toNudge, type IngressContext } from "../../../src/core/ingress/to-nudge.js";
import {
  aCheckRunEvent,
  anInstallationEvent,
  anInstallationRepositoriesEvent,
  anIssuesEvent,
  aPushEvent,
  aStatusEvent,
  aWorkflowRunEvent,
  DEFAULT_INSTALLATION_ID,
} from "../../support/webhook-fixtures.js";

const SELF = { login: "afk-test[bot]", id: 990_001, type: "Bot" } as const satisfies Actor;
const CTX: IngressContext = {
  readyLabel: "ready-for-agent",
  humanLabel: "ready-for-human",
  self: { login: SELF.login },
};
const REPO = "codertocat/hello-world";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const alice = { login: "alice", id: 7, type: "User" as const };
const base = { repo: REPO, installationId: DEFAULT_INSTALLATION_ID, issue: 1 };

describe("toNudge: issues", () => {
  it.each([
    ["the ready label applied", anIssuesEvent("labeled", { label: "ready-for-agent", sender: alice }), "ready-labeled"],
    [
      "the ready label applied, in another case",
      anIssuesEvent("labeled", { label: "Ready-For-Agent", sender: alice }),
      "ready-labeled",
    ],
    ["the ready label removed", anIssuesEvent("unlabeled", { label: "ready-for-agent", sender: alice }), "stopped"],
    [
      "the human label removed",
      anIssuesEvent("unlabeled", { label: "ready-for-human", sender: alice }),
      "human-label-removed",
    ],
    ["the issue closed", anIssuesEvent("closed", { sender: alice }), "stopped"],
  ])("reads %s as a nudge with the sender", (_case, payload, kind) => {
    expect(toNudge("issues", payload, CTX)).toMatchObject({ kind, ...base, sender: alice });
  });

  it("tells a removed label from a closed issue", () => {
    expect(
      toNudge("issues", anIssuesEvent("unlabeled", { label: "ready-for-agent", sender: alice }), CTX),
    ).toMatchObject({ why: "label-removed" });
    expect(toNudge("issues", anIssuesEvent("closed", { sender: alice }), CTX)).toMatchObject({ why: "issue-closed" });
  });

  it("reads an edit of a ready issue's title or body with the task and time the delivery saw", () => {
    const payload = anIssuesEvent("opened", { sender: alice, issueLabels: ["ready-for-agent"] });
    Object.assign(payload.issue, { title: "New title", body: "New body", updated_at: "2026-12-03T16:05:07Z" });
    const edited = { ...payload, action: "edited", changes: { body: { from: "x" } } };
    expect(toNudge("issues", edited, CTX)).toEqual({
      kind: "issue-edited",
      ...base,
      sender: alice,
      at: Date.parse("2026-12-03T16:05:07Z"),
      task: { title: "New title", body: "New body" },
      comments: payload.issue.comments,
      blockedBy: null,
    });
  });

  it("ignores an edit of an issue that is not ready: it has no approval to change", () => {
    const edited = {
      ...anIssuesEvent("opened", { sender: alice, issueLabels: ["bug"] }),
      action: "edited",
      changes: { body: { from: "x" } },
    };
    expect(toNudge("issues", edited, CTX)).toMatchObject({ kind: "ignore" });
  });

  it("carries the labeled delivery's copy of the task, and no task or time where the payload has none", () => {
    const payload = anIssuesEvent("labeled", { label: "ready-for-agent", sender: alice });
    Object.assign(payload.issue, { title: "T", body: null, updated_at: "2026-12-03T16:05:07Z" });
    expect(toNudge("issues", payload, CTX)).toMatchObject({
      at: Date.parse("2026-12-03T16:05:07Z"),
      task: { title: "T", body: null },
    });
    const bare = { ...payload, issue: { number: 1 } };
    expect(toNudge("issues", bare, CTX)).toMatchObject({ kind: "ready-labeled", at: null, task: null });
    const odd = { ...payload, issue: { number: 1, title: 5, updated_at: "yesterday" } };
    expect(toNudge("issues", odd, CTX)).toMatchObject({ kind: "ready-labeled", at: null, task: null });
  });

  it.each([
    ["another label applied", anIssuesEvent("labeled", { label: "bug", sender: alice })],
    ["another label removed", anIssuesEvent("unlabeled", { label: "bug", sender: alice })],
    ["an issue opened", anIssuesEvent("opened", { sender: alice })],
  ])("ignores %s", (_case, payload) => {
    expect(toNudge("issues", payload, CTX)).toMatchObject({ kind: "ignore" });
  });

  it.each([
    [
      "the escalation's removal of the ready label",
      anIssuesEvent("unlabeled", { label: "ready-for-agent", sender: SELF }),
    ],
    ["a retry's application of the ready label", anIssuesEvent("labeled", { label: "ready-for-agent", sender: SELF })],
    ["a resume's removal of the human label", anIssuesEvent("unlabeled", { label: "ready-for-human", sender: SELF })],
    ["a ship's close", anIssuesEvent("closed", { sender: SELF })],
  ])("never reads an echo of afk's own act as a person's: %s", (_case, payload) => {
    expect(toNudge("issues", payload, CTX)).toEqual({ kind: "ignore", why: expect.stringContaining("echo") });
  });

  it("asks who afk is before it reads a bot's act, when it does not know yet", () => {
    const unknownSelf = { ...CTX, self: null };
    expect(
      toNudge("issues", anIssuesEvent("unlabeled", { label: "ready-for-agent", sender: SELF }), unknownSelf),
    ).toEqual({
      kind: "needs-identity",
      repo: REPO,
    });
    // A person's act never waits for it.
    expect(
      toNudge("issues", anIssuesEvent("labeled", { label: "ready-for-agent", sender: alice }), unknownSelf),
    ).toMatchObject({
      kind: "ready-labeled",
    });
  });

  it("carries the labeled issue's comment count, or null when the payload has none", () => {
    const payload = anIssuesEvent("labeled", { label: "ready-for-agent", sender: alice });
    const withCount = { ...payload, issue: { ...payload.issue, comments: 0 } };
    expect(toNudge("issues", withCount, CTX)).toMatchObject({ kind: "ready-labeled", comments: 0 });
    const without = { ...payload, issue: { ...payload.issue, comments: undefined } };
    expect(toNudge("issues", without, CTX)).toMatchObject({ kind: "ready-labeled", comments: null });
  });

  it("reads another app's bot as someone else", () => {
    const renovate = { login: "renovate[bot]", id: 2, type: "Bot" as const };
    expect(
      toNudge("issues", anIssuesEvent("labeled", { label: "ready-for-agent", sender: renovate }), CTX),
    ).toMatchObject({
      kind: "ready-labeled",
    });
  });
});

describe("toNudge: CI, deploy and push facts", () => {
  it("names the commit and branch of a check run", () => {
    expect(toNudge("check_run", aCheckRunEvent("completed", { sha: SHA }), CTX)).toMatchObject({
      kind: "ci",
      repo: REPO,
      installationId: DEFAULT_INSTALLATION_ID,
      sha: SHA,
      pipeline: null,
    });
  });

  it("names the commit and branch of a workflow run", () => {
    const nudge = toNudge("workflow_run", aWorkflowRunEvent("completed", { sha: SHA }), CTX);
    expect(nudge).toMatchObject({ kind: "ci", sha: SHA });
    expect(nudge).toHaveProperty("branch", expect.any(String));
  });

  it("names the pipeline a Woodpecker status points at", () => {
    const status = {
      ...aStatusEvent({ sha: SHA, context: "ci/woodpecker/push/deploy" }),
      target_url: "https://ci.example/repos/4/pipeline/17/deploy",
    };
    expect(toNudge("status", status, CTX)).toMatchObject({
      kind: "ci",
      sha: SHA,
      branch: null,
      pipeline: { repoId: 4, number: 17 },
    });
    expect(toNudge("status", aStatusEvent({ sha: SHA, context: "ci/other" }), CTX)).toMatchObject({ pipeline: null });
  });

  it("carries a check run's fact, so that a running check needs no read back", () => {
    const payload = aCheckRunEvent("created", { sha: SHA });
    const nudge = toNudge("check_run", payload, CTX);
    expect(nudge).toMatchObject({
      kind: "ci",
      fact: {
        kind: "check-run",
        sha: SHA,
        check: { id: payload.check_run.id, name: payload.check_run.name, status: payload.check_run.status },
      },
      commits: null,
    });
  });

  it("carries a workflow run's fact", () => {
    const payload = aWorkflowRunEvent("in_progress", { sha: SHA });
    const nudge = toNudge("workflow_run", payload, CTX);
    expect(nudge).toMatchObject({
      kind: "ci",
      fact: {
        kind: "workflow-run",
        run: { id: payload.workflow_run.id, headSha: SHA, event: payload.workflow_run.event },
      },
    });
  });

  it("a CI payload missing a field of the fact is still a nudge, with no fact", () => {
    const payload = aCheckRunEvent("created", { sha: SHA });
    const broken = { ...payload, check_run: { ...payload.check_run, app: undefined, id: "x" } };
    expect(toNudge("check_run", broken, CTX)).toMatchObject({ kind: "ci", sha: SHA, fact: null });
  });

  it("carries a push's commits, newest first, dated by their timestamps", () => {
    const payload = aPushEvent({ sha: SHA, ref: "refs/heads/main", message: "Fix it\n\nAFK-Issue: 1" });
    const nudge = toNudge("push", payload, CTX);
    const listed = [...payload.commits].reverse();
    expect(nudge).toMatchObject({
      kind: "ci",
      fact: null,
      commits: listed.map((commit) => ({
        sha: commit.id,
        message: commit.message,
        committedAt: Date.parse(commit.timestamp),
        url: commit.url,
      })),
    });
  });

  it("names the branch of a push without refs/heads/", () => {
    expect(toNudge("push", aPushEvent({ sha: SHA, ref: "refs/heads/main" }), CTX)).toMatchObject({
      kind: "ci",
      sha: SHA,
      branch: "main",
    });
  });
});

describe("toNudge: installations", () => {
  it("adds the repositories of a new installation and removes those of a deleted one", () => {
    const created = anInstallationEvent("created");
    const names = (created.repositories ?? []).map((repo) => repo.full_name.toLowerCase());
    expect(toNudge("installation", created, CTX)).toEqual({
      kind: "installation",
      installationId: created.installation.id,
      added: names,
      removed: [],
    });
    const deleted = anInstallationEvent("deleted");
    expect(toNudge("installation", deleted, CTX)).toMatchObject({ kind: "installation", added: [] });
  });

  it("adds and removes the repositories of installation_repositories", () => {
    const added = anInstallationRepositoriesEvent("added");
    expect(toNudge("installation_repositories", added, CTX)).toMatchObject({
      kind: "installation",
      added: added.repositories_added.map((repo) => repo.full_name.toLowerCase()),
      removed: [],
    });
  });
});

describe("toNudge: anything else", () => {
  it.each(["issue_comment", "pull_request", "ping", "unknown"])("ignores %s events", (event) => {
    expect(toNudge(event, {}, CTX)).toMatchObject({ kind: "ignore" });
  });

  it.each([
    ["no repository", { ...anIssuesEvent("labeled", { label: "ready-for-agent" }), repository: undefined }],
    ["no installation", { ...anIssuesEvent("labeled", { label: "ready-for-agent" }), installation: undefined }],
    ["a sender without an id", { ...anIssuesEvent("labeled", { label: "ready-for-agent" }), sender: { login: "x" } }],
    ["a string", "not an object"],
    ["null", null],
  ])("ignores an issues payload with %s, saying what is missing", (_case, payload) => {
    expect(toNudge("issues", payload, CTX)).toEqual({
      kind: "ignore",
      why: expect.stringMatching(/^issues payload without /),
    });
  });

  it("ignores a CI or installation payload that lacks what afk reads", () => {
    expect(toNudge("check_run", { repository: { full_name: "a/b" } }, CTX)).toMatchObject({ kind: "ignore" });
    expect(toNudge("installation", { action: "created" }, CTX)).toMatchObject({ kind: "ignore" });
  });

  it("never throws, whatever the payload", () => {
    const events = [
      "issues",
      "check_run",
      "workflow_run",
      "status",
      "push",
      "installation",
      "installation_repositories",
    ];
    fc.assert(
      fc.property(fc.constantFrom(...events), fc.anything(), (event, payload) => {
        expect(toNudge(event, payload, CTX).kind).toBeTypeOf("string");
      }),
      { numRuns: 500 },
    );
  });
});

describe("every recorded payload of a subscribed event", () => {
  interface Definition {
    readonly name: string;
    readonly examples: readonly unknown[];
  }
  const definitions = createRequire(import.meta.url)("@octokit/webhooks-examples") as Definition[];
  const subscribed = [
    "issues",
    "check_run",
    "workflow_run",
    "status",
    "push",
    "installation",
    "installation_repositories",
  ];
  const cases = definitions
    .filter((definition) => subscribed.includes(definition.name))
    .flatMap((definition) =>
      definition.examples.map(
        (example, index) =>
          [
            `${definition.name} #${index}`,
            definition.name,
            { ...(example as object), installation: { id: 1 } },
          ] as const,
      ),
    );

  it.each(cases)("maps %s to a nudge without throwing", (_name, event, payload) => {
    const nudge = toNudge(event, payload, CTX);
    // Repo events from a repository webhook lack only the installation, added above: none is malformed.
    if (nudge.kind === "ignore") expect(nudge.why).not.toMatch(/payload without/);
  });
});
