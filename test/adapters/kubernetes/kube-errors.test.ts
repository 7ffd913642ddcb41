// Kubernetes API failures sorted into the ports' categories, with the Status object's
// reason as detail. How a failure without a status is sorted is the shared request
// loop's (test/adapters/http/http-call.test.ts).

import { describe, expect, it } from "vitest";
import { KUBE_RETRY_STATUSES, toKubeCategory, toKubeFailure } from "../../../src/adapters/kubernetes/kube-errors.js";

const WHAT = "GET /apis/apps/v1/namespaces/prod/deployments/web";

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
}

function errorOf(statusCode: number, text: string, headers: Record<string, string> = {}) {
  const result = toKubeFailure(WHAT, { status: statusCode, headers, text });
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

describe("toKubeCategory", () => {
  it.each([
    [401, "unauthorized"],
    [403, "unauthorized"],
    [404, "not-found"],
    [408, "transient"],
    [429, "rate-limited"],
    [500, "transient"],
    [502, "transient"],
    [503, "transient"],
    [504, "transient"],
    [400, "rejected"],
    [405, "rejected"],
    [422, "rejected"],
    [302, "invalid-response"],
    [101, "invalid-response"],
  ] as const)("%i is %s", (code, category) => {
    expect(toKubeCategory(code)).toBe(category);
  });

  it("repeats an idempotent request after priority and fairness' 429 and a gateway's 502/503/504, not after a 500", () => {
    expect([...KUBE_RETRY_STATUSES].sort()).toEqual([429, 502, 503, 504]);
  });
});

describe("toKubeFailure", () => {
  it("quotes the Status object's reason and message; a 403's detail is forbidden", () => {
    const message =
      'deployments.apps "web" is forbidden: User "system:serviceaccount:afk:afk" cannot get resource "deployments"';
    expect(errorOf(403, status(403, "Forbidden", message))).toEqual({
      system: "kubernetes",
      category: "unauthorized",
      status: 403,
      detail: "forbidden",
      retryAfterMs: null,
      traceId: null,
      message: `${WHAT} answered 403 Forbidden: ${message}`,
    });
  });

  it.each([
    [404, "NotFound", "NotFound"],
    [401, "Unauthorized", "Unauthorized"],
    [500, "InternalError", "InternalError"],
    [408, "Timeout", "timeout"],
  ])("a %i's detail is %s's %s", (code, reason, detail) => {
    expect(errorOf(code, status(code, reason, "m")).detail).toBe(detail);
  });

  it.each([
    ["an HTML page from a proxy", "<html>Bad Gateway</html>"],
    ["an empty body", ""],
    ["a JSON array", "[1]"],
    ["a Status without reason or message", JSON.stringify({ kind: "Status", reason: "", code: 502 })],
  ])("falls back to the status alone for %s", (_case, body) => {
    expect(errorOf(502, body)).toMatchObject({
      category: "transient",
      status: 502,
      detail: null,
      message: `${WHAT} answered 502`,
    });
  });

  it("cuts a long message to 500 characters", () => {
    const error = errorOf(403, status(403, "Forbidden", "x".repeat(2_000)));
    expect(error.message).toContain(`Forbidden: ${"x".repeat(499)}…`);
    expect(error.message).not.toContain("x".repeat(500));
  });

  it("reads how long to wait from a 429's retry-after", () => {
    expect(errorOf(429, status(429, "TooManyRequests", "slow"), { "retry-after": "1" })).toMatchObject({
      category: "rate-limited",
      detail: "TooManyRequests",
      retryAfterMs: 1_000,
    });
  });
});
