import { describe, expect, it } from "vitest";
import { decideDoorbellRun, type DoorbellRunInput } from "../../../src/core/slack/decide-doorbell-run.js";
import { renderEarlierAttemptNotice } from "../../../src/core/render/slack-notices.js";
import { anEscalatedRecord } from "../transition-fixtures.js";

const CHANNEL = "C0AFK";
const OLD_TS = "1700000000.000100";
const NEW_TS = "1700009000.000100";

function anInput(overrides: Partial<DoorbellRunInput> = {}): DoorbellRunInput {
  return {
    attempt: 2,
    channel: CHANNEL,
    ts: NEW_TS,
    act: "reply",
    record: anEscalatedRecord({ attempt: 2, doorbell: { channel: CHANNEL, ts: NEW_TS } }),
    ...overrides,
  };
}

describe("decideDoorbellRun", () => {
  it("a doorbell the run index matched to the run acts on it", () => {
    expect(decideDoorbellRun(anInput({ attempt: null, ts: OLD_TS }))).toEqual({ kind: "act" });
  });

  it("a doorbell whose metadata names the run's attempt acts on it", () => {
    expect(decideDoorbellRun(anInput())).toEqual({ kind: "act" });
  });

  it("a doorbell kept by a retry from scratch (metadata of the earlier attempt, the run's own doorbell) acts on it", () => {
    const record = anEscalatedRecord({ attempt: 2, doorbell: { channel: CHANNEL, ts: OLD_TS } });
    expect(decideDoorbellRun(anInput({ attempt: 1, ts: OLD_TS, record }))).toEqual({ kind: "act" });
  });

  it.each(["reply", "press"] as const)(
    "a %s on the doorbell of an earlier attempt does not steer the current one: the person is told why",
    (act) => {
      const verdict = decideDoorbellRun(anInput({ attempt: 1, ts: OLD_TS, act }));
      expect(verdict).toEqual({
        kind: "tell",
        text: renderEarlierAttemptNotice("acme/widgets", 42, 1, act),
        why: "the doorbell rang for attempt 1; the issue's run is attempt 2",
      });
    },
  );

  it("an earlier attempt's doorbell does not steer a run that has no doorbell of its own", () => {
    const record = anEscalatedRecord({ attempt: 2, doorbell: null });
    expect(decideDoorbellRun(anInput({ attempt: 1, ts: OLD_TS, record })).kind).toBe("tell");
  });
});
