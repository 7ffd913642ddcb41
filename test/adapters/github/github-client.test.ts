// The issue tracker over GitHub against nock, with every request checked against GitHub's
// OpenAPI description: a call the real GitHub would refuse fails the test.

import nock from "nock";
import { describe, expect, it } from "vitest";
import { createEtagCache } from "../../../src/adapters/github/etag-cache.js";
import { createGitHubClient } from "../../../src/adapters/github/github-client.js";
import type { Octokit } from "../../../src/adapters/github/octokit.js";
import { aTestOctokit, useGitHubNock } from "../../support/github-nock.js";

const API = "https://api.github.com";
const REPO = "acme/widgets";
const NOW = 1_700_000_000_000;

function anOctokit(): Octokit {
  return aTestOctokit();
}

const client = createGitHubClient(anOctokit(), () => NOW);
useGitHubNock();

function anIssue(number: number, extra: Record<string, unknown> = {}) {
  return {
    number,
    title: `Issue ${number}`,
    body: null,
    state: "open",
    labels: [{ name: "ready-for-agent" }],
    created_at: "2026-01-01T00:00:00Z",
    user: { login: "octocat", id: 1, type: "User" },
    ...extra,
  };
}

describe("GitHub client", () => {
  it("reads the repo's default branch, clone URL and owner", async () => {
    nock(API)
      .get("/repos/acme/widgets")
      .reply(200, {
        default_branch: "main",
        clone_url: "https://github.com/acme/widgets.git",
        html_url: "https://github.com/acme/widgets",
        owner: { login: "acme", type: "Organization" },
      });
    expect(await client.getRepo(REPO)).toEqual({
      ok: true,
      value: {
        defaultBranch: "main",
        cloneUrl: "https://github.com/acme/widgets.git",
        htmlUrl: "https://github.com/acme/widgets",
        owner: { login: "acme", type: "Organization" },
      },
    });
  });

  it("lists open issues with a label across pages, leaving pull requests out", async () => {
    nock(API)
      .get("/repos/acme/widgets/issues")
      .query({ state: "open", labels: "ready-for-agent", per_page: "100" })
      .reply(200, [anIssue(1), anIssue(2, { pull_request: {} })], {
        link: `<${API}/repos/acme/widgets/issues?state=open&labels=ready-for-agent&per_page=100&page=2>; rel="next"`,
      })
      .get("/repos/acme/widgets/issues")
      .query({ state: "open", labels: "ready-for-agent", per_page: "100", page: "2" })
      .reply(200, [anIssue(3)]);
    const result = await client.listOpenIssuesWithLabel(REPO, "ready-for-agent");
    expect(result.ok && result.value.map((issue) => issue.number)).toEqual([1, 3]);
  });

  it("reads one issue, native blockers and the issue's events, oldest first", async () => {
    nock(API)
      .get("/repos/acme/widgets/issues/5")
      .reply(200, anIssue(5, { state: "closed" }))
      .get("/repos/acme/widgets/issues/5/dependencies/blocked_by")
      .query({ per_page: "100" })
      .reply(200, [anIssue(3, { repository_url: `${API}/repos/acme/widgets` })])
      .get("/repos/acme/widgets/issues/5/events")
      .query({ per_page: "100" })
      .reply(200, [
        {
          event: "labeled",
          actor: { login: "maintainer", id: 9, type: "User" },
          label: { name: "ready-for-agent" },
          commit_id: null,
          created_at: "2026-01-01T00:00:00Z",
        },
        {
          event: "closed",
          actor: { login: "pusher", id: 10, type: "User" },
          commit_id: "abc123",
          created_at: "2026-01-02T00:00:00Z",
        },
      ]);
    expect((await client.getIssue(REPO, 5)).ok && "closed").toBe("closed");
    expect(await client.listNativeBlockers(REPO, 5)).toEqual({
      ok: true,
      value: [{ repo: "acme/widgets", number: 3, state: "open" }],
    });
    expect(await client.listIssueEvents(REPO, 5)).toEqual({
      ok: true,
      value: [
        {
          kind: "labeled",
          actor: { login: "maintainer", id: 9, type: "User" },
          label: "ready-for-agent",
          commitId: null,
          at: Date.parse("2026-01-01T00:00:00Z"),
        },
        {
          kind: "closed",
          actor: { login: "pusher", id: 10, type: "User" },
          label: null,
          commitId: "abc123",
          at: Date.parse("2026-01-02T00:00:00Z"),
        },
      ],
    });
  });

  it("reads a role from role_name, and a non-collaborator as none", async () => {
    nock(API)
      .get("/repos/acme/widgets/collaborators/maintainer/permission")
      .reply(200, { permission: "write", role_name: "maintain", user: { login: "maintainer" } })
      .get("/repos/acme/widgets/collaborators/stranger/permission")
      .reply(404, { message: "Not Found" });
    expect(await client.getRole(REPO, "maintainer")).toEqual({ ok: true, value: "maintain" });
    expect(await client.getRole(REPO, "stranger")).toEqual({ ok: true, value: "none" });
  });

  it("reads a file's raw text, and a missing file as null", async () => {
    nock(API)
      .get("/repos/acme/widgets/contents/.github%2Fafk.yml")
      .query({ ref: "main" })
      .reply(200, "required_checks: [test]\n", { "content-type": "text/plain" })
      .get("/repos/acme/widgets/contents/.github%2Fmissing.yml")
      .query({ ref: "main" })
      .reply(404, { message: "Not Found" });
    expect(await client.readFile(REPO, ".github/afk.yml", "main")).toEqual({
      ok: true,
      value: "required_checks: [test]\n",
    });
    expect(await client.readFile(REPO, ".github/missing.yml", "main")).toEqual({ ok: true, value: null });
  });

  it("lists, creates and edits comments, noting which app wrote each", async () => {
    nock(API)
      .get("/repos/acme/widgets/issues/5/comments")
      .query({ per_page: "100" })
      .reply(200, [
        { id: 11, body: "hi", user: { login: "octocat", id: 1, type: "User" }, performed_via_github_app: null },
        {
          id: 12,
          body: "<!-- afk:run {} -->",
          user: { login: "afk[bot]", id: 2, type: "Bot" },
          performed_via_github_app: { id: 77 },
        },
      ])
      .post("/repos/acme/widgets/issues/5/comments", { body: "new" })
      .reply(201, { id: 13 })
      .patch("/repos/acme/widgets/issues/comments/13", { body: "edited" })
      .reply(200, { id: 13 });
    const comments = await client.listComments(REPO, 5);
    expect(comments.ok && comments.value.map((comment) => comment.appId)).toEqual([null, 77]);
    expect(await client.createComment(REPO, 5, "new")).toEqual({ ok: true, value: { id: 13 } });
    expect((await client.updateComment(REPO, 13, "edited")).ok).toBe(true);
  });

  it("adds labels, and removing an absent label is a success that lists nothing", async () => {
    nock(API)
      .post("/repos/acme/widgets/issues/5/labels", { labels: ["afk:in-progress"] })
      .reply(200, [])
      .delete("/repos/acme/widgets/issues/5/labels/afk%3Ain-progress")
      .reply(404, { message: "Label does not exist" });
    expect((await client.addLabels(REPO, 5, ["afk:in-progress"])).ok).toBe(true);
    expect(await client.removeLabel(REPO, 5, "afk:in-progress")).toEqual({ ok: true, value: null });
  });

  it("answers the labels left on the issue after a removal", async () => {
    const bug = { id: 1, node_id: "L1", url: "u", name: "bug", color: "d73a4a", default: true, description: null };
    nock(API).delete("/repos/acme/widgets/issues/5/labels/ready-for-agent").reply(200, [bug]);
    expect(await client.removeLabel(REPO, 5, "ready-for-agent")).toEqual({ ok: true, value: ["bug"] });
  });

  it("creates a missing label with colour and description, and leaves an existing one", async () => {
    const label = { name: "ready-for-human", color: "d93f0b", description: "waits for a human" };
    nock(API)
      .get("/repos/acme/widgets/labels")
      .query({ per_page: "100" })
      .reply(200, [{ name: "Ready-For-Agent" }])
      .post("/repos/acme/widgets/labels", label)
      .reply(201, label);
    const [missing, present] = await Promise.all([
      client.ensureLabel(REPO, label),
      client.ensureLabel(REPO, { ...label, name: "ready-for-agent" }),
    ]);
    expect(missing.ok && present.ok).toBe(true);
  });

  it("makes sure of labels asked for side by side with one read of the repo's labels", async () => {
    const scope = nock(API).get("/repos/acme/widgets/labels").query({ per_page: "100" }).once().reply(200, []);
    nock(API).post("/repos/acme/widgets/labels").times(3).reply(201, {});
    const results = await Promise.all(
      ["a", "b", "c"].map((name) => client.ensureLabel(REPO, { name, color: "ffffff", description: "" })),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(scope.isDone()).toBe(true);
  });

  it("counts a label created meanwhile by someone else as there", async () => {
    const label = { name: "x", color: "ffffff", description: "d" };
    nock(API)
      .get("/repos/acme/widgets/labels")
      .query({ per_page: "100" })
      .reply(200, [])
      .post("/repos/acme/widgets/labels", label)
      .reply(422, { message: "Validation Failed" });
    expect((await client.ensureLabel(REPO, label)).ok).toBe(true);
  });

  it("closes an issue as completed, and reopens it", async () => {
    nock(API)
      .patch("/repos/acme/widgets/issues/5", { state: "closed", state_reason: "completed" })
      .reply(200, anIssue(5, { state: "closed" }))
      .patch("/repos/acme/widgets/issues/5", { state: "open" })
      .reply(200, anIssue(5));
    expect((await client.closeIssue(REPO, 5, "completed")).ok).toBe(true);
    expect(await client.reopenIssue(REPO, 5)).toEqual({ ok: true, value: undefined });
  });

  it.each([
    [500, "transient"],
    [401, "unauthorized"],
    [404, "not-found"],
    [422, "rejected"],
  ] as const)("maps a %i to %s", async (status, category) => {
    nock(API).get("/repos/acme/widgets").reply(status, { message: "nope" });
    const result = await client.getRepo(REPO);
    expect(!result.ok && result.error).toMatchObject({ system: "github", category, status });
  });

  it("passes other failures of the tolerant calls through", async () => {
    nock(API)
      .get("/repos/acme/widgets/collaborators/x/permission")
      .reply(500, {})
      .delete("/repos/acme/widgets/issues/5/labels/y")
      .reply(500, {})
      .get("/repos/acme/widgets/labels")
      .query({ per_page: "100" })
      .reply(500, {});
    expect((await client.getRole(REPO, "x")).ok).toBe(false);
    expect((await client.removeLabel(REPO, 5, "y")).ok).toBe(false);
    expect((await client.ensureLabel(REPO, { name: "z", color: "ffffff", description: "" })).ok).toBe(false);
  });
});

describe("conditional reads", () => {
  const ISSUES = "/repos/acme/widgets/issues";
  const readyQuery = { state: "open", labels: "ready-for-agent", per_page: "100" };

  it("asks again with the last ETag, shared by every client of the process, and answers a 304 from the cache", async () => {
    const etags = createEtagCache();
    nock(API, { badheaders: ["if-none-match"] })
      .get(ISSUES)
      .query(readyQuery)
      .reply(200, [anIssue(1)], { etag: '"l1"' });
    const first = await createGitHubClient(anOctokit(), () => NOW, etags).listOpenIssuesWithLabel(
      REPO,
      "ready-for-agent",
    );
    nock(API).get(ISSUES).query(readyQuery).matchHeader("if-none-match", '"l1"').reply(304, "");
    const again = await createGitHubClient(anOctokit(), () => NOW, etags).listOpenIssuesWithLabel(
      REPO,
      "ready-for-agent",
    );
    expect(again).toEqual(first);
    expect(first.ok && first.value.map((issue) => issue.number)).toEqual([1]);
  });

  it("reads a full page plainly next time: a second page may appear while the first stays the same", async () => {
    const etags = createEtagCache();
    const full = Array.from({ length: 100 }, (_, i) => anIssue(i + 1));
    for (let read = 0; read < 2; read++)
      nock(API, { badheaders: ["if-none-match"] })
        .get(ISSUES)
        .query(readyQuery)
        .reply(200, full, { etag: '"full"' });
    const tracker = createGitHubClient(anOctokit(), () => NOW, etags);
    expect((await tracker.listOpenIssuesWithLabel(REPO, "ready-for-agent")).ok).toBe(true);
    const again = await tracker.listOpenIssuesWithLabel(REPO, "ready-for-agent");
    expect(again.ok && again.value.length).toBe(100);
  });

  it("keeps the raw file, the comments, the events and the role apart, each answered from the cache on a 304", async () => {
    const tracker = createGitHubClient(anOctokit(), () => NOW, createEtagCache());
    const FILE = "/repos/acme/widgets/contents/.github%2Fafk.yml";
    const COMMENTS = "/repos/acme/widgets/issues/1/comments";
    const EVENTS = "/repos/acme/widgets/issues/1/events";
    const ROLE = "/repos/acme/widgets/collaborators/octocat/permission";
    const comment = {
      id: 5,
      body: "hi",
      user: { login: "octocat", id: 1, type: "User" },
      created_at: "2026-01-01T00:00:00Z",
    };
    const event = {
      id: 9,
      event: "labeled",
      actor: { login: "octocat", id: 1, type: "User" },
      label: { name: "ready-for-agent" },
      created_at: "2026-01-01T00:00:00Z",
    };
    nock(API)
      .get(FILE)
      .query({ ref: "main" })
      .matchHeader("accept", "application/vnd.github.raw+json")
      .reply(200, "mode: x\n", { etag: '"f"', "content-type": "text/plain" })
      .get(FILE)
      .query({ ref: "main" })
      .matchHeader("if-none-match", '"f"')
      .matchHeader("accept", "application/vnd.github.raw+json")
      .reply(304, "")
      .get(COMMENTS)
      .query({ per_page: "100" })
      .reply(200, [comment], { etag: '"c"' })
      .get(COMMENTS)
      .query({ per_page: "100" })
      .matchHeader("if-none-match", '"c"')
      .reply(304, "")
      .get(EVENTS)
      .query({ per_page: "100" })
      .reply(200, [event], { etag: '"e"' })
      .get(EVENTS)
      .query({ per_page: "100" })
      .matchHeader("if-none-match", '"e"')
      .reply(304, "")
      .get(ROLE)
      .reply(200, { permission: "write", role_name: "write", user: null }, { etag: '"r"' })
      .get(ROLE)
      .matchHeader("if-none-match", '"r"')
      .reply(304, "");
    const reads = async () => [
      await tracker.readFile(REPO, ".github/afk.yml", "main"),
      await tracker.listComments(REPO, 1),
      await tracker.listIssueEvents(REPO, 1),
      await tracker.getRole(REPO, "octocat"),
    ];
    const first = await reads();
    expect(await reads()).toEqual(first);
    expect(first.map((result) => result.ok)).toEqual([true, true, true, true]);
    expect(first[0]).toEqual({ ok: true, value: "mode: x\n" });
    expect(first[3]).toEqual({ ok: true, value: "write" });
  });
});
