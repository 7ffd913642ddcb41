// What afk does with a nudge from GitHub (core/ingress/to-nudge.ts made it from the
// webhook): reconcile the repo, cancel a run a person stopped, observe the runs a CI fact
// is about, keep the installation index. Each reads fresh state and asks the core.

import { assertNever } from "../core/common/assert-never.js";
import { toRefKey } from "../core/dispatch/to-blockers.js";
import type { Nudge, PipelineHint } from "../core/ingress/nudge.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import { describeError } from "../ports/result.js";
import { advanceRun } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import { loadRun } from "./load-run.js";
import { observe } from "./observe-runs.js";
import { reconcile } from "./reconcile-repo.js";
import { toRunDeps } from "./run-deps.js";
import { StepError } from "./step-error.js";

/** Handles one nudge; throws when a step failed (the delivery is then answered 500 and redeliverable). */
export async function handleNudge(afk: AfkService, nudge: Nudge): Promise<void> {
  switch (nudge.kind) {
    case "ready-labeled":
      afk.rememberInstallation(nudge.repo, nudge.installationId);
      return reconcile(afk, nudge.repo, nudge.installationId, { issue: nudge.issue, labeler: nudge.sender });
    case "stopped":
      return onStopped(afk, nudge);
    case "ci":
      return onCiNudge(afk, nudge.repo, nudge.installationId, nudge.pipeline);
    case "installation":
      for (const repo of nudge.added) afk.rememberInstallation(repo, nudge.installationId);
      for (const repo of nudge.removed) afk.forgetInstallation(repo);
      return;
    // app.ts learns afk's identity and maps the delivery again before it gets here.
    case "needs-identity":
    case "human-label-removed":
    case "issue-edited":
    case "ignore":
      return;
    default:
      return assertNever(nudge);
  }
}

/** The ready label was removed, or the issue closed: cancel its run, then reconcile. */
async function onStopped(afk: AfkService, nudge: Extract<Nudge, { kind: "stopped" }>): Promise<void> {
  const { repo, installationId, issue } = nudge;
  afk.rememberInstallation(repo, installationId);
  await afk.queue.run(repo, async () => {
    await cancel(afk, await afk.deps.issues(installationId), repo, issue, nudge.sender.login, nudge.why);
  });
  await reconcile(afk, repo, installationId, null);
  if (nudge.why === "issue-closed") await reconcileWatchers(afk, repo, issue);
}

async function cancel(
  afk: AfkService,
  issues: IssueTracker,
  repo: string,
  issue: number,
  by: string,
  why: "label-removed" | "issue-closed",
): Promise<void> {
  if (!afk.isArmedFor(repo)) return;
  let known = afk.index.get(repo, issue);
  if (known === undefined) {
    const loaded = await loadRun(issues, repo, issue, afk.deps.appId);
    if (!loaded.ok) throw new StepError(`reading the progress comment: ${describeError(loaded.error)}`);
    if (loaded.value.kind !== "found") return;
    known = { record: loaded.value.record, commentId: loaded.value.commentId };
    afk.index.set(repo, issue, known);
  }
  if (known.record === null) return;
  const after = await advanceRun(known.record, { kind: "Cancelled", by, why }, toRunDeps(afk, issues, known.record));
  if (after === null) throw new StepError(`cancelling ${repo}#${issue} failed; the next delivery or sweep retries`);
}

/** A closed blocker frees issues in other repos that wait on it: reconcile those now. */
async function reconcileWatchers(afk: AfkService, repo: string, issue: number): Promise<void> {
  const watchers = afk.blockerWatch.get(toRefKey({ repo, number: issue }));
  if (watchers === undefined) return;
  for (const watcher of watchers) {
    const installationId = afk.installations.get(watcher);
    if (installationId !== undefined && watcher !== repo) await reconcile(afk, watcher, installationId, null);
  }
}

/** A CI, deploy or push fact for a repo: observe its runs in flight now. */
async function onCiNudge(
  afk: AfkService,
  repo: string,
  installationId: number,
  pipeline: PipelineHint | null,
): Promise<void> {
  afk.rememberInstallation(repo, installationId);
  if (!afk.isArmedFor(repo) || afk.activeRuns(repo).length === 0) return;
  await observe(afk, repo, installationId, null, pipeline);
}
