import { z } from "zod";
import { describe, expect, it } from "vitest";
import {
  decodeJson,
  errorCode,
  MESSAGE_MAX_CHARS,
  pause,
  stringField,
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
