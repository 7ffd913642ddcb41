// Start-up (DESIGN section 5): afk keeps no database, so it rebuilds what it knows from
// GitHub: each enrolled repo's installation, then the run index from the issues carrying
// afk's labels (a closed issue that still carries the lock label is a run afk died in the
// middle of finishing), with afk's labels created in the repo where missing, and only then
// asks GitHub to redeliver the webhooks that failed while it was away, so that
// redelivered work sees every run. Last comes a sweep's work (reconcile each repo, observe
// its runs), so that every run is looked at within seconds of a restart. Repos and
// comments are read a few at a time (at-most.ts).

import { HOUR_MS } from "../core/common/time.js";
import { describeError } from "../ports/result.js";
import type { AfkService } from "./afk-service.js";
import { checkAgentVersion } from "./agent-version.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import { ensureLabels } from "./labels.js";
import { errorFields } from "./log.js";
import { mapAtMost } from "./at-most.js";
import { observe, readAgentFacts } from "./observe-runs.js";
import { rebuildIndex } from "./rebuild-index.js";
import { reconcile } from "./reconcile-repo.js";

/** Failed webhook deliveries younger than this are redelivered at start (GitHub keeps 3 days). */
export const REDELIVER_WINDOW_MS = 6 * HOUR_MS;

/** Enrolled repos started at once (their installation, their index, their first pass). */
export const REPOS_AT_ONCE = 4;

export async function startUp(afk: AfkService): Promise<void> {
  await checkAgentVersion(afk);
  if (!afk.armed) return;
  const app = await afk.deps.app();
  const found = await mapAtMost(afk.config.allowlist, REPOS_AT_ONCE, (repo) => app.findInstallation(repo));
  const installed: [string, number][] = [];
  afk.config.allowlist.forEach((repo, at) => {
    const installation = found[at];
    if (installation === undefined) return;
    if (!installation.ok) {
      afk.log.warn(
        { repo, ...errorFields(installation.error) },
        `cannot find afk's installation (${describeError(installation.error)}); the sweep looks again`,
      );
      return;
    }
    if (installation.value === null) {
      afk.notInstalled.add(repo.toLowerCase());
      afk.log.warn({ repo }, "afk is not installed on this enrolled repository; install the app there");
      return;
    }
    afk.rememberInstallation(repo, installation.value);
    installed.push([repo, installation.value]);
  });
  // afk's labels are not waited for: a missing label is a write, paced one a second with
  // every other write of the process, and a dispatch waits for its repo's labels itself.
  const labels: Promise<void>[] = [];
  await mapAtMost(installed, REPOS_AT_ONCE, async ([repo, installationId]) => {
    const issues = await afk.deps.issues(installationId);
    labels.push(makeLabels(afk, repo, issues));
    await rebuildIndex(afk, repo, issues);
  });
  await redeliverFailed(afk);
  await firstPass(afk);
  await Promise.all(labels);
}

/**
 * What a sweep does, right after the index is back rather than one interval later: each
 * repo reconciled, then its runs observed (what moved while afk was away is acted on at
 * once). The periodic sweep follows one interval after start-up.
 */
async function firstPass(afk: AfkService): Promise<void> {
  const repos = [...afk.installations];
  // T3's threads, read once for every repo (as a sweep does): the runs followed read their
  // agents there, and the reconcile stops afk's agents no run wants any more, among them
  // one whose run ended before the restart with nothing of afk's left on its issue.
  const agent = await readAgentFacts(afk);
  await mapAtMost(repos, REPOS_AT_ONCE, async ([repo, installationId]) => {
    await reconcile(afk, repo, installationId, null, agent).catch((error: unknown) =>
      afk.log.error({ repo, err: error }, "reconcile at start failed; the sweep retries"),
    );
    await observe(afk, repo, installationId, { agent, sweep: true }).catch((error: unknown) =>
      afk.log.error({ repo, err: error }, "observing the runs at start failed; the sweep retries"),
    );
  });
}

/**
 * afk's labels, made sure of in each enrolled repo at start (labels.ts): people find the
 * ready label in the repo's label list, and a run's first lock label does not wait for it.
 * A failure is said and left to the first dispatch there, which tries again.
 */
async function makeLabels(afk: AfkService, repo: string, issues: IssueTracker): Promise<void> {
  const made = await ensureLabels(issues, repo, afk.config, afk.labelsEnsured);
  if (!made.ok)
    afk.log.warn(
      { repo, ...errorFields(made.error) },
      `cannot make sure of afk's labels (${describeError(made.error)}); the first dispatch there tries again`,
    );
}

async function redeliverFailed(afk: AfkService): Promise<void> {
  const deliveries = await afk.deps.app();
  const failed = await deliveries.listFailedDeliveries(afk.deps.clock() - REDELIVER_WINDOW_MS);
  if (!failed.ok) {
    afk.log.warn(
      errorFields(failed.error),
      `cannot list failed webhook deliveries (${describeError(failed.error)}); the sweep covers what they carried`,
    );
    return;
  }
  for (const id of failed.value) {
    const redelivered = await deliveries.redeliver(id);
    if (!redelivered.ok)
      afk.log.warn(
        { delivery: id, ...errorFields(redelivered.error) },
        `cannot redeliver (${describeError(redelivered.error)}); the sweep covers what it carried`,
      );
  }
  if (failed.value.length > 0)
    afk.log.info({ count: failed.value.length }, "asked GitHub to redeliver failed webhook deliveries");
}
