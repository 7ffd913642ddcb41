// What afk does with a nudge from GitHub (core/ingress/to-nudge.ts made it from the
// webhook): reconcile the repo, look at a run whose issue a person changed, observe the
// runs a CI fact is about, keep the installation index. Each reads fresh state and asks
// the core: a payload only says where to look.

import { assertNever } from "../core/common/assert-never.js";
import { toTaskFingerprint } from "../core/dispatch/decide-approval.js";
import { toRefKey } from "../core/dispatch/to-blockers.js";
import type { Nudge } from "../core/ingress/nudge.js";
import type { AfkService } from "./afk-service.js";
import { checkRun } from "./check-runs.js";
import { loadRun } from "./load-run.js";
import { observe } from "./observe-runs.js";
import { reconcile } from "./reconcile-repo.js";
import { orThrow, StepError } from "./step-error.js";

/** Handles one nudge; throws when a step failed (the delivery is then answered 500 and redeliverable). */
export async function handleNudge(afk: AfkService, nudge: Nudge): Promise<void> {
  switch (nudge.kind) {
    case "ready-labeled":
      afk.rememberInstallation(nudge.repo, nudge.installationId);
      return reconcile(afk, nudge.repo, nudge.installationId, {
        issue: nudge.issue,
        labeler: nudge.sender,
        at: nudge.at,
        task: nudge.task === null ? null : toTaskFingerprint(nudge.task),
        comments: nudge.comments,
        blockedBy: nudge.blockedBy,
      });
    case "issue-edited":
      return onIssueEdited(afk, nudge);
    case "stopped":
    case "human-label-removed":
      return onIssueChanged(afk, nudge.repo, nudge.installationId, nudge.issue, nudge.kind === "stopped");
    case "ci":
      afk.rememberInstallation(nudge.repo, nudge.installationId);
      if (afk.activeRuns(nudge.repo).length === 0) return;
      await observe(afk, nudge.repo, nudge.installationId, {
        pipeline: nudge.pipeline,
        sha: nudge.push ? null : nudge.sha,
        payload: {
          fact: nudge.fact,
          push: nudge.commits === null ? null : { branch: nudge.branch, commits: nudge.commits },
        },
      });
      return;
    case "installation":
      for (const repo of nudge.added) afk.rememberInstallation(repo, nudge.installationId);
      for (const repo of nudge.removed) afk.forgetInstallation(repo);
      return;
    // app.ts learns afk's identity and maps the delivery again before it gets here.
    case "needs-identity":
    case "ignore":
      return;
    default:
      return assertNever(nudge);
  }
}

/**
 * A ready issue's title or body changed: a queued approval is checked against the new
 * text now (a trusted editor's copy is pinned again; anyone else's edit is refused and
 * said). An issue whose run is under way or ended has no approval left to change.
 */
async function onIssueEdited(afk: AfkService, nudge: Extract<Nudge, { kind: "issue-edited" }>): Promise<void> {
  afk.rememberInstallation(nudge.repo, nudge.installationId);
  const known = afk.index.get(nudge.repo, nudge.issue);
  if (known?.record !== null && known?.record !== undefined && known.record.phase !== "queued") return;
  await reconcile(afk, nudge.repo, nudge.installationId, {
    issue: nudge.issue,
    editor: nudge.sender,
    at: nudge.at,
    task: nudge.task === null ? null : toTaskFingerprint(nudge.task),
  });
}

/** A person changed the issue (label off, closed): look at its run afresh, then reconcile the repo. */
async function onIssueChanged(
  afk: AfkService,
  repo: string,
  installationId: number,
  issue: number,
  stopped: boolean,
): Promise<void> {
  afk.rememberInstallation(repo, installationId);
  await afk.queue.run(repo, async () => {
    const issues = await afk.deps.issues(installationId);
    let known = afk.index.get(repo, issue);
    if (known === undefined) {
      const loaded = orThrow(await loadRun(issues, repo, issue, afk.deps.appId), "reading the progress comment");
      if (loaded.kind !== "found") return;
      afk.index.load(repo, issue, { record: loaded.record, commentId: loaded.commentId, notices: loaded.notices });
      known = afk.index.get(repo, issue);
    }
    const record = known?.record ?? null;
    if (record === null) return;
    const checked = await checkRun(afk, issues, record, null, null);
    if (!checked.ok) throw new StepError(`looking at ${repo}#${issue} failed; the next delivery or sweep retries`);
  });
  await reconcile(afk, repo, installationId, null);
  if (stopped) await reconcileWatchers(afk, repo, issue);
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
