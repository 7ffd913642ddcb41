// The reconciling sweep (DESIGN 1.2): every AFK_SWEEP_INTERVAL_SECONDS, with jitter,
// afk re-derives everything from the systems of record. Webhooks make afk fast; the
// sweep makes it right. It never overlaps itself (the next run is scheduled only once
// the current one has finished) and does nothing at all while afk is disarmed.

export interface SweepOutcome {
  /** Work items (repos and runs) that failed; the sweep goes on past each. */
  readonly failures: readonly string[];
  readonly reposReconciled: number;
  readonly runsObserved: number;
}

export interface SweepStatus {
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly durationMs: number | null;
  readonly ok: boolean | null;
  readonly outcome: SweepOutcome | null;
  readonly runs: number;
}

export interface SweepOptions {
  readonly intervalMs: number;
  /** Fraction of the interval added or removed at random, so replicas and restarts spread out. */
  readonly jitter?: number;
  readonly enabled: () => boolean;
  readonly runOnce: () => Promise<SweepOutcome>;
  readonly clock?: () => number;
  readonly random?: () => number;
  readonly onError?: (error: unknown) => void;
}

export const SWEEP_JITTER = 0.1;

export class Sweep {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = true;
  #status: SweepStatus = { startedAt: null, finishedAt: null, durationMs: null, ok: null, outcome: null, runs: 0 };
  readonly #options: SweepOptions;
  readonly #clock: () => number;
  readonly #random: () => number;
  #onFinished: ((status: SweepStatus) => void) | null = null;

  constructor(options: SweepOptions) {
    this.#options = options;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
  }

  get status(): SweepStatus {
    return this.#status;
  }

  /** One listener, told after each sweep with its status (metrics). */
  onFinished(listener: (status: SweepStatus) => void): void {
    this.#onFinished = listener;
  }

  /** The delay before the next run: the interval ± jitter. */
  nextDelayMs(): number {
    const jitter = this.#options.jitter ?? SWEEP_JITTER;
    const spread = this.#options.intervalMs * jitter;
    return Math.max(0, Math.round(this.#options.intervalMs - spread + 2 * spread * this.#random()));
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  /** Runs one sweep now unless one is running (then waits for that one). */
  async runNow(): Promise<void> {
    if (this.#running !== null) return this.#running;
    if (!this.#options.enabled()) return;
    this.#running = this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.runNow().finally(() => this.#schedule());
    }, this.nextDelayMs());
    this.#timer.unref();
  }

  async #run(): Promise<void> {
    const startedAt = this.#clock();
    let outcome: SweepOutcome | null = null;
    try {
      outcome = await this.#options.runOnce();
    } catch (error) {
      this.#options.onError?.(error);
    }
    const finishedAt = this.#clock();
    this.#status = {
      startedAt,
      finishedAt,
      durationMs: finishedAt - startedAt,
      ok: outcome !== null && outcome.failures.length === 0,
      outcome,
      runs: this.#status.runs + 1,
    };
    this.#onFinished?.(this.#status);
  }
}
