import { describe, it, expect } from "vitest";
import type { TurnFact } from "../../../src/core/observe/observe-types.js";
import { toAgentEvent, type AgentObservation } from "../../../src/core/observe/to-agent-event.js";
import type { RunEvent } from "../../../src/core/run/run-event.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

function anObservation(turn: TurnFact, overrides: Partial<Omit<AgentObservation, "turn">> = {}): AgentObservation {
  return { turn, lastMessage: null, pendingQuestion: null, ...overrides };
}

const ENDED: TurnFact = { kind: "ended", outcome: "completed", error: null };
const ASKING: TurnFact = { kind: "waiting-on-user", on: "user-input" };

describe("toAgentEvent", () => {
  it("carries T3's own time of what it showed into the events that judge a turn", () => {
    expect(toAgentEvent(anObservation(ENDED, { seenAt: 1_234 }))).toMatchObject({ kind: "TurnEnded", seenAt: 1_234 });
    expect(toAgentEvent(anObservation({ kind: "waiting-on-user", on: "user-input" }, { seenAt: 1_234 }))).toMatchObject(
      {
        kind: "QuestionAsked",
        seenAt: 1_234,
      },
    );
  });

  it("a working turn gives no event: nothing to decide yet", () => {
    expect(toAgentEvent(anObservation({ kind: "working" }, { lastMessage: `AFK-STATUS: pushed ${SHA}` }))).toBeNull();
  });

  it.each<[string, AgentObservation, RunEvent]>([
    [
      "an ended turn carries the parsed status line and the last message",
      anObservation(ENDED, { lastMessage: `Done.\nAFK-STATUS: pushed ${SHA}` }),
      {
        kind: "TurnEnded",
        outcome: "completed",
        status: { kind: "pushed", sha: SHA },
        lastMessage: `Done.\nAFK-STATUS: pushed ${SHA}`,
        error: null,
      },
    ],
    [
      "an ended turn without a status line has a null status",
      anObservation(ENDED, { lastMessage: "I could not finish." }),
      { kind: "TurnEnded", outcome: "completed", status: null, lastMessage: "I could not finish.", error: null },
    ],
    [
      "an ended turn without a message",
      anObservation(ENDED),
      { kind: "TurnEnded", outcome: "completed", status: null, lastMessage: null, error: null },
    ],
    [
      "a blank last message counts as none",
      anObservation(ENDED, { lastMessage: " \n " }),
      { kind: "TurnEnded", outcome: "completed", status: null, lastMessage: null, error: null },
    ],
    [
      "an errored turn carries the error",
      anObservation({ kind: "ended", outcome: "error", error: "provider crashed" }),
      { kind: "TurnEnded", outcome: "error", status: null, lastMessage: null, error: "provider crashed" },
    ],
    [
      "a blank error counts as none",
      anObservation({ kind: "ended", outcome: "interrupted", error: "" }),
      { kind: "TurnEnded", outcome: "interrupted", status: null, lastMessage: null, error: null },
    ],
    [
      "a question asked through T3 is the question",
      anObservation(ASKING, { pendingQuestion: "Which region?", lastMessage: "AFK-STATUS: blocked: Which bucket?" }),
      { kind: "QuestionAsked", question: "Which region?" },
    ],
    [
      "otherwise the agent's blocked line is the question",
      anObservation(ASKING, { pendingQuestion: "  ", lastMessage: "Stuck.\nAFK-STATUS: blocked: Which bucket?" }),
      { kind: "QuestionAsked", question: "Which bucket?" },
    ],
    [
      "otherwise the last message is the question",
      anObservation(ASKING, { lastMessage: "AFK-STATUS: tests-green\nShould I also migrate the data?" }),
      { kind: "QuestionAsked", question: "AFK-STATUS: tests-green\nShould I also migrate the data?" },
    ],
    ["a question with no words at all", anObservation(ASKING), { kind: "QuestionAsked", question: null }],
    [
      "an approval with no words says what the agent waits for",
      anObservation({ kind: "waiting-on-user", on: "approval" }),
      { kind: "QuestionAsked", question: "The agent is waiting for a human to approve an action in T3." },
    ],
    [
      "an approval with a last message shows the message",
      anObservation({ kind: "waiting-on-user", on: "approval" }, { lastMessage: "I need to run rm -rf build/" }),
      { kind: "QuestionAsked", question: "I need to run rm -rf build/" },
    ],
    [
      "a thread T3 does not know is lost",
      anObservation({ kind: "missing", why: "absent" }),
      { kind: "ThreadLost", why: "T3 does not know the thread" },
    ],
    [
      "a deleted thread is lost",
      anObservation({ kind: "missing", why: "deleted" }),
      { kind: "ThreadLost", why: "the thread was deleted in T3" },
    ],
    [
      "an archived thread is lost",
      anObservation({ kind: "missing", why: "archived" }),
      { kind: "ThreadLost", why: "the thread was archived in T3" },
    ],
  ])("%s", (_rule, observation, event) => {
    expect(toAgentEvent(observation)).toEqual(event);
  });
});

describe("an unknown turn kind is a programming error that assertNever names", () => {
  it("throws on a kind the types do not allow", () => {
    expect(() => toAgentEvent(anObservation({ kind: "sleeping" } as unknown as TurnFact))).toThrow(/unhandled variant/);
  });
});
