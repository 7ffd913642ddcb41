// The observers of one run in flight (DESIGN sections 2 and 7): each observer reads the facts
// the run's current phase needs and lets the core turn them into an event. Reads only:
// the caller applies each event (transition + effects) before the next observer runs,
// so a push seen here is followed by CI reads for the NEW sha. A read that fails leaves
// that fact unobserved this time and is reported; a flaky system never makes a run red.

import type { AgentRunner } from "../ports/agent-runner.js";
import type { CiReader } from "../ports/ci-reader.js";
import type { DeployReader } from "../ports/deploy-reader.js";
import { describeError, type PortError, type Result } from "../ports/result.js";
import type { RolloutReader, VersionReader } from "../ports/rollout-reader.js";
import { toLastAssistantText, toTurnFactAt, toTurnSeenAt, type AgentOverview } from "../core/observe/agent-threads.js";
import { decideDeploy } from "../core/observe/decide-deploy.js";
import { decideRollout, decideVersionUrl } from "../core/observe/decide-rollout.js";
import { findPushedCommit } from "../core/observe/find-pushed-commit.js";
import { foldCi, toCiRules, toFailingJobs } from "../core/observe/fold-ci.js";
import type { CommitFact, WorkflowRunFact } from "../core/observe/observe-types.js";
import { toAgentEvent } from "../core/observe/to-agent-event.js";
import { isActive } from "../core/run/run-record.js";
import type { CheckFailure, RunRecord } from "../core/run/run-types.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { PipelineHint } from "../core/ingress/nudge.js";
import { isAboutFollowedCi, toCiFromPayload, toPushedCommits, type PayloadFacts } from "./payload-facts.js";
import { toShortSha } from "../core/common/text.js";
import { MINUTE_MS } from "../core/common/time.js";

/** How far before the dispatch afk looks for pipelines and commits (clocks differ). */
export const LOOKBACK_MS = 5 * MINUTE_MS;

export interface ObserveDeps {
  readonly ci: CiReader;
  readonly agent: AgentRunner | null;
  readonly deploy: DeployReader | null;
  readonly woodpeckerUrl: string | null;
  readonly rollout: RolloutReader | null;
  readonly versions: VersionReader | null;
  /** Consecutive version URL matches per run and sha, and when the last was counted; lost on restart (it recounts). */
  readonly versionMatches: Map<string, VersionMatches>;
  /** Whether this look is a sweep (the version URL is read only then: a nudge about CI proves nothing of it). */
  readonly sweep: boolean;
  /** The sweep interval: counted version URL matches are at least this far apart. */
  readonly spacingMs: number;
  readonly now: number;
  readonly appId: number;
  readonly defaultBranch: string;
  /** What the delivery being handled said; NO_PAYLOAD for a sweep or a start-up. */
  readonly payload: PayloadFacts;
}

export interface VersionMatches {
  readonly matches: number;
  readonly countedAt: number | null;
}

/** T3's threads, with when afk read them (afk's clock): a fact is never older than it says. */
export interface AgentFacts {
  readonly overview: AgentOverview;
  readonly readAt: number;
}

/** What one observer saw: an event to apply, or nothing; failures are reported, not thrown. */
export interface Seen {
  readonly event: RunEvent | null;
  readonly failure: string | null;
}

const NOTHING: Seen = { event: null, failure: null };

function failed(what: string, error: PortError): Seen {
  return { event: null, failure: `${what}: ${describeError(error)}` };
}

/** The agent's turn, from T3's shell route (one read per sweep for all threads). */
export async function observeAgent(
  record: RunRecord,
  facts: AgentFacts | null,
  deps: Pick<ObserveDeps, "agent">,
): Promise<Seen> {
  const turn = record.turn;
  if (!isActive(record.phase) || turn === null || turn.state !== "working" || deps.agent === null || facts === null)
    return NOTHING;
  const row = facts.overview.threads.find((thread) => thread.id === record.threadId) ?? null;
  const fact = toTurnFactAt(row, turn.startedAt, facts.readAt, record.turnSeenAt);
  if (fact.kind === "working") return NOTHING;
  let lastMessage: string | null = null;
  if (fact.kind === "ended" || fact.kind === "waiting-on-user") {
    const detail = await deps.agent.readThread(record.threadId);
    if (!detail.ok) return failed("reading the agent's last message", detail.error);
    lastMessage = toLastAssistantText(detail.value);
  }
  const seenAt = toTurnSeenAt(row);
  return { event: toAgentEvent({ turn: fact, lastMessage, pendingQuestion: null, seenAt }), failure: null };
}

