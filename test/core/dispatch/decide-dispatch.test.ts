import { describe, it, expect } from "vitest";
import {
  TEMPLATE_LABEL_WINDOW_MS,
  decideDispatch,
  toQueuedReason,
} from "../../../src/core/dispatch/decide-dispatch.js";
import type {
  DispatchConfig,
  DispatchDecision,
  DispatchInput,
  ReadyIssue,
  RunInFlight,
} from "../../../src/core/dispatch/dispatch-types.js";
import type { Blocker, Issue } from "../../../src/core/common/github-types.js";
import type { HoldReason, QueuedReason } from "../../../src/core/run/run-types.js";
import { T0, anIssue, anOperatorConfig } from "../builders.js";

const HOUR_MS = 3_600_000;

function aConfig(overrides: Partial<DispatchConfig> = {}): DispatchConfig {
  return { ...anOperatorConfig({ allowlist: ["acme/widgets", "acme/gadgets", "acme/gizmos"] }), ...overrides };
}

function aReady(issue: Partial<Issue> = {}, rest: Partial<Omit<ReadyIssue, "issue">> = {}): ReadyIssue {
  return {
    issue: anIssue(issue),
    labeler: { login: "alice", id: 1001, type: "User" },
    labeledAt: null,
    blockersNotRead: 0,
    trust: { trusted: true, why: "alice has role write, which is trusted", standing: "write" },
    approval: null,
    refusal: null,
    blockers: [],
    ...rest,
  };
}

function aRun(overrides: Partial<RunInFlight> = {}): RunInFlight {
  return { repo: "acme/widgets", issue: 1, state: "active", ...overrides };
}

function anInput(overrides: Partial<DispatchInput> = {}): DispatchInput {
  return { config: aConfig(), ready: [aReady()], runs: [], ...overrides };
}

function aBlocker(overrides: Partial<Blocker> = {}): Blocker {
  return { repo: "acme/widgets", number: 7, state: "open", ...overrides };
}

/** `repo#number` of each dispatched issue, in order. */
function dispatched(decision: DispatchDecision): string[] {
  return decision.dispatch.map(({ issue }) => `${issue.repo}#${issue.number}`);
}

function heldReasons(decision: DispatchDecision): Record<string, HoldReason> {
  return Object.fromEntries(
    decision.held.map(({ issue, reason }) => [`${issue.issue.repo}#${issue.issue.number}`, reason]),
  );
}

