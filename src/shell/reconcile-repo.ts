// Reconciles one repo (DESIGN sections 3–5): reads its ready issues fresh from GitHub,
// asks the core's policy, dispatches what it selects and tells queued issues why they
// wait (once per reason). Runs inside the repo's queue, so one repo is never
// reconciled twice at once.

import { parse as parseYaml } from "yaml";
import type { IssueTracker, RepoFacts } from "../ports/issue-tracker.js";
import { describeError, type Result } from "../ports/result.js";
import { isLiveThread } from "../core/observe/agent-threads.js";
import { findLatestLabeling } from "../core/dispatch/find-latest-labeling.js";
import type { Role } from "../core/common/github-types.js";
import { decideDispatch, toQueuedReason } from "../core/dispatch/decide-dispatch.js";
import { toRetryTrust } from "../core/dispatch/decide-retry-trust.js";
import { decideTrust, needsRoleLookup } from "../core/dispatch/decide-trust.js";
import type { ReadyIssue, RepoOwner, TrustDecision } from "../core/dispatch/dispatch-types.js";
import { parseBlockers } from "../core/dispatch/parse-blockers.js";
import { parseRepoConfig } from "../core/config/repo-config.js";
import { toNextAttempt, toRunsInFlight, type ReadyWithRecord } from "../core/dispatch/runs-in-flight.js";
import { toBlockers, toRefKey } from "../core/dispatch/to-blockers.js";
import { escalateLost } from "../core/run/run-escalate.js";
import { newRun } from "../core/run/run-start.js";
import type { Actor, Blocker, Issue } from "../core/common/github-types.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { RunRecord } from "../core/run/run-types.js";
import { applyEffects, type EffectDeps } from "./apply-effects.js";
import { advanceRun } from "./advance-run.js";
import { loadRun } from "./load-run.js";
import type { IssueTitles } from "./issue-titles.js";
import type { RunIndex } from "./run-index.js";
import type { TtlCache } from "./ttl-cache.js";

export interface ReconcileDeps extends Omit<EffectDeps, "github"> {
  readonly index: RunIndex;
  readonly appId: number;
  readonly roles: TtlCache<Role>;
  readonly repoFacts: TtlCache<RepoFacts>;
  /** Blocker key → repos with a ready issue naming it: a close there reconciles them. */
  readonly blockerWatch: Map<string, Set<string>>;
  /** The title of every ready issue read, for the status page. */
  readonly titles: IssueTitles;
}

/** What the webhook knows about the labeler, so the sweep's events lookup is skipped. */
export interface LabelHint {
  readonly issue: number;
  readonly labeler: Actor;
}

export const AFK_CONFIG_PATH = ".github/afk.yml";

export class ReconcileError extends Error {}

function orThrow<T>(result: Result<T>, what: string): T {
  if (result.ok) return result.value;
  throw new ReconcileError(`${what}: ${describeError(result.error)}`);
}

export async function reconcileRepo(
  repo: string,
  installationId: number,
  github: IssueTracker,
  hint: LabelHint | null,
  deps: ReconcileDeps,
): Promise<void> {
  const { config } = deps;
  if (config.killSwitch || !config.allowlist.includes(repo)) return;
  const facts = await readRepoFacts(repo, github, deps);
  const issues = orThrow(await github.listOpenIssuesWithLabel(repo, config.labels.ready), "listing ready issues");
  for (const issue of issues) deps.titles.remember(issue.repo, issue.number, issue.title);
  const withRecords: ReadyWithRecord[] = [];
  for (const issue of issues) {
    const record = await readRecord(issue, installationId, github, deps);
    if (record !== "escalated") withRecords.push({ issue, record });
  }
  const candidates = withRecords.filter(
    ({ record }) =>
      record === null ||
      record.phase === "queued" ||
      record.phase === "shipped" ||
      record.phase === "cancelled" ||
      record.phase === "taken-over",
  );
  const liveThreadIds = candidates.length > 0 ? await readLiveThreadIds(deps) : null;
  const runs = toRunsInFlight({
    records: deps.index.records(),
    ready: withRecords,
    installationId,
    inProgressLabel: config.labels.inProgress,
    liveThreadIds,
  });
  const ready: ReadyIssue[] = [];
  // Blocker states read once per reconcile, however many issues name the same blocker.
  const blockerStates = new Map<string, Blocker["state"]>();
  for (const { issue, record } of candidates)
    ready.push(await toReadyIssue(issue, record, facts.owner, github, hint, blockerStates, deps));
  watchBlockers(repo, ready, deps.blockerWatch);
  const decision = decideDispatch({ config, ready, runs });
  const failed: string[] = [];
  for (const { issue, record } of withRecords) {
    if (record?.phase !== "escalated") continue;
    if (!(await resumeFromGitHub(issue, record, facts.owner, github, hint, deps)))
      failed.push(`resuming #${issue.number}`);
  }
  for (const held of decision.held)
    if (!(await tellHeld(held.issue, held.reason, installationId, github, deps)))
      failed.push(`telling #${held.issue.issue.number} why it waits`);
  for (const picked of decision.dispatch)
    if (!(await dispatch(picked, facts, installationId, github, deps)))
      failed.push(`dispatching #${picked.issue.number}`);
  // Each failed step was logged where it failed. Throwing keeps the webhook delivery
  // redeliverable (it is marked done only on success); the retry reuses the same ids.
  if (failed.length > 0) throw new ReconcileError(`${repo}: ${failed.join(", ")} failed`);
}

