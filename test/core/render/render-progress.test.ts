import { describe, it, expect } from "vitest";
import fc from "fast-check";
import type { RepoConfig, SlackConfig } from "../../../src/core/config/config-types.js";
import { decodeRecord, encodeRecord, RECORD_MARKER_PREFIX } from "../../../src/core/run/record-codec.js";
import { renderProgressComment } from "../../../src/core/render/render-progress.js";
import { renderQueuedReason } from "../../../src/core/render/render-state.js";
import { toDuration } from "../../../src/core/render/render-time.js";
import type { RenderContext } from "../../../src/core/render/render-context.js";
import { escapeMarkdown, toCode, toLink, toQuote } from "../../../src/core/render/render-markdown.js";
import { toIsoTime } from "../../../src/core/render/render-time.js";
import type { EscalationCause, QueuedReason, RunRecord } from "../../../src/core/run/run-types.js";
import { arbRecord } from "../arbitraries.js";
import { aRecord, aStage, anOperatorConfig, T0 } from "../builders.js";

const MIN = 60_000;
const SHA = "3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
const SLACK: SlackConfig = {
  botToken: "xoxb",
  signingSecret: "s",
  channel: "C0AFK",
  allowedUsers: ["U1"],
  apiUrl: null,
  announceShipped: false,
};

function aContext(overrides: Partial<RenderContext["config"]> = {}): RenderContext {
  return { config: { ...anOperatorConfig(), ...overrides }, githubUrl: "https://github.com" };
}

const FULL_PIPELINE: RepoConfig = {
  ...aRecord().repoConfig,
  woodpeckerRepo: "acme/widgets",
  rollout: { kind: "kubernetes", namespace: "prod", deployment: "widgets", container: "app" },
};
const WOODPECKER = { woodpecker: { url: "https://ci.acme.test", token: "w" } };

/** The visible part: everything before the hidden record. */
function visibleOf(comment: string): string {
  return comment.slice(0, comment.lastIndexOf(RECORD_MARKER_PREFIX));
}

const pushed = { sha: SHA, pushedAt: T0 + 20 * MIN };
const history = [
  { at: T0, phase: "dispatched" as const, note: "Thread started." },
  { at: T0 + 8 * MIN, phase: "tests-red" as const, note: "The agent wrote a failing test." },
  { at: T0 + 15 * MIN, phase: "tests-green" as const, note: "The tests pass." },
  { at: T0 + 20 * MIN, phase: "pushed" as const, note: "Commit 3f1c2d4 pushed." },
  { at: T0 + 21 * MIN, phase: "ci" as const, note: "CI started." },
];

function escalated(cause: EscalationCause, reason: string, agentSaid: string | null): Partial<RunRecord> {
  return {
    ...pushed,
    phase: "escalated",
    turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
    escalation: { cause, reason, agentSaid, at: T0 + 50 * MIN, resumeTo: cause === "agent" ? "tests-green" : "ci" },
    doorbell: { channel: "C0AFK", ts: "1700003000.000100" },
    history: [...history, { at: T0 + 50 * MIN, phase: "escalated", note: reason }],
    stages: {
      ci: aStage({
        verdict: cause === "red-budget-spent" ? "red" : "pending",
        seenAny: true,
        since: T0 + 21 * MIN,
        url: "https://github.com/acme/widgets/actions/runs/9",
      }),
      deploy: null,
      rollout: null,
    },
  };
}

const ESCALATIONS: [string, Partial<RunRecord>][] = [
  [
    "escalated-agent",
    {
      ...escalated(
        "agent",
        "The agent asked a question.",
        "Should the widget spin clockwise or anticlockwise?\n\nI found both in the docs:\n    spin(direction)\nAFK-STATUS: blocked: which way?",
      ),
      sha: null,
      pushedAt: null,
      agentStatus: { kind: "blocked", question: "which way?" },
      history: [...history.slice(0, 3), { at: T0 + 50 * MIN, phase: "escalated", note: "The agent asked a question." }],
      stages: { ci: null, deploy: null, rollout: null },
    },
  ],
  [
    "escalated-red-budget-spent",
    {
      ...escalated("red-budget-spent", "CI is red for 3f1c2d4 and the fix-forward budget (2 turns) is spent.", null),
      fixForwards: 2,
      fixForwardsTotal: 2,
      turns: 3,
    },
  ],
  ["escalated-time-budget", escalated("time-budget", "CI for 3f1c2d4 was still pending after 1 h 00 min.", null)],
  ["escalated-lost", escalated("lost", "The T3 thread is gone: not found.", null)],
  [
    "escalated-dispatch-rejected",
    {
      phase: "escalated",
      dispatchedAt: null,
      legStartedAt: null,
      turn: null,
      turns: 0,
      stages: { ci: null, deploy: null, rollout: null },
      escalation: {
        cause: "dispatch-rejected",
        reason:
          "T3 refused to start the agent's thread: POST /api/orchestration/dispatch answered 500 EnvironmentInternalError/internal_error/orchestration_dispatch_failed",
        agentSaid: null,
        at: T0 + MIN,
        resumeTo: "dispatched",
      },
      doorbell: { channel: "C0AFK", ts: "1700003000.000100" },
      history: [
        { at: T0, phase: "queued", note: "queued" },
        { at: T0 + MIN, phase: "escalated", note: "T3 refused to start the agent's thread" },
      ],
    },
  ],
];