/**
 * A newer commit on the default branch that references the issue. A push delivery lists
 * the commits it brought (GitHub signs it), so they are not read back: the run's commit,
 * if it came with this push, is among them; if it came earlier, the delivery of that push
 * or the sweep found it. A push that does not list the commit the run follows is read
 * back (payload-facts.ts: it may be an older push's delivery). A CI delivery about the commit the run already follows, while
 * CI is what the run waits for, reads no commits either: a later push brings its own
 * delivery (and the sweep reads the branch), and nothing before deploy needs the list.
 */
export async function observeCommits(
  record: RunRecord,
  deps: Pick<ObserveDeps, "ci" | "defaultBranch" | "payload">,
): Promise<{ seen: Seen; commits: readonly CommitFact[] }> {
  if (!isActive(record.phase) || record.dispatchedAt === null) return { seen: NOTHING, commits: [] };
  if (isAboutFollowedCi(record, deps.payload)) return { seen: NOTHING, commits: [] };
  const delivered = toPushedCommits(deps.payload, deps.defaultBranch, record.sha);
  const commits: Result<readonly CommitFact[]> =
    delivered !== null
      ? { ok: true, value: delivered }
      : await deps.ci.listCommitsSince(record.repo, deps.defaultBranch, record.dispatchedAt - LOOKBACK_MS);
  if (!commits.ok) return { seen: failed("listing commits", commits.error), commits: [] };
  const pushed = findPushedCommit({
    commits: commits.value,
    issue: { repo: record.repo, number: record.issue },
    dispatchedAt: record.dispatchedAt,
    currentSha: record.sha,
  });
  const event: RunEvent | null = pushed === null ? null : { kind: "CommitPushed", sha: pushed.sha, url: pushed.url };
  return { seen: { event, failure: null }, commits: commits.value };
}

/**
 * CI for the followed sha: check runs, statuses and workflow runs, folded by the core. A
 * delivery's own fact is used first where it tells enough (core/observe/decide-ci-payload.ts);
 * a push delivery says nothing of CI, so none is read for it: CI's own deliveries, or the
 * sweep, follow.
 */
export async function observeCi(
  record: RunRecord,
  deps: Pick<ObserveDeps, "ci" | "appId" | "defaultBranch" | "payload">,
): Promise<Seen> {
  const sha = record.sha;
  if (sha === null || (record.phase !== "pushed" && record.phase !== "ci")) return NOTHING;
  const delivered = toCiFromPayload(record, sha, deps.payload, deps);
  return delivered === "read" ? readCi(record, sha, deps) : { event: delivered, failure: null };
}

async function readCi(
  record: RunRecord,
  sha: string,
  deps: Pick<ObserveDeps, "ci" | "appId" | "defaultBranch">,
): Promise<Seen> {
  const [checkRuns, statuses, workflowRuns] = await Promise.all([
    deps.ci.listCheckRuns(record.repo, sha),
    deps.ci.getCombinedStatus(record.repo, sha),
    deps.ci.listWorkflowRuns(record.repo, sha),
  ]);
  if (!checkRuns.ok) return failed("listing check runs", checkRuns.error);
  if (!statuses.ok) return failed("reading commit statuses", statuses.error);
  if (!workflowRuns.ok) return failed("listing workflow runs", workflowRuns.error);
  const fold = foldCi({
    repo: record.repo,
    defaultBranch: deps.defaultBranch,
    sha,
    checkRuns: checkRuns.value,
    statuses: statuses.value,
    workflowRuns: workflowRuns.value,
    ...toCiRules(record.repoConfig),
    ownAppId: deps.appId,
  });
  // Log tails only the first time this sha is seen red: the fix-forward turn carries them.
  const newlyRed = fold.verdict === "red" && record.stages.ci?.verdict !== "red";
  const failures = newlyRed ? await withLogTails(record.repo, fold.failures, workflowRuns.value, deps) : fold.failures;
  return {
    event: { kind: "CiObserved", sha, verdict: fold.verdict, seenAny: fold.seenAny, url: fold.url, failures },
    failure: null,
  };
}

async function withLogTails(
  repo: string,
  failures: readonly CheckFailure[],
  runs: readonly WorkflowRunFact[],
  deps: Pick<ObserveDeps, "ci">,
): Promise<CheckFailure[]> {
  const tails = new Map<string, string>();
  for (const run of runs.filter((candidate) => candidate.conclusion !== null && candidate.conclusion !== "success")) {
    const jobs = await deps.ci.listJobs(repo, run.id, run.runAttempt);
    if (!jobs.ok) continue;
    for (const job of toFailingJobs(jobs.value)) {
      const tail = await deps.ci.readJobLogTail(repo, job.id);
      if (tail.ok && tail.value !== null) tails.set(job.name.toLowerCase(), tail.value);
    }
  }
  // An Actions check run is named after its job.
  return failures.map((failure) => ({ ...failure, logTail: tails.get(failure.name.toLowerCase()) ?? failure.logTail }));
}

