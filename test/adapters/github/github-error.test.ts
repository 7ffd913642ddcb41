import { describe, expect, it } from "vitest";
import { toGitHubError } from "../../../src/adapters/github/github-error.js";

const NOW = 1_700_000_000_000;

function aRequestError(status: number, message = "failed", headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { status, response: { headers } });
}

describe("toGitHubError", () => {
  it.each([
    [401, {}, "Bad credentials", "unauthorized"],
    [403, {}, "Resource not accessible by integration", "unauthorized"],
    [403, { "x-ratelimit-remaining": "0" }, "API rate limit exceeded", "rate-limited"],
    [403, {}, "You have exceeded a secondary rate limit", "rate-limited"],
    [429, {}, "Too many requests", "rate-limited"],
    [404, {}, "Not Found", "not-found"],
    [410, {}, "Issues are disabled", "not-found"],
    [422, {}, "Validation Failed", "invalid-request"],
    [500, {}, "Server Error", "transient"],
    [502, {}, "Bad Gateway", "transient"],
    [304, {}, "Not modified", "invalid-response"],
  ] as const)("status %i %j (%s) is %s", (status, headers, message, category) => {
    expect(toGitHubError(aRequestError(status, message, headers), NOW).category).toBe(category);
  });

  it("treats a network error without a status as transient", () => {
    const error = toGitHubError(new Error("ECONNRESET"), NOW);
    expect(error).toMatchObject({ category: "transient", status: null, message: "ECONNRESET" });
  });

  it("treats a status of 0 and a thrown non-object as transient", () => {
    expect(toGitHubError(aRequestError(0), NOW).category).toBe("transient");
    expect(toGitHubError("socket hang up", NOW)).toMatchObject({ category: "transient", message: "socket hang up" });
  });

  it("reads how long to wait from retry-after, else from the rate limit reset", () => {
    expect(toGitHubError(aRequestError(429, "slow down", { "retry-after": "30" }), NOW).retryAfterMs).toBe(30_000);
    const reset = String(NOW / 1000 + 90);
    expect(
      toGitHubError(aRequestError(403, "rate limit", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }), NOW)
        .retryAfterMs,
    ).toBe(90_000);
    expect(toGitHubError(aRequestError(429, "slow down"), NOW).retryAfterMs).toBeNull();
    expect(toGitHubError(aRequestError(404), NOW).retryAfterMs).toBeNull();
  });

  it("keeps only the first line of a message", () => {
    expect(toGitHubError(aRequestError(500, "line one\nline two"), NOW).message).toBe("line one");
  });
});
