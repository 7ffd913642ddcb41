// The reconciler's writes for one issue (DESIGN sections 3 and 5): dispatch it (T3, then
// the lock label, then the comment), tell it why it waits, or resume its escalated run
// when a trusted person applied the ready label again.

import { parse as parseYaml } from "yaml";
import type { Issue } from "../core/common/github-types.js";
import type { RepoConfig } from "../core/config/config-types.js";
import { readRepoConfigFile, type RepoConfigFile, type RepoConfigFileResult } from "../core/config/repo-config-file.js";
import { toTaskFingerprint } from "../core/dispatch/decide-approval.js";
import { toQueuedReason } from "../core/dispatch/decide-dispatch.js";
import type { HoldReason } from "../core/run/run-types.js";
import type { ReadyIssue, RepoOwner } from "../core/dispatch/dispatch-types.js";
import type { ProjectFact, ThreadFact } from "../core/observe/agent-threads.js";
import { toThreadId } from "../core/run/ids.js";
import type { Effect } from "../core/run/effect.js";
import type { RunEvent } from "../core/run/run-event.js";
import { transition } from "../core/run/transition.js";
import { newRun } from "../core/run/run-start.js";
import type { RunRecord } from "../core/run/run-types.js";
import type { IssueTracker, RepoFacts } from "../ports/issue-tracker.js";
import { advanceRun, applyTransition } from "./advance-run.js";
import { toRunKey, type AfkService } from "./afk-service.js";
import { readCommenters } from "./read-commenters.js";
import { readTrust, type IssueHint } from "./read-ready.js";
import { toRunDeps } from "./run-deps.js";
import { orThrow } from "./step-error.js";

export const AFK_CONFIG_PATH = ".github/afk.yml";

async function step(afk: AfkService, record: RunRecord, event: RunEvent, issues: IssueTracker): Promise<boolean> {
  return (await advanceRun(record, event, toRunDeps(afk, issues, record))).ok;
}

/**
 * The ready label applied again to an escalated issue: a trusted person resumes the same
 * thread. Only an application made after the escalation counts: a label left over from
 * before it (afk died before taking it off) is taken off now.
 */
export async function resumeFromGitHub(
  afk: AfkService,
  issue: Issue,
  record: RunRecord,
  owner: RepoOwner,
  issues: IssueTracker,
  hint: IssueHint | null,
): Promise<boolean> {
  const { labeler, labeledAt, trust } = await readTrust(afk, issue, null, owner, issues, hint);
  const deps = toRunDeps(afk, issues, record);
  if (labeledAt !== null && labeledAt < (record.escalation?.at ?? 0)) {
    const removed = await applyTransition(
      record,
      record,
      [{ kind: "RemoveLabels", labels: [afk.config.labels.ready] }],
      deps,
    );
    return removed.ok;
  }
  if (!trust.trusted || labeler === null) {
    deps.log.info(
      { why: trust.why },
      "ready label on an escalated issue, not from a trusted person: not resumed; the run keeps waiting for a human",
    );
    return true;
  }
  // The resumer approves the issue as it reads now; the agent learns whose new comments it may obey.
  const since = record.escalation?.at ?? 0;
  const commenters = await readCommenters(afk, issue, since, owner, issues);
  const approval = {
    by: labeler.login,
    role: trust.standing,
    via: "label",
    at: labeledAt ?? afk.deps.clock(),
    fingerprint: toTaskFingerprint(issue),
  } as const;
  return step(
    afk,
    record,
    { kind: "HumanResumed", by: labeler.login, via: "github", text: null, approval, commenters },
    issues,
  );
}

/** The queued record of the issue, or a new run of `attempt`. */
function toRunFor(
  afk: AfkService,
  issue: Issue,
  labeler: string | null,
  installationId: number,
  attempt: number,
): RunRecord {
  const existing = afk.index.get(issue.repo, issue.number)?.record ?? null;
  if (existing !== null && existing.phase === "queued") return existing;
  const { repo, number } = issue;
  return newRun({ repo, issue: number, installationId, attempt, labeler, now: afk.deps.clock(), config: afk.config });
}

