// Start-up (DESIGN section 5): afk keeps no database, so it rebuilds what it knows from
// GitHub: each enrolled repo's installation, then the run index from the issues carrying
// afk's labels (a closed issue that still carries the lock label is a run afk died in the
// middle of finishing), and only then asks GitHub to redeliver the webhooks that failed
// while it was away, so that redelivered work sees every run.

import { HOUR_MS } from "../core/common/time.js";
import { isTerminal } from "../core/run/run-record.js";
import { describeError } from "../ports/result.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import type { AfkService } from "./afk-service.js";
import { checkAgentVersion } from "./agent-version.js";
import { errorFields } from "./log.js";
import { loadRun } from "./load-run.js";
import { reconcile } from "./reconcile-repo.js";

/** Failed webhook deliveries younger than this are redelivered at start (GitHub keeps 3 days). */
export const REDELIVER_WINDOW_MS = 6 * HOUR_MS;

export async function startUp(afk: AfkService): Promise<void> {
  await checkAgentVersion(afk);
  if (!afk.armed) return;
  const app = await afk.deps.app();
  for (const repo of afk.config.allowlist) {
    const found = await app.findInstallation(repo);
    if (!found.ok) {
      afk.log.warn(
        { repo, ...errorFields(found.error) },
        `cannot find afk's installation (${describeError(found.error)}); the sweep looks again`,
      );
      continue;
    }
    if (found.value === null) {
      afk.log.warn({ repo }, "afk is not installed on this enrolled repository; install the app there");
      continue;
    }
    afk.rememberInstallation(repo, found.value);
    await rebuild(afk, repo, await afk.deps.issues(found.value));
  }
  await redeliverFailed(afk);
  for (const [repo, installationId] of afk.installations) {
    await reconcile(afk, repo, installationId, null).catch((error: unknown) =>
      afk.log.error({ repo, err: error }, "reconcile at start failed; the sweep retries"),
    );
  }
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

/** The run index of one repo, from the issues that carry afk's in-progress or human label. */
async function rebuild(afk: AfkService, repo: string, issues: IssueTracker): Promise<void> {
  const { inProgress, human } = afk.config.labels;
  const lists = [
    { label: inProgress, list: () => issues.listOpenIssuesWithLabel(repo, inProgress), finishing: false },
    { label: human, list: () => issues.listOpenIssuesWithLabel(repo, human), finishing: false },
    // Closed, yet locked: afk died between closing a shipped issue and taking its labels off.
    { label: inProgress, list: () => issues.listClosedIssuesWithLabel(repo, inProgress), finishing: true },
  ];
  for (const { label, list, finishing } of lists) {
    const listed = await list();
    if (!listed.ok) {
      afk.log.warn(
        { repo, label, ...errorFields(listed.error) },
        `cannot list issues to rebuild the run index (${describeError(listed.error)}); the sweep retries`,
      );
      continue;
    }
    for (const issue of listed.value) {
      afk.titles.remember(repo, issue.number, issue.title);
      if (afk.index.get(repo, issue.number) !== undefined) continue;
      const loaded = await loadRun(issues, repo, issue.number, afk.deps.appId);
      if (!loaded.ok || loaded.value.kind !== "found") continue;
      const { record, commentId, notices } = loaded.value;
      // A closed issue is out of the open lists the sweep reads, and an ended run whose
      // issue still carries one of afk's labels may have stopped half-way through its ending
      // (afk died between writing a ship's record and closing the issue, or between a
      // retry's cancel and taking the human label off). Each is looked at once, afresh, and
      // finished from its record; what a person did to it since is theirs (people-after-end.ts).
      afk.index.load(repo, issue.number, { record, commentId, notices }, finishing || isTerminal(record.phase));
    }
  }
}
