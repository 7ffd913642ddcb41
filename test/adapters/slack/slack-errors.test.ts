import { describe, it, expect } from "vitest";
import { webApi } from "@slack/bolt";
import { toCodeCategory, toSlackFailure } from "../../../src/adapters/slack/slack-errors.js";

/** An error shaped as `@slack/web-api` builds it: an Error with a `code` and its own fields. */
function aCodedError(code: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(code), { code, ...fields });
}

function errorOf(method: string, thrown: unknown) {
  const result = toSlackFailure(method, thrown);
  if (result.ok) throw new Error("expected a failure");
  return result.error;
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
    ["invalid_arguments", "rejected"],
    ["not_in_channel", "rejected"],
    ["some_new_code", "rejected"],
  ])("sorts Slack's %s as %s", (code, category) => {
    expect(toCodeCategory(code)).toBe(category);
  });
});

describe("toSlackFailure", () => {
  it("reads Slack's code from a platform error, as the detail", () => {
    expect(
      errorOf(
        "chat.update",
        aCodedError(webApi.ErrorCode.PlatformError, { data: { ok: false, error: "message_not_found" } }),
      ),
    ).toEqual({
      system: "slack",
      category: "not-found",
      detail: "message_not_found",
      status: null,
      retryAfterMs: null,
      traceId: null,
      message: "chat.update failed: message_not_found",
    });
  });

  it("names a platform error without a code as unknown", () => {
    expect(errorOf("chat.update", aCodedError(webApi.ErrorCode.PlatformError, {}))).toMatchObject({
      category: "rejected",
      detail: "unknown_error",
    });
  });

  it("says how long to wait after a rate limit", () => {
    expect(errorOf("reactions.add", aCodedError(webApi.ErrorCode.RateLimitedError, { retryAfter: 30 }))).toMatchObject({
      category: "rate-limited",
      detail: "ratelimited",
      retryAfterMs: 30_000,
      message: "reactions.add was rate limited; retry after 30 s",
    });
    expect(errorOf("reactions.add", aCodedError(webApi.ErrorCode.RateLimitedError, {})).retryAfterMs).toBeNull();
  });

  it.each([
    [401, "unauthorized"],
    [403, "unauthorized"],
    [404, "rejected"],
    [408, "transient"],
    [429, "rate-limited"],
    [502, "transient"],
  ])("sorts HTTP %i as %s", (statusCode, category) => {
    expect(errorOf("auth.test", aCodedError(webApi.ErrorCode.HTTPError, { statusCode }))).toMatchObject({
      category,
      status: statusCode,
      detail: null,
      message: `auth.test answered HTTP ${statusCode}`,
    });
  });

  it("keeps a long network error short", () => {
    const error = errorOf(
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
    expect(errorOf("auth.test", thrown)).toMatchObject({ category: "transient", detail: null });
  });
});