const GOLDEN: [string, Partial<RunRecord>, RenderContext, number][] = [
  [
    "queued-blocked",
    {
      phase: "queued",
      dispatchedAt: null,
      legStartedAt: null,
      turn: null,
      turns: 0,
      queuedReason: {
        kind: "blocked",
        by: [
          { repo: "acme/widgets", number: 3 },
          { repo: "acme/widgets", number: 4 },
          { repo: "acme/api", number: 9 },
        ],
        unreadable: [],
        notRead: 0,
      },
    },
    aContext(),
    T0,
  ],
  [
    "queued-blocked-unreadable",
    {
      phase: "queued",
      dispatchedAt: null,
      legStartedAt: null,
      turn: null,
      turns: 0,
      queuedReason: {
        kind: "blocked",
        by: [
          { repo: "acme/widgets", number: 999 },
          { repo: "acme/secret", number: 3 },
        ],
        unreadable: [
          { repo: "acme/widgets", number: 999 },
          { repo: "acme/secret", number: 3 },
        ],
        notRead: 5,
      },
    },
    aContext(),
    T0,
  ],
  [
    "queued-repo-busy",
    {
      phase: "queued",
      dispatchedAt: null,
      legStartedAt: null,
      turn: null,
      turns: 0,
      queuedReason: { kind: "repo-busy", with: 12 },
    },
    aContext(),
    T0,
  ],
  [
    "queued-cap-reached",
    {
      phase: "queued",
      dispatchedAt: null,
      legStartedAt: null,
      turn: null,
      turns: 0,
      queuedReason: { kind: "cap-reached", cap: 3 },
    },
    aContext(),
    T0,
  ],
  ["dispatched", { history: history.slice(0, 1) }, aContext(), T0 + 40_000],
  [
    "tests-green",
    { phase: "tests-green", agentStatus: { kind: "tests-green" }, history: history.slice(0, 3) },
    aContext(),
    T0 + 16 * MIN,
  ],
  [
    "ci-pending",
    {
      ...pushed,
      phase: "ci",
      turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
      agentStatus: { kind: "pushed", sha: SHA },
      history,
      stages: {
        ci: aStage({
          seenAny: true,
          since: T0 + 21 * MIN,
          url: "https://github.com/acme/widgets/commit/3f1c2d4/checks",
        }),
        deploy: null,
        rollout: null,
      },
    },
    aContext(),
    T0 + 33 * MIN,
  ],
  [
    "ci-red-fix-forward",
    {
      ...pushed,
      phase: "ci",
      fixForwards: 1,
      fixForwardsTotal: 1,
      turns: 2,
      turn: { number: 2, kind: "fix-forward", state: "working", startedAt: T0 + 30 * MIN, sha: SHA, relayText: null },
      history: [...history, { at: T0 + 30 * MIN, phase: "ci", note: "CI red; fix-forward 1 of 2 sent." }],
      stages: {
        ci: aStage({
          verdict: "red",
          seenAny: true,
          since: T0 + 21 * MIN,
          url: "https://github.com/acme/widgets/commit/3f1c2d4/checks",
          failures: [
            {
              name: "test (node 20)",
              conclusion: "failure",
              summary: "2 tests failed\nwidget.spin: expected 1 to be 2",
              url: "https://github.com/acme/widgets/actions/runs/9/job/1",
              logTail: "FAIL widget.test.ts",
            },
            { name: "lint", conclusion: "timed_out", summary: null, url: null, logTail: null },
          ],
        }),
        deploy: null,
        rollout: null,
      },
    },
    aContext(),
    T0 + 35 * MIN,
  ],
  [
    "deploying-blocked",
    {
      ...pushed,
      phase: "deploying",
      repoConfig: FULL_PIPELINE,
      turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
      history,
      stages: {
        ci: aStage({ verdict: "green", seenAny: true, url: "https://github.com/acme/widgets/commit/3f1c2d4/checks" }),
        deploy: aStage({
          since: T0 + 40 * MIN,
          blockedSince: T0 + 41 * MIN,
          url: "https://ci.acme.test/repos/1/pipeline/77",
          detail: "pipeline #77 is blocked: waiting for approval",
        }),
        rollout: null,
      },
    },
    aContext(WOODPECKER),
    T0 + 55 * MIN,
  ],
  [
    "rolling-out",
    {
      ...pushed,
      phase: "rolling-out",
      repoConfig: FULL_PIPELINE,
      turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
      history,
      stages: {
        ci: aStage({ verdict: "green", seenAny: true }),
        deploy: aStage({
          verdict: "green",
          url: "https://ci.acme.test/repos/1/pipeline/77",
          detail: "pipeline #77 success",
        }),
        rollout: aStage({ since: T0 + 60 * MIN, detail: "2 of 3 replicas updated" }),
      },
    },
    aContext(WOODPECKER),
    T0 + 63 * MIN,
  ],
  [
    "shipped-all-stages",
    {
      ...pushed,
      phase: "shipped",
      endedAt: T0 + 70 * MIN,
      repoConfig: FULL_PIPELINE,
      turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
      history: [...history, { at: T0 + 70 * MIN, phase: "shipped", note: "Live in production." }],
      stages: {
        ci: aStage({ verdict: "green", seenAny: true, url: "https://github.com/acme/widgets/commit/3f1c2d4/checks" }),
        deploy: aStage({
          verdict: "green",
          url: "https://ci.acme.test/repos/1/pipeline/77",
          detail: "pipeline #77 success",
        }),
        rollout: aStage({ verdict: "green", detail: "deployment prod/widgets rolled out" }),
      },
    },
    aContext(WOODPECKER),
    T0 + 90 * MIN,
  ],
  [
    "shipped-skipped-stages",
    {
      ...pushed,
      phase: "shipped",
      endedAt: T0 + 30 * MIN,
      turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
      history,
      stages: {
        ci: aStage({ verdict: "green", seenAny: true, url: "https://github.com/acme/widgets/commit/3f1c2d4/checks" }),
        deploy: null,
        rollout: null,
      },
    },
    aContext(),
    T0 + 90 * MIN,
  ],
  ...ESCALATIONS.flatMap(([name, overrides]): [string, Partial<RunRecord>, RenderContext, number][] => [
    [`${name}-slack`, overrides, aContext({ slack: SLACK }), T0 + 80 * MIN],
    [`${name}-no-slack`, overrides, aContext(), T0 + 80 * MIN],
  ]),
  [
    "cancelled",
    {
      ...pushed,
      phase: "cancelled",
      endedAt: T0 + 25 * MIN,
      history: [
        ...history.slice(0, 4),
        { at: T0 + 25 * MIN, phase: "cancelled", note: "The ready label was removed by alice." },
      ],
    },
    aContext(),
    T0 + 90 * MIN,
  ],
  [
    "taken-over",
    {
      phase: "taken-over",
      endedAt: T0 + 60 * MIN,
      resumptions: [{ by: "alice", via: "slack", at: T0 + 30 * MIN }],
      legStartedAt: T0 + 30 * MIN,
      history: [{ at: T0 + 60 * MIN, phase: "taken-over", note: "bob pressed Take over." }],
    },
    aContext({ slack: SLACK }),
    T0 + 90 * MIN,
  ],
  [
    "hostile-text",
    {
      ...pushed,
      phase: "escalated",
      labeler: "@everyone",
      escalation: {
        cause: "agent",
        reason: "Agent said `-->` <script>alert(1)</script> @everyone | [link](javascript:x)",
        agentSaid:
          "<!-- afk:run {} -->\n@everyone please look\n```\n| a | b |\n[link](javascript:x) ![img](http://evil/x.png)\n# Heading\n===",
        at: T0 + 10 * MIN,
        resumeTo: "ci",
      },
      resumptions: [{ by: "@here", via: "github", at: T0 + 5 * MIN }],
      history: [
        { at: T0 + 10 * MIN, phase: "escalated", note: "--> <img src=x onerror=alert(1)> @org/team *bold* _it_ ~~s~~" },
      ],
      stages: {
        ci: aStage({
          verdict: "red",
          detail: "<b>bold</b> & @channel",
          url: "javascript:alert(1)",
          failures: [
            {
              name: "[x](javascript:y) <script>",
              conclusion: "fail|ure",
              summary: "@everyone `rm -rf` -->",
              url: "javascript:alert(1)",
              logTail: null,
            },
          ],
        }),
        deploy: null,
        rollout: null,
      },
    },
    aContext(),
    T0 + 20 * MIN,
  ],
  [
    "incidents",
    {
      phase: "escalated",
      escalation: {
        cause: "agent",
        reason: "The agent asked a question.",
        agentSaid: "Which colour?",
        at: T0 + 10 * MIN,
        resumeTo: "ci",
      },
      doorbellFailure: {
        reason: "Slack rejected (400 not_in_channel): <invite> the bot",
        attempts: 3,
        at: T0 + 14 * MIN,
      },
      closedByCommit: "3f1c2d4e5b6a7980aabbccddeeff001122334455",
      problems: [
        { what: "rollout", message: "Kubernetes unauthorized (403 forbidden): @everyone", since: T0, told: true },
        { what: "ci", message: "not yet said: a short blip", since: T0 + 15 * MIN, told: false },
      ],
    },
    aContext({ slack: SLACK }),
    T0 + 20 * MIN,
  ],
];

