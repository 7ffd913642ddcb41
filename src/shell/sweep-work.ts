// What one sweep does (DESIGN 1.2): every enrolled repo is reconciled and its runs
// observed, re-derived from the systems of record. One failure never stops the rest: a
// repo whose reconcile fails still has its runs observed, and a repo whose installation
// could not be found at start is looked up again (its reconcile rebuilds its run index).

import { describeError } from "../ports/result.js";
import type { AfkService } from "./afk-service.js";
import { checkAgentVersion } from "./agent-version.js";
import { errorFields } from "./log.js";
import { observe, readAgentFacts } from "./observe-runs.js";
import { pruneState } from "./prune.js";
import { reconcile } from "./reconcile-repo.js";
import type { SweepOutcome } from "./sweep.js";

/** afk's installation on an enrolled repo: known, or looked up now (null when not installed or unreadable). */
async function toInstallation(afk: AfkService, repo: string): Promise<number | null> {
  const known = afk.installations.get(repo);
  if (known !== undefined) return known;
  const found = await (await afk.deps.app()).findInstallation(repo);
  if (!found.ok) {
    afk.log.warn(
      { repo, ...errorFields(found.error) },
      `cannot find afk's installation (${describeError(found.error)}); the next sweep looks again`,
    );
    return null;
  }
  if (found.value === null) {
    afk.notInstalled.add(repo.toLowerCase());
    return null;
  }
  afk.rememberInstallation(repo, found.value);
  return found.value;
}

export async function sweepOnce(afk: AfkService): Promise<SweepOutcome> {
  const failures: string[] = [];
  let reposReconciled = 0;
  let runsObserved = 0;
  await checkAgentVersion(afk);
  const agent = await readAgentFacts(afk);
  if (agent !== null && "failure" in agent) failures.push(agent.failure);
  for (const repo of afk.config.allowlist) {
    if (!afk.isArmedFor(repo)) continue;
    const installationId = await toInstallation(afk, repo);
    if (installationId === null) continue;
    try {
      await reconcile(afk, repo, installationId, null, agent);
      reposReconciled += 1;
    } catch (error) {
      failures.push(`${repo}: ${(error as Error).message}`);
    }
    try {
      runsObserved += await observe(afk, repo, installationId, { agent, sweep: true });
    } catch (error) {
      failures.push(`${repo}: ${(error as Error).message}`);
    }
  }
  pruneState(afk, afk.deps.clock());
  for (const failure of failures)
    afk.log.warn({ failure }, "sweep: part of the world could not be brought up to date; the next sweep retries");
  return { failures, reposReconciled, runsObserved };
}
