// The CI reads against nock, every api.github.com request checked against GitHub's
// OpenAPI description (test/support/github-openapi.ts).

import nock from "nock";
import { describe, expect, it } from "vitest";
import { toLogWithoutTimestamps } from "../../../src/adapters/github/ci-mapping.js";
import { createEtagCache } from "../../../src/adapters/github/etag-cache.js";
import { createGitHubCiClient, type GitHubCiClientOptions } from "../../../src/adapters/github/github-ci-client.js";
import type { Octokit } from "../../../src/adapters/github/octokit.js";
import type { CiReader } from "../../../src/ports/ci-reader.js";
import { aTestOctokit, useGitHubNock } from "../../support/github-nock.js";

const API = "https://api.github.com";
const BLOB = "https://pipelines.actions.githubusercontent.com";
const REPO = "acme/widgets";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const NOW = 1_700_000_000_000;
const CHECKS = `/repos/acme/widgets/commits/${SHA}/check-runs`;
const STATUS = `/repos/acme/widgets/commits/${SHA}/status`;

function anOctokit(): Octokit {
  return aTestOctokit();
}

function aClient(options: GitHubCiClientOptions = {}): CiReader {
  return createGitHubCiClient(anOctokit(), { clock: () => NOW, etags: createEtagCache(), ...options });
}

useGitHubNock();

function aCheckRun(id: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: `check ${id}`,
    status: "completed",
    conclusion: "success",
    app: { id: 15368, slug: "github-actions" },
    check_suite: { id: 900 },
    html_url: `https://github.com/acme/widgets/runs/${id}`,
    details_url: `https://ci.example/${id}`,
    output: { title: null, summary: null },
    ...extra,
  };
}

function aStatus(context: string, extra: Record<string, unknown> = {}) {
  return {
    context,
    state: "success",
    target_url: `https://ci.example/${context}`,
    description: null,
    updated_at: "2026-01-01T00:00:00Z",
    ...extra,
  };
}

function aWorkflowRun(id: number, extra: Record<string, unknown> = {}) {
  return {
    id,
    name: "CI",
    event: "push",
    head_branch: "main",
    head_sha: SHA,
    head_repository: { full_name: "acme/widgets" },
    run_attempt: 1,
    status: "completed",
    conclusion: "success",
    check_suite_id: 900,
    html_url: `https://github.com/acme/widgets/actions/runs/${id}`,
    ...extra,
  };
}

function aCommit(sha: string, commit: Record<string, unknown> = {}) {
  return {
    sha,
    html_url: `https://github.com/acme/widgets/commit/${sha}`,
    commit: {
      message: `Fix #${sha}`,
      committer: { date: "2026-01-01T10:00:00Z" },
      author: { date: "2026-01-01T09:00:00Z" },
      ...commit,
    },
  };
}

const checksQuery = { filter: "latest", per_page: "100" };