export async function readRepoFacts(repo: string, github: IssueTracker, deps: ReconcileDeps): Promise<RepoFacts> {
  const cached = deps.repoFacts.get(repo);
  if (cached !== undefined) return cached;
  const facts = orThrow(await github.getRepo(repo), "reading the repository");
  deps.repoFacts.set(repo, facts);
  return facts;
}

/** The issue's run record (from the index, else from its comments). "escalated" when unreadable: it was escalated (E4) here. */
async function readRecord(
  issue: Issue,
  installationId: number,
  github: IssueTracker,
  deps: ReconcileDeps,
): Promise<RunRecord | null | "escalated"> {
  const known = deps.index.get(issue.repo, issue.number);
  if (known !== undefined) return known.record;
  const loaded = orThrow(await loadRun(github, issue.repo, issue.number, deps.appId), "reading the progress comment");
  if (loaded.kind === "none") {
    deps.index.set(issue.repo, issue.number, { record: null, commentId: null });
    return null;
  }
  if (loaded.kind === "found") {
    deps.index.set(issue.repo, issue.number, { record: loaded.record, commentId: loaded.commentId });
    return loaded.record;
  }
  const why = `${loaded.error.kind}: ${loaded.error.message}`;
  const lost = escalateLost({
    repo: issue.repo,
    issue: issue.number,
    installationId,
    attempt: 1,
    now: deps.clock(),
    config: deps.config,
    why,
  });
  const applied = await applyEffects(lost.effects, { repo: issue.repo, issue: issue.number }, loaded.commentId, {
    ...deps,
    github,
  });
  if (applied.ok) {
    deps.index.set(issue.repo, issue.number, { record: lost.record, commentId: applied.commentId });
    let current = lost.record;
    for (const followUp of applied.followUps) current = (await advanceRun(current, followUp, github, deps)) ?? current;
  }
  return "escalated";
}

async function readLiveThreadIds(deps: ReconcileDeps): Promise<ReadonlySet<string> | null> {
  if (deps.t3 === null) return null;
  const overview = orThrow(await deps.t3.readOverview(), "reading T3's live threads");
  return new Set(overview.threads.filter(isLiveThread).map((thread) => thread.id));
}

/** The ready label applied again to an escalated issue: a trusted person resumes the same thread. */
async function resumeFromGitHub(
  issue: Issue,
  record: RunRecord,
  owner: RepoOwner,
  github: IssueTracker,
  hint: LabelHint | null,
  deps: ReconcileDeps,
): Promise<boolean> {
  const { labeler, trust } = await readTrust(issue, null, owner, github, hint, deps);
  if (!trust.trusted || labeler === null) {
    deps.log.info(
      { repo: issue.repo, issue: issue.number, why: trust.why },
      "ready label on an escalated issue, not from a trusted person: not resumed",
    );
    return true;
  }
  return step(record, { kind: "HumanResumed", by: labeler.login, via: "github", text: null }, github, deps);
}

async function readTrust(
  issue: Issue,
  record: RunRecord | null,
  owner: RepoOwner,
  github: IssueTracker,
  hint: LabelHint | null,
  deps: ReconcileDeps,
): Promise<{ readonly labeler: Actor | null; readonly trust: TrustDecision }> {
  const labeler =
    hint !== null && hint.issue === issue.number
      ? hint.labeler
      : (findLatestLabeling(
          orThrow(await github.listIssueEvents(issue.repo, issue.number), "finding who applied the ready label"),
          deps.config.labels.ready,
        )?.actor ?? null);
  const retry = toRetryTrust(record, labeler);
  if (retry !== null) return { labeler, trust: retry };
  const role =
    labeler !== null && needsRoleLookup(labeler, owner, deps.config)
      ? await readRole(issue.repo, labeler.login, github, deps)
      : null;
  return { labeler, trust: decideTrust({ labeler, role, repoOwner: owner, config: deps.config }) };
}

async function toReadyIssue(
  issue: Issue,
  record: RunRecord | null,
  owner: RepoOwner,
  github: IssueTracker,
  hint: LabelHint | null,
  blockerStates: Map<string, Blocker["state"]>,
  deps: ReconcileDeps,
): Promise<ReadyIssue> {
  const { labeler, trust } = await readTrust(issue, record, owner, github, hint, deps);
  const blockers = await readBlockers(issue, github, blockerStates);
  return { issue, labeler, trust, blockers };
}

