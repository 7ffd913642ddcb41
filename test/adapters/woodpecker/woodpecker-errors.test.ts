// Woodpecker's failures sorted into the categories the shell has one policy for each.

import { describe, expect, it } from "vitest";
import {
  isRetryable,
  toErrorCategory,
  toHttpError,
  toInvalidResponse,
  toLocalError,
  toTransportError,
} from "../../../src/adapters/woodpecker/woodpecker-errors.js";
import type { WoodpeckerError } from "../../../src/adapters/woodpecker/woodpecker-types.js";

describe("a status maps to a category", () => {
  it.each([
    [401, "unauthorized"],
    [403, "forbidden"],
    [404, "not-found"],
    [408, "transient"],
    [429, "transient"],
    [400, "invalid-request"],
    [422, "invalid-request"],
    [500, "transient"],
    [502, "transient"],
    [503, "transient"],
    [504, "transient"],
    [302, "invalid-response"],
    [101, "invalid-response"],
  ] as const)("%i is %s", (status, category) => {
    expect(toErrorCategory(status)).toBe(category);
  });
});

describe("an HTTP error quotes Woodpecker's own words, briefly", () => {
  it.each([
    ["plain text", "invalid webhook event: shove", "Woodpecker GET /x answered 400: invalid webhook event: shove"],
    ["an empty body", "", "Woodpecker GET /x answered 400"],
    ["an HTML page from a proxy", "<html><body>Bad Gateway</body></html>", "Woodpecker GET /x answered 400"],
    ["whitespace and newlines", "  not\n\n  allowed \t", "Woodpecker GET /x answered 400: not allowed"],
  ])("%s", (_case, body, message) => {
    expect(toHttpError("GET /x", 400, body)).toEqual({ category: "invalid-request", status: 400, message });
  });

  it("cuts a long body", () => {
    const { message } = toHttpError("GET /x", 500, "e".repeat(1_000));
    expect(message.length).toBeLessThan(260);
    expect(message.endsWith("e…")).toBe(true);
  });
});

describe("errors without a status", () => {
  it("a local error has no status", () => {
    expect(toLocalError("invalid-request", "repo lookup", "bad name")).toEqual({
      category: "invalid-request",
      status: null,
      message: "Woodpecker repo lookup: bad name",
    });
  });

  it("an invalid response keeps the status it came with", () => {
    expect(toInvalidResponse("GET /version", 200, "the body is not JSON")).toEqual({
      category: "invalid-response",
      status: 200,
      message: "Woodpecker GET /version: the body is not JSON",
    });
  });

  it.each([
    ["UND_ERR_CONNECT_TIMEOUT", "timeout", "connecting timed out"],
    ["UND_ERR_HEADERS_TIMEOUT", "timeout", "no response headers in time"],
    ["UND_ERR_BODY_TIMEOUT", "timeout", "the response body stalled"],
    ["ECONNREFUSED", "transient", "network error ECONNREFUSED: connect ECONNREFUSED"],
  ])("undici's %s is %s", (code, category, message) => {
    const error = toTransportError(
      "GET /x",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code }),
      null,
    );
    expect(error).toMatchObject({ category, status: null, message: expect.stringContaining(message) });
  });

  it("an error without a code is transient", () => {
    expect(toTransportError("GET /x", "socket hang up", null)).toMatchObject({
      category: "transient",
      message: "Woodpecker GET /x: network error: socket hang up",
    });
    expect(toTransportError("GET /x", { code: 7 }, null).message).toContain("network error: [object Object]");
  });

  it("a passed deadline is the cause, whatever undici reported", () => {
    expect(toTransportError("GET /x", Object.assign(new Error("aborted"), { code: "UND_ERR_ABORTED" }), 300)).toEqual({
      category: "timeout",
      status: null,
      message: "Woodpecker GET /x: no answer within the 300 ms deadline",
    });
  });
});

describe("only transient failures that may not have reached Woodpecker are retried", () => {
  const error = (category: WoodpeckerError["category"], status: number | null): WoodpeckerError => ({
    category,
    status,
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
    [error("not-found", 404), false],
    [error("invalid-response", 200), false],
  ])("%j → %s", (failure, retryable) => {
    expect(isRetryable(failure)).toBe(retryable);
  });
});
