// Figure 5, recovery: runs in flight waiting on CI over a set of repos; afk is SIGKILLed
// and started again on the same port against the same fakes. Measured from outside, from
// the new process's spawn: when every run is back in the index (the last read of a run's
// progress comment, which is how afk rebuilds its index) and when every run has been
// observed once (the first read of the check runs of its sha), and the GitHub requests
// spent until then, charged and 304s apart. The sweep interval is afk's default unless
// the options say otherwise: the first observation waits for the first sweep.

import { preciseNow } from "../../test/fakes/github-fake-http.js";
import { RATE_LIMIT_PER_HOUR } from "../../test/fakes/github-fake-http.js";
import type { RunRecord } from "../../src/core/run/run-types.js";
import { round, spread, type Spread } from "../lib/stats.js";
import { INSTALLATION_ID, sleep, World } from "../lib/world.js";
import { toCount } from "./economy.js";

export interface RecoveryOptions {
  readonly runs: number;
  readonly repos: number;
  readonly inFlight: number;
  readonly sweepIntervalSeconds: number;
  /**
   * The runs overlap, each started this long after the previous one: a run spends most
   * of its time waiting for afk's first sweep, and its restart is over in seconds.
   */
  readonly staggerSeconds: number;
}

export interface RecoveryRun {
  readonly pingMs: number;
  readonly indexedMs: number;
  readonly observedMs: number;
  readonly charged: number;
  readonly notModified: number;
  readonly byRoute: Readonly<Record<string, number>>;
}

export interface RecoveryFigure {
  readonly options: RecoveryOptions;
  readonly pingMs: Spread;
  readonly indexedMs: Spread;
  readonly observedMs: Spread;
  readonly charged: Spread;
  readonly notModified: Spread;
  readonly rateLimitPerHour: number;
  readonly runs: readonly RecoveryRun[];
}

async function runOnce(options: RecoveryOptions): Promise<RecoveryRun> {
  const world = await World.start({ repos: options.repos, prefix: "recover" });
  const env = { AFK_SWEEP_INTERVAL_SECONDS: String(options.sweepIntervalSeconds) };
  const config = world.config(env);
  const records: RunRecord[] = [];
  for (let i = 0; i < options.inFlight; i += 1)
    records.push(
      world.seedRunWaitingOnCi(world.repos[i % options.repos] ?? "", 1 + Math.floor(i / options.repos), config),
    );
  const since = preciseNow();
  const afk = await world.startAfk(env);
  try {
    await world.startupDone(since);
    await afk.kill();
    const restartedAt = preciseNow();
    await afk.restart();
    const pingMs = round(preciseNow() - restartedAt, 0);
    const firstRead = (record: RunRecord): number | undefined =>
      world.github.requests.find(
        (r) => r.startedAt >= restartedAt && r.path.includes(`/commits/${record.sha}/check-runs`) && r.endedAt !== null,
      )?.startedAt;
    const deadline = Date.now() + (options.sweepIntervalSeconds * 1.2 + 60) * 1000;
    while (records.some((record) => firstRead(record) === undefined)) {
      if (Date.now() > deadline) throw new Error("not every run was observed after the restart");
      await sleep(100);
    }
    const observedAt = Math.max(...records.map((record) => firstRead(record) ?? 0));
    const comments = world.github.requests.filter(
      (r) => r.startedAt >= restartedAt && /\/issues\/\d+\/comments\?/.test(r.path) && r.endedAt !== null,
    );
    const indexedAt = Math.max(...comments.map((r) => r.endedAt ?? 0));
    const count = toCount(
      world.githubIn(restartedAt, observedAt + 1).filter((r) => r.installationId === INSTALLATION_ID),
    );
    return {
      pingMs,
      indexedMs: round(indexedAt - restartedAt, 0),
      observedMs: round(observedAt - restartedAt, 0),
      charged: count.charged,
      notModified: count.notModified,
      byRoute: count.byRoute,
    };
  } finally {
    await afk.close();
    await world.close();
  }
}

export async function runRecovery(options: RecoveryOptions, log: (line: string) => void): Promise<RecoveryFigure> {
  const runs = await Promise.all(
    Array.from({ length: options.runs }, async (_, run) => {
      await sleep(run * options.staggerSeconds * 1000);
      const result = await runOnce(options);
      log(
        `recovery run ${run + 1}: indexed after ${result.indexedMs} ms, every run observed after ${result.observedMs} ms, ` +
          `${result.charged} charged requests`,
      );
      return result;
    }),
  );
  return {
    options,
    pingMs: spread(runs.map((r) => r.pingMs)),
    indexedMs: spread(runs.map((r) => r.indexedMs)),
    observedMs: spread(runs.map((r) => r.observedMs)),
    charged: spread(runs.map((r) => r.charged)),
    notModified: spread(runs.map((r) => r.notModified)),
    rateLimitPerHour: RATE_LIMIT_PER_HOUR,
    runs,
  };
}
