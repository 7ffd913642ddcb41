// The model-based test at scale, in `npm run test:chaos` (issue 8): 5,000 sequences (see
// model.test.ts). AFK_CHAOS_RUNS and AFK_CHAOS_SEED change the count and the seed;
// AFK_CHAOS_PATH with the seed replays one failing case.

import { expect, it } from "vitest";
import { fromEnv, runModel } from "./model-run.js";

it("holds every invariant over 5,000 seeded sequences", async () => {
  const options = fromEnv({ runs: 5_000, seed: 8_5000, maxCommands: 40 });
  const tally = await runModel(options);
  expect(tally.sequences).toBeGreaterThanOrEqual(options.runs);
});