describe("decideDispatch: one issue, one reason", () => {
  it.each<[string, Partial<DispatchInput>, HoldReason | null]>([
    ["an eligible issue in a free repo is dispatched", {}, null],
    ["the kill switch holds every issue", { config: aConfig({ killSwitch: true }) }, { kind: "kill-switch-on" }],
    [
      "a repo off the allowlist is held",
      { ready: [aReady({ repo: "evil/repo" })] },
      { kind: "repo-not-allowlisted", repo: "evil/repo" },
    ],
    [
      "an empty allowlist holds every repo",
      { config: aConfig({ allowlist: [] }) },
      { kind: "repo-not-allowlisted", repo: "acme/widgets" },
    ],
    [
      "the allowlist is compared lower-cased",
      { config: aConfig({ allowlist: ["ACME/Widgets"] }), ready: [aReady({ repo: "Acme/Widgets" })] },
      null,
    ],
    ["a closed issue is not ready", { ready: [aReady({ state: "closed" })] }, { kind: "not-ready" }],
    ["an issue without the ready label is not ready", { ready: [aReady({ labels: ["bug"] })] }, { kind: "not-ready" }],
    [
      "the ready label matches regardless of case, as GitHub's labels do",
      { ready: [aReady({ labels: ["Ready-For-Agent"] })] },
      null,
    ],
    [
      "an untrusted labeler is held with login and why",
      {
        ready: [
          aReady(
            {},
            { trust: { trusted: false, why: "alice has role read, which is never trusted", standing: "read" } },
          ),
        ],
      },
      {
        kind: "labeler-untrusted",
        labeler: "alice",
        why: "alice has role read, which is never trusted",
        standing: "read",
        silent: false,
        obeys: ["admin", "maintain", "write"],
      },
    ],
    [
      "no labeler is held with a null login",
      {
        ready: [
          aReady({}, { labeler: null, trust: { trusted: false, why: "no attributable labeler", standing: "unknown" } }),
        ],
      },
      {
        kind: "labeler-untrusted",
        labeler: null,
        why: "no attributable labeler",
        standing: "unknown",
        silent: false,
        obeys: ["admin", "maintain", "write"],
      },
    ],
    [
      "open and unknown blockers hold the issue, in order, closed ones dropped",
      {
        ready: [
          aReady(
            {},
            {
              blockers: [
                aBlocker({ number: 9, state: "unknown" }),
                aBlocker({ number: 3, state: "closed" }),
                aBlocker({ repo: "acme/gadgets", number: 2 }),
              ],
            },
          ),
        ],
      },
      {
        kind: "blocked",
        by: [
          { repo: "acme/widgets", number: 9 },
          { repo: "acme/gadgets", number: 2 },
        ],
        unreadable: [{ repo: "acme/widgets", number: 9 }],
        notRead: 0,
      },
    ],
    [
      "references beyond the ones afk reads hold the issue, said as unread",
      { ready: [aReady({}, { blockersNotRead: 4 })] },
      { kind: "blocked", by: [], unreadable: [], notRead: 4 },
    ],
    [
      "closed blockers do not hold the issue",
      { ready: [aReady({}, { blockers: [aBlocker({ state: "closed" })] })] },
      null,
    ],
    [
      "a blocker that is the issue itself is ignored",
      { ready: [aReady({ number: 42 }, { blockers: [aBlocker({ repo: "ACME/widgets", number: 42 })] })] },
      null,
    ],
    [
      "the same number in another repo is a real blocker",
      { ready: [aReady({ number: 42 }, { blockers: [aBlocker({ repo: "acme/gadgets", number: 42 })] })] },
      { kind: "blocked", by: [{ repo: "acme/gadgets", number: 42 }], unreadable: [], notRead: 0 },
    ],
    [
      "an active run of another issue keeps the repo",
      { runs: [aRun({ issue: 5, state: "active" })] },
      { kind: "repo-busy", with: 5 },
    ],
    [
      "an escalated run of another issue keeps the repo",
      { runs: [aRun({ issue: 5, state: "escalated" })] },
      { kind: "repo-busy", with: 5 },
    ],
    [
      "a dispatching run of another issue keeps the repo",
      { runs: [aRun({ issue: 5, state: "dispatching" })] },
      { kind: "repo-busy", with: 5 },
    ],
    [
      "runs are matched to repos lower-cased",
      { runs: [aRun({ repo: "Acme/Widgets", issue: 5 })] },
      { kind: "repo-busy", with: 5 },
    ],
    [
      "the lowest other issue is named when several hold the repo",
      { runs: [aRun({ issue: 8 }), aRun({ issue: 6, state: "escalated" })] },
      { kind: "repo-busy", with: 6 },
    ],
    [
      "an active run of this issue is not dispatched again",
      { runs: [aRun({ issue: 42, state: "active" })] },
      { kind: "repo-busy", with: 42 },
    ],
    [
      "an escalated run of this issue is not dispatched again",
      { runs: [aRun({ issue: 42, state: "escalated" })] },
      { kind: "repo-busy", with: 42 },
    ],
    [
      "a dispatching run of this issue is dispatched again (healing)",
      { runs: [aRun({ issue: 42, state: "dispatching" })] },
      null,
    ],
    [
      "another issue's run wins over this issue's dispatching run",
      { runs: [aRun({ issue: 42, state: "dispatching" }), aRun({ issue: 5 })] },
      { kind: "repo-busy", with: 5 },
    ],
    ["a run in another repo does not hold this one", { runs: [aRun({ repo: "acme/gadgets", issue: 5 })] }, null],
    [
      "the global cap holds the issue",
      { config: aConfig({ maxConcurrentRuns: 1 }), runs: [aRun({ repo: "acme/gadgets" })] },
      { kind: "cap-reached", cap: 1 },
    ],
    [
      "a cap of zero holds every new run",
      { config: aConfig({ maxConcurrentRuns: 0 }) },
      { kind: "cap-reached", cap: 0 },
    ],
  ])("%s", (_name, overrides, reason) => {
    const input = anInput(overrides);
    const decision = decideDispatch(input);
    if (reason === null) {
      expect(decision.dispatch).toEqual(input.ready);
      expect(decision.held).toEqual([]);
    } else {
      expect(decision.dispatch).toEqual([]);
      expect(decision.held).toEqual([{ issue: input.ready[0], reason }]);
    }
  });

  it("rules apply in order: the kill switch wins over every other reason", () => {
    const ready = [
      aReady(
        { repo: "evil/repo", state: "closed" },
        { trust: { trusted: false, why: "x", standing: "read" }, blockers: [aBlocker()] },
      ),
    ];
    const decision = decideDispatch(
      anInput({
        config: aConfig({ killSwitch: true, maxConcurrentRuns: 0 }),
        ready,
        runs: [aRun({ repo: "evil/repo" })],
      }),
    );
    expect(decision.held.map((h) => h.reason)).toEqual([{ kind: "kill-switch-on" }]);
  });

  it.each<[string, ReadyIssue, HoldReason["kind"]]>([
    ["allowlist before readiness", aReady({ repo: "evil/repo", state: "closed" }), "repo-not-allowlisted"],
    [
      "readiness before trust",
      aReady({ state: "closed" }, { trust: { trusted: false, why: "x", standing: "read" } }),
      "not-ready",
    ],
    [
      "trust before blockers",
      aReady({}, { trust: { trusted: false, why: "x", standing: "read" }, blockers: [aBlocker()] }),
      "labeler-untrusted",
    ],
    ["blockers before a busy repo", aReady({}, { blockers: [aBlocker()] }), "blocked"],
  ])("rules apply in order: %s", (_name, ready, kind) => {
    const decision = decideDispatch(anInput({ ready: [ready], runs: [aRun({ issue: 5 })] }));
    expect(decision.held.map((h) => h.reason.kind)).toEqual([kind]);
  });

  it("a busy repo is reported before the cap", () => {
    const decision = decideDispatch(anInput({ config: aConfig({ maxConcurrentRuns: 1 }), runs: [aRun({ issue: 5 })] }));
    expect(decision.held.map((h) => h.reason)).toEqual([{ kind: "repo-busy", with: 5 }]);
  });
});