describe("renderProgressComment golden files", () => {
  it.each(GOLDEN)("renders %s as its golden file", async (name, overrides, ctx, now) => {
    await expect(renderProgressComment(aRecord(overrides), now, ctx)).toMatchFileSnapshot(`./golden/${name}.md`);
  });
});

describe("renderProgressComment", () => {
  it("ends with the encoded record, after a blank line", () => {
    const record = aRecord();
    expect(renderProgressComment(record, T0, aContext()).endsWith(`\n\n${encodeRecord(record)}`)).toBe(true);
  });

  it("links the thread to T3 when T3 has a base URL, else shows the id as code", () => {
    const record = aRecord();
    expect(renderProgressComment(record, T0, aContext())).toContain(`](http://t3.test/${record.threadId})`);
    const noT3 = renderProgressComment(record, T0, aContext({ t3: { ...anOperatorConfig().t3, baseUrl: null } }));
    expect(noT3).toContain(`thread \`${record.threadId}\``);
    expect(noT3).not.toContain("http://t3.test");
  });

  it.each([
    [
      "a pending stage red while the turn works",
      { phase: "ci", stages: { ci: aStage({ verdict: "red" }), deploy: null, rollout: null } },
      "CI is running, and it is red",
    ],
    [
      "a skipped stage",
      { phase: "ci", stages: { ci: aStage({ verdict: "skipped" }), deploy: null, rollout: null } },
      "CI green — skipped",
    ],
    [
      "CI with no check yet",
      { phase: "pushed", sha: SHA, stages: { ci: aStage({ seenAny: false }), deploy: null, rollout: null } },
      "first CI check waited",
    ],
    [
      "a deploy without a Woodpecker server",
      { phase: "deploying", repoConfig: FULL_PIPELINE, stages: { ci: null, deploy: aStage(), rollout: null } },
      "afk has no Woodpecker server configured",
    ],
    [
      "a running deploy",
      { phase: "deploying", repoConfig: FULL_PIPELINE, stages: { ci: null, deploy: aStage(), rollout: null } },
      "deploy waited",
    ],
    ["an escalation without a record of it", { phase: "escalated", escalation: null, sha: SHA }, "- [x] Pushed"],
    ["a cancelled run with no history", { phase: "cancelled", history: [] }, "- [x] Dispatched"],
    ["a cancelled run never dispatched", { phase: "cancelled", history: [], dispatchedAt: null }, "- [ ] Dispatched\n"],
    ["a resumed run", { legStartedAt: T0 + 60 * MIN }, "since the last resumption (1 h 30 min since dispatch)"],
    [
      "a run with long history",
      {
        history: Array.from({ length: 12 }, (_, i) => ({
          at: T0 + i,
          phase: "ci" as const,
          note: i === 0 ? "" : `n${i}`,
        })),
      },
      "History (last 8 of 12)",
    ],
    [
      "a stage with many failures",
      {
        phase: "ci",
        stages: {
          ci: aStage({
            verdict: "red",
            failures: Array.from({ length: 5 }, () => ({
              name: "t",
              conclusion: "failure",
              summary: " ",
              url: null,
              logTail: null,
            })),
          }),
          deploy: null,
          rollout: null,
        },
      },
      "and 2 more failing checks",
    ],
    [
      "a stage with one failure too many",
      {
        phase: "ci",
        stages: {
          ci: aStage({
            verdict: "red",
            failures: Array.from({ length: 4 }, () => ({
              name: "t",
              conclusion: "failure",
              summary: null,
              url: null,
              logTail: null,
            })),
          }),
          deploy: null,
          rollout: null,
        },
      },
      "and 1 more failing check\n",
    ],
    [
      "a queued run with no reason",
      { phase: "queued", queuedReason: null, dispatchedAt: null },
      "**Queued — waiting to be dispatched.**",
    ],
    ["shipped without a sha", { phase: "shipped", sha: null }, "**Shipped — the change is live.**"],
    [
      "an ended opening turn",
      { turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null } },
      "The agent's turn 1 has ended",
    ],
    ["no turn", { turn: null }, "**Working — the agent has the task.**"],
  ] as const)("renders %s", (_name, overrides, expected) => {
    expect(renderProgressComment(aRecord(overrides as Partial<RunRecord>), T0 + 90 * MIN, aContext())).toContain(
      expected,
    );
  });

  it("ticks tests-red and tests-green once the agent reported them", () => {
    const text = renderProgressComment(aRecord({ agentStatus: { kind: "tests-red" } }), T0, aContext());
    expect(text).toContain("- [x] Failing test written");
    expect(text).toContain("- [ ] Tests pass");
  });

  it("ticks nothing before dispatch, even if the agent reported", () => {
    const text = renderProgressComment(
      aRecord({ phase: "queued", agentStatus: { kind: "tests-green" } }),
      T0,
      aContext(),
    );
    expect(text).not.toContain("[x]");
  });

  it("never throws, ends with the record, escapes every echo, and decodes back to the record", () => {
    const arbCtx = fc.record({ slack: fc.constantFrom(null, SLACK), baseUrl: fc.constantFrom(null, "http://t3.test") });
    fc.assert(
      fc.property(arbRecord, fc.integer({ min: 0, max: 5_000_000_000_000 }), arbCtx, (record, now, c) => {
        const ctx = aContext({ slack: c.slack, t3: { ...anOperatorConfig().t3, baseUrl: c.baseUrl } });
        const comment = renderProgressComment(record, now, ctx);
        expect(comment.endsWith(encodeRecord(record))).toBe(true);
        expect(decodeRecord(comment)).toEqual({ ok: true, record });
        const visible = visibleOf(comment)
          .replace(/<\/?(details|summary)>/g, "")
          .replace(/^>/gm, "")
          .replace(/\]\(https?:[^)\s]*\)/g, "]");
        expect(visible).not.toMatch(/[<>]|-->|@\w|\]\(javascript/);
      }),
      { numRuns: 300 },
    );
  });
});

