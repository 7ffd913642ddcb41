import { describe, expect, it } from "vitest";
import type { AppIdentity } from "../../src/ports/github-app.js";
import { failure, type Result } from "../../src/ports/result.js";
import { createOwnActs } from "../../src/shell/own-acts.js";

const quiet = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quiet,
};
const down: Result<AppIdentity> = failure("github", "transient", "Bad Gateway", { status: 502 });
const slug = (name: string): Result<AppIdentity> => ({
  ok: true,
  value: { appId: 4711, slug: name, botLogin: `${name}[bot]` },
});

/** A `GET /app` reader that answers from a script and counts its calls. */
function aReader(answers: Result<AppIdentity>[]): { read: () => Promise<Result<AppIdentity>>; calls: () => number } {
  let calls = 0;
  return {
    read: async () => answers[Math.min(calls++, answers.length - 1)] ?? down,
    calls: () => calls,
  };
}

describe("createOwnActs", () => {
  it("knows nothing before it reads, and makes no read by itself", () => {
    const reader = aReader([slug("afk-test")]);
    expect(createOwnActs(reader.read, quiet).known()).toBeNull();
    expect(reader.calls()).toBe(0);
  });

  it("learns the identity once: afk's bot is <slug>[bot]", async () => {
    const reader = aReader([slug("afk-test")]);
    const acts = createOwnActs(reader.read, quiet);
    await acts.learn();
    expect(acts.known()).toEqual({ login: "afk-test[bot]" });
    expect(await acts.read()).toEqual({ login: "afk-test[bot]" });
    expect(reader.calls()).toBe(1);
  });

  it("shares one read among deliveries that wait for it", async () => {
    const reader = aReader([slug("afk-test")]);
    const acts = createOwnActs(reader.read, quiet);
    expect(await Promise.all([acts.read(), acts.read()])).toEqual([
      { login: "afk-test[bot]" },
      { login: "afk-test[bot]" },
    ]);
    expect(reader.calls()).toBe(1);
  });

  it("when the identity cannot be read, the waiting delivery fails (500, redeliverable) and the next one reads again", async () => {
    const reader = aReader([down, down, slug("afk-test")]);
    const acts = createOwnActs(reader.read, quiet);
    await acts.learn();
    await expect(acts.read()).rejects.toThrow(/GET \/app.*transient/);
    expect(await acts.read()).toEqual({ login: "afk-test[bot]" });
    expect(reader.calls()).toBe(3);
  });
});
