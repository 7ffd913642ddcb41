import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  DOORBELL_QUOTE_MAX_CHARS,
  escapeSlack,
  renderDoorbell,
  renderRelayAck,
  renderShippedAnnouncement,
  toSlackLink,
  type DoorbellContext,
} from "../../../src/core/render/render-doorbell.js";
import type { EscalationCause, Phase, RunRecord } from "../../../src/core/run/run-types.js";
import { aRecord, aStage, T0 } from "../builders.js";

const MIN = 60_000;
const SHA = "3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
const GITHUB = "https://github.com";

function aContext(overrides: Partial<DoorbellContext> = {}): DoorbellContext {
  return {
    githubUrl: GITHUB,
    t3BaseUrl: "https://t3.acme.test",
    issueTitle: "Widgets should spin",
    note: null,
    ...overrides,
  };
}

function anEscalated(
  cause: EscalationCause,
  reason: string,
  agentSaid: string | null,
  overrides: Partial<RunRecord> = {},
): RunRecord {
  return aRecord({
    phase: "escalated",
    turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
    escalation: { cause, reason, agentSaid, at: T0 + 50 * MIN, resumeTo: cause === "agent" ? "tests-green" : "ci" },
    doorbell: { channel: "C0AFK", ts: "1700003000.000100" },
    ...overrides,
  });
}

const pushed = { sha: SHA, pushedAt: T0 + 20 * MIN };
const ciRed = aStage({ verdict: "red", seenAny: true, url: "https://github.com/acme/widgets/actions/runs/9" });

/** The text of every block, for assertions that do not care where a line sits. */
function allText(blocks: unknown[]): string {
  return JSON.stringify(blocks);
}

function actionIds(blocks: unknown[]): string[] {
  const actions = blocks.find((b) => (b as { type: string }).type === "actions") as
    { elements: { action_id: string }[] } | undefined;
  return actions === undefined ? [] : actions.elements.map((e) => e.action_id);
}

describe("renderDoorbell golden files", () => {
  const cases: [string, RunRecord, DoorbellContext][] = [
    [
      "agent-question",
      anEscalated(
        "agent",
        "The agent asked a question.",
        "Should the widget spin clockwise or anticlockwise?\n\nI found both in the docs.\nAFK-STATUS: blocked: which way?",
      ),
      aContext(),
    ],
    [
      "red-budget-spent",
      anEscalated("red-budget-spent", "CI is red for 3f1c2d4 and the fix-forward budget (2 turns) is spent.", null, {
        ...pushed,
        fixForwards: 2,
        stages: {
          ci: ciRed,
          deploy: aStage({ verdict: "red", url: "https://ci.acme.test/repos/3/pipeline/77" }),
          rollout: null,
        },
      }),
      aContext(),
    ],
    [
      "time-budget",
      anEscalated("time-budget", "CI for 3f1c2d4 was still pending after 1 h 00 min.", null, {
        ...pushed,
        stages: { ci: aStage({ url: "https://github.com/acme/widgets/actions/runs/9" }), deploy: null, rollout: null },
      }),
      aContext(),
    ],
    [
      "lost",
      anEscalated("lost", "The T3 thread is gone: not found.", null),
      aContext({ t3BaseUrl: null, issueTitle: null }),
    ],
    [
      "dispatch-rejected",
      anEscalated(
        "dispatch-rejected",
        "T3 refused to start the agent's thread: POST /api/orchestration/dispatch answered 500 EnvironmentInternalError/internal_error/orchestration_dispatch_failed",
        null,
        { turn: null, turns: 0, dispatchedAt: null, legStartedAt: null },
      ),
      aContext(),
    ],
    [
      "taken-over",
      {
        ...anEscalated("agent", "The agent asked a question.", "Which way?"),
        phase: "taken-over",
        endedAt: T0 + 60 * MIN,
      },
      aContext({ note: "Taken over by @octocat" }),
    ],
    [
      "hostile",
      anEscalated(
        "agent",
        "The agent said <!channel> & left",
        "<script>alert(1)</script> <!channel> & *bold* <http://evil|click> <@U123>",
        { ...pushed },
      ),
      aContext({ issueTitle: "<!here> *bold* & <http://evil|click>", note: "Taken <!channel> over?" }),
    ],
  ];

  it.each(cases)("the %s doorbell matches its golden file", async (name, record, ctx) => {
    await expect(JSON.stringify(renderDoorbell(record, ctx), null, 2)).toMatchFileSnapshot(
      `./golden/doorbell-${name}.json`,
    );
  });
});