/** The deploy pipeline for the followed sha (Woodpecker). */
export async function observeDeploy(
  record: RunRecord,
  commits: readonly CommitFact[],
  deps: Pick<ObserveDeps, "deploy" | "woodpeckerUrl" | "defaultBranch">,
  hint: PipelineHint | null = null,
): Promise<Seen> {
  const sha = record.sha;
  const repo = record.repoConfig.woodpeckerRepo;
  if (record.phase !== "deploying" || sha === null || repo === null) return NOTHING;
  if (deps.deploy === null || deps.woodpeckerUrl === null)
    return { event: null, failure: "the deploy stage needs WOODPECKER_URL and WOODPECKER_TOKEN" };
  const repoId = await deps.deploy.lookupRepoId(repo);
  if (!repoId.ok) return failed(`looking up ${repo} in Woodpecker`, repoId.error);
  // From the commit's own time: afk may see a push long after it landed, and its
  // pipeline was created when it landed.
  const committedAt = commits.find((commit) => commit.sha === sha)?.committedAt ?? null;
  const since = Math.min(committedAt ?? Infinity, record.pushedAt ?? record.dispatchedAt ?? 0) - LOOKBACK_MS;
  const pipelines = await deps.deploy.findPipelines(repoId.value, {
    branch: deps.defaultBranch,
    after: Math.floor(since / 1000),
  });
  if (!pipelines.ok) return failed("listing Woodpecker pipelines", pipelines.error);
  let listed = pipelines.value;
  if (hint !== null && hint.repoId === repoId.value) {
    const named = await deps.deploy.getPipeline(repoId.value, hint.number);
    if (named.ok) listed = [named.value, ...listed.filter((pipeline) => pipeline.number !== hint.number)];
  }
  const decision = decideDeploy({
    sha,
    branch: deps.defaultBranch,
    pipelines: listed,
    woodpeckerUrl: deps.woodpeckerUrl,
    repoId: repoId.value,
  });
  return {
    event: { kind: "DeployObserved", sha, verdict: decision.verdict, url: decision.url, detail: decision.detail },
    failure: null,
  };
}

/** The key of a run's version URL count: the count restarts for another attempt or sha. */
export function toVersionMatchKey(record: Pick<RunRecord, "repo" | "issue" | "attempt" | "sha">): string {
  return `${record.repo}#${record.issue}/${record.attempt}/${record.sha ?? ""}`;
}

/** The rollout of the followed sha: a Kubernetes Deployment, or a version URL. */
export async function observeRollout(
  record: RunRecord,
  commits: readonly CommitFact[],
  deps: Pick<ObserveDeps, "rollout" | "versions" | "versionMatches" | "sweep" | "spacingMs" | "now">,
): Promise<Seen> {
  const sha = record.sha;
  const target = record.repoConfig.rollout;
  if (record.phase !== "rolling-out" || sha === null || target === null) return NOTHING;
  if (target.kind === "kubernetes") {
    if (deps.rollout === null)
      return { event: null, failure: "the rollout stage needs the Kubernetes API (in-cluster, or AFK_KUBE_API_URL)" };
    const deployment = await deps.rollout.getDeployment(target.namespace, target.deployment);
    if (!deployment.ok) return failed(`reading deployment ${target.namespace}/${target.deployment}`, deployment.error);
    // Newest first: everything listed before the followed sha was pushed after it.
    const index = commits.findIndex((commit) => commit.sha === sha);
    const laterShas = index < 0 ? [] : commits.slice(0, index).map((commit) => commit.sha);
    const decision = decideRollout({ sha, container: target.container, deployment: deployment.value, laterShas });
    return {
      event: { kind: "RolloutObserved", sha, verdict: decision.verdict, url: null, detail: decision.detail },
      failure: null,
    };
  }
  if (deps.versions === null || !deps.sweep) return NOTHING;
  const key = toVersionMatchKey(record);
  const body = await deps.versions.read(target.url);
  if (!body.ok) {
    deps.versionMatches.delete(key);
    return failed(`reading ${target.url}`, body.error);
  }
  const counted = deps.versionMatches.get(key);
  const decision = decideVersionUrl({
    sha,
    body: body.value,
    matchesSoFar: counted?.matches ?? 0,
    required: target.consecutive,
    lastCountedAt: counted?.countedAt ?? null,
    spacingMs: deps.spacingMs,
    now: deps.now,
  });
  deps.versionMatches.set(key, { matches: decision.matches, countedAt: decision.countedAt });
  const detail = `${decision.matches} of ${target.consecutive} consecutive reads serve ${toShortSha(sha)}`;
  return { event: { kind: "RolloutObserved", sha, verdict: decision.verdict, url: target.url, detail }, failure: null };
}
