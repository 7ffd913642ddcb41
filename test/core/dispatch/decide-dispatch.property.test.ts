import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { decideDispatch } from "../../../src/core/dispatch/decide-dispatch.js";
import type {
  DispatchConfig,
  DispatchDecision,
  DispatchInput,
  ReadyIssue,
  RunInFlight,
} from "../../../src/core/dispatch/dispatch-types.js";
import { parsePriority } from "../../../src/core/dispatch/parse-priority.js";
import type { Blocker, Issue } from "../../../src/core/common/github-types.js";
import { T0, anOperatorConfig } from "../builders.js";

const NUM_RUNS = 400;
const READY = "ready-for-agent";
const PREFIX = "priority:";
/** Case variants of the same repos, as GitHub payloads and operators may spell them. */
const REPOS = ["acme/a", "Acme/A", "acme/b", "acme/c", "ACME/C", "other/d", "other/e"];
const OTHER_LABELS = [`${PREFIX}0`, `${PREFIX}1`, `${PREFIX}3`, "Priority: 2", `${PREFIX}high`, "bug"];

const key = (repo: string): string => repo.toLowerCase();
const issueKey = (issue: Pick<Issue, "repo" | "number">): string => `${key(issue.repo)}#${issue.number}`;

// Few numbers, so that runs, blockers and ready issues often name the same issue.
const arbNumber = fc.integer({ min: 1, max: 4 });

const arbBlocker: fc.Arbitrary<Blocker> = fc.record({
  repo: fc.constantFrom(...REPOS),
  number: arbNumber,
  state: fc.constantFrom("open" as const, "unknown" as const, ...Array.from({ length: 6 }, () => "closed" as const)),
});

const arbReady: fc.Arbitrary<ReadyIssue> = fc
  .record({
    repo: fc.constantFrom(...REPOS),
    number: arbNumber,
    closed: fc.constantFrom(false, false, false, false, false, true),
    ready: fc.constantFrom(READY, READY, READY, READY, "Ready-For-Agent", null),
    labels: fc.subarray(OTHER_LABELS, { maxLength: 3 }),
    age: fc.integer({ min: 0, max: 3 }),
    trusted: fc.constantFrom(true, true, true, true, true, false),
    labeler: fc.option(fc.constantFrom("alice", "mallory")),
    blockers: fc.array(arbBlocker, { maxLength: 2, size: "xsmall" }),
  })
  .map((g) => ({
    issue: {
      repo: g.repo,
      number: g.number,
      title: "t",
      body: null,
      state: g.closed ? "closed" : "open",
      labels: g.ready === null ? g.labels : [...g.labels, g.ready],
      createdAt: T0 - g.age * 1_000,
      author: "octocat",
    },
    labeler: g.labeler === null ? null : { login: g.labeler, id: 1, type: "User" },
    labeledAt: null,
    blockersNotRead: 0,
    trust: g.trusted
      ? { trusted: true, why: "role write", standing: "write" }
      : { trusted: false, why: "role read", standing: "read" },
    approval: null,
    refusal: null,
    blockers: g.blockers,
  }));

const arbState = fc.constantFrom("active" as const, "escalated" as const, "dispatching" as const);

const arbRun: fc.Arbitrary<RunInFlight> = fc.record({
  repo: fc.constantFrom(...REPOS),
  issue: arbNumber,
  state: arbState,
});

const arbConfig: fc.Arbitrary<DispatchConfig> = fc.record({
  killSwitch: fc.constantFrom(...Array.from({ length: 11 }, () => false), true),
  allowlist: fc.oneof(
    { arbitrary: fc.constant([]), weight: 1 },
    { arbitrary: fc.subarray(["acme/a", "ACME/b", "acme/c", "other/d"], { minLength: 3 }), weight: 14 },
  ),
  maxConcurrentRuns: fc.oneof(
    { arbitrary: fc.constant(0), weight: 1 },
    { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 9 },
  ),
  defaultPriority: fc.integer({ min: 0, max: 4 }),
  labels: fc.constant(anOperatorConfig().labels),
  trustedRoles: fc.constant(anOperatorConfig().trustedRoles),
});

/** A run of one of the ready issues (a healing or a busy case), or of any issue. */
function arbRunAmong(ready: readonly ReadyIssue[]): fc.Arbitrary<RunInFlight> {
  const ofReady = fc
    .tuple(fc.constantFrom(...ready), arbState)
    .map(([r, state]) => ({ repo: r.issue.repo, issue: r.issue.number, state }));
  return fc.oneof(arbRun, ofReady);
}

// An issue is ready once per decision, and a repo holds at most one run: the world the
// policy keeps. Anything else is not an input it has to be safe from.
const arbInput: fc.Arbitrary<DispatchInput> = fc
  .tuple(
    arbConfig,
    fc.uniqueArray(arbReady, { minLength: 1, maxLength: 12, size: "medium", selector: (r) => issueKey(r.issue) }),
  )
  .chain(([config, ready]) =>
    fc
      .uniqueArray(arbRunAmong(ready), { maxLength: 3, selector: (run) => key(run.repo) })
      .map((runs) => ({ config, ready, runs })),
  );

function isHealing(ready: ReadyIssue, runs: readonly RunInFlight[]): boolean {
  return runs.some(
    (run) => run.state === "dispatching" && key(run.repo) === key(ready.issue.repo) && run.issue === ready.issue.number,
  );
}

function agentRuns(runs: readonly RunInFlight[]): number {
  return runs.length;
}

function newPicks(decision: DispatchDecision, runs: readonly RunInFlight[]): ReadyIssue[] {
  return decision.dispatch.filter((ready) => !isHealing(ready, runs));
}

