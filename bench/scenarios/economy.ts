// Figure 3, GitHub economy. (a) Requests per shipped run: label → dispatched → the agent's
// turn ends with `AFK-STATUS: pushed <sha>` and the commit lands (push webhook) → CI runs
// green (workflow_run and check_run webhooks) → shipped (no Woodpecker, no rollout: CI
// green ships), with the sweep out of the way (AFK_SWEEP_INTERVAL_SECONDS=3600), so that
// the count is what webhooks cost. (b) Requests per sweep with 0, 10 and 100 runs in
// flight waiting on CI and nothing changing, over 50 enrolled repos, at the shortest
// sweep interval afk accepts (10 s); the three cases run side by side, each its own afk.
// GitHub does not charge a conditional request answered 304: those are counted apart.

import { toThreadId } from "../../src/core/run/ids.js";
import type { RecordedRequest } from "../../test/fakes/github-fake.js";
import { preciseNow } from "../../test/fakes/github-fake-http.js";
import { toRoute } from "../lib/critical-path.js";
import { spread, type Spread } from "../lib/stats.js";
import { INSTALLATION_ID, MAINTAINER, READY, sleep, World } from "../lib/world.js";

export interface EconomyOptions {
  readonly shippedRuns: number;
  readonly sweepRepos: number;
  readonly runsInFlight: readonly number[];
  /** Sweeps measured per case. */
  readonly sweeps: number;
  /** Sweeps left out first (the first one's ETags are cold): 1 in a bench, 0 in the smoke test. */
  readonly skipSweeps: number;
}

export interface Count {
  readonly charged: number;
  readonly notModified: number;
  readonly reads: number;
  readonly writes: number;
  readonly byRoute: Readonly<Record<string, number>>;
}

export interface SweepCase {
  readonly runs: number;
  readonly charged: Spread;
  readonly notModified: Spread;
  readonly t3Reads: Spread;
  readonly durationMs: Spread;
  readonly byRoute: Readonly<Record<string, number>>;
}

export interface ShippedFigure {
  readonly charged: Spread;
  readonly reads: Spread;
  readonly writes: Spread;
  readonly notModified: Spread;
}

export interface EconomyFigure {
  readonly options: EconomyOptions;
  /** A repo's first run since afk started: it also pays the read of the labeler's role (cached 5 minutes). */
  readonly shipped: ShippedFigure;
  readonly shippedRuns: readonly Count[];
  /** The next run in the same repo, by the same process: what every later run costs. */
  readonly shippedLater?: ShippedFigure;
  readonly shippedLaterRuns?: readonly Count[];
  readonly sweeps: readonly SweepCase[];
}

const SHIP_TIMEOUT_MS = 60_000;

