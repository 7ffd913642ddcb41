// How big each scenario runs: the full bench (the README's numbers, at least 3 runs per
// figure, well under 15 minutes on the 2-core machine) and --quick (every scenario once,
// small, for development). The smoke test (test/bench) runs smaller still.

import type { EconomyOptions } from "./scenarios/economy.js";
import type { IngestOptions } from "./scenarios/ingest.js";
import type { LabelDispatchOptions } from "./scenarios/label-dispatch.js";
import type { MemoryOptions } from "./scenarios/memory.js";
import type { RecoveryOptions } from "./scenarios/recovery.js";

export interface BenchPlan {
  readonly ingest: IngestOptions;
  readonly dispatch: LabelDispatchOptions;
  readonly economy: EconomyOptions;
  readonly memory: MemoryOptions;
  readonly recovery: RecoveryOptions;
}

export const FULL: BenchPlan = {
  ingest: { runs: 3, maxRateSeconds: 20, fixedRate: 500, fixedRateSeconds: 5, warmupSeconds: 1 },
  dispatch: { runs: 3, repos: 50, waves: 4, lone: 3, gapMs: 20 },
  economy: { shippedRuns: 3, sweepRepos: 50, runsInFlight: [0, 10, 100], sweeps: 3, skipSweeps: 1 },
  memory: { runs: 3, repos: 50, tracked: 1_000, deliveries: 100_000, every: 5_000, settleMs: 2_000 },
  // afk's default sweep interval: the first observation after a restart waits for it.
  recovery: { runs: 3, repos: 20, inFlight: 100, sweepIntervalSeconds: 60, staggerSeconds: 20 },
};

export const QUICK: BenchPlan = {
  ingest: { runs: 1, maxRateSeconds: 3, fixedRate: 500, fixedRateSeconds: 2, warmupSeconds: 0 },
  dispatch: { runs: 1, repos: 10, waves: 2, lone: 1, gapMs: 20 },
  economy: { shippedRuns: 1, sweepRepos: 50, runsInFlight: [0, 10, 100], sweeps: 1, skipSweeps: 1 },
  memory: { runs: 1, repos: 10, tracked: 100, deliveries: 5_000, every: 1_000, settleMs: 1_000 },
  recovery: { runs: 1, repos: 20, inFlight: 100, sweepIntervalSeconds: 10, staggerSeconds: 0 },
};
