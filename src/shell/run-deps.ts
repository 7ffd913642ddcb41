// The dependencies the effects of one run need, bound to one installation's issue
// tracker and to a logger that names the run.

import type { IssueTracker } from "../ports/issue-tracker.js";
import type { AdvanceDeps } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import { ensureLabels } from "./labels.js";
import { runLog, type RunRef } from "./log.js";

export function toRunDeps(afk: AfkService, issues: IssueTracker, run: RunRef): AdvanceDeps {
  const { config, doorbell } = afk.deps;
  return {
    issues,
    agent: afk.deps.agent,
    doorbell: doorbell !== null && config.slack !== null ? { port: doorbell, channel: config.slack.channel } : null,
    config,
    render: afk.render,
    clock: afk.deps.clock,
    log: runLog(afk.log, run),
    index: afk.index,
    appId: afk.deps.appId,
    ensureLabels: (repo) => ensureLabels(issues, repo, config, afk.labelsEnsured),
    reconcileLater: (repo, whenQueued) => afk.requestReconcile(repo, whenQueued),
    notices: {
      has: (marker) => afk.index.get(run.repo, run.issue)?.notices.has(marker) ?? false,
      add: (marker) => afk.index.addNotice(run.repo, run.issue, marker),
      complete: () => afk.index.get(run.repo, run.issue)?.noticesComplete ?? false,
      doubt: () => afk.index.doubtNotices(run.repo, run.issue),
    },
  };
}
