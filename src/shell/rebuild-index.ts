// The run index of one repo, rebuilt from GitHub (DESIGN 1.3): the issues that carry afk's
// in-progress or human label, open or closed. Done at start for every repo
// whose installation afk found, and by the sweep for a repo it could not do then (its
// installation lookup or a listing failed): until then a run afk died in the middle of
// finishing (a closed issue still locked) is found by nothing else.

import { isTerminal } from "../core/run/run-record.js";
import { describeError } from "../ports/result.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import type { AfkService } from "./afk-service.js";
import { errorFields } from "./log.js";
import { loadRun } from "./load-run.js";
import { mapAtMost } from "./at-most.js";

/** Progress comments read at once while rebuilding a repo's index. */
export const READS_AT_ONCE = 4;

/** Loads the repo's runs into the index; marks the repo rebuilt when every read succeeded, else says what failed. */
export async function rebuildIndex(afk: AfkService, repo: string, issues: IssueTracker): Promise<string | null> {
  const { inProgress, human } = afk.config.labels;
  const lists = [
    { label: inProgress, list: () => issues.listOpenIssuesWithLabel(repo, inProgress), finishing: false },
    { label: human, list: () => issues.listOpenIssuesWithLabel(repo, human), finishing: false },
    // Closed, yet labelled: afk died between closing a shipped issue and taking its labels
    // off, or between cancelling an escalated run whose issue a person closed and taking
    // ready-for-human off. afk leaves neither label on a closed issue: the lists are short.
    { label: inProgress, list: () => issues.listClosedIssuesWithLabel(repo, inProgress), finishing: true },
    { label: human, list: () => issues.listClosedIssuesWithLabel(repo, human), finishing: true },
  ];
  let failed: string | null = null;
  for (const { label, list, finishing } of lists) {
    const listed = await list();
    if (!listed.ok) {
      afk.log.warn(
        { repo, label, ...errorFields(listed.error) },
        `cannot list issues to rebuild the run index (${describeError(listed.error)}); the sweep retries`,
      );
      failed ??= `listing issues labelled ${label}: ${describeError(listed.error)}`;
      continue;
    }
    for (const issue of listed.value) afk.titles.remember(repo, issue.number, issue.title);
    // The comments are read in parallel, a few at a time, and loaded in the list's order.
    const unknown = listed.value.filter((issue) => afk.index.get(repo, issue.number) === undefined);
    const reads = await mapAtMost(unknown, READS_AT_ONCE, (issue) =>
      loadRun(issues, repo, issue.number, afk.deps.appId),
    );
    unknown.forEach((issue, at) => {
      const loaded = reads[at];
      if (loaded === undefined) return;
      if (!loaded.ok) failed ??= `reading the progress comment of #${issue.number}: ${describeError(loaded.error)}`;
      // Loaded meanwhile (the issue was in another list, or a delivery loaded it): that is fresher.
      if (!loaded.ok || loaded.value.kind !== "found" || afk.index.get(repo, issue.number) !== undefined) return;
      const { record, commentId, notices } = loaded.value;
      // A closed issue is out of the open lists the sweep reads, and an ended run whose
      // issue still carries one of afk's labels may have stopped half-way through its ending
      // (afk died between writing a ship's record and closing the issue, or between a
      // retry's cancel and taking the human label off). Each is looked at once, afresh, and
      // finished from its record; what a person did to it since is theirs (people-after-end.ts).
      afk.index.load(repo, issue.number, { record, commentId, notices }, finishing || isTerminal(record.phase));
    });
  }
  if (failed === null) afk.indexedRepos.add(repo.toLowerCase());
  return failed;
}
