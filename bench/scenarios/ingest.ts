// Figure 1, webhook ingest: signed check_run.completed deliveries (11 KB, each its own
// delivery id) for a commit afk does not track, at the maximum rate and then at a fixed
// offered rate, against afk and against a bare Probot 14 app with an empty handler, side
// by side in the same run (one after the other, never at once: they would share 2 cores).

import { join } from "node:path";
import { ChildAfk } from "../../test/support/child-afk.js";
import { aCheckRunDelivery, LOAD_CONNECTIONS, runLoads, type LoadResult } from "../lib/load.js";
import { spread, type Spread } from "../lib/stats.js";
import { WEBHOOK_SECRET, World } from "../lib/world.js";

export interface IngestOptions {
  readonly runs: number;
  readonly maxRateSeconds: number;
  readonly fixedRate: number;
  readonly fixedRateSeconds: number;
  readonly warmupSeconds: number;
}

export interface IngestRun {
  readonly afk: { readonly max: LoadResult; readonly fixed: LoadResult };
  readonly bare: { readonly max: LoadResult; readonly fixed: LoadResult };
}

export interface IngestFigure {
  readonly options: IngestOptions;
  readonly deliveryBytes: number;
  readonly afkThroughput: Spread;
  readonly bareThroughput: Spread;
  /** afk's throughput over the bare app's, per run. */
  readonly ratio: Spread;
  readonly afkMaxP50Ms: Spread;
  readonly afkMaxP99Ms: Spread;
  readonly bareMaxP99Ms: Spread;
  readonly afkFixedP50Ms: Spread;
  readonly afkFixedP99Ms: Spread;
  readonly bareFixedP99Ms: Spread;
  readonly afkFixedThroughput: Spread;
  readonly afkErrors: number;
  readonly bareErrors: number;
  readonly runs: readonly IngestRun[];
}

const BARE_APP = join(import.meta.dirname, "..", "fixtures", "bare-app.js");

async function measure(url: string, body: string, headers: Record<string, string>, options: IngestOptions) {
  const base = { url, body, headers, connections: LOAD_CONNECTIONS };
  const results = await runLoads([
    ...(options.warmupSeconds > 0 ? [{ ...base, durationS: options.warmupSeconds }] : []),
    { ...base, durationS: options.maxRateSeconds },
    { ...base, durationS: options.fixedRateSeconds, rate: options.fixedRate },
  ]);
  const [max, fixed] = results.slice(-2) as [LoadResult, LoadResult];
  return { max, fixed };
}

export async function runIngest(options: IngestOptions, log: (line: string) => void): Promise<IngestFigure> {
  const runs: IngestRun[] = [];
  for (let run = 0; run < options.runs; run += 1) {
    const world = await World.start({ repos: 1, prefix: "ingest" });
    const repo = world.repos[0] ?? "";
    const { body, headers } = aCheckRunDelivery(repo);
    const startedAt = Date.now();
    const afk = await world.startAfk();
    await world.startupDone(startedAt);
    const bare = await ChildAfk.start({ app: BARE_APP, env: { ...world.github.probotEnv(), WEBHOOK_SECRET } });
    try {
      // Alternate which goes first, so that neither always gets the cooler machine.
      const order = run % 2 === 0 ? [afk, bare] : [bare, afk];
      const results = new Map<ChildAfk, IngestRun["afk"]>();
      for (const target of order) results.set(target, await measure(target.webhookUrl, body, headers, options));
      const result = { afk: results.get(afk), bare: results.get(bare) } as IngestRun;
      runs.push(result);
      log(
        `ingest run ${run + 1}: afk ${result.afk.max.throughput.toFixed(0)}/s p99 ${result.afk.max.latencyMs.p99} ms, ` +
          `bare ${result.bare.max.throughput.toFixed(0)}/s; at ${options.fixedRate}/s afk p99 ${result.afk.fixed.latencyMs.p99} ms`,
      );
    } finally {
      await afk.close();
      await bare.close();
      await world.close();
    }
  }
  const errors = (r: LoadResult): number => r.non2xx + r.errors + r.timeouts;
  return {
    options,
    deliveryBytes: aCheckRunDelivery("o/r").body.length,
    afkThroughput: spread(runs.map((r) => r.afk.max.throughput)),
    bareThroughput: spread(runs.map((r) => r.bare.max.throughput)),
    ratio: spread(runs.map((r) => r.afk.max.throughput / r.bare.max.throughput)),
    afkMaxP50Ms: spread(runs.map((r) => r.afk.max.latencyMs.p50)),
    afkMaxP99Ms: spread(runs.map((r) => r.afk.max.latencyMs.p99)),
    bareMaxP99Ms: spread(runs.map((r) => r.bare.max.latencyMs.p99)),
    afkFixedP50Ms: spread(runs.map((r) => r.afk.fixed.latencyMs.p50)),
    afkFixedP99Ms: spread(runs.map((r) => r.afk.fixed.latencyMs.p99)),
    bareFixedP99Ms: spread(runs.map((r) => r.bare.fixed.latencyMs.p99)),
    afkFixedThroughput: spread(runs.map((r) => r.afk.fixed.throughput)),
    afkErrors: runs.reduce((sum, r) => sum + errors(r.afk.max) + errors(r.afk.fixed), 0),
    bareErrors: runs.reduce((sum, r) => sum + errors(r.bare.max) + errors(r.bare.fixed), 0),
    runs,
  };
}