describe("check runs", () => {
  it("maps every field of a check run, and a missing app, suite and output to null", async () => {
    nock(API)
      .get(CHECKS)
      .query(checksQuery)
      .reply(200, {
        total_count: 2,
        check_runs: [
          aCheckRun(1, { output: { title: "2 failed", summary: "see log" }, conclusion: "failure" }),
          aCheckRun(2, {
            status: "in_progress",
            conclusion: null,
            app: null,
            check_suite: null,
            html_url: null,
            details_url: null,
          }),
        ],
      });
    expect(await aClient().listCheckRuns(REPO, SHA)).toEqual({
      ok: true,
      value: [
        {
          id: 1,
          name: "check 1",
          status: "completed",
          conclusion: "failure",
          appId: 15368,
          appSlug: "github-actions",
          checkSuiteId: 900,
          htmlUrl: "https://github.com/acme/widgets/runs/1",
          detailsUrl: "https://ci.example/1",
          title: "2 failed",
          summary: "see log",
        },
        {
          id: 2,
          name: "check 2",
          status: "in_progress",
          conclusion: null,
          appId: null,
          appSlug: null,
          checkSuiteId: null,
          htmlUrl: null,
          detailsUrl: null,
          title: null,
          summary: null,
        },
      ],
    });
  });

  it("follows the Link header across pages", async () => {
    nock(API)
      .get(CHECKS)
      .query(checksQuery)
      .reply(
        200,
        { total_count: 3, check_runs: [aCheckRun(1), aCheckRun(2)] },
        { link: `<${API}${CHECKS}?filter=latest&per_page=100&page=2>; rel="next"` },
      )
      .get(CHECKS)
      .query({ ...checksQuery, page: "2" })
      .reply(
        200,
        { total_count: 3, check_runs: [aCheckRun(3)] },
        { link: `<${API}${CHECKS}?filter=latest&per_page=100&page=1>; rel="prev"` },
      );
    const result = await aClient().listCheckRuns(REPO, SHA);
    expect(result.ok && result.value.map((run) => run.id)).toEqual([1, 2, 3]);
  });

  it("sends the cached ETag on the next read and answers a 304 from the cache", async () => {
    const client = aClient();
    nock(API, { badheaders: ["if-none-match"] })
      .get(CHECKS)
      .query(checksQuery)
      .reply(200, { total_count: 1, check_runs: [aCheckRun(1)] }, { etag: '"v1"' });
    const first = await client.listCheckRuns(REPO, SHA);
    nock(API).get(CHECKS).query(checksQuery).matchHeader("if-none-match", '"v1"').reply(304, "");
    expect(await client.listCheckRuns(REPO, SHA)).toEqual(first);
    expect(first.ok && first.value.map((run) => run.id)).toEqual([1]);
  });

  it("refreshes the cache when a stale ETag earns a 200 (installation tokens rotate)", async () => {
    const client = aClient();
    nock(API)
      .get(CHECKS)
      .query(checksQuery)
      .reply(200, { total_count: 1, check_runs: [aCheckRun(1)] }, { etag: '"v1"' })
      .get(CHECKS)
      .query(checksQuery)
      .matchHeader("if-none-match", '"v1"')
      .reply(200, { total_count: 1, check_runs: [aCheckRun(1, { conclusion: "failure" })] }, { etag: '"v2"' })
      .get(CHECKS)
      .query(checksQuery)
      .matchHeader("if-none-match", '"v2"')
      .reply(304, "");
    await client.listCheckRuns(REPO, SHA);
    const refreshed = await client.listCheckRuns(REPO, SHA);
    expect(refreshed.ok && refreshed.value[0]?.conclusion).toBe("failure");
    expect(await client.listCheckRuns(REPO, SHA)).toEqual(refreshed);
  });

  it("does not cache an answer that spans pages, so the next read is unconditional", async () => {
    const client = aClient();
    const next = { link: `<${API}${CHECKS}?filter=latest&per_page=100&page=2>; rel="next"`, etag: '"p1"' };
    for (let read = 0; read < 2; read++) {
      nock(API, { badheaders: ["if-none-match"] })
        .get(CHECKS)
        .query(checksQuery)
        .reply(200, { total_count: 2, check_runs: [aCheckRun(1)] }, next)
        .get(CHECKS)
        .query({ ...checksQuery, page: "2" })
        .reply(200, { total_count: 2, check_runs: [aCheckRun(2)] });
      expect((await client.listCheckRuns(REPO, SHA)).ok).toBe(true);
    }
  });

  it("drops a cached answer once the sha spans pages", async () => {
    const client = aClient();
    nock(API)
      .get(CHECKS)
      .query(checksQuery)
      .reply(200, { total_count: 1, check_runs: [aCheckRun(1)] }, { etag: '"v1"' });
    await client.listCheckRuns(REPO, SHA);
    nock(API)
      .get(CHECKS)
      .query(checksQuery)
      .matchHeader("if-none-match", '"v1"')
      .reply(
        200,
        { total_count: 2, check_runs: [aCheckRun(1)] },
        { link: `<${API}${CHECKS}?filter=latest&per_page=100&page=2>; rel="next"`, etag: '"v2"' },
      )
      .get(CHECKS)
      .query({ ...checksQuery, page: "2" })
      .reply(200, { total_count: 2, check_runs: [aCheckRun(2)] });
    await client.listCheckRuns(REPO, SHA);
    nock(API, { badheaders: ["if-none-match"] })
      .get(CHECKS)
      .query(checksQuery)
      .reply(200, { total_count: 0, check_runs: [] });
    expect(await client.listCheckRuns(REPO, SHA)).toEqual({ ok: true, value: [] });
  });

  it("caches by default, with no options given", async () => {
    const client = createGitHubCiClient(anOctokit());
    nock(API)
      .get(CHECKS)
      .query(checksQuery)
      .reply(200, { total_count: 1, check_runs: [aCheckRun(1)] }, { etag: '"v1"' })
      .get(CHECKS)
      .query(checksQuery)
      .matchHeader("if-none-match", '"v1"')
      .reply(304, "");
    const first = await client.listCheckRuns(REPO, SHA);
    expect(await client.listCheckRuns(REPO, SHA)).toEqual(first);
  });

  it("keeps the cached answer through a failed read", async () => {
    const client = aClient();
    nock(API)
      .get(CHECKS)
      .query(checksQuery)
      .reply(200, { total_count: 1, check_runs: [aCheckRun(1)] }, { etag: '"v1"' })
      .get(CHECKS)
      .query(checksQuery)
      .reply(502, { message: "Bad Gateway" })
      .get(CHECKS)
      .query(checksQuery)
      .matchHeader("if-none-match", '"v1"')
      .reply(304, "");
    const first = await client.listCheckRuns(REPO, SHA);
    const failed = await client.listCheckRuns(REPO, SHA);
    expect(!failed.ok && failed.error.category).toBe("transient");
    expect(await client.listCheckRuns(REPO, SHA)).toEqual(first);
  });
});