export function toCount(requests: readonly RecordedRequest[]): Count {
  const byRoute: Record<string, number> = {};
  for (const r of requests) {
    const key = `${toRoute(r.method, r.path)}${r.status === 304 ? " (304)" : ""}`;
    byRoute[key] = (byRoute[key] ?? 0) + 1;
  }
  const charged = requests.filter((r) => r.status !== 304 && r.installationId !== null);
  return {
    charged: charged.length,
    notModified: requests.filter((r) => r.status === 304).length,
    reads: charged.filter((r) => r.method === "GET").length,
    writes: charged.filter((r) => r.method !== "GET").length,
    byRoute,
  };
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** One run from label to shipped; the GitHub requests it caused, with the installation's token. */
async function shipOne(world: World, repo: string, issue: number): Promise<Count> {
  const { github, t3 } = world;
  github.addIssue(repo, { number: issue });
  await world.quiet(300);
  const from = preciseNow();
  await github.as(MAINTAINER).label(repo, issue, READY);
  const threadId = toThreadId({ installationId: INSTALLATION_ID, repo: repo.toLowerCase(), issue, attempt: 1 });
  await until(() => t3.thread(threadId)?.messages.length === 1, SHIP_TIMEOUT_MS, "the dispatch");
  await github.deliveriesSettled();
  const sha = github.repo(repo).commits.length.toString(16).padStart(40, "a");
  t3.completeTurn(threadId, { text: `Fixed it.\n\nAFK-STATUS: pushed ${sha}`, state: "completed" });
  await github.as("afk-agent").push(repo, { message: `Fix issue ${issue}\n\nAFK-Issue: ${issue}`, sha });
  const run = github.startWorkflowRun(repo, { sha, jobs: ["test"] });
  await github.notify("workflow_run", github.workflowRunPayload(repo, run.id));
  github.completeWorkflowRun(repo, run.id, { conclusion: "success" });
  for (const check of github.checkRunsOf(repo, run.id))
    await github.notify("check_run", github.checkRunPayload(repo, check.id));
  await github.notify("workflow_run", github.workflowRunPayload(repo, run.id));
  await until(() => github.issue(repo, issue).state === "closed", SHIP_TIMEOUT_MS, "the ship");
  await github.deliveriesSettled();
  await world.quiet(1_500);
  return toCount(world.githubIn(from, preciseNow()).filter((r) => r.installationId === INSTALLATION_ID));
}

/** Per repo, its first run since afk started, then a second one in the same repo. */
async function runShipped(options: EconomyOptions): Promise<{ first: Count[]; later: Count[] }> {
  const world = await World.start({ repos: options.shippedRuns, prefix: "ship" });
  const since = preciseNow();
  const afk = await world.startAfk({ AFK_SWEEP_INTERVAL_SECONDS: "3600" });
  try {
    await world.startupDone(since);
    const first: Count[] = [];
    const later: Count[] = [];
    for (const repo of world.repos) {
      first.push(await shipOne(world, repo, 1));
      later.push(await shipOne(world, repo, 2));
    }
    return { first, later };
  } finally {
    await afk.close();
    await world.close();
  }
}

/** Groups requests into sweeps: bursts separated by at least `gapMs` of silence. */
function toBursts<T extends { startedAt: number }>(requests: readonly T[], gapMs: number): T[][] {
  const bursts: T[][] = [];
  let last = -Infinity;
  for (const r of [...requests].sort((a, b) => a.startedAt - b.startedAt)) {
    if (r.startedAt - last > gapMs) bursts.push([]);
    bursts.at(-1)?.push(r);
    last = r.startedAt;
  }
  return bursts;
}

async function runSweepCase(options: EconomyOptions, runs: number): Promise<SweepCase> {
  const world = await World.start({ repos: options.sweepRepos, prefix: `sweep${runs}` });
  const config = world.config();
  for (let i = 0; i < runs; i += 1)
    world.seedRunWaitingOnCi(world.repos[i % world.repos.length] ?? "", 1 + Math.floor(i / world.repos.length), config);
  const since = preciseNow();
  const afk = await world.startAfk({ AFK_SWEEP_INTERVAL_SECONDS: "10" });
  try {
    await world.startupDone(since);
    const startupEnd = preciseNow();
    const wanted = options.sweeps + options.skipSweeps;
    // Each sweep starts with one read of T3's shell route; the last one ends when the fakes go quiet.
    await until(
      () => world.t3In(startupEnd, preciseNow()).filter((r) => r.path.endsWith("/shell")).length >= wanted,
      (wanted + 2) * 40_000,
      `${wanted} sweeps`,
    );
    await world.quiet(1_000);
    const cut = preciseNow();
    const github = world.githubIn(startupEnd, cut).filter((r) => r.installationId === INSTALLATION_ID);
    const t3 = world.t3In(startupEnd, cut);
    const merged = [
      ...github.map((r) => ({ ...r, side: "github" as const })),
      ...t3.map((r) => ({ ...r, side: "t3" as const })),
    ];
    const bursts = toBursts(merged, 2_000).slice(options.skipSweeps);
    const counts = bursts.map((burst) =>
      toCount(burst.flatMap((r) => (r.side === "github" ? [r as RecordedRequest] : []))),
    );
    const byRoute: Record<string, number> = {};
    for (const count of counts)
      for (const [route, n] of Object.entries(count.byRoute))
        byRoute[route] = (byRoute[route] ?? 0) + n / counts.length;
    return {
      runs,
      charged: spread(counts.map((c) => c.charged)),
      notModified: spread(counts.map((c) => c.notModified)),
      t3Reads: spread(bursts.map((b) => b.filter((r) => r.side === "t3").length)),
      durationMs: spread(
        bursts.map((b) => Math.max(...b.map((r) => r.endedAt ?? r.startedAt)) - (b[0]?.startedAt ?? 0)),
      ),
      byRoute,
    };
  } finally {
    await afk.close();
    await world.close();
  }
}

function toShippedFigure(counts: readonly Count[]): ShippedFigure {
  return {
    charged: spread(counts.map((c) => c.charged)),
    reads: spread(counts.map((c) => c.reads)),
    writes: spread(counts.map((c) => c.writes)),
    notModified: spread(counts.map((c) => c.notModified)),
  };
}

export async function runEconomy(options: EconomyOptions, log: (line: string) => void): Promise<EconomyFigure> {
  const { first: shippedRuns, later: shippedLaterRuns } = await runShipped(options);
  const said = (counts: readonly Count[]): string =>
    counts.map((c) => `${c.charged} (${c.reads}r/${c.writes}w)`).join(", ");
  log(`economy: shipped runs cost ${said(shippedRuns)} requests; the next run in each repo ${said(shippedLaterRuns)}`);
  const sweeps = await Promise.all(options.runsInFlight.map((runs) => runSweepCase(options, runs)));
  for (const c of sweeps)
    log(
      `economy: a sweep with ${c.runs} runs in flight costs ${c.charged.median} charged + ${c.notModified.median} 304s`,
    );
  return {
    options,
    shipped: toShippedFigure(shippedRuns),
    shippedRuns,
    shippedLater: toShippedFigure(shippedLaterRuns),
    shippedLaterRuns,
    sweeps,
  };
}
