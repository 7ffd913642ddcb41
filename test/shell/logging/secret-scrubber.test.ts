import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSecretScrubber, REDACTED, toSecretForms } from "../../../src/shell/logging/secret-scrubber.js";

const KEY = generateKeyPairSync("rsa", { modulusLength: 1024 })
  .privateKey.export({ type: "pkcs1", format: "pem" })
  .toString();
const TOKEN = "t3-token-0f9e8d";

describe("the secret scrubber", () => {
  it.each([
    ["as written", `calling T3 with ${TOKEN} now`],
    ["base64-encoded", `authorization: Basic ${Buffer.from(TOKEN).toString("base64")}`],
    ["base64url-encoded", `jwt part ${Buffer.from(`${TOKEN}??`).toString("base64url")}`],
  ])("replaces a secret %s", (_how, line) => {
    const scrubber = createSecretScrubber([TOKEN, `${TOKEN}??`]);
    expect(scrubber.scrub(line)).toContain(REDACTED);
    expect(scrubber.scrub(line)).not.toContain(TOKEN);
  });

  it("replaces a private key inside a JSON line (newlines escaped), and the line stays JSON", () => {
    const line = JSON.stringify({ level: 50, err: { message: `bad key ${KEY}` }, msg: "x" });
    const scrubbed = createSecretScrubber([KEY]).scrub(line);
    expect(scrubbed).not.toContain(KEY.split("\n")[1]);
    expect(JSON.parse(scrubbed)).toMatchObject({ err: { message: `bad key ${REDACTED}` } });
  });

  it("replaces every occurrence of every secret", () => {
    const scrubber = createSecretScrubber([TOKEN, "xoxb-slack-token-1"]);
    expect(scrubber.scrub(`${TOKEN} ${TOKEN} xoxb-slack-token-1`)).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`);
  });

  it("leaves values shorter than 8 characters alone: they would shred ordinary words", () => {
    expect(toSecretForms("short")).toEqual([]);
    expect(createSecretScrubber(["short"]).scrub("a short line")).toBe("a short line");
  });

  it("learns a rotated value and keeps the old one secret", () => {
    const scrubber = createSecretScrubber(["kube-token-old-1"]);
    scrubber.add("kube-token-new-2");
    scrubber.add("kube-token-new-2");
    expect(scrubber.scrub("kube-token-old-1 kube-token-new-2")).toBe(`${REDACTED} ${REDACTED}`);
    expect(scrubber.size).toBe(6);
  });

  it("returns a line without secrets unchanged", () => {
    const line = '{"level":30,"msg":"dispatched"}\n';
    expect(createSecretScrubber([TOKEN, KEY]).scrub(line)).toBe(line);
  });
});
