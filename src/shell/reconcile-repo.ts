// Reconciles one repo (DESIGN sections 3–5): reads its ready issues fresh from GitHub,
// looks at every run it holds (a person's missed act, afk's own unfinished work), asks
// the core's policy, dispatches what it selects and tells queued issues why they wait
// (once per reason). Runs inside the repo's queue, so one repo is never reconciled twice
// at once; the policy's decision and the dispatches it admits are serialized across repos
// (the global cap is one step).

import type { Blocker } from "../core/common/github-types.js";
import type { RepoConfig } from "../core/config/config-types.js";
import type { RepoConfigFileResult } from "../core/config/repo-config-file.js";
import { toFreshAttempt, toUsedAttempts } from "../core/dispatch/attempts.js";
import { decideDispatch } from "../core/dispatch/decide-dispatch.js";
import { findLatestLabeling } from "../core/dispatch/find-latest-labeling.js";
import type { DispatchDecision, ReadyIssue } from "../core/dispatch/dispatch-types.js";
import { isDispatchCandidate, toRunsInFlight, type ReadyWithRecord } from "../core/dispatch/runs-in-flight.js";
import {
  isLiveThread,
  isThreadBusy,
  isThreadUnstarted,
  type AgentOverview,
  type ProjectFact,
  type ThreadFact,
} from "../core/observe/agent-threads.js";
import type { IssueTracker, RepoFacts } from "../ports/issue-tracker.js";
import type { AfkService } from "./afk-service.js";
import { checkRepoRuns, checkRun } from "./check-runs.js";
import { AFK_CONFIG_PATH, dispatch, readRepoConfig, resumeFromGitHub, tellHeld } from "./dispatch-run.js";
import type { AgentRead } from "./observe-runs.js";
import { readAhead } from "./read-ahead.js";
import { readRecord, readRepoFacts, toReadyIssue, watchBlockers, type IssueHint } from "./read-ready.js";
import { forgetUnready } from "./prune.js";
import { rebuildIndex } from "./rebuild-index.js";
import { stopEarlierAgent } from "./stop-earlier-agent.js";
import { stopStrayAgents } from "./stop-stray-agents.js";
import { orThrow, StepError } from "./step-error.js";

/** The key of the queue that serializes admission to the global cap. */
const ADMISSION = "\u0000admission";

/** Reconciles a repo in its queue. Throws when GitHub or T3 failed (the delivery is then redeliverable). */
export async function reconcile(
  afk: AfkService,
  repo: string,
  installationId: number,
  hint: IssueHint | null,
  agent?: AgentRead,
): Promise<void> {
  if (!afk.isArmedFor(repo)) return;
  await afk.queue.run(repo, async () => {
    const issues = await afk.deps.issues(installationId);
    // Which runs hold the repo is known only once its index was rebuilt: until then nothing is dispatched.
    const unread = afk.indexedRepos.has(repo.toLowerCase()) ? null : await rebuildIndex(afk, repo, issues);
    if (unread !== null) throw new StepError(`${repo}: rebuilding the run index: ${unread}`);
    await reconcileRepo({ afk, repo, installationId, issues, hint, agent });
  });
}

interface Reconciling {
  readonly afk: AfkService;
  readonly repo: string;
  readonly installationId: number;
  readonly issues: IssueTracker;
  readonly hint: IssueHint | null;
  readonly agent: AgentRead | undefined;
}

interface AgentReader {
  /** T3's threads, read at most once per reconcile and only when needed. */
  readonly threads: () => Promise<readonly ThreadFact[]>;
  /** The projects of the same read: a dispatch finds its repo's project there (null: T3 not configured). */
  readonly projects: () => Promise<readonly ProjectFact[] | null>;
  /** Begins the read now, beside GitHub's. */
  readonly ahead: () => void;
}

function toAgentReader(afk: AfkService): AgentReader {
  let overview: Promise<AgentOverview | null> | null = null;
  const read = (): Promise<AgentOverview | null> => {
    overview ??= (async () => {
      if (afk.deps.agent === null) return null;
      return orThrow(await afk.deps.agent.readOverview(), "reading T3's threads");
    })();
    return overview;
  };
  return {
    threads: async () => (await read())?.threads ?? [],
    projects: async () => (await read())?.projects ?? null,
    // Whoever needs the threads awaits the same read and meets its failure; begun ahead
    // and never needed, its failure concerns no one.
    ahead: () => void read().catch(() => null),
  };
}

