#!/usr/bin/env node
// `afk doctor` (`npm run doctor`, the `afk-doctor` bin): checks the set-up against every
// outside system and exits 0 only when all is well. Like src/main.ts, a place that reads
// process.env. It reads the environment the way `probot run` does: a `.env` file in the
// working directory is applied over the real environment (contracts/github.md: a `.env`
// file OVERRIDES real environment variables), so the doctor sees what `npm start` sees.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { runDoctor } from "./run-doctor.js";

/** Probot's `loadEnv`: the working directory's `.env`, parsed by Node; none is no error. */
function readDotEnv(cwd: string): Record<string, string | undefined> {
  try {
    return parseEnv(readFileSync(join(cwd, ".env"), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
}

async function main(): Promise<number> {
  const cwd = process.cwd();
  const env = { ...process.env, ...readDotEnv(cwd) };
  // app.yml sits beside package.json: two levels up from dist/doctor/main.js (and src/doctor/main.ts).
  const manifest = readFileSync(new URL("../../app.yml", import.meta.url), "utf8");
  const report = await runDoctor({ env, manifest, cwd });
  process.stdout.write(`${report.lines.join("\n")}\n`);
  return report.exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`afk doctor failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