describe("commit statuses", () => {
  it("maps the combined status to one fact per context, the newest, and an unknown state to pending", async () => {
    nock(API)
      .get(STATUS)
      .query({ per_page: "100" })
      .reply(200, {
        state: "failure",
        sha: SHA,
        total_count: 4,
        statuses: [
          aStatus("ci/woodpecker/push/deploy", { state: "pending", updated_at: "2026-01-01T00:00:00Z" }),
          aStatus("ci/woodpecker/push/deploy", {
            state: "failure",
            description: "boom",
            updated_at: "2026-01-01T00:05:00Z",
          }),
          aStatus("ci/woodpecker/push/deploy", { state: "success", updated_at: "2026-01-01T00:01:00Z" }),
          aStatus("lint", { state: "queued", target_url: null }),
        ],
      });
    expect(await aClient().getCombinedStatus(REPO, SHA)).toEqual({
      ok: true,
      value: [
        {
          context: "ci/woodpecker/push/deploy",
          state: "failure",
          targetUrl: "https://ci.example/ci/woodpecker/push/deploy",
          description: "boom",
        },
        { context: "lint", state: "pending", targetUrl: null, description: null },
      ],
    });
  });

  it("sends the cached ETag on the next read and answers a 304 from the cache", async () => {
    const client = aClient();
    nock(API, { badheaders: ["if-none-match"] })
      .get(STATUS)
      .query({ per_page: "100" })
      .reply(200, { state: "success", sha: SHA, total_count: 1, statuses: [aStatus("deploy")] }, { etag: 'W/"s1"' });
    const first = await client.getCombinedStatus(REPO, SHA);
    nock(API).get(STATUS).query({ per_page: "100" }).matchHeader("if-none-match", 'W/"s1"').reply(304, "");
    expect(await client.getCombinedStatus(REPO, SHA)).toEqual(first);
    expect(first.ok && first.value.map((status) => status.context)).toEqual(["deploy"]);
  });

  it("keeps no entry for an answer without an ETag", async () => {
    const client = aClient();
    for (let read = 0; read < 2; read++) {
      nock(API, { badheaders: ["if-none-match"] })
        .get(STATUS)
        .query({ per_page: "100" })
        .reply(200, { state: "pending", sha: SHA, total_count: 0, statuses: [] });
      expect(await client.getCombinedStatus(REPO, SHA)).toEqual({ ok: true, value: [] });
    }
  });

  it("maps a 304 that was not asked for to an invalid response", async () => {
    nock(API).get(STATUS).query({ per_page: "100" }).reply(304, "");
    const result = await aClient().getCombinedStatus(REPO, SHA);
    expect(!result.ok && result.error).toMatchObject({ category: "invalid-response", status: 304 });
  });
});