async function readRole(repo: string, login: string, github: IssueTracker, deps: ReconcileDeps): Promise<Role> {
  const key = `${repo}:${login.toLowerCase()}`;
  const cached = deps.roles.get(key);
  if (cached !== undefined) return cached;
  const role = orThrow(await github.getRole(repo, login), `reading ${login}'s role`);
  deps.roles.set(key, role);
  return role;
}

async function readBlockers(
  issue: Issue,
  github: IssueTracker,
  states: Map<string, Blocker["state"]>,
): Promise<Blocker[]> {
  const native = orThrow(await github.listNativeBlockers(issue.repo, issue.number), "listing native blockers");
  for (const blocker of native) states.set(toRefKey(blocker), blocker.state);
  const bodyRefs = parseBlockers(issue.body, issue.repo).filter(
    (ref) => !(ref.repo === issue.repo && ref.number === issue.number),
  );
  for (const ref of bodyRefs) {
    const key = toRefKey(ref);
    if (states.has(key)) continue;
    const read = await github.getIssue(ref.repo, ref.number);
    // A blocker afk cannot read (deleted, private elsewhere) stays unknown: the issue waits and says so.
    states.set(key, read.ok ? read.value.state : "unknown");
  }
  return toBlockers(native, bodyRefs, states);
}

function watchBlockers(repo: string, ready: readonly ReadyIssue[], watch: Map<string, Set<string>>): void {
  for (const { blockers } of ready) {
    for (const blocker of blockers) {
      if (blocker.state === "closed" || blocker.repo === repo) continue;
      const repos = watch.get(toRefKey(blocker)) ?? new Set<string>();
      repos.add(repo);
      watch.set(toRefKey(blocker), repos);
    }
  }
}

function toRunFor(issue: Issue, labeler: string | null, installationId: number, deps: ReconcileDeps): RunRecord {
  const existing = deps.index.get(issue.repo, issue.number)?.record ?? null;
  if (existing !== null && existing.phase === "queued") return existing;
  return newRun({
    repo: issue.repo,
    issue: issue.number,
    installationId,
    attempt: toNextAttempt(existing),
    labeler,
    now: deps.clock(),
    config: deps.config,
  });
}

async function step(record: RunRecord, event: RunEvent, github: IssueTracker, deps: ReconcileDeps): Promise<boolean> {
  return (await advanceRun(record, event, github, deps)) !== null;
}

/** False when telling the reason failed (logged by the effect runner). */
async function tellHeld(
  ready: ReadyIssue,
  reason: Parameters<typeof toQueuedReason>[0],
  installationId: number,
  github: IssueTracker,
  deps: ReconcileDeps,
): Promise<boolean> {
  const where = { repo: ready.issue.repo, issue: ready.issue.number, reason: reason.kind };
  const queued = toQueuedReason(reason);
  if (queued === null) {
    deps.log.info({ ...where, ...("why" in reason ? { why: reason.why } : {}) }, "ready issue not dispatched");
    return true;
  }
  const record = toRunFor(ready.issue, ready.labeler?.login ?? null, installationId, deps);
  return step(record, { kind: "Held", reason: queued }, github, deps);
}

/** False when an effect of the dispatch failed; a repo file that cannot be used is logged and is no failure to retry. */
async function dispatch(
  ready: ReadyIssue,
  facts: RepoFacts,
  installationId: number,
  github: IssueTracker,
  deps: ReconcileDeps,
): Promise<boolean> {
  const { issue } = ready;
  const raw = orThrow(
    await github.readFile(issue.repo, AFK_CONFIG_PATH, facts.defaultBranch),
    `reading ${AFK_CONFIG_PATH}`,
  );
  let parsed: unknown;
  try {
    parsed = raw === null ? null : parseYaml(raw);
  } catch (error) {
    deps.log.warn(
      { repo: issue.repo, issue: issue.number },
      `${AFK_CONFIG_PATH} is not valid YAML (${(error as Error).message.split("\n")[0]}); not dispatching`,
    );
    return true;
  }
  const repoConfig = parseRepoConfig(parsed, deps.config);
  if (!repoConfig.ok) {
    const problems = repoConfig.errors.map((error) => `${error.variable}: ${error.problem}`).join("; ");
    deps.log.warn(
      { repo: issue.repo, issue: issue.number },
      `${AFK_CONFIG_PATH} is invalid (${problems}); not dispatching`,
    );
    return true;
  }
  const record = toRunFor(issue, ready.labeler?.login ?? null, installationId, deps);
  const event: RunEvent = {
    kind: "DispatchApproved",
    issue,
    labeler: ready.labeler?.login ?? null,
    defaultBranch: facts.defaultBranch,
    cloneUrl: facts.cloneUrl,
    repoConfig: repoConfig.config,
  };
  const done = await step(record, event, github, deps);
  if (done) deps.log.info({ repo: issue.repo, issue: issue.number, attempt: record.attempt }, "dispatched");
  return done;
}
