import { describe, expect, it } from "vitest";
import { SECONDARY_RATE_LIMIT_WAIT_MS, toGitHubError } from "../../../src/adapters/github/github-error.js";

const NOW = 1_700_000_000_000;

function aRequestError(status: number, message = "failed", headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), { status, response: { headers } });
}

describe("toGitHubError", () => {
  it.each([
    [401, {}, "Bad credentials", "unauthorized", null],
    [403, {}, "Resource not accessible by integration", "unauthorized", "forbidden"],
    [403, { "x-ratelimit-remaining": "0" }, "API rate limit exceeded", "rate-limited", "primary"],
    [429, { "x-ratelimit-remaining": "0" }, "API rate limit exceeded", "rate-limited", "primary"],
    [403, {}, "You have exceeded a secondary rate limit", "rate-limited", "secondary"],
    [403, { "retry-after": "60" }, "Forbidden", "rate-limited", "secondary"],
    [429, {}, "Too many requests", "rate-limited", "secondary"],
    [404, {}, "Not Found", "not-found", null],
    [410, {}, "Issues are disabled", "not-found", null],
    [422, {}, "Validation Failed", "rejected", null],
    [500, {}, "Server Error", "transient", null],
    [502, {}, "Bad Gateway", "transient", null],
    [304, {}, "Not modified", "invalid-response", null],
  ] as const)("status %i %j (%s) is %s (%s)", (status, headers, message, category, detail) => {
    expect(toGitHubError(aRequestError(status, message, headers), NOW)).toMatchObject({
      system: "github",
      category,
      detail,
      status,
    });
  });

  it("treats a network error without a status as transient", () => {
    const error = toGitHubError(new Error("ECONNRESET"), NOW);
    expect(error).toMatchObject({ category: "transient", status: null, message: "ECONNRESET" });
  });

  it("treats a status of 0 and a thrown non-object as transient", () => {
    expect(toGitHubError(aRequestError(0), NOW)).toMatchObject({ category: "transient", status: null });
    expect(toGitHubError("socket hang up", NOW)).toMatchObject({ category: "transient", message: "socket hang up" });
  });

  it("reads how long to wait from retry-after, else from the primary limit's reset, else a minute", () => {
    expect(toGitHubError(aRequestError(429, "slow down", { "retry-after": "30" }), NOW).retryAfterMs).toBe(30_000);
    const reset = String(NOW / 1000 + 90);
    expect(
      toGitHubError(aRequestError(403, "rate limit", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": reset }), NOW)
        .retryAfterMs,
    ).toBe(90_000);
    expect(
      toGitHubError(aRequestError(403, "rate limit", { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1" }), NOW)
        .retryAfterMs,
    ).toBe(0);
    expect(toGitHubError(aRequestError(429, "slow down"), NOW).retryAfterMs).toBe(SECONDARY_RATE_LIMIT_WAIT_MS);
    expect(toGitHubError(aRequestError(404), NOW).retryAfterMs).toBeNull();
    expect(toGitHubError(aRequestError(403, "Forbidden"), NOW).retryAfterMs).toBeNull();
  });

  it("keeps only the first line of a message", () => {
    expect(toGitHubError(aRequestError(500, "line one\nline two"), NOW).message).toBe("line one");
  });
});
