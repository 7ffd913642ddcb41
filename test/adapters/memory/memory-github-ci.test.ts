import { describe, expect, it } from "vitest";
import { MemoryGitHub } from "../../../src/adapters/memory/memory-github.js";

const REPO = "acme/web";
const SHA = "a".repeat(40);

function aWorld(): MemoryGitHub {
  const github = new MemoryGitHub();
  github.addRepo(REPO, { installationId: 1 });
  return github;
}

function actions(github: MemoryGitHub): string[] {
  return github.pendingWebhooks.map((webhook) => `${webhook.name}.${String(webhook.payload.action ?? "")}`);
}

describe("MemoryGitHub CI", () => {
  it("runs a workflow as GitHub does: a run, a check run per job, webhooks for each step", async () => {
    const github = aWorld();
    const runId = github.ci.startWorkflowRun(REPO, { sha: SHA, jobs: ["build", "test"] });
    github.ci.completeWorkflowRun(runId, "failure", { test: { conclusion: "failure", log: "1\n2\nFAIL x\n" } });
    expect(actions(github)).toEqual([
      "workflow_run.requested",
      "check_run.created",
      "check_run.created",
      "workflow_run.in_progress",
      "check_run.completed",
      "check_run.completed",
      "workflow_run.completed",
    ]);
    const reader = github.ciReader(1);
    const runs = await reader.listWorkflowRuns(REPO, SHA);
    expect(runs.ok && runs.value).toEqual([
      expect.objectContaining({ id: runId, event: "push", headBranch: "main", runAttempt: 1, conclusion: "failure" }),
    ]);
    const checks = await reader.listCheckRuns(REPO, SHA);
    expect(checks.ok && checks.value.map((c) => [c.name, c.conclusion, c.appSlug])).toEqual([
      ["build", "failure", "github-actions"],
      ["test", "failure", "github-actions"],
    ]);
    const jobs = await reader.listJobs(REPO, runId, 1);
    const test = jobs.ok ? jobs.value.find((job) => job.name === "test") : undefined;
    expect(test?.conclusion).toBe("failure");
    expect(await reader.readJobLogTail(REPO, test?.id ?? 0)).toEqual({ ok: true, value: "1\n2\nFAIL x" });
  });

  it("puts a job's check run in its workflow run's check suite, as GitHub Actions does", async () => {
    const github = aWorld();
    const runId = github.ci.startWorkflowRun(REPO, { sha: SHA, jobs: ["build", "test"] });
    const reader = github.ciReader(1);
    const runs = await reader.listWorkflowRuns(REPO, SHA);
    const checks = await reader.listCheckRuns(REPO, SHA);
    const suite = runs.ok ? runs.value.find((run) => run.id === runId)?.checkSuiteId : undefined;
    expect(suite).toEqual(expect.any(Number));
    expect(checks.ok && checks.value.map((check) => check.checkSuiteId)).toEqual([suite, suite]);
  });

  it("keeps the run id on a re-run, raises the attempt, and shows only the latest check runs", async () => {
    const github = aWorld();
    const runId = github.ci.startWorkflowRun(REPO, { sha: SHA });
    github.ci.completeWorkflowRun(runId, "failure");
    expect(github.ci.rerunWorkflowRun(runId)).toBe(2);
    github.ci.completeWorkflowRun(runId, "success");
    const reader = github.ciReader(1);
    const checks = await reader.listCheckRuns(REPO, SHA);
    expect(checks.ok && checks.value.map((c) => c.conclusion)).toEqual(["success"]);
    const first = await reader.listJobs(REPO, runId, 1);
    expect(first.ok && first.value.map((job) => job.conclusion)).toEqual(["failure"]);
    const third = await reader.listJobs(REPO, runId, 3);
    expect(!third.ok && third.error.category).toBe("not-found");
  });

  it("answers the newest status per context, and sends a status webhook for each", async () => {
    const github = aWorld();
    github.ci.setStatus(REPO, SHA, { context: "ci/woodpecker/push/deploy", state: "pending" });
    github.ci.setStatus(REPO, SHA, { context: "ci/woodpecker/push/deploy", state: "success", targetUrl: "https://w" });
    expect(await github.ciReader(1).getCombinedStatus(REPO, SHA)).toEqual({
      ok: true,
      value: [{ context: "ci/woodpecker/push/deploy", state: "success", targetUrl: "https://w", description: null }],
    });
    expect(actions(github)).toEqual(["status.", "status."]);
  });

  it("lets anyone's app create a check of any name, apart from GitHub Actions' own", async () => {
    const github = aWorld();
    github.ci.addCheckRun(REPO, SHA, { name: "build", app: { id: 99, slug: "impostor" }, conclusion: "success" });
    github.ci.addCheckRun(REPO, SHA, { name: "build", conclusion: "failure" });
    const checks = await github.ciReader(1).listCheckRuns(REPO, SHA);
    expect(checks.ok && checks.value.map((c) => `${c.appSlug}:${c.conclusion}`)).toEqual([
      "impostor:success",
      "github-actions:failure",
    ]);
  });

  it("answers an expired job log as null", async () => {
    const github = aWorld();
    const runId = github.ci.startWorkflowRun(REPO, { sha: SHA });
    github.ci.completeWorkflowRun(runId, "failure", { build: { log: "boom" } });
    const job = github.ci.job(runId, "build");
    github.ci.expireJobLog(job.id);
    expect(await github.ciReader(1).readJobLogTail(REPO, job.id)).toEqual({ ok: true, value: null });
  });

  it("lists a dynamic run too: the fold, not the reader, filters on the event", async () => {
    const github = aWorld();
    github.ci.startWorkflowRun(REPO, { sha: SHA, event: "dynamic", name: "CodeQL" });
    const runs = await github.ciReader(1).listWorkflowRuns(REPO, SHA);
    expect(runs.ok && runs.value.map((run) => run.event)).toEqual(["dynamic"]);
  });
});