async function reconcileRepo(given: Reconciling): Promise<void> {
  const { afk, repo } = given;
  const { labels } = afk.config;
  const facts = await readRepoFacts(afk, repo, given.issues);
  const hint = given.hint !== null && "labeler" in given.hint ? given.hint : null;
  const ahead = readAhead(afk, repo, facts, given.issues, hint, AFK_CONFIG_PATH);
  const agentReader = toAgentReader(afk);
  if (ahead.mayDispatch) agentReader.ahead();
  const r: Reconciling = { ...given, issues: ahead.tracker };
  const { issues } = r;
  const [readyRead, humanRead] = await Promise.all([
    issues.listOpenIssuesWithLabel(repo, labels.ready),
    issues.listOpenIssuesWithLabel(repo, labels.human),
  ]);
  const listed = orThrow(readyRead, "listing ready issues");
  const human = orThrow(humanRead, "listing issues waiting for a human");
  for (const issue of [...listed, ...human]) afk.titles.remember(issue.repo, issue.number, issue.title);
  forgetUnready(afk, repo, new Set(listed.map((issue) => issue.number)));
  const agent = r.agent === undefined || r.agent === null || !("facts" in r.agent) ? null : r.agent.facts;
  const { failed, finished } = await checkRepoRuns(afk, repo, issues, { ready: listed, human }, agent);
  // An issue whose ended run was just finished (a ship closed, its labels taken off) is not
  // ready as listed a moment ago: dispatching it would start a second attempt of a run that
  // ended. The next reconcile reads it afresh.
  const ready = listed.filter((issue) => !finished.has(issue.number));
  const checked = new Set(afk.index.recordsOf(repo).flatMap((record) => (record.repo === repo ? [record.issue] : [])));
  const { threads } = agentReader;
  const withRecords: ReadyWithRecord[] = [];
  for (const issue of ready) {
    const record = await readRecord(afk, issue, r.installationId, issues, threads);
    if (record !== "escalated") withRecords.push({ issue, record });
  }
  // With T3's threads at hand (a sweep, start-up): afk's agents that no run wants are stopped,
  // whatever afk's labels say (issue 8), before the slots are counted.
  if (agent !== null) failed.push(...(await stopStrayAgents(afk, repo, r.installationId, issues, listed, agent)));
  const candidates = withRecords.filter(({ record }) => isDispatchCandidate(record));
  // Blocker states read once per reconcile, however many issues name the same blocker.
  const blockerStates = new Map<string, Blocker["state"]>();
  const readyIssues: ReadyIssue[] = [];
  for (const { issue, record } of candidates)
    readyIssues.push(await toReadyIssue(afk, issue, record, facts.owner, issues, r.hint, blockerStates));
  const repoConfig = await readRepoConfigIfNeeded(r, facts, readyIssues);
  if (repoConfig !== null && !repoConfig.ok)
    afk.log.warn({ repo, problems: repoConfig.problems }, `${AFK_CONFIG_PATH} cannot be used; nothing is dispatched`);
  const judged =
    repoConfig?.ok === false ? readyIssues.map((each) => toConfigRefused(each, repoConfig.problems)) : readyIssues;
  watchBlockers(afk, repo, judged);
  for (const { issue, record } of withRecords) {
    if (record?.phase !== "escalated") continue;
    // Found only now (none of afk's labels led to it: a person took it over while afk was
    // down, then labelled it ready again): looked at first, as the runs afk held were.
    if (!checked.has(issue.number)) {
      const looked = await checkRun(afk, issues, record, null, agent);
      if (!looked.ok) failed.push(`checking #${issue.number}`);
      if (!looked.ok || looked.acted) continue;
    }
    if (!(await resumeFromGitHub(afk, issue, record, facts.owner, issues, r.hint)))
      failed.push(`resuming #${issue.number}`);
  }
  const live = candidates.length > 0 ? await threads() : [];
  const projects = candidates.length > 0 ? await agentReader.projects() : null;
  const config = repoConfig?.ok === true ? repoConfig.config : null;
  failed.push(...(await admit(r, { facts, repoConfig: config, projects }, judged, withRecords, live)));
  // Each failed step was logged where it failed. Throwing keeps the webhook delivery
  // redeliverable (it is marked done only on success); the retry reuses the same ids.
  if (failed.length > 0) throw new StepError(`${repo}: ${failed.join(", ")} failed`);
}

/**
 * `.github/afk.yml`, read once per reconcile and only when an issue could be dispatched.
 * A file that cannot be used refuses every such issue (said on each) and holds nothing.
 */
async function readRepoConfigIfNeeded(
  r: Reconciling,
  facts: RepoFacts,
  ready: readonly ReadyIssue[],
): Promise<RepoConfigFileResult | null> {
  if (!ready.some((each) => each.trust.trusted && each.refusal === null)) return null;
  return readRepoConfig(r.afk, r.repo, facts, r.issues);
}

function toConfigRefused(ready: ReadyIssue, problems: string): ReadyIssue {
  if (!ready.trust.trusted || ready.refusal !== null) return ready;
  return { ...ready, refusal: { kind: "repo-config-invalid", problems } };
}