describe("decideDispatch: refusals", () => {
  const mallory = { login: "mallory", id: 66, type: "User" as const };
  const untrusted = { trusted: false as const, why: "mallory has role none", standing: "none" };

  it("keeps quiet about an issue template's label: the author, within a minute of opening the issue", () => {
    const template = aReady(
      { author: "Mallory", createdAt: T0 },
      { labeler: mallory, labeledAt: T0 + TEMPLATE_LABEL_WINDOW_MS, trust: untrusted },
    );
    const [held] = decideDispatch(anInput({ ready: [template] })).held;
    expect(held?.reason).toMatchObject({ kind: "labeler-untrusted", silent: true });
    expect(toQueuedReason(held!.reason)).toBeNull();
  });

  it.each([
    ["someone else's label", { labeler: { ...mallory, login: "eve" }, labeledAt: T0 + 1_000 }],
    ["the author's label applied later", { labeler: mallory, labeledAt: T0 + TEMPLATE_LABEL_WINDOW_MS + 1 }],
    ["a label whose time is unknown", { labeler: mallory, labeledAt: null }],
  ])("says why it refuses %s", (_name, rest) => {
    const ready = aReady({ author: "mallory", createdAt: T0 }, { ...rest, trust: untrusted });
    const [held] = decideDispatch(anInput({ ready: [ready] })).held;
    expect(held?.reason).toMatchObject({ kind: "labeler-untrusted", silent: false, standing: "none" });
  });

  it("names only the roles that can be trusted: read is never obeyed, whatever the configuration says", () => {
    const config = aConfig({ trustedRoles: ["admin", "triage", "read"] });
    const ready = aReady({}, { trust: untrusted });
    expect(decideDispatch(anInput({ config, ready: [ready] })).held[0]?.reason).toMatchObject({
      obeys: ["admin", "triage"],
    });
  });

  it("holds a refused approval with its reason, after the trust check and before the blockers", () => {
    const refusal: HoldReason = { kind: "edited-after-approval", approvedBy: "maya", approvedAt: T0 };
    const ready = aReady({}, { refusal, blockers: [aBlocker()] });
    expect(heldReasons(decideDispatch(anInput({ ready: [ready] })))).toEqual({ "acme/widgets#42": refusal });
    const untrustedToo = aReady({}, { refusal, trust: untrusted });
    expect(decideDispatch(anInput({ ready: [untrustedToo] })).held[0]?.reason.kind).toBe("labeler-untrusted");
  });

  it("a refused issue does not hold its repo: the next one in line is dispatched", () => {
    const refused = aReady(
      { number: 1, labels: ["ready-for-agent", "priority:high"] },
      { refusal: { kind: "repo-config-invalid", problems: "budgets: not a mapping" } },
    );
    const next = aReady({ number: 2 });
    const decision = decideDispatch(anInput({ ready: [refused, next] }));
    expect(dispatched(decision)).toEqual(["acme/widgets#2"]);
    expect(heldReasons(decision)["acme/widgets#1"]).toMatchObject({ kind: "repo-config-invalid" });
  });
});

