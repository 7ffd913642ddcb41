// The model-based test in `npm test` (issue 8): 200 random sequences over three repos of
// people's acts, agent turns, CI, Slack, sweeps, kills and restarts and injected faults,
// from a fixed seed, with the invariants checked after every command (model-*.ts). The
// 5,000-sequence run is model.chaos.test.ts (`npm run test:chaos`).

import { expect, it } from "vitest";
import { fromEnv, runModel } from "./model-run.js";

it("holds every invariant over 200 seeded sequences", async () => {
  const tally = await runModel(fromEnv({ runs: 200, seed: 8_2026, maxCommands: 40 }));
  expect(tally.sequences).toBeGreaterThanOrEqual(200);
  // The sequences reach what they are for: kills and faults happen.
  expect(tally.kills).toBeGreaterThan(0);
  expect(tally.faults).toBeGreaterThan(0);
});
