import { describe, expect, it } from "vitest";
import {
  toActor,
  toBlocker,
  toIssue,
  toIssueEventFact,
  toLabelNames,
  toOwnerAndName,
  toRepoFromUrl,
  toRole,
  type RestIssue,
  type RestIssueEvent,
} from "../../../src/adapters/github/github-mapping.js";

function aRestIssue(overrides: Partial<RestIssue> = {}): RestIssue {
  return {
    number: 7,
    title: "Add a thing",
    body: "Body",
    state: "open",
    labels: [{ name: "ready-for-agent" }, "priority:1"],
    created_at: "2026-01-02T03:04:05Z",
    user: { login: "octocat", id: 1, type: "User" },
    ...overrides,
  };
}

function anEvent(overrides: Partial<RestIssueEvent> = {}): RestIssueEvent {
  return {
    event: "labeled",
    actor: { login: "maintainer", id: 5, type: "User" },
    label: { name: "ready-for-agent" },
    commit_id: null,
    created_at: "2026-01-01T00:00:00Z",
    ...overrides,
  };
}

describe("github mapping", () => {
  it("maps a REST issue to the core's Issue, lower-casing the repo", () => {
    expect(toIssue("Acme/Widgets", aRestIssue())).toEqual({
      repo: "acme/widgets",
      number: 7,
      title: "Add a thing",
      body: "Body",
      state: "open",
      labels: ["ready-for-agent", "priority:1"],
      createdAt: Date.parse("2026-01-02T03:04:05Z"),
      author: "octocat",
    });
  });

  it("maps a closed issue, a missing body and a deleted author", () => {
    const issue = toIssue("acme/widgets", aRestIssue({ state: "closed", body: undefined, user: null }));
    expect(issue).toMatchObject({ state: "closed", body: null, author: "" });
  });

  it("drops nameless labels", () => {
    expect(toLabelNames([{ name: "a" }, {}, "b", ""])).toEqual(["a", "b"]);
  });

  it("splits owner/name", () => {
    expect(toOwnerAndName("acme/widgets")).toEqual({ owner: "acme", repo: "widgets" });
  });

  it.each([
    ["User", "User"],
    ["Bot", "Bot"],
    ["Organization", "Organization"],
    ["Mannequin", "Mannequin"],
    [undefined, "User"],
  ] as const)("maps an actor of type %s", (type, expected) => {
    expect(toActor({ login: "x", id: 2, type })?.type).toBe(expected);
  });

  it("maps no actor to null", () => {
    expect(toActor(null)).toBeNull();
    expect(toActor(undefined)).toBeNull();
  });

  it("reads a blocker's repo from its repository_url, falling back to the issue's repo", () => {
    expect(
      toBlocker(
        aRestIssue({ repository_url: "https://api.github.com/repos/Other/Repo", state: "closed" }),
        "acme/widgets",
      ),
    ).toEqual({
      repo: "other/repo",
      number: 7,
      state: "closed",
    });
    expect(toBlocker(aRestIssue(), "acme/widgets")).toEqual({ repo: "acme/widgets", number: 7, state: "open" });
    expect(toRepoFromUrl("https://example.com/nothing", "acme/widgets")).toBe("acme/widgets");
  });

  it.each([
    ["admin", "admin"],
    ["maintain", "maintain"],
    ["write", "write"],
    ["triage", "triage"],
    ["read", "read"],
    ["custom-role", "none"],
    [null, "none"],
    [undefined, "none"],
  ] as const)("maps role_name %s to %s", (roleName, role) => {
    expect(toRole(roleName)).toBe(role);
  });

  it("maps a labeled event to its kind, actor, label and time", () => {
    expect(toIssueEventFact(anEvent())).toEqual({
      kind: "labeled",
      actor: { login: "maintainer", id: 5, type: "User" },
      label: "ready-for-agent",
      commitId: null,
      at: Date.parse("2026-01-01T00:00:00Z"),
    });
  });

  it("keeps the commit of a close by a closing keyword, and none of a person's close", () => {
    expect(toIssueEventFact(anEvent({ event: "closed", label: null, commit_id: "abc123" }))).toMatchObject({
      kind: "closed",
      label: null,
      commitId: "abc123",
    });
    expect(toIssueEventFact(anEvent({ event: "closed", label: null })).commitId).toBeNull();
  });

  it.each([
    ["unlabeled", "unlabeled", "ready-for-agent"],
    ["reopened", "reopened", null],
    ["edited", "edited", null],
    ["assigned", "other", null],
    ["referenced", "other", null],
  ] as const)("maps a %s event to %s, keeping only a (un)labeled event's label", (event, kind, label) => {
    expect(toIssueEventFact(anEvent({ event, commit_id: "abc123" }))).toMatchObject({ kind, label, commitId: null });
  });

  it("maps an event without an actor (a deleted account) to no actor", () => {
    expect(toIssueEventFact(anEvent({ actor: null })).actor).toBeNull();
  });
});
