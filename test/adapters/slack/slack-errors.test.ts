import { describe, it, expect } from "vitest";
import { webApi } from "@slack/bolt";
import { toCodeCategory, toSlackError } from "../../../src/adapters/slack/slack-errors.js";

/** An error shaped as `@slack/web-api` builds it: an Error with a `code` and its own fields. */
function aCodedError(code: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(code), { code, ...fields });
}

describe("toCodeCategory", () => {
  it.each([
    ["not_authed", "unauthorized"],
    ["invalid_auth", "unauthorized"],
    ["token_revoked", "unauthorized"],
    ["missing_scope", "unauthorized"],
    ["channel_not_found", "not-found"],
    ["message_not_found", "not-found"],
    ["thread_not_found", "not-found"],
    ["ratelimited", "rate-limited"],
    ["internal_error", "transient"],
    ["fatal_error", "transient"],
    ["invalid_arguments", "invalid-request"],
    ["not_in_channel", "invalid-request"],
    ["some_new_code", "invalid-request"],
  ])("sorts Slack's %s as %s", (code, category) => {
    expect(toCodeCategory(code)).toBe(category);
  });
});

describe("toSlackError", () => {
  it("reads Slack's code from a platform error", () => {
    expect(
      toSlackError(
        "chat.update",
        aCodedError(webApi.ErrorCode.PlatformError, { data: { ok: false, error: "message_not_found" } }),
      ),
    ).toEqual({
      category: "not-found",
      code: "message_not_found",
      message: "Slack chat.update failed: message_not_found",
    });
  });

  it("names a platform error without a code as unknown", () => {
    expect(toSlackError("chat.update", aCodedError(webApi.ErrorCode.PlatformError, {}))).toMatchObject({
      category: "invalid-request",
      code: "unknown_error",
    });
  });

  it("says how long to wait after a rate limit", () => {
    expect(toSlackError("reactions.add", aCodedError(webApi.ErrorCode.RateLimitedError, { retryAfter: 30 }))).toEqual({
      category: "rate-limited",
      code: "ratelimited",
      message: "Slack reactions.add was rate limited; retry after 30 s",
    });
  });

  it.each([
    [401, "unauthorized"],
    [403, "unauthorized"],
    [404, "invalid-request"],
    [408, "transient"],
    [429, "rate-limited"],
    [502, "transient"],
  ])("sorts HTTP %i as %s", (statusCode, category) => {
    expect(toSlackError("auth.test", aCodedError(webApi.ErrorCode.HTTPError, { statusCode }))).toEqual({
      category,
      code: null,
      message: `Slack auth.test answered HTTP ${statusCode}`,
    });
  });

  it("keeps a long network error short", () => {
    const error = toSlackError(
      "auth.test",
      aCodedError(webApi.ErrorCode.RequestError, { original: new Error("x".repeat(500)) }),
    );
    expect(error.category).toBe("transient");
    expect(error.message.length).toBeLessThan(260);
  });

  it.each<[string, unknown]>([
    ["a plain error", new Error("aborted")],
    ["a thrown string", "boom"],
    ["an error with another code", aCodedError("ECONNRESET", {})],
  ])("treats %s as transient", (_name, thrown) => {
    expect(toSlackError("auth.test", thrown)).toMatchObject({ category: "transient", code: null });
  });
});
