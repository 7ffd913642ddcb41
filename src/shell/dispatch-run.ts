// The reconciler's writes for one issue (DESIGN sections 3 and 5): dispatch it (T3, then
// the lock label, then the comment), tell it why it waits, or resume its escalated run
// when a trusted person applied the ready label again.

import { parse as parseYaml } from "yaml";
import type { Issue } from "../core/common/github-types.js";
import { parseRepoConfig } from "../core/config/repo-config.js";
import type { RepoConfig } from "../core/config/config-types.js";
import { toQueuedReason } from "../core/dispatch/decide-dispatch.js";
import type { HoldReason } from "../core/run/run-types.js";
import type { ReadyIssue, RepoOwner } from "../core/dispatch/dispatch-types.js";
import type { ThreadFact } from "../core/observe/agent-threads.js";
import { toThreadId } from "../core/run/ids.js";
import type { RunEvent } from "../core/run/run-event.js";
import { newRun } from "../core/run/run-start.js";
import type { RunRecord } from "../core/run/run-types.js";
import type { IssueTracker, RepoFacts } from "../ports/issue-tracker.js";
import { advanceRun, applyTransition } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import { readTrust, type LabelHint } from "./read-ready.js";
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
  hint: LabelHint | null,
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
  return step(afk, record, { kind: "HumanResumed", by: labeler.login, via: "github", text: null }, issues);
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
  return step(afk, record, { kind: "Held", reason: queued }, issues);
}

/** The repo's `.github/afk.yml` from the default branch, or why it cannot be used. */
async function readRepoConfig(
  afk: AfkService,
  issue: Issue,
  facts: RepoFacts,
  issues: IssueTracker,
): Promise<{ readonly ok: true; readonly config: RepoConfig } | { readonly ok: false; readonly why: string }> {
  const raw = orThrow(
    await issues.readFile(issue.repo, AFK_CONFIG_PATH, facts.defaultBranch),
    `reading ${AFK_CONFIG_PATH}`,
  );
  let parsed: unknown;
  try {
    parsed = raw === null ? null : parseYaml(raw);
  } catch (error) {
    return { ok: false, why: `not valid YAML (${(error as Error).message.split("\n")[0]})` };
  }
  const repoConfig = parseRepoConfig(parsed, afk.config);
  if (!repoConfig.ok) {
    const problems = repoConfig.errors.map((error) => `${error.variable}: ${error.problem}`).join("; ");
    return { ok: false, why: `invalid (${problems})` };
  }
  return { ok: true, config: repoConfig.config };
}

export interface DispatchContext {
  readonly installationId: number;
  readonly attempt: number;
  /** T3's threads: a thread this attempt already has (afk died mid-dispatch) keeps its start time. */
  readonly threads: readonly ThreadFact[];
}

/** False when an effect of the dispatch failed; a repo file that cannot be used is logged and is no failure to retry. */
export async function dispatch(
  afk: AfkService,
  ready: ReadyIssue,
  facts: RepoFacts,
  context: DispatchContext,
  issues: IssueTracker,
): Promise<boolean> {
  const { issue } = ready;
  const repoConfig = await readRepoConfig(afk, issue, facts, issues);
  if (!repoConfig.ok) {
    afk.log.warn({ repo: issue.repo, issue: issue.number }, `${AFK_CONFIG_PATH} is ${repoConfig.why}; not dispatching`);
    return true;
  }
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
    repoConfig: repoConfig.config,
    startedAt: thread?.latestTurn?.requestedAt ?? null,
  };
  const deps = toRunDeps(afk, issues, record);
  const done = await advanceRun(record, event, deps);
  if (done.ok) deps.log.info({}, "dispatched");
  // T3 refused the thread and will refuse these ids again: escalate rather than retry forever.
  else if (done.failed === "StartThread" && done.error?.category === "rejected")
    return step(afk, record, { kind: "DispatchRejected", message: done.error.message }, issues);
  return done.ok;
}