describe("decideDispatch: order", () => {
  it.each<[string, Partial<Issue>[], string[]]>([
    [
      "lowest priority label first, no label is the default",
      [
        { repo: "acme/widgets", number: 1, labels: ["ready-for-agent"] },
        { repo: "acme/gadgets", number: 2, labels: ["ready-for-agent", "priority:5"] },
        { repo: "acme/gizmos", number: 3, labels: ["ready-for-agent", "priority:200"] },
      ],
      ["acme/gadgets#2", "acme/widgets#1", "acme/gizmos#3"],
    ],
    [
      "the lowest of several priority labels counts",
      [
        { repo: "acme/widgets", number: 1, labels: ["ready-for-agent", "priority:3"] },
        { repo: "acme/gadgets", number: 2, labels: ["ready-for-agent", "priority:9", "priority:1"] },
      ],
      ["acme/gadgets#2", "acme/widgets#1"],
    ],
    [
      "equal priority: oldest issue first",
      [
        { repo: "acme/widgets", number: 1, createdAt: T0 },
        { repo: "acme/gadgets", number: 2, createdAt: T0 - HOUR_MS },
      ],
      ["acme/gadgets#2", "acme/widgets#1"],
    ],
    [
      "equal priority and age: lowest number first",
      [
        { repo: "acme/widgets", number: 9, createdAt: T0 },
        { repo: "acme/gadgets", number: 4, createdAt: T0 },
      ],
      ["acme/gadgets#4", "acme/widgets#9"],
    ],
    [
      "all else equal: repo name decides",
      [
        { repo: "acme/widgets", number: 4, createdAt: T0 },
        { repo: "acme/gadgets", number: 4, createdAt: T0 },
      ],
      ["acme/gadgets#4", "acme/widgets#4"],
    ],
    [
      "all else equal: repo name decides, whatever the input order",
      [
        { repo: "acme/gadgets", number: 4, createdAt: T0 },
        { repo: "acme/widgets", number: 4, createdAt: T0 },
        { repo: "acme/gizmos", number: 4, createdAt: T0 },
      ],
      ["acme/gadgets#4", "acme/gizmos#4", "acme/widgets#4"],
    ],
  ])("%s", (_name, issues, expected) => {
    const decision = decideDispatch(anInput({ ready: issues.map((issue) => aReady(issue)) }));
    expect(dispatched(decision)).toEqual(expected);
    expect(decision.held).toEqual([]);
  });

  it("the first issue of a repo in order is picked; the others wait for it", () => {
    const ready = [
      aReady({ number: 1, createdAt: T0 }),
      aReady({ number: 2, createdAt: T0, labels: ["ready-for-agent", "priority:1"] }),
      aReady({ number: 3, createdAt: T0 - HOUR_MS }),
    ];
    const decision = decideDispatch(anInput({ ready }));
    expect(dispatched(decision)).toEqual(["acme/widgets#2"]);
    expect(decision.held).toEqual([
      { issue: ready[0], reason: { kind: "repo-busy", with: 2 } },
      { issue: ready[2], reason: { kind: "repo-busy", with: 2 } },
    ]);
  });

  it("held keeps the input order while dispatch follows the policy order", () => {
    const ready = [
      aReady({ repo: "acme/widgets", number: 1, state: "closed" }),
      aReady({ repo: "acme/gizmos", number: 2, createdAt: T0 }),
      aReady({ repo: "evil/repo", number: 3 }),
      aReady({ repo: "acme/gadgets", number: 4, createdAt: T0 - HOUR_MS }),
    ];
    const decision = decideDispatch(anInput({ ready }));
    expect(dispatched(decision)).toEqual(["acme/gadgets#4", "acme/gizmos#2"]);
    expect(decision.held.map((h) => h.issue.issue.number)).toEqual([1, 3]);
  });

  it("the priority prefix and default come from the configuration", () => {
    const config = aConfig({ defaultPriority: 0, labels: { ...aConfig().labels, priorityPrefix: "p" } });
    const ready = [
      aReady({ repo: "acme/widgets", number: 1, labels: ["ready-for-agent", "p1"] }),
      aReady({ repo: "acme/gadgets", number: 2, createdAt: T0 }),
    ];
    expect(dispatched(decideDispatch(anInput({ config, ready })))).toEqual(["acme/gadgets#2", "acme/widgets#1"]);
  });
});