describe("renderQueuedReason", () => {
  it.each<[QueuedReason, string | null, string]>([
    [
      {
        kind: "blocked",
        by: [
          { repo: "acme/widgets", number: 3 },
          { repo: "acme/widgets", number: 4 },
        ],
        unreadable: [],
        notRead: 0,
      },
      null,
      "waiting: blocked by acme/widgets#3 and #4",
    ],
    [
      { kind: "blocked", by: [{ repo: "acme/widgets", number: 3 }], unreadable: [], notRead: 0 },
      "acme/widgets",
      "waiting: blocked by #3",
    ],
    [
      {
        kind: "blocked",
        by: [
          { repo: "acme/a", number: 1 },
          { repo: "acme/b", number: 2 },
          { repo: "acme/b", number: 3 },
        ],
        unreadable: [],
        notRead: 0,
      },
      "acme/a",
      "waiting: blocked by #1, acme/b#2 and #3",
    ],
    [
      {
        kind: "blocked",
        by: Array.from({ length: 7 }, (_, i) => ({ repo: "acme/widgets", number: i + 1 })),
        unreadable: [],
        notRead: 0,
      },
      "acme/widgets",
      "waiting: blocked by #1, #2, #3, #4, #5 and 2 more",
    ],
    [
      {
        kind: "blocked",
        by: [
          { repo: "acme/widgets", number: 3 },
          { repo: "acme/gone", number: 9 },
        ],
        unreadable: [{ repo: "acme/gone", number: 9 }],
        notRead: 12,
      },
      "acme/widgets",
      "waiting: blocked by #3 and acme/gone#9; afk cannot read acme/gone#9 (deleted, or no access), so it counts as open; 12 more references in the body left unread: afk reads the first 20 blockers of an issue and counts the rest as open",
    ],
    [{ kind: "blocked", by: [], unreadable: [], notRead: 0 }, null, "waiting: blocked by another issue"],
    [{ kind: "repo-busy", with: 12 }, "acme/widgets", "waiting: acme/widgets is busy with #12 (one agent per repo)"],
    [{ kind: "repo-busy", with: 12 }, null, "waiting: the repo is busy with #12 (one agent per repo)"],
    [{ kind: "cap-reached", cap: 3 }, null, "waiting: 3 runs are already in flight (the cap)"],
    [{ kind: "cap-reached", cap: 1 }, null, "waiting: 1 run is already in flight (the cap)"],
  ])("says why the issue waits (%#)", (reason, repo, expected) => {
    expect(renderQueuedReason(reason, repo)).toBe(expected);
  });
});

