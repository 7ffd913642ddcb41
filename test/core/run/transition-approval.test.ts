// The approval a run carries (DESIGN section 4): set when the task is pinned, kept while
// the run waits, moved to the person who resumes it on GitHub.

import { describe, expect, it } from "vitest";
import { COMMENTERS_MAX, LOGIN_MAX_CHARS } from "../../../src/core/run/limits.js";
import { toTurnEffect } from "../../../src/core/run/turn-text.js";
import type { Approval, Commenter } from "../../../src/core/run/run-types.js";
import { T0, aRecord } from "../builders.js";
import { MINUTE, anEscalatedRecord, ev, kinds, step } from "../transition-fixtures.js";

const approval: Approval = { by: "maya", role: "maintain", via: "label", at: T0, fingerprint: "a".repeat(64) };
const queued = aRecord({ phase: "queued", turn: null, turns: 0, dispatchedAt: null, legStartedAt: null });
const busy = { kind: "repo-busy", with: 3 } as const;

describe("Held: the approval", () => {
  it("is recorded with the reason, once", () => {
    const first = step(queued, { kind: "Held", reason: busy, approval });
    expect(first.record.approval).toEqual(approval);
    expect(kinds(first.effects)).toEqual(["UpsertProgressComment"]);
    expect(step(first.record, { kind: "Held", reason: busy, approval }).effects).toEqual([]);
  });

  it("written again when it changed though the reason did not (re-pinned)", () => {
    const held = step(queued, { kind: "Held", reason: busy, approval }).record;
    const repinned = { ...approval, via: "edit" as const, at: T0 + MINUTE, fingerprint: "b".repeat(64) };
    const again = step(held, { kind: "Held", reason: busy, approval: repinned });
    expect(again.record.approval).toEqual(repinned);
    expect(kinds(again.effects)).toEqual(["UpsertProgressComment"]);
  });

  it("kept when the event brings none, and bounded when it is long", () => {
    const held = step({ ...queued, approval }, { kind: "Held", reason: busy, approval: null }).record;
    expect(held.approval).toEqual(approval);
    const long = { ...approval, by: "x".repeat(500) };
    expect(step(queued, { kind: "Held", reason: busy, approval: long }).record.approval?.by).toHaveLength(
      LOGIN_MAX_CHARS,
    );
  });
});

describe("DispatchApproved: the approval", () => {
  it("is the one the dispatch runs under", () => {
    expect(step(queued, ev.dispatch({ approval })).record.approval).toEqual(approval);
  });
});

describe("HumanResumed on GitHub: the approval and the commenters", () => {
  const escalated = anEscalatedRecord({ approval });
  const resumer: Approval = { by: "olive", role: "admin", via: "label", at: T0 + MINUTE, fingerprint: "c".repeat(64) };
  const commenters: Commenter[] = [
    { login: "olive", standing: "admin", trusted: true, comments: 1 },
    { login: "mallory", standing: "read", trusted: false, comments: 3 },
  ];

  it("moves the approval to the resumer and names the commenters in the resume turn, also when it is sent again", () => {
    const resumed = step(escalated, {
      kind: "HumanResumed",
      by: "olive",
      via: "github",
      text: null,
      approval: resumer,
      commenters,
    }).record;
    expect(resumed.approval).toEqual(resumer);
    expect(resumed.turn?.commenters).toEqual(commenters);
    const text = toTurnEffect(resumed)?.text ?? "";
    expect(text).toContain("olive (admin) marked issue #42 ready for you again.");
    expect(text).toContain("- @mallory (read), 3 comments: NOT trusted");
  });

  it("keeps the approval on a Slack answer", () => {
    const resumed = step(escalated, { kind: "HumanResumed", by: "U1", via: "slack", text: "left" }).record;
    expect(resumed.approval).toEqual(approval);
    expect(resumed.turn?.commenters).toBeUndefined();
  });

  it("bounds the commenters it keeps", () => {
    const many = Array.from({ length: 50 }, (_, i) => ({
      login: `u${i}`,
      standing: "read",
      trusted: false,
      comments: 1,
    }));
    const resumed = step(escalated, {
      kind: "HumanResumed",
      by: "olive",
      via: "github",
      text: null,
      approval: resumer,
      commenters: many,
    }).record;
    expect(resumed.turn?.commenters).toHaveLength(COMMENTERS_MAX);
  });
});