describe("decideDispatch: healing a crashed dispatch", () => {
  it("a dispatching run's issue goes first, before better issues of its repo and of others", () => {
    const ready = [
      aReady({ repo: "acme/gadgets", number: 1, labels: ["ready-for-agent", "priority:0"] }),
      aReady({ repo: "acme/widgets", number: 2, labels: ["ready-for-agent", "priority:0"] }),
      aReady({ repo: "acme/widgets", number: 3, labels: ["ready-for-agent", "priority:9"] }),
    ];
    const decision = decideDispatch(
      anInput({ ready, runs: [aRun({ repo: "acme/widgets", issue: 3, state: "dispatching" })] }),
    );
    expect(dispatched(decision)).toEqual(["acme/widgets#3", "acme/gadgets#1"]);
    expect(heldReasons(decision)).toEqual({ "acme/widgets#2": { kind: "repo-busy", with: 3 } });
  });

  it("a healing re-dispatch is not counted twice against the cap", () => {
    const ready = [aReady({ repo: "acme/widgets", number: 3 }), aReady({ repo: "acme/gadgets", number: 1 })];
    const runs = [aRun({ repo: "acme/widgets", issue: 3, state: "dispatching" })];
    const decision = decideDispatch(anInput({ config: aConfig({ maxConcurrentRuns: 2 }), ready, runs }));
    expect(dispatched(decision)).toEqual(["acme/widgets#3", "acme/gadgets#1"]);
  });

  it("a healing re-dispatch whose agent is already at work proceeds even when the cap is already full", () => {
    const ready = [aReady({ repo: "acme/widgets", number: 3 }), aReady({ repo: "acme/gadgets", number: 1 })];
    const runs = [
      aRun({ repo: "acme/widgets", issue: 3, state: "dispatching", working: true }),
      aRun({ repo: "acme/gizmos", issue: 8 }),
    ];
    const decision = decideDispatch(anInput({ config: aConfig({ maxConcurrentRuns: 1 }), ready, runs }));
    expect(dispatched(decision)).toEqual(["acme/widgets#3"]);
    expect(heldReasons(decision)).toEqual({ "acme/gadgets#1": { kind: "cap-reached", cap: 1 } });
  });

  it("a healing re-dispatch whose agent never started waits when other repos took the cap meanwhile", () => {
    const ready = [aReady({ repo: "acme/widgets", number: 3 })];
    const runs = [
      aRun({ repo: "acme/widgets", issue: 3, state: "dispatching", working: false }),
      aRun({ repo: "acme/gizmos", issue: 8 }),
    ];
    const decision = decideDispatch(anInput({ config: aConfig({ maxConcurrentRuns: 1 }), ready, runs }));
    expect(dispatched(decision)).toEqual([]);
    expect(heldReasons(decision)).toEqual({ "acme/widgets#3": { kind: "cap-reached", cap: 1 } });
  });

  it("a healing issue listed twice is dispatched once", () => {
    const ready = [aReady({ number: 3 }), aReady({ number: 3 })];
    const decision = decideDispatch(anInput({ ready, runs: [aRun({ issue: 3, state: "dispatching" })] }));
    expect(decision.dispatch).toEqual([ready[0]]);
    expect(decision.held).toEqual([{ issue: ready[1], reason: { kind: "repo-busy", with: 3 } }]);
  });

  it("a healing re-dispatch still obeys the kill switch and trust", () => {
    const runs = [aRun({ issue: 42, state: "dispatching" })];
    expect(decideDispatch(anInput({ config: aConfig({ killSwitch: true }), runs })).dispatch).toEqual([]);
    const untrusted = [aReady({}, { trust: { trusted: false, why: "role read", standing: "read" } })];
    expect(decideDispatch(anInput({ ready: untrusted, runs })).dispatch).toEqual([]);
  });
});

