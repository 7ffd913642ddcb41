import { describe, expect, it } from "vitest";
import { toRetryTrust } from "../../../src/core/dispatch/decide-retry-trust.js";
import { transition } from "../../../src/core/run/transition.js";
import type { Actor } from "../../../src/core/common/github-types.js";
import { aRecord, anOperatorConfig, T0 } from "../builders.js";

const afkBot: Actor = { login: "afk[bot]", id: 9, type: "Bot" };
const person: Actor = { login: "mallory", id: 10, type: "User" };
const escalated = aRecord({
  phase: "escalated",
  escalation: { cause: "agent", reason: "asked", agentSaid: null, at: T0, resumeTo: "dispatched" },
  turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
});
const retried = transition(escalated, { kind: "RetryRequested", by: "Ursula (U123)" }, T0 + 1_000, {
  config: anOperatorConfig(),
}).record;

describe("toRetryTrust", () => {
  it("trusts afk's own label on an attempt a retry from scratch queued", () => {
    expect(retried).toMatchObject({ phase: "queued", attempt: 2 });
    expect(toRetryTrust(retried, afkBot)).toEqual({
      trusted: true,
      why: "a retry from scratch requested by Ursula (U123)",
      standing: "slack",
    });
  });

  it("keeps the approval typed, so the history being shed to fit a comment cannot lose it", () => {
    expect(retried.approval).toEqual({
      by: "Ursula (U123)",
      role: "slack",
      via: "retry",
      at: T0 + 1_000,
      fingerprint: null,
    });
    expect(toRetryTrust({ ...retried, history: [] }, afkBot)).toMatchObject({ trusted: true });
  });

  it.each([
    ["a person's label (the normal trust check applies)", retried, person],
    ["no labeler", retried, null],
    ["no record", null, afkBot],
    ["a first attempt", aRecord({ phase: "queued", attempt: 1 }), afkBot],
    [
      "an attempt queued by a label, not a retry",
      aRecord({ phase: "queued", attempt: 2, history: [{ at: T0, phase: "queued", note: "queued" }] }),
      afkBot,
    ],
    [
      "an approval by a label, not a retry",
      { ...retried, approval: retried.approval === null ? null : { ...retried.approval, via: "label" as const } },
      afkBot,
    ],
    ["a run already dispatched", { ...retried, phase: "dispatched" as const }, afkBot],
  ])("gives no retry trust for %s", (_case, record, labeler) => {
    expect(toRetryTrust(record, labeler)).toBeNull();
  });
});
