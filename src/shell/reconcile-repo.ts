// Reconciles one repo (DESIGN sections 3–5): reads its ready issues fresh from GitHub,
// asks the core's policy, dispatches what it selects and tells queued issues why they
// wait (once per reason). Runs inside the repo's queue, so one repo is never
// reconciled twice at once.

import { parse as parseYaml } from "yaml";
import type { Blocker, Issue } from "../core/common/github-types.js";
import { parseRepoConfig } from "../core/config/repo-config.js";
import { decideDispatch, toQueuedReason } from "../core/dispatch/decide-dispatch.js";
import type { ReadyIssue, RepoOwner } from "../core/dispatch/dispatch-types.js";
import {
  isDispatchCandidate,
  toNextAttempt,
  toRunsInFlight,
  type ReadyWithRecord,
} from "../core/dispatch/runs-in-flight.js";
import { isLiveThread } from "../core/observe/agent-threads.js";
import type { RunEvent } from "../core/run/run-event.js";
import { newRun } from "../core/run/run-start.js";
import type { RunRecord } from "../core/run/run-types.js";
import type { IssueTracker, RepoFacts } from "../ports/issue-tracker.js";
import { advanceRun } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import { readRecord, readRepoFacts, readTrust, toReadyIssue, watchBlockers, type LabelHint } from "./read-ready.js";
import { toRunDeps } from "./run-deps.js";
import { orThrow, StepError } from "./step-error.js";

export const AFK_CONFIG_PATH = ".github/afk.yml";

/** Reconciles a repo in its queue. Throws when GitHub or T3 failed (the delivery is then redeliverable). */
export async function reconcile(
  afk: AfkService,
  repo: string,
  installationId: number,
  hint: LabelHint | null,
): Promise<void> {
  if (!afk.isArmedFor(repo)) return;
  await afk.queue.run(repo, async () =>
    reconcileRepo(afk, repo, installationId, await afk.deps.issues(installationId), hint),
  );
}

async function reconcileRepo(
  afk: AfkService,
  repo: string,
  installationId: number,
  issues: IssueTracker,
  hint: LabelHint | null,
): Promise<void> {
  const { config } = afk;
  const facts = await readRepoFacts(afk, repo, issues);
  const listed = orThrow(await issues.listOpenIssuesWithLabel(repo, config.labels.ready), "listing ready issues");
  for (const issue of listed) afk.titles.remember(issue.repo, issue.number, issue.title);
  const withRecords: ReadyWithRecord[] = [];
  for (const issue of listed) {
    const record = await readRecord(afk, issue, installationId, issues);
    if (record !== "escalated") withRecords.push({ issue, record });
  }
  const candidates = withRecords.filter(({ record }) => isDispatchCandidate(record));
  const liveThreadIds = candidates.length > 0 ? await readLiveThreadIds(afk) : null;
  const runs = toRunsInFlight({
    records: afk.index.records(),
    ready: withRecords,
    installationId,
    inProgressLabel: config.labels.inProgress,
    liveThreadIds,
  });
  const ready: ReadyIssue[] = [];
  // Blocker states read once per reconcile, however many issues name the same blocker.
  const blockerStates = new Map<string, Blocker["state"]>();
  for (const { issue, record } of candidates)
    ready.push(await toReadyIssue(afk, issue, record, facts.owner, issues, hint, blockerStates));
  watchBlockers(afk, repo, ready);
  const decision = decideDispatch({ config, ready, runs });
  const failed: string[] = [];
  for (const { issue, record } of withRecords) {
    if (record?.phase !== "escalated") continue;
    if (!(await resumeFromGitHub(afk, issue, record, facts.owner, issues, hint)))
      failed.push(`resuming #${issue.number}`);
  }
  for (const held of decision.held)
    if (!(await tellHeld(afk, held.issue, held.reason, installationId, issues)))
      failed.push(`telling #${held.issue.issue.number} why it waits`);
  for (const picked of decision.dispatch)
    if (!(await dispatch(afk, picked, facts, installationId, issues)))
      failed.push(`dispatching #${picked.issue.number}`);
  // Each failed step was logged where it failed. Throwing keeps the webhook delivery
  // redeliverable (it is marked done only on success); the retry reuses the same ids.
  if (failed.length > 0) throw new StepError(`${repo}: ${failed.join(", ")} failed`);
}

