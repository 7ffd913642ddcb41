import { describe, it, expect } from "vitest";
import { decideCiPayload, type CiPayloadInput } from "../../../src/core/observe/decide-ci-payload.js";
import type { CheckRunFact, WorkflowRunFact } from "../../../src/core/observe/observe-types.js";

const REPO = "acme/widgets";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const RUN_URL = "https://github.com/acme/widgets/actions/runs/100";

function aWorkflowRun(overrides: Partial<WorkflowRunFact> = {}): WorkflowRunFact {
  return {
    id: 100,
    name: "ci",
    event: "push",
    headBranch: "main",
    headSha: SHA,
    headRepoFullName: "acme/widgets",
    runAttempt: 1,
    status: "in_progress",
    conclusion: null,
    checkSuiteId: 500,
    htmlUrl: RUN_URL,
    ...overrides,
  };
}

function aCheckRun(overrides: Partial<CheckRunFact> = {}): CheckRunFact {
  return {
    id: 1,
    name: "build",
    status: "in_progress",
    conclusion: null,
    appId: 4242,
    appSlug: "circleci-checks",
    checkSuiteId: 900,
    htmlUrl: "https://circleci.com/1",
    detailsUrl: null,
    title: null,
    summary: null,
    ...overrides,
  };
}

function anInput(overrides: Partial<CiPayloadInput> = {}): CiPayloadInput {
  return {
    repo: REPO,
    defaultBranch: "main",
    sha: SHA,
    required: [],
    ignored: [],
    ownAppId: 777,
    before: null,
    fact: { kind: "workflow-run", run: aWorkflowRun() },
    ...overrides,
  };
}

describe("decideCiPayload", () => {
  it("a running push workflow of the followed sha says CI is running, with no read", () => {
    expect(decideCiPayload(anInput())).toEqual({ kind: "running", url: RUN_URL });
  });

  it("a running check run of another CI app says CI is running", () => {
    const input = anInput({ fact: { kind: "check-run", sha: SHA, check: aCheckRun() } });
    expect(decideCiPayload(input)).toEqual({ kind: "running", url: "https://circleci.com/1" });
  });

  it.each<[string, Partial<CiPayloadInput>]>([
    [
      "a finished workflow run (green needs every check)",
      { fact: { kind: "workflow-run", run: aWorkflowRun({ status: "completed", conclusion: "success" }) } },
    ],
    [
      "a failed workflow run",
      { fact: { kind: "workflow-run", run: aWorkflowRun({ status: "completed", conclusion: "failure" }) } },
    ],
    [
      "a finished check run",
      { fact: { kind: "check-run", sha: SHA, check: aCheckRun({ status: "completed", conclusion: "success" }) } },
    ],
    ["another sha", { fact: { kind: "workflow-run", run: aWorkflowRun({ headSha: "f".repeat(40) }) } }],
    ["a pull request run", { fact: { kind: "workflow-run", run: aWorkflowRun({ event: "pull_request" }) } }],
    ["a dynamic run (CodeQL)", { fact: { kind: "workflow-run", run: aWorkflowRun({ event: "dynamic" }) } }],
    ["a fork's run", { fact: { kind: "workflow-run", run: aWorkflowRun({ headRepoFullName: "mallory/widgets" }) } }],
    ["another branch", { fact: { kind: "workflow-run", run: aWorkflowRun({ headBranch: "topic" }) } }],
    ["ignored checks configured (the workflow's jobs may all be ignored)", { ignored: ["lint"] }],
    ["afk's own check run", { fact: { kind: "check-run", sha: SHA, check: aCheckRun({ appId: 777 }) } }],
    ["an ignored check run", { ignored: ["build"], fact: { kind: "check-run", sha: SHA, check: aCheckRun() } }],
    [
      "a GitHub Actions check run (only its workflow run, not in the delivery, says whether it counts: a dynamic or pull request run's does not)",
      { fact: { kind: "check-run", sha: SHA, check: aCheckRun({ appSlug: "github-actions", appId: 15368 }) } },
    ],
    ["a run whose CI was red (a re-run)", { before: { verdict: "red", seenAny: true } }],
  ])("%s is read from GitHub", (_, overrides) => {
    expect(decideCiPayload(anInput(overrides))).toEqual({ kind: "read" });
  });

  it("CI already seen running learns nothing from one more running check", () => {
    expect(decideCiPayload(anInput({ before: { verdict: "pending", seenAny: true } }))).toEqual({ kind: "known" });
  });

  it("a pending stage with nothing seen yet moves on", () => {
    const decision = decideCiPayload(anInput({ before: { verdict: "pending", seenAny: false } }));
    expect(decision.kind).toBe("running");
  });

  it("compares shas without regard to case", () => {
    const input = anInput({ fact: { kind: "workflow-run", run: aWorkflowRun({ headSha: SHA.toUpperCase() }) } });
    expect(decideCiPayload(input).kind).toBe("running");
  });
});
