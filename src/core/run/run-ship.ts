// A green stage moves the run to the next stage the repo configures, skipping the
// others (DESIGN section 2); after the last one the run ships.

import type { OperatorConfig } from "../config/config-types.js";
import { toInterrupted } from "./run-escalate.js";
import { renderShippedNotice, toNoticeMarker } from "../render/run-notices.js";
import { toPendingStage, toSha7, toShown, toUpsert, withPhase, withStage } from "./run-record.js";
import type { Effect, Transition } from "./effect.js";
import type { RunRecord, StageState } from "./run-types.js";

function toSkippedStage(now: number): StageState {
  return { ...toPendingStage(now), verdict: "skipped" };
}

/** `record` holds the green `after` stage (a green rollout ships directly). */
export function toNextStage(
  record: RunRecord,
  after: "ci" | "deploy",
  now: number,
  config: OperatorConfig,
): Transition {
  const { woodpeckerRepo, rollout } = record.repoConfig;
  const sha7 = toSha7(record.sha);
  if (after === "ci" && woodpeckerRepo !== null) {
    const deploying = withPhase(record, "deploying", `CI green for ${sha7}; deploying`, now);
    return toShown(withStage(deploying, "deploy", toPendingStage(now)));
  }
  const passed = after === "ci" ? withStage(record, "deploy", toSkippedStage(now)) : record;
  if (rollout !== null) {
    const rollingOut = withPhase(
      passed,
      "rolling-out",
      `${after === "ci" ? "CI" : "deploy"} green for ${sha7}; rolling out`,
      now,
    );
    return toShown(withStage(rollingOut, "rollout", toPendingStage(now)));
  }
  return transitionShipped(withStage(passed, "rollout", toSkippedStage(now)), now, config);
}

/**
 * The change is live: close the issue and free the repo. A turn still working is
 * stopped first, or freeing the repo would put a second agent into its checkout.
 */
export function transitionShipped(record: RunRecord, now: number, config: OperatorConfig): Transition {
  const stopped = toInterrupted(record);
  const shipped: RunRecord = {
    ...withPhase(stopped.record, "shipped", `shipped ${toSha7(record.sha)}`, now),
    endedAt: now,
  };
  const { labels } = config;
  const marker = toNoticeMarker("shipped", shipped, now);
  // The record first, then the notice and the close before the labels come off: dying
  // after any of these leaves an issue a restart finds by its labels and finishes.
  const effects: Effect[] = [
    toUpsert(shipped),
    ...stopped.effects,
    { kind: "PostNotice", marker, body: `${renderShippedNotice(shipped)}\n\n${marker}` },
    { kind: "CloseIssue", reason: "completed" },
    { kind: "RemoveLabels", labels: [labels.ready, labels.inProgress, labels.human] },
  ];
  if (shipped.doorbell !== null) effects.push({ kind: "UpdateDoorbell", record: shipped, note: "Shipped" });
  if (config.slack?.announceShipped === true) effects.push({ kind: "AnnounceShipped", record: shipped });
  effects.push({ kind: "ReconcileRepo", repo: shipped.repo, whenQueued: true });
  return { record: shipped, effects };
}