describe("renderDoorbell", () => {
  it("links the repo, the issue, the T3 thread, the commit, the CI run and the pipeline", () => {
    const record = anEscalated("red-budget-spent", "red", null, {
      ...pushed,
      stages: { ci: ciRed, deploy: aStage({ url: "https://ci.acme.test/p/77" }), rollout: null },
    });
    const text = allText(renderDoorbell(record, aContext()).blocks);
    expect(text).toContain("<https://github.com/acme/widgets|acme/widgets>");
    expect(text).toContain("<https://github.com/acme/widgets/issues/42|#42>");
    expect(text).toContain(`<https://t3.acme.test/${record.threadId}|T3 thread>`);
    expect(text).toContain(`<https://github.com/acme/widgets/commit/${SHA}|commit 3f1c2d4>`);
    expect(text).toContain("<https://github.com/acme/widgets/actions/runs/9|CI run>");
    expect(text).toContain("<https://ci.acme.test/p/77|pipeline>");
  });

  it("carries repo, issue, attempt and installation id in the metadata, and nothing else", () => {
    const { metadata } = renderDoorbell(
      anEscalated("agent", "asked", null, { attempt: 3, installationId: 99 }),
      aContext(),
    );
    expect(metadata).toEqual({
      event_type: "afk_doorbell",
      event_payload: { repo: "acme/widgets", issue: 42, attempt: 3, installation_id: 99 },
    });
  });

  it("offers Take over and Retry from scratch, naming the run in the button values", () => {
    const { blocks } = renderDoorbell(anEscalated("agent", "asked", null, { attempt: 2 }), aContext());
    const actions = blocks.at(-1) as {
      type: string;
      elements: { action_id: string; value: string; text: { text: string } }[];
    };
    expect(actions.type).toBe("actions");
    expect(actions.elements.map((e) => [e.action_id, e.text.text, e.value])).toEqual([
      ["afk_take_over", "Take over", "acme/widgets#42/2"],
      ["afk_retry", "Retry from scratch", "acme/widgets#42/2"],
    ]);
  });

  const ended: Phase[] = ["shipped", "cancelled", "taken-over", "queued"];
  it.each(ended)("shows no buttons once the run is %s", (phase) => {
    expect(
      actionIds(renderDoorbell(anEscalated("agent", "asked", null, { phase }), aContext({ note: "over" })).blocks),
    ).toEqual([]);
  });

  it.each(["escalated", "ci"] as Phase[])("shows the buttons while the run is %s", (phase) => {
    expect(actionIds(renderDoorbell(anEscalated("agent", "asked", null, { phase }), aContext()).blocks)).toEqual([
      "afk_take_over",
      "afk_retry",
    ]);
  });

  it("trims the agent's words to the quote's limit, with an ellipsis", () => {
    const said = "x".repeat(DOORBELL_QUOTE_MAX_CHARS + 50);
    const text = allText(renderDoorbell(anEscalated("agent", "asked", said), aContext()).blocks);
    expect(text).toContain(`>${"x".repeat(DOORBELL_QUOTE_MAX_CHARS - 1)}…`);
    expect(text).not.toContain("x".repeat(DOORBELL_QUOTE_MAX_CHARS));
  });

  it("quotes every line of the agent's words, blank lines too", () => {
    const text = allText(renderDoorbell(anEscalated("agent", "asked", "one\r\n\r\ntwo"), aContext()).blocks);
    expect(text).toContain("*The agent said:*\\n>one\\n>\\n>two");
  });

  it.each([null, "   \n "])("leaves the quote out when the agent said nothing (%j)", (said) => {
    expect(allText(renderDoorbell(anEscalated("agent", "asked", said), aContext()).blocks)).not.toContain(
      "The agent said",
    );
  });

  it("shows only the heading and the links for a run without an escalation", () => {
    const record = aRecord({ ...pushed, phase: "shipped", doorbell: { channel: "C", ts: "1.2" } });
    const { blocks, text } = renderDoorbell(record, aContext({ note: "Shipped", t3BaseUrl: null }));
    expect(blocks.map((b) => (b as { type: string }).type)).toEqual(["section", "context", "section"]);
    expect(text).toBe("acme/widgets#42: Widgets should spin — Shipped");
  });

  it("leaves the links out when there is nothing to link", () => {
    const { blocks } = renderDoorbell(anEscalated("lost", "gone", null), aContext({ t3BaseUrl: null }));
    expect(blocks.some((b) => (b as { type: string }).type === "context")).toBe(false);
  });

  it("keeps the fallback text on one line, naming the reason", () => {
    const { text } = renderDoorbell(
      anEscalated("agent", "The agent\nasked.", null),
      aContext({ issueTitle: "Spin\r\nfast" }),
    );
    expect(text).toBe("acme/widgets#42: Spin fast — The agent asked.");
  });

  it("says afk needs a human when there is neither a note nor a reason", () => {
    expect(renderDoorbell(aRecord(), aContext({ issueTitle: null })).text).toBe("acme/widgets#42 — afk needs a human");
  });

  it("never lets user text form a link, a mention or a broadcast", () => {
    const hostile = "<!channel> <@U1> <http://evil|click> & <script>";
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (noise) => {
        const record = anEscalated("agent", `${noise}${hostile}`, `${hostile}${noise}`);
        const out = renderDoorbell(record, aContext({ issueTitle: hostile + noise, note: noise + hostile }));
        const everything = `${out.text}${allText(out.blocks)}`;
        expect(everything).not.toMatch(/<[!@]/);
        expect(everything).not.toContain("<http://evil");
      }),
      { numRuns: 200 },
    );
  });

  it("keeps every section within Slack's 3,000 characters even for text that escapes fivefold", () => {
    const record = anEscalated("agent", "&".repeat(500), "&".repeat(2_000), { repo: "acme/widgets" });
    const { blocks } = renderDoorbell(record, aContext({ issueTitle: "&".repeat(256), note: "&".repeat(200) }));
    for (const block of blocks as { text?: { text: string } }[])
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(3_000);
  });
});

