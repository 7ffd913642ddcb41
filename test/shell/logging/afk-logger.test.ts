import { describe, expect, it } from "vitest";
import { createRedactingLogger } from "../../../src/shell/logging/afk-logger.js";
import { createSecretScrubber } from "../../../src/shell/logging/secret-scrubber.js";

function aLogger(secrets: readonly string[] = []): { log: ReturnType<typeof createRedactingLogger>; lines: string[] } {
  const lines: string[] = [];
  const log = createRedactingLogger({
    level: "debug",
    scrubber: createSecretScrubber(secrets),
    destination: { write: (line) => lines.push(line) },
  });
  return { log, lines };
}

describe("afk's logger", () => {
  it("redacts the credential headers of an access log line", () => {
    const { log, lines } = aLogger();
    const headers = {
      authorization: "Bearer status-token",
      cookie: "afk_status=session",
      "x-hub-signature-256": "sha256=abc",
      "x-hub-signature": "sha1=abc",
      "x-slack-signature": "v0=abc",
      "user-agent": "GitHub-Hookshot/1",
    };
    log.info(
      { req: { method: "POST", url: "/api/github/webhooks", headers }, res: { headers: { "set-cookie": "a=b" } } },
      "POST",
    );
    const line = JSON.parse(lines[0] ?? "{}") as {
      req: { headers: Record<string, string> };
      res: { headers: Record<string, string> };
    };
    expect(line.req.headers).toEqual({
      authorization: "[redacted]",
      cookie: "[redacted]",
      "x-hub-signature-256": "[redacted]",
      "x-hub-signature": "[redacted]",
      "x-slack-signature": "[redacted]",
      "user-agent": "GitHub-Hookshot/1",
    });
    expect(line.res.headers["set-cookie"]).toBe("[redacted]");
  });

  it("redacts the signature @octokit/webhooks attaches to a refused delivery, and fields named for secrets", () => {
    const { log, lines } = aLogger();
    const event = { id: "d-1", name: "issues", payload: "{}", signature: "sha256=abc" };
    log.error(
      { err: { message: "signature does not match", event }, config: { token: "t", botToken: "b" } },
      "refused",
    );
    expect(lines[0]).not.toContain("sha256=abc");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ config: { token: "[redacted]", botToken: "[redacted]" } });
  });

  it("scrubs a configured secret wherever it appears, message included", () => {
    const { log, lines } = aLogger(["woodpecker-token-77"]);
    log.warn({ url: "https://ci.example/api?access_token=woodpecker-token-77" }, "GET failed with woodpecker-token-77");
    expect(lines[0]).not.toContain("woodpecker-token-77");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ msg: "GET failed with [redacted]" });
  });

  it("names itself as Probot's logger does", () => {
    const { log, lines } = aLogger();
    log.info("hello");
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({ name: "probot", level: 30, msg: "hello" });
  });
});