describe("ETag cache", () => {
  it("forgets the least recently used entry beyond its bound", () => {
    const cache = createEtagCache(2);
    cache.set("a", { etag: "1", value: "A" });
    cache.set("b", { etag: "2", value: "B" });
    cache.get("a");
    cache.set("c", { etag: "3", value: "C" });
    expect([cache.get("a")?.value, cache.get("b"), cache.get("c")?.value]).toEqual(["A", undefined, "C"]);
  });

  it("replaces an entry set twice without growing", () => {
    const cache = createEtagCache(1);
    cache.set("a", { etag: "1", value: "old" });
    cache.set("a", { etag: "2", value: "new" });
    expect(cache.get("a")).toEqual({ etag: "2", value: "new" });
  });
});

describe("workflow runs and jobs", () => {
  it("lists the push runs of a sha, mapping a missing name, attempt, suite and head repository", async () => {
    nock(API)
      .get("/repos/acme/widgets/actions/runs")
      .query({ head_sha: SHA, per_page: "100" })
      .reply(200, {
        total_count: 2,
        workflow_runs: [
          aWorkflowRun(7, { run_attempt: 2, conclusion: "failure" }),
          aWorkflowRun(8, {
            name: null,
            run_attempt: undefined,
            check_suite_id: undefined,
            head_repository: null,
            head_branch: null,
            status: null,
            conclusion: null,
          }),
        ],
      });
    expect(await aClient().listWorkflowRuns(REPO, SHA)).toEqual({
      ok: true,
      value: [
        {
          id: 7,
          name: "CI",
          event: "push",
          headBranch: "main",
          headSha: SHA,
          headRepoFullName: "acme/widgets",
          runAttempt: 2,
          status: "completed",
          conclusion: "failure",
          checkSuiteId: 900,
          htmlUrl: "https://github.com/acme/widgets/actions/runs/7",
        },
        {
          id: 8,
          name: "",
          event: "push",
          headBranch: null,
          headSha: SHA,
          headRepoFullName: null,
          runAttempt: 1,
          status: "",
          conclusion: null,
          checkSuiteId: null,
          htmlUrl: "https://github.com/acme/widgets/actions/runs/8",
        },
      ],
    });
  });

  it("lists every job of one attempt of a run, whatever its conclusion", async () => {
    nock(API)
      .get("/repos/acme/widgets/actions/runs/7/attempts/2/jobs")
      .query({ per_page: "100" })
      .reply(200, {
        total_count: 2,
        jobs: [
          {
            id: 70,
            run_id: 7,
            name: "test",
            conclusion: "failure",
            html_url: "https://github.com/acme/widgets/actions/runs/7/job/70",
          },
          { id: 71, run_id: 7, name: "lint", conclusion: "success", html_url: null },
        ],
      });
    expect(await aClient().listJobs(REPO, 7, 2)).toEqual({
      ok: true,
      value: [
        {
          id: 70,
          runId: 7,
          name: "test",
          conclusion: "failure",
          htmlUrl: "https://github.com/acme/widgets/actions/runs/7/job/70",
        },
        { id: 71, runId: 7, name: "lint", conclusion: "success", htmlUrl: null },
      ],
    });
  });
});

