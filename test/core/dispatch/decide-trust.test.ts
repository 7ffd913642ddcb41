import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { decideTrust, needsRoleLookup, type TrustInput } from "../../../src/core/dispatch/decide-trust.js";
import type { RepoOwner, TrustConfig } from "../../../src/core/dispatch/dispatch-types.js";
import type { Actor, ActorType, Role } from "../../../src/core/common/github-types.js";

const ROLES: readonly Role[] = ["admin", "maintain", "write", "triage", "read", "none"];
const ACTOR_TYPES: readonly ActorType[] = ["User", "Bot", "Organization", "Mannequin"];

function anActor(overrides: Partial<Actor> = {}): Actor {
  return { login: "alice", id: 1001, type: "User", ...overrides };
}

function aBot(overrides: Partial<Actor> = {}): Actor {
  return anActor({ login: "renovate[bot]", id: 2002, type: "Bot", ...overrides });
}

const ORG_OWNER: RepoOwner = { login: "acme", type: "Organization" };

function aTrustConfig(overrides: Partial<TrustConfig> = {}): TrustConfig {
  return {
    trustedRoles: ["admin", "maintain", "write"],
    trustedBots: [{ login: "renovate[bot]", id: 2002 }],
    ...overrides,
  };
}

function aTrustInput(overrides: Partial<TrustInput> = {}): TrustInput {
  return { labeler: anActor(), role: "write", repoOwner: ORG_OWNER, config: aTrustConfig(), ...overrides };
}

describe("decideTrust", () => {
  it.each<[string, Partial<TrustInput>, boolean, RegExp]>([
    ["no labeler is untrusted", { labeler: null, role: "admin" }, false, /^no attributable labeler$/],
    ["a user with role admin is trusted", { role: "admin" }, true, /role admin, which is trusted/],
    ["a user with role maintain is trusted", { role: "maintain" }, true, /role maintain, which is trusted/],
    ["a user with role write is trusted", { role: "write" }, true, /role write, which is trusted/],
    [
      "a user with role triage is untrusted by default",
      { role: "triage" },
      false,
      /triage, which is not among the trusted roles \(admin, maintain, write\)/,
    ],
    [
      "a user with role triage is trusted when configured",
      { role: "triage", config: aTrustConfig({ trustedRoles: ["write", "triage"] }) },
      true,
      /triage, which is trusted/,
    ],
    ["a user with role read is untrusted", { role: "read" }, false, /role read, which is never trusted/],
    ["a user with role none is untrusted", { role: "none" }, false, /role none, which is never trusted/],
    [
      "role read is untrusted even when configured",
      { role: "read", config: aTrustConfig({ trustedRoles: ["write", "read"] }) },
      false,
      /never trusted/,
    ],
    ["an unreadable role fails closed", { role: null }, false, /could not be read \(fail closed\)/],
    [
      "a role outside a narrowed configuration is untrusted",
      { role: "write", config: aTrustConfig({ trustedRoles: ["admin"] }) },
      false,
      /not among the trusted roles \(admin\)/,
    ],
    [
      "with no trustable role configured, nobody but an owner is trusted",
      { role: "admin", config: aTrustConfig({ trustedRoles: ["read"] }) },
      false,
      /no repository role is configured as trusted/,
    ],
    [
      "the owner of a user-owned repo is trusted with role null",
      { labeler: anActor({ login: "Alice" }), role: null, repoOwner: { login: "alice", type: "User" } },
      true,
      /owns the user-owned repository/,
    ],
    [
      "the owner of a user-owned repo is trusted with role none",
      { role: "none", repoOwner: { login: "ALICE", type: "User" } },
      true,
      /owns/,
    ],
    [
      "an org member named like the org is not an owner",
      { labeler: anActor({ login: "acme" }), role: null },
      false,
      /could not be read/,
    ],
    [
      "another user on a user-owned repo needs a role",
      { role: "read", repoOwner: { login: "bob", type: "User" } },
      false,
      /never trusted/,
    ],
    [
      "an allowlisted bot is trusted",
      { labeler: aBot(), role: null },
      true,
      /renovate\[bot\] \(id 2002\) is on the trusted bots list/,
    ],
    [
      "an allowlisted bot matches its login case-insensitively",
      { labeler: aBot({ login: "Renovate[Bot]" }), role: null },
      true,
      /trusted bots list/,
    ],
    [
      "a bot matching by login but not id is untrusted",
      { labeler: aBot({ id: 9999 }), role: "admin" },
      false,
      /matches a trusted bot by login, but its id 9999 is not the allowlisted id/,
    ],
    [
      "a bot that is not allowlisted is untrusted even with role write",
      { labeler: aBot({ login: "dependabot[bot]", id: 49699333 }), role: "write" },
      false,
      /dependabot\[bot\] is not on the trusted bots list/,
    ],
    [
      "a bot is untrusted when no bot is allowlisted",
      { labeler: aBot(), role: "admin", config: aTrustConfig({ trustedBots: [] }) },
      false,
      /not on the trusted bots list/,
    ],
    [
      "a bot owning a user repo is still judged as a bot",
      { labeler: aBot({ login: "evil[bot]", id: 5 }), repoOwner: { login: "evil[bot]", type: "User" } },
      false,
      /not on the trusted bots list/,
    ],
    [
      "an organization actor is untrusted",
      {
        labeler: anActor({ type: "Organization", login: "acme" }),
        role: "admin",
        repoOwner: { login: "acme", type: "User" },
      },
      false,
      /acme is an organization account, which is never trusted/,
    ],
    [
      "a mannequin actor is untrusted",
      { labeler: anActor({ type: "Mannequin", login: "ghost" }), role: "admin" },
      false,
      /ghost is a mannequin/,
    ],
  ])("%s", (_name, overrides, expected, why) => {
    const decision = decideTrust(aTrustInput(overrides));
    expect(decision.trusted).toBe(expected);
    expect(decision.why).toMatch(why);
  });

  it("a bot listed twice under one login is trusted if either id matches", () => {
    const config = aTrustConfig({
      trustedBots: [
        { login: "renovate[bot]", id: 1 },
        { login: "RENOVATE[bot]", id: 2002 },
      ],
    });
    expect(decideTrust(aTrustInput({ labeler: aBot(), config })).trusted).toBe(true);
  });

  it("an actor type afk does not know is rejected loudly, never trusted", () => {
    const labeler = anActor({ type: "Enterprise" as ActorType });
    expect(() => decideTrust(aTrustInput({ labeler }))).toThrow(/unhandled variant/);
  });
});

