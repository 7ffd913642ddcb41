// Start-up (DESIGN section 5): afk keeps no database, so it rebuilds what it knows from
// GitHub: each enrolled repo's installation, then the run index from the issues carrying
// afk's labels (a closed issue that still carries the lock label is a run afk died in the
// middle of finishing), and only then asks GitHub to redeliver the webhooks that failed
// while it was away, so that redelivered work sees every run.

import { HOUR_MS } from "../core/common/time.js";
import { describeError } from "../ports/result.js";
import type { AfkService } from "./afk-service.js";
import { checkAgentVersion } from "./agent-version.js";
import { errorFields } from "./log.js";
import { rebuildIndex } from "./rebuild-index.js";
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
      afk.notInstalled.add(repo.toLowerCase());
      afk.log.warn({ repo }, "afk is not installed on this enrolled repository; install the app there");
      continue;
    }
    afk.rememberInstallation(repo, found.value);
    await rebuildIndex(afk, repo, await afk.deps.issues(found.value));
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
