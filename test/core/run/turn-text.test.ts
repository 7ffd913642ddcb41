import { describe, expect, it } from "vitest";
import { renderFixForwardPrompt, renderRelayPrompt, renderResumePrompt } from "../../../src/core/render/prompts.js";
import { toCommandId, toMessageId } from "../../../src/core/run/ids.js";
import { toTurnEffect } from "../../../src/core/run/turn-text.js";
import type { Turn } from "../../../src/core/run/run-types.js";
import { aRecord, aStage, T0 } from "../builders.js";
import { FAILURE, KEY, SHA } from "../transition-fixtures.js";

const turn = (overrides: Partial<Turn>): Turn => ({
  number: 3,
  kind: "relay",
  state: "working",
  startedAt: T0,
  sha: SHA,
  relayText: null,
  ...overrides,
});

describe("toTurnEffect: the working turn, as sent, for a resend after a crash", () => {
  it("a relayed answer, attributed, with the text the record kept", () => {
    const record = aRecord({
      turn: turn({ relayText: "Use blue." }),
      turns: 3,
      resumptions: [{ by: "U0ALICE", via: "slack", at: T0 }],
    });
    expect(toTurnEffect(record)).toEqual({
      kind: "SendTurn",
      threadId: record.threadId,
      commandId: toCommandId(KEY, "turn:3"),
      messageId: toMessageId(KEY, 3),
      purpose: "relay",
      text: renderRelayPrompt({ from: "U0ALICE", via: "slack", text: "Use blue." }),
    });
  });

  it("a resume without words asks the agent to re-read the issue", () => {
    const record = aRecord({ turn: turn({ kind: "resume" }), resumptions: [{ by: "alice", via: "github", at: T0 }] });
    expect(toTurnEffect(record)).toMatchObject({
      purpose: "resume",
      text: renderResumePrompt({ issueNumber: 42, by: "alice" }),
    });
  });

  it("a fix-forward carries the red stage the record holds", () => {
    const record = aRecord({
      phase: "ci",
      sha: SHA,
      fixForwards: 1,
      turn: turn({ kind: "fix-forward" }),
      stages: { ci: aStage({ verdict: "red", failures: [FAILURE] }), deploy: null, rollout: null },
    });
    expect(toTurnEffect(record)).toMatchObject({
      purpose: "fix-forward",
      text: renderFixForwardPrompt({
        stage: "ci",
        sha: SHA,
        failures: [FAILURE],
        detail: null,
        attemptNumber: 1,
        budget: 2,
      }),
    });
  });

  it.each([
    ["no turn", aRecord({ turn: null })],
    ["an ended turn", aRecord({ turn: turn({ state: "ended" }) })],
    ["the opening turn (the dispatch heals that one)", aRecord({ turn: turn({ kind: "opening" }) })],
  ])("nothing for %s", (_case, record) => {
    expect(toTurnEffect(record)).toBeNull();
  });
});
