import { describe, expect, it } from "vitest";
import { findLeaks } from "./leaks.js";

const KEY = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n";
const TOKEN = "t3-token-5f1c";

describe("findLeaks (the leak test's detector can fail)", () => {
  it.each([
    ["as written", `token is ${TOKEN}`, 1, "raw"],
    ["inside a JSON string (escaped newlines)", JSON.stringify({ key: KEY }), 0, "json"],
    ["base64-encoded", `Basic ${Buffer.from(TOKEN).toString("base64")}`, 1, "base64"],
  ])("finds a secret %s", (_how, line, secret, form) => {
    expect(findLeaks([line], [KEY, TOKEN])[0]).toMatchObject({ secret, form });
  });

  it("finds nothing in lines that hold no secret", () => {
    expect(findLeaks(['{"msg":"dispatched","token":"[redacted]"}'], [KEY, TOKEN])).toEqual([]);
  });
});
