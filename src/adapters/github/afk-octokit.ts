// The Octokit class afk hands Probot (main.ts): Probot's own, whose throttling plugin
// still paces every write (one at a time, ≥ 1 s apart, comments ≥ 3 s apart: GitHub's
// secondary limits on content creation, contracts/github.md), but whose reads skip the
// throttling and retry plugins. Those schedule every request through Bottleneck, a chain
// of timers that costs a read ~15 ms of waiting with nothing in the way (measured: ~18 ms
// per GET with both plugins, ~2 ms without); a read afk waits for one after the other
// before a dispatch pays it each time. A read that fails is not retried here: afk's reads
// are idempotent and every failure is retried by what sent it (the delivery is
// redeliverable, the sweep reads again), and a rate-limited read is not held for up to
// an hour inside a webhook handler. Reads in flight are capped well under GitHub's 100
// concurrent requests.

import { ProbotOctokit } from "probot";

/** Reads in flight at once across the process (GitHub's secondary limit: 100 concurrent requests). */
export const READS_IN_FLIGHT_MAX = 20;

type Options = ConstructorParameters<typeof ProbotOctokit>[0];
type Octokit = InstanceType<typeof ProbotOctokit>;

const waiting: (() => void)[] = [];
let inFlight = 0;

/** Runs `read` once fewer than READS_IN_FLIGHT_MAX reads are in flight; a freed slot goes to the longest waiter. */
async function withReadSlot<T>(read: () => Promise<T>): Promise<T> {
  if (inFlight < READS_IN_FLIGHT_MAX) inFlight += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await read();
  } finally {
    const next = waiting.shift();
    if (next === undefined) inFlight -= 1;
    else next();
  }
}

function isRead(method: unknown): boolean {
  return method === "GET" || method === "HEAD";
}

/**
 * Sends the Octokit's reads through a twin built from the same options (the same
 * installation, token cache, base URL and log) with throttling and retry off. Registered
 * after Probot's plugins, this hook wraps them: a write goes on into them as before.
 */
function unpacedReads(octokit: Pick<Octokit, "hook">, options: Options = {}): void {
  let reads: Octokit | null = null;
  octokit.hook.wrap("request", (request, endpoint) => {
    if (!isRead(endpoint.method)) return request(endpoint);
    reads ??= new ProbotOctokit({ ...options, throttle: { enabled: false }, retry: { enabled: false } });
    // The endpoint carries this Octokit's own hook; the twin's must run instead.
    const { hook: _own, ...requestOptions } = endpoint.request ?? {};
    const twin = reads;
    return withReadSlot(() => twin.request({ ...endpoint, request: requestOptions }));
  });
}

export const AfkOctokit = ProbotOctokit.plugin(unpacedReads);
