// `npm run bench`: afk's five performance figures (issue 12), measured from outside with
// afk as a child process (started as the Docker image starts it) against the fakes, the
// load generator in a process of its own. Writes bench/results/latest.json and the table
// in the README's Performance section. `--quick` (npm run bench:quick) runs every scenario
// small, for development, and writes bench/results/quick.json only. `--only=a,b` picks
// scenarios (ingest, dispatch, economy, memory, recovery); the README is then left alone.
// `--report` rewrites the README table from results/latest.json without measuring.
//
// Needs `npm run build` first (npm run bench does it): afk runs from dist/ as in the image.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../test/support/child-afk.js";
import { describeMachine, loadNow } from "./lib/machine.js";
import { renderTable, withTable, type BenchResults } from "./lib/report.js";
import { FULL, QUICK, type BenchPlan } from "./plan.js";
import { runEconomy } from "./scenarios/economy.js";
import { runIngest } from "./scenarios/ingest.js";
import { runLabelDispatch } from "./scenarios/label-dispatch.js";
import { runMemory } from "./scenarios/memory.js";
import { runRecovery } from "./scenarios/recovery.js";

const SCENARIOS = ["ingest", "dispatch", "economy", "memory", "recovery"] as const;
type Scenario = (typeof SCENARIOS)[number];

export async function runBench(plan: BenchPlan, only: readonly Scenario[], log: (line: string) => void) {
  const wanted = (scenario: Scenario): boolean => only.includes(scenario);
  const started = Date.now();
  const ingest = wanted("ingest") ? await runIngest(plan.ingest, log) : undefined;
  const dispatch = wanted("dispatch") ? await runLabelDispatch(plan.dispatch, log) : undefined;
  // Both spend their time waiting for afk's sweeps, and count requests rather than time
  // them (recovery's times are dominated by the sweep interval): they run side by side.
  const [economy, recovery] = await Promise.all([
    wanted("economy") ? runEconomy(plan.economy, log) : undefined,
    wanted("recovery") ? runRecovery(plan.recovery, log) : undefined,
  ]);
  const memory = wanted("memory") ? await runMemory(plan.memory, log) : undefined;
  return { ingest, dispatch, economy, recovery, memory, durationS: (Date.now() - started) / 1000 };
}

/** `--report`: the README table again from bench/results/latest.json, without measuring. */
function report(): void {
  const results = JSON.parse(readFileSync(join(ROOT, "bench", "results", "latest.json"), "utf8")) as BenchResults;
  const readme = join(ROOT, "README.md");
  writeFileSync(readme, withTable(readFileSync(readme, "utf8"), renderTable(results)));
  console.log(`updated: ${readme}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--report")) return report();
  const quick = args.includes("--quick");
  const onlyArg = args.find((arg) => arg.startsWith("--only="))?.slice("--only=".length);
  const only = (onlyArg?.split(",") ?? [...SCENARIOS]) as Scenario[];
  const unknown = only.filter((name) => !SCENARIOS.includes(name));
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.join(", ")}`);
  const loadAtStart = loadNow();
  const log = (line: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const measured = await runBench(quick ? QUICK : FULL, only, log);
  const results: BenchResults = {
    version: 1,
    at: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    command: quick ? "npm run bench:quick" : "npm run bench",
    machine: describeMachine(loadAtStart),
    ...measured,
  };
  const file = join(ROOT, "bench", "results", quick ? "quick.json" : "latest.json");
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const table = renderTable(results);
  console.log(`\n${table}\n\nwritten: ${file}`);
  if (!quick && onlyArg === undefined) {
    const readme = join(ROOT, "README.md");
    writeFileSync(readme, withTable(readFileSync(readme, "utf8"), table));
    console.log(`updated: ${readme}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // Ctrl-C ends the bench through process.exit, so that no afk child outlives it.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  await main();
}
