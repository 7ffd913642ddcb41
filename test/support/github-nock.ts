// The GitHub adapter tests' shared setup: nock with the network blocked, every request
// checked against GitHub's OpenAPI description, and no interceptor left unused.

import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, expect } from "vitest";
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { assertNoOpenApiViolations, installGitHubOpenApiGuard } from "./github-openapi.js";

export const GITHUB_API = "https://api.github.com";

/** A Probot Octokit as tests need it: a fixed token, no retries, no throttling. */
export function aTestOctokit(token = "t"): Octokit {
  return new ProbotOctokit({ auth: { token }, retry: { enabled: false }, throttle: { enabled: false } }) as Octokit;
}

/** Installs the hooks in the calling test file. */
export function useGitHubNock(): void {
  let uninstall: () => void = () => {};
  beforeAll(() => {
    nock.disableNetConnect();
    uninstall = installGitHubOpenApiGuard();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    assertNoOpenApiViolations();
    expect(pending).toEqual([]);
  });
  afterAll(() => {
    uninstall();
    nock.enableNetConnect();
  });
}
