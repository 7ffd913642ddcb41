import { describe, expect, it } from "vitest";
import type { Actor, IssueEventFact } from "../../../src/core/common/github-types.js";
import { findLatestLabeling } from "../../../src/core/dispatch/find-latest-labeling.js";

const READY = "ready-for-agent";

function aPerson(login: string): Actor {
  return { login, id: login.length, type: "User" };
}

function anEvent(overrides: Partial<IssueEventFact> = {}): IssueEventFact {
  return { kind: "labeled", actor: aPerson("maintainer"), label: READY, commitId: null, at: 1_000, ...overrides };
}

describe("findLatestLabeling", () => {
  it("finds the actor and time of the LATEST labeled event for the label, events oldest first", () => {
    const events = [
      anEvent({ actor: aPerson("first"), at: 1_000 }),
      anEvent({ actor: aPerson("other"), label: "bug", at: 2_000 }),
      anEvent({ actor: aPerson("second"), label: "Ready-For-Agent", at: 3_000 }),
      anEvent({ kind: "unlabeled", actor: aPerson("remover"), at: 4_000 }),
      anEvent({ kind: "closed", actor: aPerson("closer"), label: null, at: 5_000 }),
    ];
    expect(findLatestLabeling(events, READY)).toEqual({ actor: aPerson("second"), at: 3_000 });
  });

  it.each<[string, IssueEventFact[]]>([
    ["no events", []],
    ["only other labels", [anEvent({ label: "bug" })]],
    ["only removals of the label", [anEvent({ kind: "unlabeled" })]],
    ["an event of another kind", [anEvent({ kind: "other", label: null })]],
  ])("has no labeling with %s", (_case, events) => {
    expect(findLatestLabeling(events, READY)).toBeNull();
  });

  it("keeps a latest labeling without an actor: no one can be trusted for it", () => {
    const events = [anEvent({ actor: aPerson("earlier"), at: 1_000 }), anEvent({ actor: null, at: 2_000 })];
    expect(findLatestLabeling(events, READY)).toEqual({ actor: null, at: 2_000 });
  });
});