describe("decideDispatch: the global cap", () => {
  it.each<[string, number, RunInFlight["state"][], number]>([
    ["active runs count", 3, ["active", "active"], 1],
    ["dispatching runs count", 3, ["dispatching", "active"], 1],
    [
      "escalated runs keep their slot (a human's answer carries on at once, within the cap)",
      3,
      ["escalated", "escalated"],
      1,
    ],
    ["a full cap dispatches nothing", 2, ["active", "dispatching", "escalated"], 0],
    ["an over-full cap dispatches nothing", 1, ["active", "active"], 0],
    ["no runs: up to the cap", 2, [], 2],
  ])("%s", (_name, cap, states, expected) => {
    const runs = states.map((state, i) => aRun({ repo: `busy/repo${i}`, issue: i, state }));
    const ready = ["acme/widgets", "acme/gadgets", "acme/gizmos"].map((repo, i) => aReady({ repo, number: 100 + i }));
    const decision = decideDispatch(anInput({ config: aConfig({ maxConcurrentRuns: cap }), ready, runs }));
    expect(decision.dispatch).toHaveLength(expected);
    expect(decision.held.map((h) => h.reason)).toEqual(
      Array.from({ length: 3 - expected }, () => ({ kind: "cap-reached", cap })),
    );
  });

  // Found by the model-based test (test/chaos/model.test.ts): afk restarted while GitHub
  // failed its installation lookups, so one repo's active run was not in its index yet,
  // and two other repos both dispatched: three runs under a cap of two.
  it("an enrolled repo whose runs afk has not read yet counts as holding one slot", () => {
    const ready = [aReady({ repo: "acme/gadgets", number: 2 }), aReady({ repo: "acme/gizmos", number: 3 })];
    const runs = [aRun({ repo: "acme/gadgets", issue: 9, state: "active" })];
    const decision = decideDispatch(
      anInput({ config: aConfig({ maxConcurrentRuns: 2 }), ready, runs, unread: ["acme/widgets"] }),
    );
    expect(dispatched(decision)).toEqual([]);
    expect(heldReasons(decision)).toEqual({
      "acme/gadgets#2": { kind: "repo-busy", with: 9 },
      "acme/gizmos#3": { kind: "cap-reached", cap: 2 },
    });
  });

  it("an unread repo whose run is known otherwise (a busy T3 thread names it) is not counted twice", () => {
    const ready = [aReady({ repo: "acme/gizmos", number: 3 })];
    const runs = [aRun({ repo: "Acme/Widgets", issue: 9, state: "active" })];
    const decision = decideDispatch(
      anInput({ config: aConfig({ maxConcurrentRuns: 2 }), ready, runs, unread: ["acme/widgets"] }),
    );
    expect(dispatched(decision)).toEqual(["acme/gizmos#3"]);
  });

  it("the cap takes the best issues and holds the rest", () => {
    const ready = [
      aReady({ repo: "acme/widgets", number: 1, createdAt: T0 }),
      aReady({ repo: "acme/gadgets", number: 2, createdAt: T0 - 2 * HOUR_MS }),
      aReady({ repo: "acme/gizmos", number: 3, createdAt: T0 - HOUR_MS }),
    ];
    const decision = decideDispatch(anInput({ config: aConfig({ maxConcurrentRuns: 2 }), ready }));
    expect(dispatched(decision)).toEqual(["acme/gadgets#2", "acme/gizmos#3"]);
    expect(heldReasons(decision)).toEqual({ "acme/widgets#1": { kind: "cap-reached", cap: 2 } });
  });

  it("the cap is checked before one-per-repo", () => {
    const ready = [aReady({ number: 1, createdAt: T0 - HOUR_MS }), aReady({ number: 2, createdAt: T0 })];
    const decision = decideDispatch(anInput({ config: aConfig({ maxConcurrentRuns: 1 }), ready }));
    expect(heldReasons(decision)).toEqual({ "acme/widgets#2": { kind: "cap-reached", cap: 1 } });
  });

  it("an issue listed twice is dispatched once; the copy waits for it", () => {
    const ready = [aReady({ number: 5 }), aReady({ number: 5 })];
    const decision = decideDispatch(anInput({ ready }));
    expect(decision.dispatch).toEqual([ready[0]]);
    expect(decision.held).toEqual([{ issue: ready[1], reason: { kind: "repo-busy", with: 5 } }]);
  });

  it("no ready issue: nothing to do", () => {
    expect(decideDispatch(anInput({ ready: [] }))).toEqual({ dispatch: [], held: [] });
  });
});

