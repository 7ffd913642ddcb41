// Figure 4, memory: the resident set size of afk's process (Linux /proc, read from
// outside) idle, with N runs tracked (issues carrying the in-progress label and a progress
// comment holding a run record, read at start), and along M deliveries (check_run for a
// commit afk does not track, in an enrolled repo without runs, at the maximum rate),
// sampled every `every` answers. The sweep is pushed out of the way (3600 s): this is what
// holding runs and taking deliveries costs, not a sweep's transient garbage.

import { preciseNow } from "../../test/fakes/github-fake-http.js";
import type { ChildAfk } from "../../test/support/child-afk.js";
import { aCheckRunDelivery, LOAD_CONNECTIONS, runLoad } from "../lib/load.js";
import { round, spread, type Spread } from "../lib/stats.js";
import { sleep, World } from "../lib/world.js";

export interface MemoryOptions {
  readonly runs: number;
  readonly repos: number;
  readonly tracked: number;
  readonly deliveries: number;
  readonly every: number;
  /** How long afk is left alone before an RSS reading (the garbage of start-up settles). */
  readonly settleMs: number;
}

export interface MemoryRun {
  readonly idleMb: number;
  readonly trackedMb: number;
  readonly afterMb: number;
  /** RSS after each `every` deliveries. */
  readonly samples: readonly { readonly deliveries: number; readonly mb: number }[];
  readonly deliveriesPerSecond: number;
  readonly startupMs: number;
}

export interface MemoryFigure {
  readonly options: MemoryOptions;
  readonly idleMb: Spread;
  readonly trackedMb: Spread;
  readonly afterMb: Spread;
  readonly peakMb: Spread;
  /** RSS growth over the second half of the deliveries, in MB. */
  readonly secondHalfGrowthMb: Spread;
  readonly startupMs: Spread;
  readonly runs: readonly MemoryRun[];
}

const MB = 1024 * 1024;
const env = { AFK_SWEEP_INTERVAL_SECONDS: "3600" };

async function settledRss(afk: ChildAfk, settleMs: number): Promise<number> {
  await sleep(settleMs);
  return round(afk.rssBytes() / MB, 1);
}

async function runOnce(options: MemoryOptions): Promise<MemoryRun> {
  // The last repo takes the deliveries and holds no run.
  const world = await World.start({ repos: options.repos + 1, prefix: "mem" });
  try {
    let since = preciseNow();
    const idle = await world.startAfk(env);
    await world.startupDone(since);
    const idleMb = await settledRss(idle, options.settleMs);
    await idle.close();
    const config = world.config(env);
    // Start-up ends with a sweep's work, every run observed once (~5 reads each): with
    // 1,000 runs that is more than an installation's hour (5,000), and afk would wait for
    // GitHub's reset. This figure is memory: the fake's limit is lifted.
    world.github.rateLimitPerHour = Number.MAX_SAFE_INTEGER;
    for (let i = 0; i < options.tracked; i += 1)
      world.seedRunWaitingOnCi(world.repos[i % options.repos] ?? "", 1 + Math.floor(i / options.repos), config);
    since = preciseNow();
    const afk = await world.startAfk(env);
    try {
      await world.startupDone(since, undefined, 600_000);
      const startupMs = round(preciseNow() - since, 0);
      const trackedMb = await settledRss(afk, options.settleMs);
      const { body, headers } = aCheckRunDelivery(world.repos.at(-1) ?? "");
      const samples: { deliveries: number; mb: number }[] = [];
      const load = await runLoad(
        {
          url: afk.webhookUrl,
          body,
          headers,
          connections: LOAD_CONNECTIONS,
          durationS: 0,
          amount: options.deliveries,
          progressEvery: options.every,
        },
        (answered) => samples.push({ deliveries: answered, mb: round(afk.rssBytes() / MB, 1) }),
      );
      const afterMb = await settledRss(afk, options.settleMs);
      return { idleMb, trackedMb, afterMb, samples, deliveriesPerSecond: round(load.throughput, 0), startupMs };
    } finally {
      await afk.close();
    }
  } finally {
    await world.close();
  }
}

export async function runMemory(options: MemoryOptions, log: (line: string) => void): Promise<MemoryFigure> {
  const runs: MemoryRun[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const result = await runOnce(options);
    runs.push(result);
    log(
      `memory run ${run + 1}: idle ${result.idleMb} MB, ${options.tracked} runs ${result.trackedMb} MB, ` +
        `after ${options.deliveries} deliveries ${result.afterMb} MB (${result.deliveriesPerSecond}/s)`,
    );
  }
  const half = (r: MemoryRun): number => {
    const middle = r.samples[Math.floor(r.samples.length / 2) - 1]?.mb ?? r.trackedMb;
    return round((r.samples.at(-1)?.mb ?? r.afterMb) - middle, 1);
  };
  return {
    options,
    idleMb: spread(runs.map((r) => r.idleMb)),
    trackedMb: spread(runs.map((r) => r.trackedMb)),
    afterMb: spread(runs.map((r) => r.afterMb)),
    peakMb: spread(runs.map((r) => Math.max(r.trackedMb, r.afterMb, ...r.samples.map((s) => s.mb)))),
    secondHalfGrowthMb: spread(runs.map(half)),
    startupMs: spread(runs.map((r) => r.startupMs)),
    runs,
  };
}