function property(predicate: (input: DispatchInput, decision: DispatchDecision) => void): void {
  fc.assert(
    fc.property(arbInput, (input) => predicate(input, decideDispatch(input))),
    { numRuns: NUM_RUNS },
  );
}

describe("decideDispatch properties", () => {
  it("never two runs in one repo: existing runs plus new picks, a healing pick being its own run", () => {
    property((input, decision) => {
      const perRepo = new Map<string, number>();
      for (const run of input.runs) perRepo.set(key(run.repo), (perRepo.get(key(run.repo)) ?? 0) + 1);
      for (const ready of newPicks(decision, input.runs))
        perRepo.set(key(ready.issue.repo), (perRepo.get(key(ready.issue.repo)) ?? 0) + 1);
      for (const count of perRepo.values()) expect(count).toBeLessThanOrEqual(1);
      const dispatchedRepos = decision.dispatch.map((ready) => key(ready.issue.repo));
      expect(new Set(dispatchedRepos).size).toBe(dispatchedRepos.length);
    });
  });

  it("nothing is dispatched with the kill switch on or an empty allowlist, nor outside the allowlist", () => {
    property((input, decision) => {
      const allowlist = new Set(input.config.allowlist.map(key));
      if (input.config.killSwitch || allowlist.size === 0) expect(decision.dispatch).toEqual([]);
      for (const ready of decision.dispatch) expect(allowlist.has(key(ready.issue.repo))).toBe(true);
    });
  });

  it("only open, ready, trusted, unblocked issues are dispatched", () => {
    property((input, decision) => {
      for (const { issue, trust, blockers } of decision.dispatch) {
        expect(trust.trusted).toBe(true);
        expect(issue.state).toBe("open");
        expect(issue.labels.some((label) => label.toLowerCase() === READY)).toBe(true);
        const open = blockers.filter((b) => b.state !== "closed" && issueKey(b) !== issueKey(issue));
        expect(open).toEqual([]);
      }
    });
  });

  it("healing picks come first; the others follow priority, then age, then number", () => {
    property((input, decision) => {
      const healing = decision.dispatch.map((ready) => isHealing(ready, input.runs));
      expect(healing).toEqual([...healing].sort((a, b) => Number(b) - Number(a)));
      const ranks = newPicks(decision, input.runs).map(({ issue }) => [
        parsePriority(issue.labels, PREFIX, input.config.defaultPriority),
        issue.createdAt,
        issue.number,
      ]);
      for (let i = 1; i < ranks.length; i += 1) {
        const [prev, next] = [ranks[i - 1] ?? [], ranks[i] ?? []];
        const order = prev.map((value, j) => value - (next[j] ?? 0)).find((d) => d !== 0) ?? 0;
        expect(order).toBeLessThanOrEqual(0);
      }
    });
  });

  it("the cap is never exceeded: agent runs plus new picks stay within it", () => {
    property((input, decision) => {
      const room = Math.max(0, input.config.maxConcurrentRuns - agentRuns(input.runs));
      expect(newPicks(decision, input.runs).length).toBeLessThanOrEqual(room);
    });
  });

  it("every ready issue is in exactly one of dispatch and held; held keeps input order", () => {
    property((input, decision) => {
      const seen = [...decision.dispatch, ...decision.held.map((h) => h.issue)];
      expect(seen).toHaveLength(input.ready.length);
      expect(new Set(seen).size).toBe(seen.length);
      for (const ready of input.ready) expect(seen).toContain(ready);
      const heldOrder = decision.held.map((h) => input.ready.indexOf(h.issue));
      expect(heldOrder).toEqual([...heldOrder].sort((a, b) => a - b));
    });
  });

  it("every hold reason is true of the input and the decision", () => {
    property((input, decision) => {
      const picks = newPicks(decision, input.runs).length;
      for (const { issue, reason } of decision.held) {
        const repo = key(issue.issue.repo);
        if (reason.kind === "cap-reached") expect(agentRuns(input.runs) + picks).toBeGreaterThanOrEqual(reason.cap);
        if (reason.kind === "repo-busy") {
          const inRepo = [
            ...input.runs.map((run) => ({ repo: run.repo, number: run.issue })),
            ...decision.dispatch.map((r) => r.issue),
          ];
          expect(inRepo.some((ref) => key(ref.repo) === repo && ref.number === reason.with)).toBe(true);
        }
        if (reason.kind === "blocked") expect(reason.by.length).toBeGreaterThan(0);
      }
    });
  });

  it("the policy is not idle: with room left and a free allowlisted repo, an eligible issue is not held for the cap", () => {
    property((input, decision) => {
      const room = input.config.maxConcurrentRuns - agentRuns(input.runs) - newPicks(decision, input.runs).length;
      if (room > 0) expect(decision.held.filter((h) => h.reason.kind === "cap-reached")).toEqual([]);
    });
  });

  it("the decision is deterministic and independent of the order of ready issues", () => {
    const arbCase = arbInput.chain((input) =>
      fc.shuffledSubarray([...input.ready], { minLength: input.ready.length }).map((shuffled) => ({ input, shuffled })),
    );
    fc.assert(
      fc.property(arbCase, ({ input, shuffled }) => {
        const decision = decideDispatch(input);
        expect(decideDispatch(input)).toEqual(decision);
        const reshuffled = decideDispatch({ ...input, ready: shuffled });
        expect(reshuffled.dispatch).toEqual(decision.dispatch);
        const reasons = (d: DispatchDecision): Map<string, unknown> =>
          new Map(d.held.map((h) => [issueKey(h.issue.issue), h.reason]));
        expect(reasons(reshuffled)).toEqual(reasons(decision));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
