// Woodpecker's HTTP failures sorted into the ports' categories.

import { describe, expect, it } from "vitest";
import { toWoodpeckerCategory, toWoodpeckerFailure } from "../../../src/adapters/woodpecker/woodpecker-errors.js";

function errorOf(result: ReturnType<typeof toWoodpeckerFailure>) {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

describe("a status maps to a category", () => {
  it.each([
    [401, "unauthorized", null],
    [403, "unauthorized", "forbidden"],
    [404, "not-found", null],
    [408, "transient", "timeout"],
    [429, "rate-limited", null],
    [400, "rejected", null],
    [422, "rejected", null],
    [500, "transient", null],
    [502, "transient", null],
    [503, "transient", null],
    [504, "transient", null],
    [302, "invalid-response", null],
    [101, "invalid-response", null],
  ] as const)("%i is %s (%s)", (status, category, detail) => {
    expect(toWoodpeckerCategory(status)).toEqual({ category, detail });
  });
});

describe("an HTTP error quotes Woodpecker's own words, briefly", () => {
  it.each([
    ["plain text", "invalid webhook event: shove", "GET /x answered 400: invalid webhook event: shove"],
    ["an empty body", "", "GET /x answered 400"],
    ["an HTML page from a proxy", "<html><body>Bad Gateway</body></html>", "GET /x answered 400"],
    ["whitespace and newlines", "  not\n\n  allowed \t", "GET /x answered 400: not allowed"],
  ])("%s", (_case, text, message) => {
    expect(errorOf(toWoodpeckerFailure("GET /x", { status: 400, headers: {}, text }))).toEqual({
      system: "woodpecker",
      category: "rejected",
      status: 400,
      detail: null,
      retryAfterMs: null,
      traceId: null,
      message,
    });
  });

  it("cuts a long body", () => {
    const { message } = errorOf(toWoodpeckerFailure("GET /x", { status: 500, headers: {}, text: "e".repeat(1_000) }));
    expect(message.length).toBeLessThan(260);
    expect(message.endsWith("e…")).toBe(true);
  });

  it("reads how long to wait from a 429's retry-after", () => {
    const error = errorOf(toWoodpeckerFailure("GET /x", { status: 429, headers: { "retry-after": "12" }, text: "" }));
    expect(error).toMatchObject({ category: "rate-limited", retryAfterMs: 12_000 });
  });
});
