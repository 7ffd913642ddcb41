// A watched Octokit tells of each request once, with its route template (a later page's
// absolute URL as it is), its status (304 and errors included; none without an answer)
// and GitHub's x-ratelimit-remaining for the installation.

import nock from "nock";
import { describe, expect, it } from "vitest";
import type { OutboundSample } from "../../../src/ports/outbound.js";
import { watchOctokit } from "../../../src/shell/metrics/watch-octokit.js";
import { aTestOctokit, GITHUB_API, useGitHubNock } from "../../support/github-nock.js";

useGitHubNock();

function watched(installation: number | null) {
  const samples: OutboundSample[] = [];
  const limits: [number | null, number][] = [];
  const octokit = watchOctokit(aTestOctokit(), installation, {
    observe: (sample) => samples.push(sample),
    rateLimit: (id, remaining) => limits.push([id, remaining]),
  });
  return { octokit, samples, limits };
}

const REPO = { owner: "acme", repo: "widgets" };

describe("watchOctokit", () => {
  it("tells of a request's template and status, and the installation's remaining rate limit", async () => {
    const { octokit, samples, limits } = watched(42);
    nock(GITHUB_API).get("/repos/acme/widgets").reply(200, {}, { "x-ratelimit-remaining": "4321" });
    await octokit.request("GET /repos/{owner}/{repo}", REPO);
    expect(samples).toEqual([{ system: "github", method: "GET", route: "/repos/{owner}/{repo}", status: 200 }]);
    expect(limits).toEqual([[42, 4321]]);
  });

  it("tells of statuses Octokit throws for (304, 404), with the rate limit they carry", async () => {
    const { octokit, samples, limits } = watched(null);
    nock(GITHUB_API)
      .get("/repos/acme/widgets/commits/abc/status")
      .reply(304, "", { "x-ratelimit-remaining": "10" })
      .get("/repos/acme/widgets/labels/x")
      .reply(404, { message: "Not Found" }, { "x-ratelimit-remaining": "9" });
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/status", { ...REPO, ref: "abc" }),
    ).rejects.toMatchObject({ status: 304 });
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/labels/{name}", { ...REPO, name: "x" }),
    ).rejects.toMatchObject({ status: 404 });
    expect(samples.map((sample) => sample.status)).toEqual([304, 404]);
    expect(limits).toEqual([
      [null, 10],
      [null, 9],
    ]);
  });

  it("tells of a request that got no answer with no status", async () => {
    const { octokit, samples } = watched(1);
    nock(GITHUB_API)
      .get("/repos/acme/widgets")
      .replyWithError(Object.assign(new Error("reset"), { code: "ECONNRESET" }));
    await expect(octokit.request("GET /repos/{owner}/{repo}", REPO)).rejects.toThrow();
    expect(samples).toEqual([{ system: "github", method: "GET", route: "/repos/{owner}/{repo}", status: null }]);
  });

  it("watches an Octokit once, however often it is handed out", async () => {
    const samples: OutboundSample[] = [];
    const watch = { observe: (sample: OutboundSample) => samples.push(sample), rateLimit: () => undefined };
    const octokit = watchOctokit(watchOctokit(aTestOctokit(), 1, watch), 1, watch);
    nock(GITHUB_API).get("/repos/acme/widgets").reply(200, {});
    await octokit.request("GET /repos/{owner}/{repo}", REPO);
    expect(samples).toHaveLength(1);
  });
});