describe("toDuration", () => {
  it.each([
    [0, "0 s"],
    [999, "0 s"],
    [40_000, "40 s"],
    [60_000, "1 min"],
    [12 * MIN + 59_000, "12 min"],
    [60 * MIN, "1 h 00 min"],
    [65 * MIN, "1 h 05 min"],
    [27 * 60 * MIN, "27 h 00 min"],
    [-5_000, "0 s"],
    [Number.NaN, "0 s"],
    [Number.POSITIVE_INFINITY, "0 s"],
  ])("renders %d ms as %s", (ms, expected) => {
    expect(toDuration(ms)).toBe(expected);
  });
});

describe("toIsoTime", () => {
  it.each([
    [T0, "2023-11-14T22:13:20.000Z"],
    [9e15, "9000000000000000"],
    [Number.NaN, "NaN"],
  ])("renders %d as %s", (ms, expected) => {
    expect(toIsoTime(ms)).toBe(expected);
  });
});

describe("escapeMarkdown", () => {
  it.each([
    ["<script>alert(1)</script>", "&lt;script&gt;alert\\(1\\)&lt;/script&gt;"],
    ["a & b", "a &amp; b"],
    ["@everyone", "@\u200deveryone"],
    ["[link](javascript:x)", "\\[link\\]\\(javascript\\:x\\)"],
    ["`code` | *b* _i_ ~s~ # h", "\\`code\\` \\| \\*b\\* \\_i\\_ \\~s\\~ \\# h"],
    ["line one\nline two\r\n\tthree", "line one line two three"],
    ["-->", "\\-\\-&gt;"],
    ["é 😀 plain", "é 😀 plain"],
  ])("escapes %j", (text, expected) => {
    expect(escapeMarkdown(text)).toBe(expected);
  });

  it.each([
    ["abcdef", 6, "abcdef"],
    ["abcdefg", 6, "abcde…"],
    ["<<<<", 10, "&lt;&lt;…"],
    ["a<b", 4, "a…"],
  ])("cuts the escaped text of %j to %d characters with whole escapes only", (text, max, expected) => {
    expect(escapeMarkdown(text, max)).toBe(expected);
  });
});

describe("toQuote", () => {
  it("quotes every line, escaped, keeping blank lines and indentation inside the quote", () => {
    expect(toQuote("\n  first @you\n\n    code <b>\nlast  \n")).toBe(
      "> first @\u200dyou\n>\n> \u00a0\u00a0\u00a0\u00a0code &lt;b&gt;\n> last",
    );
  });
});

describe("toCode", () => {
  it.each([
    ["abc", "`abc`"],
    ["a`b", "``a`b``"],
    ["`x`", "`` `x` ``"],
    ["two\nlines", "`two lines`"],
  ])("fences %j so it cannot break out", (text, expected) => {
    expect(toCode(text)).toBe(expected);
  });
});

describe("toLink", () => {
  it.each([
    ["https://github.com/a", "[x](https://github.com/a)"],
    ["http://t3.test/id", "[x](http://t3.test/id)"],
    ["javascript:alert(1)", "x"],
    ["https://x/a b", "x"],
    ["https://x/(a)", "x"],
    [`https://x/${"a".repeat(600)}`, "x"],
    [null, "x"],
  ])("links only plain http(s) URLs (%#)", (url, expected) => {
    expect(toLink("x", url)).toBe(expected);
  });
});
