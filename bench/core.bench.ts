// Benchmarks of the pure core's hot paths: what one reconcile or one observed event
// costs in CPU. Run: npx vitest bench --run bench/core.bench.ts (results: bench/RESULTS.md).
// Never timed in tests: numbers here are measurements, not assertions.

import { bench, describe } from "vitest";
import { decideDispatch } from "../src/core/dispatch/decide-dispatch.js";
import type { ReadyIssue, RunInFlight } from "../src/core/dispatch/dispatch-types.js";
import { foldCi } from "../src/core/observe/fold-ci.js";
import type { CheckRunFact, WorkflowRunFact } from "../src/core/observe/observe-types.js";
import { decodeRecord, encodeRecord } from "../src/core/run/record-codec.js";
import { renderProgressComment } from "../src/core/render/render-progress.js";
import { transition } from "../src/core/run/transition.js";
import { aRecord, anIssue, anOperatorConfig, T0 } from "../test/core/builders.js";
import { aLargestRecord } from "../test/core/largest-record.js";

const config = anOperatorConfig({
  allowlist: Array.from({ length: 50 }, (_, i) => `acme/repo-${i}`),
  maxConcurrentRuns: 20,
});
const trusted = { trusted: true as const, why: "write", standing: "write" as const };

function readyIssues(count: number): ReadyIssue[] {
  return Array.from({ length: count }, (_, i) => ({
    issue: anIssue({
      repo: `acme/repo-${i % 50}`,
      number: i + 1,
      labels: ["ready-for-agent", `priority:${i % 5}`],
      createdAt: T0 + i,
    }),
    labeler: { login: "maintainer", id: 1, type: "User" as const },
    labeledAt: null,
    blockersNotRead: 0,
    trust: trusted,
    approval: null,
    refusal: null,
    blockers: i % 7 === 0 ? [{ repo: `acme/repo-${i % 50}`, number: 99_999, state: "open" as const }] : [],
  }));
}

const runs: RunInFlight[] = Array.from({ length: 10 }, (_, i) => ({
  repo: `acme/repo-${i}`,
  issue: 100_000 + i,
  state: "active",
}));
const ready100 = readyIssues(100);
const ready1000 = readyIssues(1_000);

describe("dispatch policy", () => {
  bench("decideDispatch: 100 ready issues over 50 repos", () => {
    decideDispatch({ config, ready: ready100, runs });
  });
  bench("decideDispatch: 1000 ready issues over 50 repos", () => {
    decideDispatch({ config, ready: ready1000, runs });
  });
});

const sha = "3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d";
const inCi = aRecord({
  phase: "ci",
  sha,
  pushedAt: T0,
  turn: { number: 1, kind: "opening", state: "ended", startedAt: T0, sha: null, relayText: null },
});
const ctx = { config: anOperatorConfig() };

describe("run machine", () => {
  bench("transition: CI pending observed (no change)", () => {
    transition(
      inCi,
      { kind: "CiObserved", sha, verdict: "pending", seenAny: true, url: null, failures: [] },
      T0 + 1_000,
      ctx,
    );
  });
  bench("transition: CI red → fix-forward turn", () => {
    const failures = [
      { name: "test", conclusion: "failure", summary: "1 failed", url: null, logTail: "FAIL x.test.ts\n".repeat(100) },
    ];
    transition(inCi, { kind: "CiObserved", sha, verdict: "red", seenAny: true, url: null, failures }, T0 + 1_000, ctx);
  });
});

const typical = aRecord({ phase: "ci", sha, pushedAt: T0 });
const largest = aLargestRecord();
const typicalBody = `progress\n${encodeRecord(typical)}`;
const largestBody = `progress\n${encodeRecord(largest)}`;
const render = { config: anOperatorConfig(), githubUrl: "https://github.com" };

describe("record codec and renderer", () => {
  bench("encodeRecord: typical record", () => {
    encodeRecord(typical);
  });
  bench("decodeRecord: typical record", () => {
    decodeRecord(typicalBody);
  });
  bench("encodeRecord: largest record (sheds to fit)", () => {
    encodeRecord(largest);
  });
  bench("decodeRecord: largest record", () => {
    decodeRecord(largestBody);
  });
  bench("renderProgressComment: typical record", () => {
    renderProgressComment(typical, T0 + 3_600_000, render);
  });
});

function checkRuns(count: number): CheckRunFact[] {
  return Array.from({ length: count }, (_, i) => ({
    id: i + 1,
    name: `job ${i}`,
    status: "completed",
    conclusion: i === count - 1 ? "failure" : "success",
    appId: 15368,
    appSlug: "github-actions",
    checkSuiteId: 1 + (i % 5),
    htmlUrl: `https://github.com/acme/widgets/actions/runs/1/job/${i}`,
    detailsUrl: null,
    title: null,
    summary: null,
  }));
}

const workflowRuns: WorkflowRunFact[] = Array.from({ length: 5 }, (_, i) => ({
  id: 100 + i,
  name: `workflow ${i}`,
  event: "push",
  headBranch: "main",
  headSha: sha,
  headRepoFullName: "acme/widgets",
  runAttempt: 1,
  status: "completed",
  conclusion: "success",
  checkSuiteId: 1 + i,
  htmlUrl: `https://github.com/acme/widgets/actions/runs/${100 + i}`,
}));
const runs200 = checkRuns(200);

describe("CI fold", () => {
  bench("foldCi: 200 check runs in 5 workflow runs", () => {
    foldCi({
      repo: "acme/widgets",
      defaultBranch: "main",
      sha,
      checkRuns: runs200,
      statuses: [],
      workflowRuns,
      required: [],
      ignored: [],
      ownAppId: 1,
    });
  });
});
