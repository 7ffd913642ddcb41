// Whose doorbell a reply or a button press is about: the run index, else the thread
// parent's metadata (after a restart, before the index knows the run; DESIGN section 8).
// Finding it reads only Slack: the run itself is loaded from GitHub once the core has
// decided afk acts on its repo (core/slack/decide-doorbell-gate.ts).

import { parseDoorbellMetadata } from "../core/slack/decide-slack.js";
import type { Doorbell } from "../ports/doorbell.js";
import { describeError } from "../ports/result.js";
import type { AfkService } from "./afk-service.js";
import { loadRun } from "./load-run.js";
import { errorFields } from "./log.js";

export interface FoundDoorbell {
  readonly kind: "doorbell";
  readonly repo: string;
  readonly issue: number;
  readonly installationId: number;
  /** Known to the run index; otherwise named only by the doorbell's metadata. */
  readonly indexed: boolean;
  /** The attempt the metadata names; null when the index matched the doorbell to its run. */
  readonly attempt: number | null;
}

export type DoorbellLookup = FoundDoorbell | { readonly kind: "not-a-doorbell" } | { readonly kind: "unreadable" };

export async function findDoorbell(
  afk: AfkService,
  doorbell: Doorbell,
  channel: string,
  ts: string,
): Promise<DoorbellLookup> {
  const known = afk.index.records().find((record) => record.doorbell?.channel === channel && record.doorbell.ts === ts);
  if (known !== undefined)
    return {
      kind: "doorbell",
      repo: known.repo,
      issue: known.issue,
      installationId: known.installationId,
      indexed: true,
      attempt: null,
    };
  if (afk.nonDoorbellThreads.has(channel, ts)) return { kind: "not-a-doorbell" };
  const parent = await doorbell.readThreadParent({ channel, threadTs: ts });
  if (!parent.ok) {
    afk.log.warn(
      { channel, ts, ...errorFields(parent.error) },
      `cannot read the thread's parent (${describeError(parent.error)}); nothing done, the next message reads it again`,
    );
    return { kind: "unreadable" };
  }
  const ref = parseDoorbellMetadata(parent.value);
  if (ref === null) {
    afk.nonDoorbellThreads.remember(channel, ts);
    return { kind: "not-a-doorbell" };
  }
  const { repo, issue, installationId, attempt } = ref;
  return { kind: "doorbell", repo, issue, installationId, indexed: false, attempt };
}

/** Puts a run found through its doorbell's metadata into the index; false when GitHub holds no such run. */
export async function loadDoorbellRun(afk: AfkService, found: FoundDoorbell): Promise<boolean> {
  if (found.indexed) return true;
  const { repo, issue, installationId } = found;
  const loaded = await loadRun(await afk.deps.issues(installationId), repo, issue, afk.deps.appId);
  if (!loaded.ok) {
    afk.log.warn(
      { repo, issue, ...errorFields(loaded.error) },
      `cannot read the run the doorbell names (${describeError(loaded.error)}); nothing done`,
    );
    return false;
  }
  if (loaded.value.kind !== "found") return false;
  const { record, commentId, notices } = loaded.value;
  afk.index.load(repo, issue, { record, commentId, notices });
  afk.rememberInstallation(repo, installationId);
  return true;
}