const UNTRUSTED: HoldReason = {
  kind: "labeler-untrusted",
  labeler: "mallory",
  why: "role read",
  standing: "read",
  silent: false,
  obeys: ["admin", "maintain", "write"],
};

describe("toQueuedReason", () => {
  it.each<[HoldReason, QueuedReason | null]>([
    [
      { kind: "blocked", by: [{ repo: "acme/widgets", number: 1 }], unreadable: [], notRead: 0 },
      { kind: "blocked", by: [{ repo: "acme/widgets", number: 1 }], unreadable: [], notRead: 0 },
    ],
    [
      { kind: "repo-busy", with: 3 },
      { kind: "repo-busy", with: 3 },
    ],
    [
      { kind: "cap-reached", cap: 2 },
      { kind: "cap-reached", cap: 2 },
    ],
    [{ kind: "kill-switch-on" }, null],
    [{ kind: "repo-not-allowlisted", repo: "evil/repo" }, null],
    [{ kind: "not-ready" }, null],
    [UNTRUSTED, UNTRUSTED],
    [{ ...UNTRUSTED, silent: true }, null],
    [
      { kind: "label-stale", endedAt: T0 },
      { kind: "label-stale", endedAt: T0 },
    ],
    [
      { kind: "edited-after-approval", approvedBy: "maya", approvedAt: T0 },
      { kind: "edited-after-approval", approvedBy: "maya", approvedAt: T0 },
    ],
    [
      { kind: "repo-config-invalid", problems: "budgets: not a mapping" },
      { kind: "repo-config-invalid", problems: "budgets: not a mapping" },
    ],
  ])("a reason that concerns the issue is told on it, a silent one is not: %j", (reason, expected) => {
    expect(toQueuedReason(reason)).toEqual(expected);
  });

  it("an unknown reason is rejected loudly", () => {
    expect(() => toQueuedReason({ kind: "bogus" } as unknown as HoldReason)).toThrow(/unhandled variant/);
  });
});