describe("needsRoleLookup", () => {
  it.each<[string, Actor | null, RepoOwner, TrustConfig, boolean]>([
    ["no labeler needs no lookup", null, ORG_OWNER, aTrustConfig(), false],
    ["a bot needs no lookup", aBot(), ORG_OWNER, aTrustConfig(), false],
    ["an unlisted bot needs no lookup", aBot({ login: "x[bot]" }), ORG_OWNER, aTrustConfig(), false],
    ["an organization actor needs no lookup", anActor({ type: "Organization" }), ORG_OWNER, aTrustConfig(), false],
    ["a mannequin needs no lookup", anActor({ type: "Mannequin" }), ORG_OWNER, aTrustConfig(), false],
    [
      "the owner of a user-owned repo needs no lookup",
      anActor(),
      { login: "Alice", type: "User" },
      aTrustConfig(),
      false,
    ],
    ["no lookup when no trustable role is configured", anActor(), ORG_OWNER, aTrustConfig({ trustedRoles: [] }), false],
    ["a user in an organization repo needs a lookup", anActor(), ORG_OWNER, aTrustConfig(), true],
    [
      "another user in a user-owned repo needs a lookup",
      anActor(),
      { login: "bob", type: "User" },
      aTrustConfig(),
      true,
    ],
  ])("%s", (_name, labeler, repoOwner, config, expected) => {
    expect(needsRoleLookup(labeler, repoOwner, config)).toBe(expected);
  });

  const arbActor: fc.Arbitrary<Actor | null> = fc.option(
    fc.record({
      login: fc.constantFrom("alice", "Alice", "bob", "renovate[bot]", "acme"),
      id: fc.constantFrom(1001, 2002, 3),
      type: fc.constantFrom(...ACTOR_TYPES),
    }),
  );
  const arbOwner: fc.Arbitrary<RepoOwner> = fc.record({
    login: fc.constantFrom("alice", "acme", "renovate[bot]"),
    type: fc.constantFrom("User" as const, "Organization" as const),
  });
  const arbConfig: fc.Arbitrary<TrustConfig> = fc.record({
    trustedRoles: fc.subarray([...ROLES]),
    trustedBots: fc.subarray([
      { login: "renovate[bot]", id: 2002 },
      { login: "Renovate[bot]", id: 3 },
      { login: "alice", id: 1001 },
    ]),
  });

  it("when no lookup is needed, every role gives the same decision", () => {
    fc.assert(
      fc.property(arbActor, arbOwner, arbConfig, (labeler, repoOwner, config) => {
        fc.pre(!needsRoleLookup(labeler, repoOwner, config));
        const decisions = [null, ...ROLES].map((role) => decideTrust({ labeler, role, repoOwner, config }));
        expect(new Set(decisions.map((d) => JSON.stringify(d))).size).toBe(1);
      }),
      { numRuns: 300 },
    );
  });

  it("only a trusted role can make a labeler trusted when a lookup is needed", () => {
    fc.assert(
      fc.property(
        arbActor,
        arbOwner,
        arbConfig,
        fc.option(fc.constantFrom(...ROLES)),
        (labeler, repoOwner, config, role) => {
          fc.pre(needsRoleLookup(labeler, repoOwner, config));
          const expected = role !== null && role !== "read" && role !== "none" && config.trustedRoles.includes(role);
          expect(decideTrust({ labeler, role, repoOwner, config }).trusted).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