/** False when telling the reason failed (logged by the effect runner). */
export async function tellHeld(
  afk: AfkService,
  ready: ReadyIssue,
  reason: HoldReason,
  installationId: number,
  issues: IssueTracker,
): Promise<boolean> {
  const queued = toQueuedReason(reason);
  if (queued === null) {
    const why = "why" in reason ? { why: reason.why } : {};
    afk.log.info(
      { repo: ready.issue.repo, issue: ready.issue.number, reason: reason.kind, ...why },
      "ready issue not dispatched",
    );
    return true;
  }
  const existing = afk.index.get(ready.issue.repo, ready.issue.number)?.record ?? null;
  const attempt = existing === null ? 1 : existing.phase === "queued" ? existing.attempt : existing.attempt + 1;
  const record = toRunFor(afk, ready.issue, ready.labeler?.login ?? null, installationId, attempt);
  return step(afk, record, { kind: "Held", reason: queued, approval: ready.approval }, issues);
}

/** The repo's `.github/afk.yml` from the default branch, or why it cannot be used. */
export async function readRepoConfig(
  afk: AfkService,
  repo: string,
  facts: RepoFacts,
  issues: IssueTracker,
): Promise<RepoConfigFileResult> {
  const raw = orThrow(await issues.readFile(repo, AFK_CONFIG_PATH, facts.defaultBranch), `reading ${AFK_CONFIG_PATH}`);
  return readRepoConfigFile(toRepoConfigFile(raw), afk.config);
}

function toRepoConfigFile(raw: string | null): RepoConfigFile {
  if (raw === null) return { kind: "absent" };
  try {
    return { kind: "parsed", value: parseYaml(raw) };
  } catch (error) {
    return { kind: "not-yaml", message: (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "" };
  }
}

export interface DispatchContext {
  readonly installationId: number;
  readonly attempt: number;
  /** T3's threads: a thread this attempt already has (afk died mid-dispatch) keeps its start time. */
  readonly threads: readonly ThreadFact[];
  /** `.github/afk.yml` as read for this reconcile: pinned into the run. */
  readonly repoConfig: RepoConfig;
  /** T3's projects, from the same read as `threads`: the thread goes into the repo's (null: read them afresh). */
  readonly projects: readonly ProjectFact[] | null;
}

/**
 * False when an effect of the dispatch failed. `onAgentStarted` is called once T3 has the
 * thread and its opening turn: from then until the label and the record are written, the
 * run counts as started for admission (`afk.starting`), so the admission lock need not
 * wait for GitHub's paced writes.
 */
export async function dispatch(
  afk: AfkService,
  ready: ReadyIssue,
  facts: RepoFacts,
  context: DispatchContext,
  issues: IssueTracker,
  onAgentStarted: () => void = () => undefined,
): Promise<boolean> {
  const { issue } = ready;
  const record = toRunFor(afk, issue, ready.labeler?.login ?? null, context.installationId, context.attempt);
  const thread = context.threads.find(
    (candidate) => candidate.id === toThreadId({ ...record, attempt: record.attempt }),
  );
  const event: RunEvent = {
    kind: "DispatchApproved",
    issue,
    labeler: ready.labeler?.login ?? null,
    defaultBranch: facts.defaultBranch,
    cloneUrl: facts.cloneUrl,
    repoConfig: context.repoConfig,
    startedAt: thread?.latestTurn?.requestedAt ?? null,
    approval: ready.approval,
  };
  const deps = { ...toRunDeps(afk, issues, record), projects: context.projects };
  const next = transition(record, event, afk.deps.clock(), { config: afk.config });
  const key = toRunKey(record);
  const started = (effect: Effect): void => {
    if (effect.kind !== "StartThread") return;
    afk.starting.set(key, next.record);
    onAgentStarted();
    // afk's labels, on their first use in the repo, made sure of once T3 has the run (the
    // lock label waits for them): no request of theirs goes before the dispatch commands.
    if (next.effects.some((later) => later.kind === "AddLabels")) void deps.ensureLabels(issue.repo);
  };
  const done = await applyTransition(record, next.record, next.effects, deps, started).finally(() =>
    afk.starting.delete(key),
  );
  if (done.ok) deps.log.info({}, "dispatched");
  // T3 refused the thread and will refuse these ids again: escalate rather than retry forever.
  else if (done.failed === "StartThread" && done.error?.category === "rejected")
    return step(afk, record, { kind: "DispatchRejected", message: done.error.message }, issues);
  return done.ok;
}
