import { z } from "zod";
import { describe, expect, it } from "vitest";
import {
  decodeJson,
  errorCode,
  isTlsCode,
  MESSAGE_MAX_CHARS,
  parseJsonRecord,
  pause,
  stringField,
  toBearerProblem,
  toRetryAfterMs,
  toShort,
} from "../../../src/adapters/http/http-common.js";

describe("http-common", () => {
  const schema = z.object({ sequence: z.number() });

  it.each([
    ['{"sequence": 3}', { ok: true, value: { sequence: 3 } }],
    ["not json", { ok: false, why: "the body is not JSON" }],
    ['{"sequence": "3"}', { ok: false, why: expect.stringMatching(/^sequence: /) }],
    ["[]", { ok: false, why: expect.stringMatching(/^body: /) }],
  ])("decodes %s against the contract", (text, expected) => {
    expect(decodeJson(text, schema)).toEqual(expected);
  });

  it("finds an error code on the error or on its causes", () => {
    expect(errorCode(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe("ECONNRESET");
    expect(
      errorCode(new Error("wrapped", { cause: Object.assign(new Error("inner"), { code: "UND_ERR_SOCKET" }) })),
    ).toBe("UND_ERR_SOCKET");
    expect(errorCode("text")).toBeNull();
    expect(errorCode(new Error("no code"))).toBeNull();
    expect(errorCode(Object.assign(new Error("a"), { code: 7 }))).toBeNull();
    const deep = new Error("1", {
      cause: new Error("2", { cause: new Error("3", { cause: Object.assign(new Error("4"), { code: "EDEEP" }) }) }),
    });
    expect(errorCode(deep)).toBeNull();
  });

  it.each([
    ["CERT_HAS_EXPIRED", true],
    ["ERR_TLS_CERT_ALTNAME_INVALID", true],
    ["ERR_SSL_WRONG_VERSION_NUMBER", true],
    ["ECONNRESET", false],
    ["UND_ERR_HEADERS_TIMEOUT", false],
  ])("sorts %s as a certificate fault: %s", (code, tls) => {
    expect(isTlsCode(code)).toBe(tls);
  });

  it("reads an error body as a JSON object, or as nothing", () => {
    expect(parseJsonRecord('{"reason":"NotFound"}')).toEqual({ reason: "NotFound" });
    expect(parseJsonRecord("<html>502</html>")).toEqual({});
    expect(parseJsonRecord("[1]")).toEqual({});
    expect(parseJsonRecord("null")).toEqual({});
  });

  it.each([
    ["t0ken", null],
    ["", "the token is empty"],
    ["two words", "the token has spaces or control characters"],
    ["tok\u0007en", "the token has spaces or control characters"],
  ])("checks the bearer %j without quoting it", (token, problem) => {
    expect(toBearerProblem(token)).toBe(problem);
  });

  it.each([
    [{ "retry-after": "30" }, 30_000],
    [{ "retry-after": ["5"] }, 5_000],
    [{ "retry-after": "Wed, 21 Oct 2026 07:28:00 GMT" }, null],
    [{}, null],
  ])("reads retry-after %j as %s ms", (headers, ms) => {
    expect(toRetryAfterMs(headers)).toBe(ms);
  });

  it("keeps log lines short and reads only non-empty string fields", () => {
    expect(toShort("a".repeat(MESSAGE_MAX_CHARS + 10))).toHaveLength(MESSAGE_MAX_CHARS);
    expect(toShort("short")).toBe("short");
    expect(toShort(null)).toBeNull();
    expect(stringField({ a: "x", b: "", c: 3 }, "a")).toBe("x");
    expect(stringField({ a: "x", b: "", c: 3 }, "b")).toBeNull();
    expect(stringField({ a: "x", b: "", c: 3 }, "c")).toBeNull();
  });

  it("pauses, and says so when the deadline ran out meanwhile", async () => {
    expect(await pause(1, new AbortController().signal)).toBe(true);
    expect(await pause(10_000, AbortSignal.timeout(5))).toBe(false);
  });
});
