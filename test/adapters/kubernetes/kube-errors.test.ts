// Kubernetes failures sorted into the categories the shell has one policy each for.

import { describe, expect, it } from "vitest";
import { errorCode } from "../../../src/adapters/http/http-common.js";
import {
  isKubeRetryable,
  toKubeErrorCategory,
  toKubeHttpError,
  toKubeLocalError,
  toKubeTransportError,
} from "../../../src/adapters/kubernetes/kube-errors.js";
import type { KubeError } from "../../../src/adapters/kubernetes/kube-types.js";

const WHAT = "GET /apis/apps/v1/namespaces/prod/deployments/web";

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
}

function codedError(code: string, message = "boom"): Error {
  return Object.assign(new Error(message), { code });
}

describe("toKubeErrorCategory", () => {
  it.each([
    [401, "unauthorized"],
    [403, "forbidden"],
    [404, "not-found"],
    [408, "transient"],
    [429, "transient"],
    [500, "transient"],
    [502, "transient"],
    [503, "transient"],
    [504, "transient"],
    [400, "invalid-response"],
    [405, "invalid-response"],
    [422, "invalid-response"],
    [302, "invalid-response"],
    [101, "invalid-response"],
  ] as const)("%i is %s", (code, category) => {
    expect(toKubeErrorCategory(code)).toBe(category);
  });
});

describe("toKubeHttpError", () => {
  it("quotes the Status object's reason and message", () => {
    const message =
      'deployments.apps "web" is forbidden: User "system:serviceaccount:afk:afk" cannot get resource "deployments"';
    expect(toKubeHttpError(WHAT, 403, status(403, "Forbidden", message))).toEqual({
      category: "forbidden",
      status: 403,
      reason: "Forbidden",
      message: `Kubernetes ${WHAT} answered 403 Forbidden: ${message}`,
    });
  });

  it.each([
    ["an HTML page from a proxy", "<html>Bad Gateway</html>"],
    ["an empty body", ""],
    ["a JSON array", "[1]"],
    ["a Status without reason or message", JSON.stringify({ kind: "Status", reason: "", code: 502 })],
  ])("falls back to the status alone for %s", (_case, body) => {
    expect(toKubeHttpError(WHAT, 502, body)).toEqual({
      category: "transient",
      status: 502,
      reason: null,
      message: `Kubernetes ${WHAT} answered 502`,
    });
  });

  it("cuts a long message to 500 characters", () => {
    const error = toKubeHttpError(WHAT, 403, status(403, "Forbidden", "x".repeat(2_000)));
    expect(error.message).toContain(`Forbidden: ${"x".repeat(499)}…`);
    expect(error.message).not.toContain("x".repeat(500));
  });
});

describe("toKubeTransportError", () => {
  it("blames the deadline whenever it has passed, whatever undici reports", () => {
    expect(toKubeTransportError(WHAT, codedError("ECONNRESET"), 20_000)).toMatchObject({
      category: "timeout",
      status: null,
      message: `Kubernetes ${WHAT}: no answer within the 20000 ms deadline`,
    });
  });

  it.each([
    ["UND_ERR_CONNECT_TIMEOUT", "connecting timed out"],
    ["UND_ERR_HEADERS_TIMEOUT", "no response headers in time"],
    ["UND_ERR_BODY_TIMEOUT", "the response body stalled"],
  ])("%s is a timeout", (code, why) => {
    expect(toKubeTransportError(WHAT, codedError(code), null)).toMatchObject({
      category: "timeout",
      message: `Kubernetes ${WHAT}: ${why}`,
    });
  });

  it.each([
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "ERR_SSL_WRONG_VERSION_NUMBER",
  ])("%s is a tls fault, not transient", (code) => {
    const error = toKubeTransportError(WHAT, codedError(code, "certificate trouble"), null);
    expect(error.category).toBe("tls");
    expect(error.message).toContain(code);
  });

  it.each([
    [
      "a refused connection",
      codedError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:6443"),
      "network error ECONNREFUSED: connect ECONNREFUSED",
    ],
    ["an error without a code", new Error("socket hang up"), "network error: socket hang up"],
    ["a thrown string", "odd", "network error: odd"],
    ["nothing", null, "network error: null"],
  ])("%s is transient", (_case, error, text) => {
    const mapped = toKubeTransportError(WHAT, error, null);
    expect(mapped.category).toBe("transient");
    expect(mapped.message).toContain(text);
  });
});

describe("errorCode", () => {
  it.each([
    ["the error's own code", codedError("ECONNRESET"), "ECONNRESET"],
    ["its cause's code", new Error("fetch failed", { cause: codedError("CERT_HAS_EXPIRED") }), "CERT_HAS_EXPIRED"],
    ["a cause two levels down", new Error("a", { cause: new Error("b", { cause: codedError("EPIPE") }) }), "EPIPE"],
    ["no code anywhere", new Error("a", { cause: new Error("b") }), null],
    ["a code that is not a string", Object.assign(new Error("a"), { code: 7 }), null],
    ["a primitive", "ECONNRESET", null],
    [
      "a cause chain deeper than three",
      new Error("1", { cause: new Error("2", { cause: new Error("3", { cause: codedError("EDEEP") }) }) }),
      null,
    ],
  ])("finds %s", (_case, error, code) => {
    expect(errorCode(error)).toBe(code);
  });
});

describe("isKubeRetryable", () => {
  const error = (category: KubeError["category"], code: number | null): KubeError => ({
    category,
    status: code,
    reason: null,
    message: "m",
  });

  it.each([
    ["a network error", error("transient", null), true],
    ["429 from priority and fairness", error("transient", 429), true],
    ["502", error("transient", 502), true],
    ["503", error("transient", 503), true],
    ["504", error("transient", 504), true],
    ["500: the server failed the request itself", error("transient", 500), false],
    ["408", error("transient", 408), false],
    ["a timeout: the deadline is spent", error("timeout", null), false],
    ["a tls fault", error("tls", null), false],
    ["401", error("unauthorized", 401), false],
    ["404", error("not-found", 404), false],
  ])("%s → %s", (_case, mapped, retryable) => {
    expect(isKubeRetryable(mapped)).toBe(retryable);
  });
});

describe("toKubeLocalError", () => {
  it("carries no status unless given one", () => {
    expect(toKubeLocalError("tls", WHAT, "why")).toEqual({
      category: "tls",
      status: null,
      reason: null,
      message: `Kubernetes ${WHAT}: why`,
    });
    expect(toKubeLocalError("invalid-response", WHAT, "why", 200).status).toBe(200);
  });
});
