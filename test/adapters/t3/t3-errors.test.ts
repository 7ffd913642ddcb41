// T3's HTTP failures sorted into the ports' categories, with the finer reason as detail.

import { describe, expect, it } from "vitest";
import { toT3Category, toT3Failure } from "../../../src/adapters/t3/t3-errors.js";
import { describeError } from "../../../src/ports/result.js";

function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  return { status, headers, text: typeof body === "string" ? body : JSON.stringify(body) };
}

function errorOf(result: ReturnType<typeof toT3Failure>) {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

describe("toT3Category: the contract's error table", () => {
  it.each([
    [401, "EnvironmentAuthInvalidError", null, "unauthorized", "EnvironmentAuthInvalidError"],
    [403, "EnvironmentScopeRequiredError", null, "unauthorized", "forbidden"],
    [400, "HttpApiSchemaError", null, "rejected", "HttpApiSchemaError"],
    [400, null, null, "rejected", "invalid-request"],
    [404, "EnvironmentResourceNotFoundError", null, "not-found", "EnvironmentResourceNotFoundError"],
    [409, null, null, "rejected", "invalid-request"],
    [408, null, null, "transient", "timeout"],
    [429, null, null, "rate-limited", null],
    [500, "EnvironmentInternalError", "orchestration_dispatch_failed", "rejected", "orchestration_dispatch_failed"],
    [500, "EnvironmentInternalError", "orchestration_snapshot_failed", "transient", "EnvironmentInternalError"],
    [500, null, null, "transient", null],
    [502, null, null, "transient", null],
    [503, null, null, "transient", null],
    [504, null, null, "transient", null],
    [302, null, null, "invalid-response", null],
  ] as const)("%i (%s, %s) is %s / %s", (status, tag, reason, category, detail) => {
    expect(toT3Category(status, { tag, reason })).toEqual({ category, detail });
  });
});

describe("toT3Failure", () => {
  it("carries T3's reason as detail and its traceId apart, and names tag, code and reason in the message", () => {
    const body = {
      _tag: "EnvironmentInternalError",
      code: "internal_error",
      reason: "orchestration_dispatch_failed",
      traceId: "abc123",
    };
    const error = errorOf(toT3Failure("POST /api/orchestration/dispatch", answer(500, body)));
    expect(error).toEqual({
      system: "t3",
      category: "rejected",
      status: 500,
      detail: "orchestration_dispatch_failed",
      traceId: "abc123",
      retryAfterMs: null,
      message:
        "POST /api/orchestration/dispatch answered 500 EnvironmentInternalError/internal_error/orchestration_dispatch_failed",
    });
    expect(describeError(error)).toBe(
      "T3 rejected (500 orchestration_dispatch_failed, trace abc123): POST /api/orchestration/dispatch answered 500 EnvironmentInternalError/internal_error/orchestration_dispatch_failed",
    );
  });

  it("names the required scope of a 403", () => {
    const body = {
      _tag: "EnvironmentScopeRequiredError",
      code: "insufficient_scope",
      requiredScope: "orchestration:operate",
      traceId: "t",
    };
    expect(errorOf(toT3Failure("POST /x", answer(403, body))).message).toContain("requires orchestration:operate");
  });

  it("keeps a schema error's message, shortened", () => {
    const error = errorOf(
      toT3Failure("POST /x", answer(400, { _tag: "HttpApiSchemaError", message: "x".repeat(2_000) })),
    );
    expect(error.category).toBe("rejected");
    expect(error.message.length).toBeLessThan(600);
    expect(error.traceId).toBeNull();
  });

  it("reads how long to wait from a 429's retry-after", () => {
    expect(errorOf(toT3Failure("GET /x", answer(429, "", { "retry-after": "7" }))).retryAfterMs).toBe(7_000);
    expect(describeError(errorOf(toT3Failure("GET /x", answer(429, "", { "retry-after": "7" }))))).toMatch(
      /^T3 rate-limited \(429(?: [a-z_]+)?, retry after 7 s\): /,
    );
  });

  it.each([
    ["an HTML page from a proxy", "<html>Bad Gateway</html>"],
    ["a JSON array", "[1]"],
    ["an empty body", ""],
  ])("reads the status alone from %s", (_what, text) => {
    expect(errorOf(toT3Failure("GET /x", answer(502, text)))).toEqual({
      system: "t3",
      category: "transient",
      status: 502,
      detail: null,
      traceId: null,
      retryAfterMs: null,
      message: "GET /x answered 502",
    });
  });
});