describe("job logs", () => {
  const LOG_PATH = "/repos/acme/widgets/actions/jobs/70/logs";
  const BLOB_PATH = "/logs/70?sig=abc";

  function aLog(lines: number): string {
    const body = Array.from(
      { length: lines },
      (_, i) => `2026-01-01T00:00:${String(i % 60).padStart(2, "0")}.1234567Z line ${i + 1}`,
    ).join("\r\n");
    return `\uFEFF${body}\r\n`;
  }

  it("follows the redirect to the log blob, without the token, and keeps the tail without timestamps", async () => {
    nock(API)
      .get(LOG_PATH)
      .matchHeader("authorization", "token t")
      .reply(302, "", { location: `${BLOB}${BLOB_PATH}` });
    nock(BLOB, { badheaders: ["authorization"] })
      .get(BLOB_PATH)
      .reply(200, aLog(200), { "content-type": "text/plain; charset=utf-8" });
    const result = await aClient({ logTail: { maxLines: 3, maxChars: 10_000 } }).readJobLogTail(REPO, 70);
    expect(result).toEqual({ ok: true, value: "line 198\nline 199\nline 200" });
  });

  it("decodes a log served as bytes, and caps the tail in characters", async () => {
    nock(API)
      .get(LOG_PATH)
      .reply(302, "", { location: `${BLOB}${BLOB_PATH}` });
    nock(BLOB)
      .get(BLOB_PATH)
      .reply(200, Buffer.from(aLog(5)), { "content-type": "application/octet-stream" });
    expect(await aClient({ logTail: { maxLines: 150, maxChars: 6 } }).readJobLogTail(REPO, 70)).toEqual({
      ok: true,
      value: "line 5",
    });
  });

  it("reads the body's bytes as the log whatever content type the host names", async () => {
    nock(API)
      .get(LOG_PATH)
      .reply(302, "", { location: `${BLOB}${BLOB_PATH}` });
    nock(BLOB).get(BLOB_PATH).reply(200, { unexpected: true });
    expect(await aClient().readJobLogTail(REPO, 70)).toEqual({ ok: true, value: '{"unexpected":true}' });
  });

  it.each([404, 410])("reads an expired log (%i) as null", async (status) => {
    nock(API).get(LOG_PATH).reply(status, { message: "Gone" });
    expect(await aClient().readJobLogTail(REPO, 70)).toEqual({ ok: true, value: null });
  });

  it("reads a log blob that has expired behind the redirect as null", async () => {
    nock(API)
      .get(LOG_PATH)
      .reply(302, "", { location: `${BLOB}${BLOB_PATH}` });
    nock(BLOB).get(BLOB_PATH).reply(404, "BlobNotFound", { "content-type": "text/plain" });
    expect(await aClient().readJobLogTail(REPO, 70)).toEqual({ ok: true, value: null });
  });

  it("passes other failures through", async () => {
    nock(API).get(LOG_PATH).reply(500, { message: "oops" });
    const result = await aClient().readJobLogTail(REPO, 70);
    expect(!result.ok && result.error.category).toBe("transient");
  });

  it.each([
    ["2026-01-01T00:00:00.0000000Z ##[group]Run npm test", "##[group]Run npm test"],
    ["2026-01-01T00:00:00Z plain", "plain"],
    ["no timestamp 2026-01-01T00:00:00Z here", "no timestamp 2026-01-01T00:00:00Z here"],
    ["\uFEFF2026-01-01T00:00:00.1Z a\n2026-01-01T00:00:01.1Z b", "a\nb"],
  ])("strips the leading timestamp of each line: %j", (log, expected) => {
    expect(toLogWithoutTimestamps(log)).toBe(expected);
  });
});

