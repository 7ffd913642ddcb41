import { describe, expect, it } from "vitest";
import {
  FINISHED_SHOWN,
  FINISHED_WINDOW_MS,
  STATUS_REFRESH_SECONDS,
  toGroupKind,
  toStatusView,
} from "../../../src/core/status/status-view.js";
import type { RunRecord } from "../../../src/core/run/run-types.js";
import type { StatusGroupKind, StatusInput, StatusRow } from "../../../src/core/status/status-types.js";
import { ACTIVE_PHASES, TERMINAL_PHASES, type Phase } from "../../../src/core/run/run-types.js";
import { aRecord, aStage, anOperatorConfig, T0 } from "../builders.js";
import {
  aCancelledRecord,
  aDeployingRecord,
  anEscalatedRecord,
  aQueuedRecord,
  aScene,
  aShippedRecord,
  HOSTILE_TITLE,
  MIN,
  NOW,
  SHA,
} from "./scene.js";

const HOUR = 60 * MIN;

function anInput(records: readonly RunRecord[], overrides: Partial<StatusInput> = {}): StatusInput {
  return {
    runs: records.map((record) => ({ record, title: `Title of #${record.issue}` })),
    config: anOperatorConfig({ t3: { ...anOperatorConfig().t3, baseUrl: "https://t3.acme.test" } }),
    githubUrl: "https://github.com",
    armed: true,
    ...overrides,
  };
}

/** The one row the view makes of one record. */
function rowOf(record: RunRecord, title: string | null = "A title", now = NOW): StatusRow {
  const view = toStatusView({ ...anInput([]), runs: [{ record, title }] }, now);
  const rows = view.groups.flatMap((group) => group.rows);
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
  return rows[0] as StatusRow;
}

function kindsOf(input: StatusInput, now = NOW): Record<StatusGroupKind, string[]> {
  const view = toStatusView(input, now);
  return Object.fromEntries(
    view.groups.map((group) => [group.kind, group.rows.map((row) => `${row.repo}#${row.issue}`)]),
  ) as Record<StatusGroupKind, string[]>;
}

describe("toStatusView groups", () => {
  it.each<[Phase, StatusGroupKind]>([
    ...ACTIVE_PHASES.map((phase): [Phase, StatusGroupKind] => [phase, "in-flight"]),
    ["queued", "queued"],
    ["escalated", "waiting-for-human"],
    ...TERMINAL_PHASES.map((phase): [Phase, StatusGroupKind] => [phase, "finished"]),
  ])("a %s run belongs to %s", (phase, kind) => {
    expect(toGroupKind(phase)).toBe(kind);
  });

  it("always lists the four groups in order, empty ones included", () => {
    const view = toStatusView(anInput([]), NOW);
    expect(view.groups.map((group) => [group.kind, group.rows.length, group.omitted])).toEqual([
      ["in-flight", 0, 0],
      ["waiting-for-human", 0, 0],
      ["queued", 0, 0],
      ["finished", 0, 0],
    ]);
  });

  it("puts each run of the scene in its group: waiting rows oldest first, finished rows latest first", () => {
    expect(kindsOf(aScene())).toEqual({
      "in-flight": ["acme/widgets#4", "acme/api#7"],
      "waiting-for-human": ["acme/api#12"],
      queued: ["acme/widgets#5"],
      finished: ["acme/widgets#2", "acme/widgets#3"],
    });
  });

  it("breaks ties by repo, then issue; a row without an age comes last", () => {
    const records = [
      aQueuedRecord({ repo: "b/b", issue: 1 }),
      aQueuedRecord({ repo: "a/a", issue: 2 }),
      aQueuedRecord({ repo: "a/a", issue: 1 }),
      aQueuedRecord({ repo: "a/a", issue: 0, history: [] }),
    ];
    expect(kindsOf(anInput(records)).queued).toEqual(["a/a#1", "a/a#2", "b/b#1", "a/a#0"]);
  });

  it(`shows at most ${FINISHED_SHOWN} finished runs, from the last week, and counts the rest`, () => {
    const recent = Array.from({ length: FINISHED_SHOWN + 3 }, (_, n) =>
      aShippedRecord({ issue: 100 + n, endedAt: NOW - n * MIN }),
    );
    const old = aShippedRecord({ issue: 1, endedAt: NOW - FINISHED_WINDOW_MS - MIN });
    const finished = toStatusView(anInput([...recent, old]), NOW).groups.find((group) => group.kind === "finished");
    expect(finished?.rows.map((row) => row.issue)).toEqual(recent.slice(0, FINISHED_SHOWN).map((r) => r.issue));
    expect(finished?.omitted).toBe(4);
  });

  it("says when it was made, how often the page reloads, and whether afk is armed", () => {
    const view = toStatusView(anInput([], { armed: false }), T0);
    expect(view).toMatchObject({ generatedAt: "2023-11-14T22:13:20.000Z", refreshSeconds: 15, armed: false });
    expect(STATUS_REFRESH_SECONDS).toBe(15);
  });

  it("is plain data: status.json serves it as it is", () => {
    const view = toStatusView(aScene(), NOW);
    expect(JSON.parse(JSON.stringify(view))).toEqual(view);
  });
});

