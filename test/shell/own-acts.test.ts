import { describe, expect, it } from "vitest";
import type { AppIdentity } from "../../src/ports/github-app.js";
import { failure, type Result } from "../../src/ports/result.js";
import type { Actor } from "../../src/core/common/github-types.js";
import { createOwnActs } from "../../src/shell/own-acts.js";

const afkBot: Actor = { login: "afk-test[bot]", id: 990_001, type: "Bot" };
const person: Actor = { login: "Codertocat", id: 21_031_067, type: "User" };
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
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
  it("a person's act never waits for afk's identity: no read", async () => {
    const reader = aReader([down]);
    const acts = createOwnActs(reader.read, quiet);
    expect(await acts.isOwnAct("issues", person)).toBe(false);
    expect(reader.calls()).toBe(0);
  });

  it("learns the identity once and then knows its own bot's echoes", async () => {
    const reader = aReader([slug("afk-test")]);
    const acts = createOwnActs(reader.read, quiet);
    await acts.learn();
    expect(await acts.isOwnAct("issues", afkBot)).toBe(true);
    expect(await acts.isOwnAct("issues", { login: "renovate[bot]", id: 2, type: "Bot" })).toBe(false);
    expect(reader.calls()).toBe(1);
  });

  it("a bot's event that arrives before the identity is known waits for the read and shares it", async () => {
    const reader = aReader([slug("afk-test")]);
    const acts = createOwnActs(reader.read, quiet);
    expect(await Promise.all([acts.isOwnAct("issues", afkBot), acts.isOwnAct("issues", afkBot)])).toEqual([true, true]);
    expect(reader.calls()).toBe(1);
  });

  it("when the identity cannot be read, a bot's event fails (the delivery is answered 500, redeliverable) and the next one reads again", async () => {
    const reader = aReader([down, down, slug("afk-test")]);
    const acts = createOwnActs(reader.read, quiet);
    await acts.learn();
    await expect(acts.isOwnAct("issues", afkBot)).rejects.toThrow(/GET \/app.*transient/);
    expect(await acts.isOwnAct("issues", afkBot)).toBe(true);
    expect(reader.calls()).toBe(3);
  });
});