interface RepoRead {
  readonly facts: RepoFacts;
  /** T3's projects, read in this reconcile (null: not read). */
  readonly projects: readonly ProjectFact[] | null;
  /** Null when no issue could be dispatched, or the file cannot be used (every issue is refused then). */
  readonly repoConfig: RepoConfig | null;
}

/**
 * Decides and starts the picked runs under the admission lock: two repos never both take
 * the cap's last slot. The lock is held until T3 has each picked run (then it counts as
 * started: `afk.starting`), not through GitHub's paced writes; those, and telling the
 * held issues why they wait, go on after it, still in the repo's queue.
 */
async function admit(
  r: Reconciling,
  { facts, repoConfig, projects }: RepoRead,
  readyIssues: readonly ReadyIssue[],
  withRecords: readonly ReadyWithRecord[],
  threads: readonly ThreadFact[],
): Promise<string[]> {
  const { afk } = r;
  const { decision, dispatching } = await afk.queue.run(ADMISSION, async () => {
    const known = afk.deps.agent !== null;
    const liveThreadIds = known ? new Set(threads.filter(isLiveThread).map((t) => t.id)) : null;
    const busyThreads = known ? threads.filter(isThreadBusy) : null;
    const startingThreads = known
      ? threads.filter((thread) => isThreadUnstarted(thread) && !afk.stoppedUnstarted.has(thread.id))
      : null;
    const runs = toRunsInFlight({
      records: afk.admittedRecords(),
      ready: withRecords,
      installationId: r.installationId,
      inProgressLabel: afk.config.labels.inProgress,
      liveThreadIds,
      busyThreads,
      startingThreads,
    });
    const decided: DispatchDecision = decideDispatch({
      config: afk.config,
      ready: readyIssues,
      runs,
      unread: toUnreadRepos(afk),
    });
    const started: { readonly issue: number; readonly done: Promise<boolean> }[] = [];
    for (const picked of decided.dispatch) {
      // Only an issue with no refusal is picked, and then the file was read and usable.
      if (repoConfig === null) throw new StepError(`#${picked.issue.number} picked without ${AFK_CONFIG_PATH}`);
      const attempt = await toAttempt(afk, picked, r.installationId, r.issues, threads);
      if (await stopEarlierAgent(afk, picked.issue, r.installationId, attempt, threads)) continue;
      const context = { installationId: r.installationId, attempt, threads, projects, repoConfig };
      let agentStarted: () => void = () => undefined;
      const inT3 = new Promise<void>((resolve) => (agentStarted = resolve));
      const done = dispatch(afk, picked, facts, context, r.issues, agentStarted);
      started.push({ issue: picked.issue.number, done });
      // A failed dispatch frees the lock too; its failure is counted below.
      await Promise.race([
        inT3,
        done.then(
          () => undefined,
          () => undefined,
        ),
      ]);
    }
    return { decision: decided, dispatching: started };
  });
  const failed: string[] = [];
  for (const held of decision.held)
    if (!(await tellHeld(afk, held.issue, held.reason, r.installationId, r.issues)))
      failed.push(`telling #${held.issue.issue.number} why it waits`);
  for (const { issue, done } of dispatching) if (!(await done)) failed.push(`dispatching #${issue}`);
  return failed;
}

/**
 * Enrolled repos whose runs afk has not read since it started (their installation lookup
 * or index rebuild failed): the cap counts them as holding a run, as they may.
 */
function toUnreadRepos(afk: AfkService): string[] {
  return afk.config.allowlist
    .map((repo) => repo.toLowerCase())
    .filter((repo) => afk.isArmedFor(repo) && !afk.indexedRepos.has(repo) && !afk.notInstalled.has(repo));
}

/** The attempt a dispatch uses: the queued one, the next after an ended one, or one T3 never saw. */
async function toAttempt(
  afk: AfkService,
  picked: ReadyIssue,
  installationId: number,
  issues: IssueTracker,
  threads: readonly ThreadFact[],
): Promise<number> {
  const existing = afk.index.get(picked.issue.repo, picked.issue.number)?.record ?? null;
  if (existing !== null) return existing.phase === "queued" ? existing.attempt : existing.attempt + 1;
  const key = { installationId, repo: picked.issue.repo, issue: picked.issue.number };
  const used = toUsedAttempts(key, threads);
  if (used.length === 0) return 1;
  // T3 knows threads of this issue but afk holds no record: when was the label applied?
  const events = orThrow(await issues.listIssueEvents(key.repo, key.issue), "finding when the ready label was applied");
  return toFreshAttempt(used, findLatestLabeling(events, afk.config.labels.ready)?.at ?? null);
}