describe("commits since", () => {
  it("lists a branch's commits since a time, dated by committer, else author, leaving undated ones out", async () => {
    nock(API)
      .get("/repos/acme/widgets/commits")
      .query({ sha: "main", since: "2023-11-14T22:13:20.000Z", per_page: "100" })
      .reply(200, [aCommit("c3"), aCommit("c2", { committer: null }), aCommit("c1", { committer: {}, author: null })]);
    expect(await aClient().listCommitsSince(REPO, "main", NOW)).toEqual({
      ok: true,
      value: [
        {
          sha: "c3",
          message: "Fix #c3",
          committedAt: Date.parse("2026-01-01T10:00:00Z"),
          url: "https://github.com/acme/widgets/commit/c3",
        },
        {
          sha: "c2",
          message: "Fix #c2",
          committedAt: Date.parse("2026-01-01T09:00:00Z"),
          url: "https://github.com/acme/widgets/commit/c2",
        },
      ],
    });
  });

  it("asks again with the last ETag and answers a 304 from the cache: a sweep with nothing new costs nothing", async () => {
    const client = aClient();
    const query = { sha: "main", since: "2023-11-14T22:13:20.000Z", per_page: "100" };
    nock(API, { badheaders: ["if-none-match"] })
      .get("/repos/acme/widgets/commits")
      .query(query)
      .reply(200, [aCommit("c1")], { etag: '"c"' });
    const first = await client.listCommitsSince(REPO, "main", NOW);
    nock(API).get("/repos/acme/widgets/commits").query(query).matchHeader("if-none-match", '"c"').reply(304, "");
    expect(await client.listCommitsSince(REPO, "main", NOW)).toEqual(first);
    expect(first.ok && first.value.map((commit) => commit.sha)).toEqual(["c1"]);
  });

  it("maps a missing branch to not-found", async () => {
    nock(API).get("/repos/acme/widgets/commits").query(true).reply(404, { message: "No commit found for SHA: gone" });
    const result = await aClient().listCommitsSince(REPO, "gone", NOW);
    expect(!result.ok && result.error.category).toBe("not-found");
  });
});

describe("conditional reads of workflow runs and jobs", () => {
  it("answers a workflow-run list and a job list from the cache on a 304", async () => {
    const client = aClient();
    const jobs = "/repos/acme/widgets/actions/runs/7/attempts/1/jobs";
    nock(API)
      .get("/repos/acme/widgets/actions/runs")
      .query({ head_sha: SHA, per_page: "100" })
      .reply(200, { total_count: 1, workflow_runs: [aWorkflowRun(7)] }, { etag: '"r1"' })
      .get("/repos/acme/widgets/actions/runs")
      .query({ head_sha: SHA, per_page: "100" })
      .matchHeader("if-none-match", '"r1"')
      .reply(304, "")
      .get(jobs)
      .query({ per_page: "100" })
      .reply(
        200,
        { total_count: 1, jobs: [{ id: 70, run_id: 7, name: "test", conclusion: "success", html_url: null }] },
        { etag: '"j1"' },
      )
      .get(jobs)
      .query({ per_page: "100" })
      .matchHeader("if-none-match", '"j1"')
      .reply(304, "");
    const runs = await client.listWorkflowRuns(REPO, SHA);
    expect(await client.listWorkflowRuns(REPO, SHA)).toEqual(runs);
    expect(runs.ok && runs.value.map((run) => run.id)).toEqual([7]);
    const listed = await client.listJobs(REPO, 7, 1);
    expect(await client.listJobs(REPO, 7, 1)).toEqual(listed);
    expect(listed.ok && listed.value.map((job) => job.id)).toEqual([70]);
  });
});
