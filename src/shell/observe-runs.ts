// Follows every run in flight in a repo (DESIGN sections 2 and 7): for each run, the
// observers look in order and each event is applied (transition + effects) before the
// next observer looks, so a push seen here is followed by CI reads for the NEW sha.

import type { AgentOverview } from "../core/observe/agent-threads.js";
import type { PipelineHint } from "../core/ingress/nudge.js";
import type { RunRecord } from "../core/run/run-types.js";
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
  type ObserveDeps,
  type Seen,
} from "./observers.js";
import { readRepoFacts } from "./read-ready.js";
import { toRunDeps } from "./run-deps.js";
import { StepError } from "./step-error.js";

/** T3's shell route: every thread's turn state in one read (null when T3 is not configured). */
export async function readOverview(afk: AfkService): Promise<AgentOverview | null> {
  if (afk.deps.agent === null || !afk.armed) return null;
  const overview = await afk.deps.agent.readOverview();
  if (!overview.ok) throw new StepError(`reading T3's threads: ${describeError(overview.error)}`);
  return overview.value;
}

/** Observes every run in flight in a repo. Throws after the last run when any read or effect failed. */
export async function observe(
  afk: AfkService,
  repo: string,
  installationId: number,
  overview: AgentOverview | null,
  pipeline: PipelineHint | null = null,
): Promise<number> {
  if (!afk.isArmedFor(repo)) return 0;
  return afk.queue.run(repo, async () => {
    const runs = afk.activeRuns(repo);
    if (runs.length === 0) return 0;
    const issues = await afk.deps.issues(installationId);
    const facts = await readRepoFacts(afk, repo, issues);
    const threads = overview ?? (await readOverview(afk));
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
    };
    const failures: string[] = [];
    for (const record of runs) {
      const failure = await observeRun(afk, record, issues, deps, threads, pipeline);
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
  overview: AgentOverview | null,
  pipeline: PipelineHint | null,
): Promise<string | null> {
  const runDeps = toRunDeps(afk, issues, start);
  let record = start;
  const failures: string[] = [];
  const apply = async (seen: Seen): Promise<boolean> => {
    if (seen.failure !== null) failures.push(seen.failure);
    if (seen.event === null) return true;
    const next = await advanceRun(record, seen.event, runDeps);
    if (next === null) return false;
    record = next;
    return true;
  };
  if (!(await apply(await observeAgent(record, overview, deps))))
    return failures.join("; ") || "applying the agent's event failed";
  const { seen, commits } = await observeCommits(record, deps);
  if (!(await apply(seen))) return failures.join("; ") || "applying the push failed";
  for (const look of [
    () => observeCi(record, deps),
    () => observeDeploy(record, deps, pipeline),
    () => observeRollout(record, commits, deps),
  ]) {
    if (!(await apply(await look()))) return failures.join("; ") || "applying a stage event failed";
  }
  if (!(await apply({ event: { kind: "Ticked" }, failure: null }))) return "applying the budgets failed";
  return failures.length === 0 ? null : failures.join("; ");
}