describe("escapeSlack", () => {
  it.each([
    ["a & b", "a &amp; b"],
    ["<!channel>", "&lt;!channel&gt;"],
    ["*bold* _it_", "*bold* _it_"],
  ])("escapes %j as %j", (input, expected) => {
    expect(escapeSlack(input)).toBe(expected);
  });

  it("cuts whole escapes only, marking the cut", () => {
    expect(escapeSlack("ab&&&", 6)).toBe("ab…");
    expect(escapeSlack("abcdef", 4)).toBe("abc…");
  });
});

describe("toSlackLink", () => {
  it.each([
    [null, "label"],
    ["javascript:alert(1)", "label"],
    ["https://x.test/a|b", "label"],
    ["https://x.test/a b", "label"],
    [`https://x.test/${"a".repeat(2_000)}`, "label"],
    ["https://x.test/?a=1&b=2", "<https://x.test/?a=1&amp;b=2|label>"],
  ])("links %j as %j", (url, expected) => {
    expect(toSlackLink("label", url)).toBe(expected);
  });
});

describe("renderShippedAnnouncement", () => {
  it("names the issue and the commit on one line", () => {
    expect(renderShippedAnnouncement(aRecord({ ...pushed, phase: "shipped" }), GITHUB)).toBe(
      `:rocket: Shipped <https://github.com/acme/widgets/issues/42|acme/widgets#42> (<https://github.com/acme/widgets/commit/${SHA}|3f1c2d4>): the change is live.`,
    );
  });

  it("leaves the commit out when the record has none", () => {
    expect(renderShippedAnnouncement(aRecord(), GITHUB)).toBe(
      ":rocket: Shipped <https://github.com/acme/widgets/issues/42|acme/widgets#42>: the change is live.",
    );
  });
});

describe("renderRelayAck", () => {
  it("says the reply went to the agent and the run resumed", () => {
    expect(renderRelayAck()).toBe("Relayed to the agent; the run resumed.");
  });
});
