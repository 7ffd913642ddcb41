// `.env` in the working folder, applied as Probot applies it (probot/lib/helpers/apply-env.js):
// its values OVERRIDE the environment (contracts/github.md). afk builds its logger before
// Probot runs, so it applies the file first; Probot applying it again changes nothing.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";

export function applyDotEnv(env: Record<string, string | undefined>, cwd: string): void {
  let text: string;
  try {
    text = readFileSync(join(cwd, ".env"), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  Object.assign(env, parseEnv(text));
}
