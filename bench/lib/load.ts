// Runs the load generator (load-child.ts) in a child process and reads its result. The
// deliveries are `check_run.completed` for a commit afk does not track, 11 KB each (the
// size of a real one), signed once: the signature covers the body, and only the
// X-GitHub-Delivery header changes between requests.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { aCheckRunEvent } from "../../test/support/webhook-fixtures.js";
import { signDelivery } from "../../test/support/sign-delivery.js";
import { INSTALLATION_ID, WEBHOOK_SECRET } from "./world.js";

export interface LoadJob {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  /** Seconds to run; ignored when `amount` is set. */
  readonly durationS: number;
  readonly amount?: number;
  /** Offered requests per second, across connections; the maximum when absent. */
  readonly rate?: number;
  readonly progressEvery?: number;
}

export interface LoadResult {
  readonly durationS: number;
  readonly sent: number;
  readonly ok: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  /** 2xx answers per second. */
  readonly throughput: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

export const DELIVERY_BYTES = 11 * 1024;
export const LOAD_CONNECTIONS = 16;

/** A signed check_run.completed delivery of `DELIVERY_BYTES`, for `repo` and a sha nobody pushed. */
export function aCheckRunDelivery(repo: string): { body: string; headers: Record<string, string> } {
  const payload = aCheckRunEvent("completed", {
    repo,
    sha: "f00dfacef00dfacef00dfacef00dfacef00dface",
    name: "test",
    installationId: INSTALLATION_ID,
  });
  // Real check_run payloads carry the run's output; pad it to the size of a real delivery.
  const output = (payload.check_run as { output: { text: string | null } }).output;
  output.text = "";
  const bare = JSON.stringify(payload).length;
  output.text = "x".repeat(Math.max(0, DELIVERY_BYTES - bare));
  const { body, headers } = signDelivery({ event: "check_run", payload, secret: WEBHOOK_SECRET });
  const { "X-GitHub-Delivery": _id, ...rest } = headers;
  return { body, headers: { ...rest } };
}

/** Runs one load in a child process; `onProgress` gets the number of answers so far. */
export async function runLoad(job: LoadJob, onProgress?: (answered: number) => void): Promise<LoadResult> {
  const [result] = await runLoads([job], onProgress);
  if (result === undefined) throw new Error("the load generator returned no result");
  return result;
}

/** Runs loads one after the other in one child process (one start-up for all). */
export async function runLoads(
  jobs: readonly LoadJob[],
  onProgress?: (answered: number) => void,
): Promise<LoadResult[]> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", join(import.meta.dirname, "load-child.ts"), JSON.stringify(jobs)],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const got: { results: LoadResult[] } = { results: [] };
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    const parsed = JSON.parse(line) as { progress?: number; result?: LoadResult };
    if (parsed.progress !== undefined) onProgress?.(parsed.progress);
    if (parsed.result !== undefined) got.results.push(parsed.result);
  });
  const code = await new Promise<number | null>((done) => child.on("exit", (exit) => done(exit)));
  if (code !== 0 || got.results.length !== jobs.length) throw new Error(`the load generator failed (exit ${code})`);
  return got.results;
}
