// What one sweep does (DESIGN 1.2): every enrolled repo is reconciled and its runs
// observed, re-derived from the systems of record; one failure never stops the rest.

import type { AfkService } from "./afk-service.js";
import { observe, readOverview } from "./observe-runs.js";
import { reconcile } from "./reconcile-repo.js";
import type { SweepOutcome } from "./sweep.js";

export async function sweepOnce(afk: AfkService): Promise<SweepOutcome> {
  const failures: string[] = [];
  let reposReconciled = 0;
  let runsObserved = 0;
  const overview = await readOverview(afk).catch((error: unknown) => {
    failures.push(`reading T3: ${(error as Error).message}`);
    return null;
  });
  for (const [repo, installationId] of afk.installations) {
    if (!afk.isArmedFor(repo)) continue;
    try {
      await reconcile(afk, repo, installationId, null);
      reposReconciled += 1;
      runsObserved += await observe(afk, repo, installationId, overview);
    } catch (error) {
      failures.push(`${repo}: ${(error as Error).message}`);
    }
  }
  for (const failure of failures)
    afk.log.warn({ failure }, "sweep: a repo could not be brought up to date; the next sweep retries");
  return { failures, reposReconciled, runsObserved };
}
