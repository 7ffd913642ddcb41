// Follows every run in flight in a repo (DESIGN sections 2 and 7): for each run, the
// observers look in order and each event is applied (transition + effects) before the
// next observer looks, so a push seen here is followed by CI reads for the NEW sha. Each
// observer fails alone: T3 unreachable never stops CI, deploy and rollout being followed,
// or the budgets; a failure that lasts is said on the issue (core/run/run-incidents.ts).

import type { PipelineHint } from "../core/ingress/nudge.js";
import type { RunEvent } from "../core/run/run-event.js";
import type { ObserverName, RunRecord } from "../core/run/run-types.js";
import type { IssueTracker } from "../ports/issue-tracker.js";
import { describeError } from "../ports/result.js";
import { advanceRun } from "./advance-run.js";
import type { AfkService } from "./afk-service.js";
import {
  observeAgent,
  observeCi,
  observeCommits,
  observeDeploy,
  observeRollout,
  type AgentFacts,
  type ObserveDeps,
  type Seen,
} from "./observers.js";
import { NO_PAYLOAD, type PayloadFacts } from "./payload-facts.js";
import { readRepoFacts } from "./read-ready.js";
import { toRunDeps } from "./run-deps.js";
import { StepError } from "./step-error.js";

/** T3's threads as read now: the facts, why they could not be read, or null when T3 is not configured. */
export type AgentRead = { readonly facts: AgentFacts } | { readonly failure: string } | null;

export async function readAgentFacts(afk: AfkService): Promise<AgentRead> {
  if (afk.deps.agent === null || !afk.armed) return null;
  const readAt = afk.deps.clock();
  const overview = await afk.deps.agent.readOverview();
  if (!overview.ok) return { failure: `reading T3's threads: ${describeError(overview.error)}` };
  return { facts: { overview: overview.value, readAt } };
}

export function toFacts(read: AgentRead | undefined): AgentFacts | null {
  return read !== undefined && read !== null && "facts" in read ? read.facts : null;
}

export interface ObserveOptions {
  /** T3's threads, read by the sweep; read here when absent. */
  readonly agent?: AgentRead;
  readonly pipeline?: PipelineHint | null;
  /** A sweep reads everything; a nudge only what changes fast (no version URL). */
  readonly sweep?: boolean;
  /** A nudge about one commit: only the runs that follow it (or wait for a push) are looked at. */
  readonly sha?: string | null;
  /** What the delivery behind a nudge said (signed by GitHub): facts that need no read back. */
  readonly payload?: PayloadFacts;
}

/** Whether a nudge about `sha` concerns the run: it follows that commit, or it has none yet. */
function isConcerned(record: RunRecord, sha: string | null | undefined): boolean {
  return sha === null || sha === undefined || record.sha === null || record.sha.toLowerCase() === sha.toLowerCase();
}

/** Observes every run in flight in a repo. Throws after the last run when any read or effect failed. */
export async function observe(
  afk: AfkService,
  repo: string,
  installationId: number,
  options: ObserveOptions = {},
): Promise<number> {
  if (!afk.isArmedFor(repo)) return 0;
  return afk.queue.run(repo, async () => {
    const runs = afk.activeRuns(repo).filter((record) => isConcerned(record, options.sha));
    if (runs.length === 0) return 0;
    const issues = await afk.deps.issues(installationId);
    const facts = await readRepoFacts(afk, repo, issues);
    const agent = options.agent ?? (await readAgentFacts(afk));
    const deps: ObserveDeps = {
      ci: await afk.deps.ci(installationId),
      agent: afk.deps.agent,
      deploy: afk.deps.deploy,
      woodpeckerUrl: afk.config.woodpecker?.url ?? null,
      rollout: afk.deps.rollout,
      versions: afk.deps.versions,
      versionMatches: afk.versionMatches,
      appId: afk.deps.appId,
      defaultBranch: facts.defaultBranch,
      sweep: options.sweep === true,
      payload: options.payload ?? NO_PAYLOAD,
      spacingMs: afk.config.sweepIntervalMs,
      now: afk.deps.clock(),
    };
    const failures: string[] = [];
    for (const record of runs) {
      const failure = await observeRun(afk, record, issues, deps, agent, options.pipeline ?? null);
      if (failure !== null) failures.push(`${repo}#${record.issue}: ${failure}`);
    }
    if (failures.length > 0) throw new StepError(failures.join("; "));
    return runs.length;
  });
}

/** Runs the observers in order, applying each event before the next looks. Returns a failure, or null. */
async function observeRun(
  afk: AfkService,
  start: RunRecord,
  issues: IssueTracker,
  deps: ObserveDeps,
  agent: AgentRead,
  pipeline: PipelineHint | null,
): Promise<string | null> {
  const runDeps = toRunDeps(afk, issues, start);
  let record = start;
  const failures: string[] = [];
  const step = async (event: RunEvent): Promise<boolean> => {
    const next = await advanceRun(record, event, runDeps);
    if (next.ok) record = next.record;
    return next.ok;
  };
  const apply = async (what: ObserverName, seen: Seen): Promise<boolean> => {
    if (seen.failure !== null) {
      failures.push(seen.failure);
      if (!(await step({ kind: "ObservationFailed", what, message: seen.failure }))) return false;
    } else if (record.problems.some((problem) => problem.what === what)) {
      if (!(await step({ kind: "ObservationRecovered", what }))) return false;
    }
    return seen.event === null || step(seen.event);
  };
  const agentSeen: Seen =
    agent !== null && "failure" in agent
      ? { event: null, failure: agent.failure }
      : await observeAgent(record, toFacts(agent), deps);
  if (!(await apply("agent", agentSeen))) return failures.join("; ") || "applying the agent's event failed";
  const { seen, commits } = await observeCommits(record, deps);
  if (!(await apply("commits", seen))) return failures.join("; ") || "applying the push failed";
  const stages: [ObserverName, () => Promise<Seen>][] = [
    ["ci", () => observeCi(record, deps)],
    ["deploy", () => observeDeploy(record, commits, deps, pipeline)],
    ["rollout", () => observeRollout(record, commits, deps)],
  ];
  for (const [what, look] of stages) {
    if (!(await apply(what, await look()))) return failures.join("; ") || "applying a stage event failed";
  }
  if (!(await step({ kind: "Ticked" }))) return "applying the budgets failed";
  return failures.length === 0 ? null : failures.join("; ");
}
