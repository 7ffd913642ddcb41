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
//
// Nor does afk keep reading while GitHub says stop: once a read is answered with a rate
// limit (github-error.ts tells which), further reads are refused here, sent nowhere, until
// the time GitHub named (`retry-after`, else the primary limit's `x-ratelimit-reset`, else
// a minute), so that the sweep and deliveries do not hammer a limited integration (GitHub
// may ban one that keeps sending). A refused read fails at once as a rate limit, like a
// limited read: its reconcile fails, the delivery stays redeliverable, the sweep reads again.
// A primary limit holds that installation's reads only (GitHub counts 5,000 an hour per
// installation; the others still have theirs); a secondary limit holds every read of the
// process (GitHub does not say it is per installation, the cap of 20 is process-wide, and
// a ban would be the whole app's: a minute's wait costs less).

import { ProbotOctokit } from "probot";
import { toGitHubError } from "./github-error.js";

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

/** The pause that covers every installation: a secondary limit. */
const EVERY_INSTALLATION = "every installation";

/** Until when (epoch ms) reads are held, per installation and for the whole process. */
class ReadPauses {
  readonly #until = new Map<string, number>();
  constructor(readonly now: () => number) {}

  /** The end of the pause covering `installation`'s reads, or null when they may go. */
  heldUntil(installation: string): number | null {
    const now = this.now();
    const until = Math.max(this.#until.get(installation) ?? 0, this.#until.get(EVERY_INSTALLATION) ?? 0);
    return until > now ? until : null;
  }

  /** Holds reads until `until`; true when this starts a pause (none covered them before). */
  hold(key: string, until: number): boolean {
    const started = this.heldUntil(key) === null;
    this.#until.set(key, Math.max(this.#until.get(key) ?? 0, until));
    return started;
  }
}

/** What a held read throws: a rate limit as GitHub answers it (github-error.ts reads it so). */
function pausedRead(endpoint: { method?: string; url?: string }, until: number, now: number): Error {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  const message = `GitHub rate limit: afk holds reads until ${new Date(until).toISOString()}, not sent`;
  return Object.assign(new Error(message), {
    name: "HttpError",
    status: 429,
    response: { status: 429, url: endpoint.url ?? "", headers: { "retry-after": String(seconds) }, data: { message } },
  });
}

/**
 * Sends the Octokit's reads through a twin built from the same options (the same
 * installation, token cache, base URL and log) with throttling and retry off. Registered
 * after Probot's plugins, this hook wraps them: a write goes on into them as before.
 */
function unpacedReads(pauses: ReadPauses) {
  return (octokit: Pick<Octokit, "hook" | "log">, options: Options = {}): void => {
    let reads: Octokit | null = null;
    const auth = options.auth as { installationId?: unknown } | string | undefined;
    const id = typeof auth === "object" && auth !== null ? auth.installationId : undefined;
    const installation = typeof id === "number" || typeof id === "string" ? `installation ${id}` : "the app";
    octokit.hook.wrap("request", async (request, endpoint) => {
      if (!isRead(endpoint.method)) return request(endpoint);
      reads ??= new ProbotOctokit({ ...options, throttle: { enabled: false }, retry: { enabled: false } });
      // The endpoint carries this Octokit's own hook; the twin's must run instead.
      const { hook: _own, ...requestOptions } = endpoint.request ?? {};
      const twin = reads;
      return withReadSlot(async () => {
        // Asked once a slot is free: a pause that began while this read waited holds it too.
        const held = pauses.heldUntil(installation);
        if (held !== null) throw pausedRead(endpoint, held, pauses.now());
        try {
          return await twin.request({ ...endpoint, request: requestOptions });
        } catch (error) {
          const now = pauses.now();
          const failure = toGitHubError(error, now);
          if (failure.category === "rate-limited") {
            const key = failure.detail === "primary" ? installation : EVERY_INSTALLATION;
            const until = now + Math.max(1000, failure.retryAfterMs ?? 0);
            if (pauses.hold(key, until))
              octokit.log.warn(
                `GitHub answered a read with its ${failure.detail ?? "secondary"} rate limit: afk holds reads of ${key} until ${new Date(until).toISOString()}`,
              );
          }
          throw error;
        }
      });
    });
  };
}

/** afk's Octokit class, whose rate-limit pauses read the time from `now` (tests pass their clock). */
export function afkOctokitWith(now: () => number = Date.now) {
  return ProbotOctokit.plugin(unpacedReads(new ReadPauses(now)));
}

export const AfkOctokit = afkOctokitWith();
