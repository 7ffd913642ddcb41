import { describe, expect, it } from "vitest";
import { isRetryable, toErrorCategory, toHttpError, toTransportError } from "../../../src/adapters/t3/t3-errors.js";
import type { T3Error } from "../../../src/adapters/t3/t3-types.js";

describe("toErrorCategory: the contract's error table", () => {
  it.each([
    [401, null, "unauthorized"],
    [403, null, "forbidden"],
    [400, null, "invalid-request"],
    [404, null, "not-found"],
    [409, null, "invalid-request"],
    [408, null, "transient"],
    [429, null, "transient"],
    [500, "orchestration_dispatch_failed", "rejected"],
    [500, "orchestration_snapshot_failed", "transient"],
    [500, null, "transient"],
    [502, null, "transient"],
    [503, null, "transient"],
    [504, null, "transient"],
    [302, null, "invalid-response"],
  ] as const)("%i with reason %s is %s", (status, reason, category) => {
    expect(toErrorCategory(status, reason)).toBe(category);
  });
});

describe("toHttpError", () => {
  it("carries T3's tag, code and traceId and names them in the message", () => {
    const body = {
      _tag: "EnvironmentInternalError",
      code: "internal_error",
      reason: "orchestration_dispatch_failed",
      traceId: "abc123",
    };
    expect(toHttpError("POST /api/orchestration/dispatch", 500, JSON.stringify(body))).toEqual({
      category: "rejected",
      status: 500,
      tag: "EnvironmentInternalError",
      code: "internal_error",
      traceId: "abc123",
      message:
        "T3 POST /api/orchestration/dispatch answered 500 EnvironmentInternalError/internal_error/orchestration_dispatch_failed (trace abc123)",
    });
  });

  it("names the required scope of a 403", () => {
    const body = {
      _tag: "EnvironmentScopeRequiredError",
      code: "insufficient_scope",
      requiredScope: "orchestration:operate",
      traceId: "t",
    };
    expect(toHttpError("POST /x", 403, JSON.stringify(body)).message).toContain("requires orchestration:operate");
  });

  it("keeps a schema error's message, shortened", () => {
    const error = toHttpError(
      "POST /x",
      400,
      JSON.stringify({ _tag: "HttpApiSchemaError", message: "x".repeat(2_000) }),
    );
    expect(error.category).toBe("invalid-request");
    expect(error.message.length).toBeLessThan(600);
    expect(error.traceId).toBeNull();
  });

  it.each([
    ["an HTML page from a proxy", "<html>Bad Gateway</html>"],
    ["a JSON array", "[1]"],
    ["an empty body", ""],
  ])("reads the status alone from %s", (_what, text) => {
    expect(toHttpError("GET /x", 502, text)).toEqual({
      category: "transient",
      status: 502,
      tag: null,
      code: null,
      traceId: null,
      message: "T3 GET /x answered 502",
    });
  });
});

describe("toTransportError", () => {
  it.each([
    ["UND_ERR_CONNECT_TIMEOUT", "timeout"],
    ["UND_ERR_HEADERS_TIMEOUT", "timeout"],
    ["UND_ERR_BODY_TIMEOUT", "timeout"],
    ["ECONNREFUSED", "transient"],
    ["UND_ERR_SOCKET", "transient"],
  ])("undici code %s is %s", (code, category) => {
    const error = Object.assign(new Error("boom"), { code });
    expect(toTransportError("GET /x", error, null)).toMatchObject({ category, status: null });
  });

  it("the passed deadline is the cause, whatever undici said", () => {
    expect(toTransportError("GET /x", new Error("aborted"), 500)).toMatchObject({
      category: "timeout",
      message: "T3 GET /x: no answer within the 500 ms deadline",
    });
  });

  it("describes a thrown non-error without a code", () => {
    expect(toTransportError("GET /x", "socket hang up", null)).toMatchObject({
      category: "transient",
      message: "T3 GET /x: network error: socket hang up",
    });
  });
});

describe("isRetryable", () => {
  const error = (category: T3Error["category"], status: number | null): T3Error => ({
    category,
    status,
    tag: null,
    code: null,
    traceId: null,
    message: "",
  });

  it.each([
    [error("transient", null), true],
    [error("transient", 502), true],
    [error("transient", 503), true],
    [error("transient", 504), true],
    [error("transient", 500), false],
    [error("transient", 429), false],
    [error("timeout", null), false],
    [error("rejected", 500), false],
    [error("unauthorized", 401), false],
  ])("%o → %s", (value, expected) => {
    expect(isRetryable(value)).toBe(expected);
  });
});
