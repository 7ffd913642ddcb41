import { describe, expect, it } from "vitest";
import type { Actor, IssueEventFact } from "../../../src/core/common/github-types.js";
import { findLatestLabeling, isLabelingSuperseded } from "../../../src/core/dispatch/find-latest-labeling.js";

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

describe("isLabelingSuperseded: a late delivery's sender is the labeler only if nothing changed since", () => {
  const maintainer = aPerson("maintainer");
  it.each<[string, IssueEventFact[], number | null, boolean]>([
    ["the delivered labeling is the latest", [anEvent()], 1_000, false],
    ["the events do not show it yet (they lag behind webhooks)", [], 1_000, false],
    [
      "taken off and put back by someone else since",
      [anEvent(), anEvent({ kind: "unlabeled" }), anEvent({ actor: aPerson("mallory") })],
      1_000,
      true,
    ],
    ["taken off since", [anEvent(), anEvent({ kind: "unlabeled", at: 2_000 })], 1_000, true],
    [
      "other labels since change nothing",
      [anEvent(), anEvent({ label: "bug", actor: aPerson("mallory"), at: 2_000 })],
      1_000,
      false,
    ],
    [
      "the sender labeled again later: the delivery is of the earlier labeling",
      [anEvent(), anEvent({ kind: "unlabeled", at: 2_000 }), anEvent({ at: 3_000 })],
      1_000,
      true,
    ],
    [
      "without the delivery's time, the sender's latest labeling is taken",
      [anEvent(), anEvent({ kind: "unlabeled", at: 2_000 }), anEvent({ at: 3_000 })],
      null,
      false,
    ],
  ])("%s", (_case, events, at, superseded) => {
    expect(isLabelingSuperseded(events, READY, { actor: maintainer, at })).toBe(superseded);
  });
});