async function readLiveThreadIds(afk: AfkService): Promise<ReadonlySet<string> | null> {
  if (afk.deps.agent === null) return null;
  const overview = orThrow(await afk.deps.agent.readOverview(), "reading T3's live threads");
  return new Set(overview.threads.filter(isLiveThread).map((thread) => thread.id));
}

/** The ready label applied again to an escalated issue: a trusted person resumes the same thread. */
async function resumeFromGitHub(
  afk: AfkService,
  issue: Issue,
  record: RunRecord,
  owner: RepoOwner,
  issues: IssueTracker,
  hint: LabelHint | null,
): Promise<boolean> {
  const { labeler, trust } = await readTrust(afk, issue, null, owner, issues, hint);
  if (!trust.trusted || labeler === null) {
    toRunDeps(afk, issues, record).log.info(
      { why: trust.why },
      "ready label on an escalated issue, not from a trusted person: not resumed; the run keeps waiting for a human",
    );
    return true;
  }
  return step(afk, record, { kind: "HumanResumed", by: labeler.login, via: "github", text: null }, issues);
}

function toRunFor(afk: AfkService, issue: Issue, labeler: string | null, installationId: number): RunRecord {
  const existing = afk.index.get(issue.repo, issue.number)?.record ?? null;
  if (existing !== null && existing.phase === "queued") return existing;
  return newRun({
    repo: issue.repo,
    issue: issue.number,
    installationId,
    attempt: toNextAttempt(existing),
    labeler,
    now: afk.deps.clock(),
    config: afk.config,
  });
}

async function step(afk: AfkService, record: RunRecord, event: RunEvent, issues: IssueTracker): Promise<boolean> {
  return (await advanceRun(record, event, toRunDeps(afk, issues, record))) !== null;
}

/** False when telling the reason failed (logged by the effect runner). */
async function tellHeld(
  afk: AfkService,
  ready: ReadyIssue,
  reason: Parameters<typeof toQueuedReason>[0],
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
  const record = toRunFor(afk, ready.issue, ready.labeler?.login ?? null, installationId);
  return step(afk, record, { kind: "Held", reason: queued }, issues);
}

/** The repo's `.github/afk.yml` from the default branch, or why it cannot be used. */
async function readRepoConfig(afk: AfkService, issue: Issue, facts: RepoFacts, issues: IssueTracker) {
  const raw = orThrow(
    await issues.readFile(issue.repo, AFK_CONFIG_PATH, facts.defaultBranch),
    `reading ${AFK_CONFIG_PATH}`,
  );
  let parsed: unknown;
  try {
    parsed = raw === null ? null : parseYaml(raw);
  } catch (error) {
    return { ok: false as const, why: `not valid YAML (${(error as Error).message.split("\n")[0]})` };
  }
  const repoConfig = parseRepoConfig(parsed, afk.config);
  if (!repoConfig.ok) {
    const problems = repoConfig.errors.map((error) => `${error.variable}: ${error.problem}`).join("; ");
    return { ok: false as const, why: `invalid (${problems})` };
  }
  return { ok: true as const, config: repoConfig.config };
}

/** False when an effect of the dispatch failed; a repo file that cannot be used is logged and is no failure to retry. */
async function dispatch(
  afk: AfkService,
  ready: ReadyIssue,
  facts: RepoFacts,
  installationId: number,
  issues: IssueTracker,
): Promise<boolean> {
  const { issue } = ready;
  const repoConfig = await readRepoConfig(afk, issue, facts, issues);
  if (!repoConfig.ok) {
    afk.log.warn({ repo: issue.repo, issue: issue.number }, `${AFK_CONFIG_PATH} is ${repoConfig.why}; not dispatching`);
    return true;
  }
  const record = toRunFor(afk, issue, ready.labeler?.login ?? null, installationId);
  const event: RunEvent = {
    kind: "DispatchApproved",
    issue,
    labeler: ready.labeler?.login ?? null,
    defaultBranch: facts.defaultBranch,
    cloneUrl: facts.cloneUrl,
    repoConfig: repoConfig.config,
  };
  const done = await step(afk, record, event, issues);
  if (done) toRunDeps(afk, issues, record).log.info({}, "dispatched");
  return done;
}
