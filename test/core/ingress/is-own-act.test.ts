import { describe, expect, it } from "vitest";
import type { Actor } from "../../../src/core/common/github-types.js";
import { decideOwnAct, toBotIdentity } from "../../../src/core/ingress/is-own-act.js";

const afk = toBotIdentity("afk-test");
const afkBot: Actor = { login: "afk-test[bot]", id: 990_001, type: "Bot" };
const otherBot: Actor = { login: "renovate[bot]", id: 29_139_614, type: "Bot" };
const person: Actor = { login: "Codertocat", id: 21_031_067, type: "User" };

describe("decideOwnAct", () => {
  it("names the app's bot user <slug>[bot]", () => {
    expect(afk).toEqual({ login: "afk-test[bot]" });
  });

  it.each(["issues", "issue_comment"])("an %s event sent by afk's own bot is its own act, echoed", (event) => {
    expect(decideOwnAct(event, afkBot, afk)).toEqual({ kind: "own" });
    expect(decideOwnAct(event, { ...afkBot, login: "AFK-Test[bot]" }, afk)).toEqual({ kind: "own" });
  });

  it.each([
    ["a person", person],
    ["another app's bot", otherBot],
    ["a user whose login is the bot's without the suffix", { login: "afk-test", id: 5, type: "User" } as Actor],
    ["no sender", null],
  ])("an issues event sent by %s is someone else's act", (_, sender) => {
    expect(decideOwnAct("issues", sender, afk)).toEqual({ kind: "other" });
  });

  it("a User can never be afk, even with the bot's login (only a Bot's login ends in [bot])", () => {
    expect(decideOwnAct("issues", { ...afkBot, type: "User" }, afk)).toEqual({ kind: "other" });
  });

  it("events afk's writes never fire are not echoes, whoever sent them", () => {
    expect(decideOwnAct("workflow_run", afkBot, afk)).toEqual({ kind: "other" });
    expect(decideOwnAct("push", afkBot, null)).toEqual({ kind: "other" });
  });

  it("before afk knows its identity, any [bot] sender could be afk: unknown, to be learnt before acting", () => {
    expect(decideOwnAct("issues", afkBot, null)).toEqual({ kind: "unknown" });
    expect(decideOwnAct("issue_comment", otherBot, null)).toEqual({ kind: "unknown" });
  });

  it("before afk knows its identity, a person's act is handled at once", () => {
    expect(decideOwnAct("issues", person, null)).toEqual({ kind: "other" });
    expect(decideOwnAct("issues", { login: "robot", id: 7, type: "Bot" }, null)).toEqual({ kind: "other" });
  });
});