describe("toStatusView rows", () => {
  it.each<[string, RunRecord, string]>([
    ["dispatched", aRecord(), "Dispatched"],
    ["tests red", aRecord({ phase: "tests-red" }), "Failing test written"],
    ["tests green", aRecord({ phase: "tests-green" }), "Tests pass"],
    ["pushed (CI not started yet)", aRecord({ phase: "pushed", sha: SHA }), "Pushed, waiting for CI"],
    ["CI pending", aRecord({ phase: "ci", stages: { ci: aStage(), deploy: null, rollout: null } }), "CI running"],
    [
      "CI red",
      aRecord({ phase: "ci", stages: { ci: aStage({ verdict: "red" }), deploy: null, rollout: null } }),
      "CI red",
    ],
    ["deploying", aDeployingRecord(), "Deploying"],
    [
      "deploy red",
      aDeployingRecord({ stages: { ci: null, deploy: aStage({ verdict: "red" }), rollout: null } }),
      "Deploy red",
    ],
    [
      "deploy waiting for approval",
      aDeployingRecord({ stages: { ci: null, deploy: aStage({ blockedSince: T0 }), rollout: null } }),
      "Deploy waiting for approval",
    ],
    ["deploying, no stage yet", aDeployingRecord({ stages: { ci: null, deploy: null, rollout: null } }), "Deploying"],
    ["rolling out", aRecord({ phase: "rolling-out" }), "Rolling out"],
    [
      "rollout red",
      aRecord({ phase: "rolling-out", stages: { ci: null, deploy: null, rollout: aStage({ verdict: "red" }) } }),
      "Rollout red",
    ],
    ["queued", aQueuedRecord(), "Queued"],
    ["escalated by the agent", anEscalatedRecord(), "Escalated: the agent stopped"],
    ["escalated without its cause", anEscalatedRecord({ escalation: null }), "Escalated"],
    ["shipped", aShippedRecord(), "Shipped"],
    ["cancelled", aCancelledRecord(), "Cancelled"],
    ["taken over", aCancelledRecord({ phase: "taken-over" }), "Taken over"],
  ])("a %s run reads %j", (_, record, text) => {
    expect(rowOf(record).phaseText).toBe(text);
  });

  it.each<[string, RunRecord, string | null]>([
    ["a queued run says why it waits", aQueuedRecord(), "waiting: acme/widgets is busy with #4 (one agent per repo)"],
    [
      "blockers are named plainly, without markdown escapes",
      aQueuedRecord({
        queuedReason: { kind: "blocked", by: [{ repo: "acme/api-v2", number: 3 }], unreadable: [], notRead: 0 },
      }),
      "waiting: blocked by acme/api-v2#3",
    ],
    [
      "the cap",
      aQueuedRecord({ queuedReason: { kind: "cap-reached", cap: 1 } }),
      "waiting: 1 run is already in flight (the cap)",
    ],
    ["a queued run without a reason", aQueuedRecord({ queuedReason: null }), "waiting to be dispatched"],
    ["a working agent", aRecord(), "the agent is working on turn 1"],
    [
      "a fix-forward turn",
      aRecord({ turn: { number: 2, kind: "fix-forward", state: "working", startedAt: T0, sha: SHA, relayText: null } }),
      "the agent is working on turn 2 (fix-forward)",
    ],
    ["the stage's detail, then the turn", aDeployingRecord(), "pipeline #7 running · the agent's turn 1 has ended"],
    ["an active run without a turn", aRecord({ turn: null }), null],
    [
      "an escalated run gives the reason",
      anEscalatedRecord(),
      "The agent asked: should <b>it</b> spin clockwise & fast?",
    ],
    [
      "an escalated run gives what the agent said, too",
      anEscalatedRecord({
        escalation: {
          ...anEscalatedRecord().escalation!,
          reason: "The agent asked a question.",
          agentSaid: " Which way? ",
        },
      }),
      "The agent asked a question. The agent said: Which way?",
    ],
    ["an escalated run without its cause", anEscalatedRecord({ escalation: null }), null],
    ["a finished run gives afk's last note", aCancelledRecord(), "cancelled by mona: the ready label was removed"],
    ["a finished run whose note history lost", aCancelledRecord({ history: [] }), null],
  ])("note: %s", (_, record, note) => {
    expect(rowOf(record).note).toBe(note);
  });

  it("a note is one line, bounded", () => {
    const reason = `line one\n\n${"x".repeat(1_000)}`;
    const note = rowOf(anEscalatedRecord({ escalation: { ...anEscalatedRecord().escalation!, reason } })).note ?? "";
    expect(note.startsWith("line one x")).toBe(true);
    expect(note.length).toBeLessThanOrEqual(300);
  });

  it.each<[string, RunRecord, number | null]>([
    ["in flight: since dispatch", aRecord({ dispatchedAt: T0 + 30 * MIN }), 60 * MIN],
    ["queued: since it was (last) queued", aQueuedRecord(), 60 * MIN],
    ["queued, history lost: unknown", aQueuedRecord({ history: [] }), null],
    ["waiting: since escalated", anEscalatedRecord(), 30 * MIN],
    [
      "waiting without its cause: since the last transition",
      anEscalatedRecord({ escalation: null, history: [{ at: T0 + 70 * MIN, phase: "escalated", note: "x" }] }),
      20 * MIN,
    ],
    ["waiting, nothing known: unknown", anEscalatedRecord({ escalation: null }), null],
    ["finished: since it ended", aShippedRecord(), 100 * MIN],
    ["finished without an end: unknown", aShippedRecord({ endedAt: null }), null],
    ["a clock behind the record reads zero", aRecord({ dispatchedAt: NOW + MIN }), 0],
  ])("age %s", (_, record, ageMs) => {
    const row = rowOf(record);
    expect(row.age?.ms ?? null).toBe(ageMs);
  });

  it.each<[string, RunRecord, StatusRow["approval"]]>([
    [
      "the labeler, when the record has no approval",
      aRecord({ labeler: "octocat" }),
      { by: "octocat", role: null, at: null },
    ],
    [
      "the approval, when the record has one",
      aRecord({
        labeler: "octocat",
        approval: { by: "mona", role: "admin", via: "label", at: T0, fingerprint: null },
      }),
      { by: "mona", role: "admin", at: "2023-11-14T22:13:20.000Z" },
    ],
    ["nobody, when neither is known", aRecord({ labeler: null, approval: null }), null],
  ])("approved by %s", (_, record, approval) => {
    expect(rowOf(record).approval).toEqual(approval);
  });

  it.each<[string, RunRecord, StatusRow["budget"]]>([
    [
      "in flight: the leg so far, against the pinned limits",
      aDeployingRecord({ legStartedAt: T0 + 30 * MIN }),
      { fixForwardsUsed: 1, fixForwardsLimit: 2, timeUsedMs: 60 * MIN, timeLimitMs: 4 * HOUR },
    ],
    [
      "waiting: the clock stopped at the escalation",
      anEscalatedRecord(),
      { fixForwardsUsed: 0, fixForwardsLimit: 2, timeUsedMs: 60 * MIN, timeLimitMs: 4 * HOUR },
    ],
    [
      "finished: the clock stopped at the end",
      aShippedRecord(),
      { fixForwardsUsed: 0, fixForwardsLimit: 2, timeUsedMs: 50 * MIN, timeLimitMs: 4 * HOUR },
    ],
    ["queued: none", aQueuedRecord(), null],
    ["cancelled before dispatch: none", aCancelledRecord({ legStartedAt: null }), null],
  ])("budget %s", (_, record, budget) => {
    expect(rowOf(record).budget).toEqual(budget);
  });

  it("links the issue, and the thread, the commit, the CI run, the pipeline and the rollout", () => {
    const record = aShippedRecord();
    const row = rowOf(record);
    expect(row.url).toBe("https://github.com/acme/widgets/issues/2");
    expect(row.age?.since).toBe("2023-11-14T22:03:20.000Z");
    expect(row.links).toEqual([
      { kind: "thread", label: "thread", url: `https://t3.acme.test/${record.threadId}` },
      { kind: "commit", label: "commit 3f1c2d4", url: `https://github.com/acme/widgets/commit/${SHA}` },
      { kind: "ci", label: "CI", url: "https://github.com/acme/widgets/actions/runs/8" },
      { kind: "pipeline", label: "pipeline", url: "https://ci.acme.test/repos/1/pipeline/6" },
      { kind: "rollout", label: "rollout", url: "https://widgets.acme.test/version" },
    ]);
  });

  it("links no thread before dispatch, nor without a T3 server", () => {
    expect(rowOf(aQueuedRecord()).links.map((link) => link.kind)).toEqual([]);
    const input = anInput([aRecord()], {
      config: anOperatorConfig({ t3: { ...anOperatorConfig().t3, baseUrl: null } }),
    });
    expect(toStatusView(input, NOW).groups[0]?.rows[0]?.links.map((link) => link.kind)).toEqual([]);
  });

  it.each([
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    'https://ci.test/x" onmouseover="alert(1)',
    "https://ci.test/a b",
    "ftp://ci.test/x",
    `https://ci.test/${"x".repeat(2_000)}`,
  ])("a stage URL that is not a plain http(s) URL is no link: %s", (url) => {
    const record = aDeployingRecord({ stages: { ci: aStage({ url }), deploy: null, rollout: null } });
    expect(rowOf(record).links.map((link) => link.kind)).toEqual(["thread", "commit"]);
  });

  it.each<[string, string | null, string | null]>([
    ["kept as written, hostile text included", HOSTILE_TITLE, HOSTILE_TITLE],
    ["unknown", null, null],
    ["blank is unknown", "  \n ", null],
    ["line breaks fold into spaces", "one\r\ntwo", "one two"],
  ])("the title: %s", (_, title, shown) => {
    expect(rowOf(aRecord(), title).title).toBe(shown);
  });

  it("a long title is bounded", () => {
    expect(rowOf(aRecord(), "t".repeat(1_000)).title?.length).toBeLessThanOrEqual(300);
  });

  it("names the attempt", () => {
    expect(rowOf(aRecord({ attempt: 3 })).attempt).toBe(3);
  });
});
