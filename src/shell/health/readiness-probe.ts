// Gathers what /readyz decides on (core/health/decide-readiness.ts): whether afk
// authenticates as the app (`GET /app` with its JWT) and whether T3 answers (its
// unauthenticated version route), each within a short timeout so that a probe answers
// before Kubernetes gives up on it, and cached briefly so that probes every few seconds
// (and several people with curl) cost GitHub and T3 one request each per cache period.
// Concurrent probes share one gathering. Disarmed, nothing is asked of anyone.

import { decideReadiness, type ProbeFact, type Readiness } from "../../core/health/decide-readiness.js";
import type { AppIdentity } from "../../ports/github-app.js";
import { describeError, type Result } from "../../ports/result.js";

/** Below the chart's readinessProbe.timeoutSeconds (5 s), with room for the answer. */
export const READY_PROBE_TIMEOUT_MS = 2_000;
/** The chart probes every 10 s: about one GitHub and one T3 request per 20 s, whoever asks. */
export const READY_FACTS_CACHE_MS = 20_000;

export type Arming = { readonly armed: true } | { readonly armed: false; readonly why: string };

export interface ReadinessSources {
  readonly arming: () => Arming;
  /** `GET /app` as the app. */
  readonly appIdentity: () => Promise<Result<AppIdentity>>;
  /** T3's version route; null when T3 is not configured. */
  readonly agentVersion: (() => Promise<Result<string>>) | null;
  readonly lastSweepFinishedAt: () => number | null;
  readonly sweepIntervalMs: number;
  /** When afk started following the world. */
  readonly since: number;
  readonly clock: () => number;
  readonly timeoutMs?: number;
  readonly cacheMs?: number;
}

interface OutsideFacts {
  readonly appAuth: ProbeFact;
  readonly agent: ProbeFact | null;
  readonly at: number;
}

/** The call's outcome as a fact, or a timeout; a throw is a failure with its message. */
async function probe<T>(
  call: () => Promise<Result<T>>,
  timeoutMs: number,
  ok: (value: T) => string,
): Promise<ProbeFact> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ProbeFact>((resolve) => {
    timer = setTimeout(() => resolve({ kind: "timeout", afterMs: timeoutMs }), timeoutMs);
    timer.unref();
  });
  const answered = call().then(
    (result): ProbeFact =>
      result.ok ? { kind: "ok", detail: ok(result.value) } : { kind: "failed", detail: describeError(result.error) },
    (error: unknown): ProbeFact => ({ kind: "failed", detail: error instanceof Error ? error.message : String(error) }),
  );
  try {
    return await Promise.race([answered, late]);
  } finally {
    clearTimeout(timer);
  }
}

export class ReadinessProbe {
  readonly #sources: ReadinessSources;
  #facts: OutsideFacts | null = null;
  #gathering: Promise<OutsideFacts> | null = null;

  constructor(sources: ReadinessSources) {
    this.#sources = sources;
  }

  async check(): Promise<Readiness> {
    const sources = this.#sources;
    const arming = sources.arming();
    if (!arming.armed) return decideReadiness({ armed: false, why: arming.why });
    const facts = await this.#outsideFacts();
    return decideReadiness({
      armed: true,
      now: sources.clock(),
      sweepIntervalMs: sources.sweepIntervalMs,
      lastSweepFinishedAt: sources.lastSweepFinishedAt(),
      since: sources.since,
      appAuth: facts.appAuth,
      agent: facts.agent,
    });
  }

  async #outsideFacts(): Promise<OutsideFacts> {
    const cacheMs = this.#sources.cacheMs ?? READY_FACTS_CACHE_MS;
    if (this.#facts !== null && this.#sources.clock() - this.#facts.at < cacheMs) return this.#facts;
    this.#gathering ??= this.#gather().finally(() => (this.#gathering = null));
    return this.#gathering;
  }

  async #gather(): Promise<OutsideFacts> {
    const timeoutMs = this.#sources.timeoutMs ?? READY_PROBE_TIMEOUT_MS;
    const { agentVersion } = this.#sources;
    const [appAuth, agent] = await Promise.all([
      probe(this.#sources.appIdentity, timeoutMs, (app) => `afk authenticates as the app ${app.slug}`),
      agentVersion === null ? null : probe(agentVersion, timeoutMs, (version) => `T3 answers (version ${version})`),
    ]);
    this.#facts = { appAuth, agent, at: this.#sources.clock() };
    return this.#facts;
  }
}
