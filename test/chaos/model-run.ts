// Runs the model-based test (issue 8): `runs` random command sequences (model-commands.ts)
// from a fixed seed, each over a fresh world (model-world.ts) and ending at rest, and
// prints what they did: sequences, commands, kills, restarts, faults injected. A failing
// sequence is shrunk, and fast-check's error names its seed and path; AFK_CHAOS_SEED and
// AFK_CHAOS_PATH replay exactly that one (CONTRIBUTING.md, "Model-based test").

import fc from "fast-check";
import { AT_REST, COMMANDS, type Model } from "./model-commands.js";
import { aTally, ModelWorld, type Tally } from "./model-world.js";

export interface ModelRunOptions {
  readonly runs: number;
  readonly seed: number;
  /** fast-check's replay path of a failing case (with its seed). */
  readonly path?: string;
  /** The commands' own replay path (the `replayPath` fast-check prints in the counterexample). */
  readonly replayPath?: string;
  readonly maxCommands: number;
}

/** Options from the environment, over the suite's own defaults. */
export function fromEnv(defaults: ModelRunOptions): ModelRunOptions {
  const runs = process.env.AFK_CHAOS_RUNS;
  const seed = process.env.AFK_CHAOS_SEED;
  const path = process.env.AFK_CHAOS_PATH;
  const replayPath = process.env.AFK_CHAOS_REPLAY;
  return {
    ...defaults,
    ...(runs === undefined || runs === "" ? {} : { runs: Number(runs) }),
    ...(seed === undefined || seed === "" ? {} : { seed: Number(seed) }),
    ...(path === undefined || path === "" ? {} : { path }),
    ...(replayPath === undefined || replayPath === "" ? {} : { replayPath }),
  };
}

export async function runModel(options: ModelRunOptions): Promise<Tally> {
  const tally = aTally();
  const started = Date.now();
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.commands(COMMANDS, {
          maxCommands: options.maxCommands,
          size: "max",
          ...(options.replayPath === undefined ? {} : { replayPath: options.replayPath }),
        }),
        async (commands) => {
          tally.sequences += 1;
          const real = new ModelWorld(tally);
          const model: Model = {};
          try {
            await real.begin();
            await fc.asyncModelRun(() => ({ model, real }), [...commands, AT_REST]);
          } catch (error) {
            // AFK_MODEL_LOGS=1 (with a replayed seed and path): what afk logged in the failing case.
            if (process.env.AFK_MODEL_LOGS === "1")
              console.log(real.world.logs.map((line) => JSON.stringify(line)).join("\n"));
            throw error;
          } finally {
            real.finish();
          }
        },
      ),
      {
        numRuns: options.runs,
        seed: options.seed,
        ...(options.path === undefined ? {} : { path: options.path }),
        endOnFailure: options.path !== undefined,
      },
    );
  } finally {
    print(options, tally, started);
  }
  return tally;
}

/** The counts, failed or not (the closing note needs them). */
function print(options: ModelRunOptions, tally: Tally, started: number): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `model-based test (seed ${options.seed}): ${tally.sequences} sequences, ${tally.commands} commands, ` +
      `${tally.kills} kills, ${tally.restarts} restarts, ${tally.faults} faults injected, in ${seconds} s; ` +
      `${tally.dispatches} dispatches; ` +
      `issues at the end by phase: ${JSON.stringify(tally.ended)}`,
  );
}
