// afk's Prometheus metrics (issue 11), in a registry of their own per afk instance (not
// prom-client's global one: tests run several afks in one process). The shell records
// what already happens — a run's record changing, a delivery handled, a sweep finished, a
// request sent, a port failing — and what it means is decided in the core
// (core/metrics). Names follow Prometheus' conventions: `afk_` prefix, `_total` counters,
// `_seconds` durations. Node's default process metrics (`process_*`, `nodejs_*`) keep their
// standard names, so that the usual dashboards read them; they are switched on at the
// first scrape, so an afk nobody scrapes pays nothing for them.

import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { assertNever } from "../../core/common/assert-never.js";
import { toRouteClass } from "../../core/metrics/route-class.js";
import { toRunMetricEvents } from "../../core/metrics/run-metric-events.js";
import {
  ACTIVE_PHASES,
  TERMINAL_PHASES,
  type EscalationCause,
  type Phase,
  type RunRecord,
} from "../../core/run/run-types.js";
import type { OutboundSample } from "../../ports/outbound.js";
import type { PortError } from "../../ports/result.js";

export const PHASES: readonly Phase[] = ["queued", ...ACTIVE_PHASES, "escalated", ...TERMINAL_PHASES];

/** Every cause, so that each series exists from the start at 0 (a new cause fails to compile here). */
const CAUSES: Readonly<Record<EscalationCause, true>> = {
  agent: true,
  "red-budget-spent": true,
  "time-budget": true,
  lost: true,
  "dispatch-rejected": true,
};

const MINUTE_S = 60;
const HOUR_S = 60 * MINUTE_S;

/** prom-client's text format, as Prometheus asks for it. */
export type MetricsText = { readonly contentType: string; readonly body: string };

export class AfkMetrics {
  readonly registry = new Registry();
  #defaultsOn = false;
  #runs: () => readonly RunRecord[] = () => [];

  readonly #dispatches = this.#counter("afk_dispatches_total", "Runs dispatched to an agent (T3 accepted the thread)");
  readonly #escalations = this.#counter("afk_escalations_total", "Runs escalated to a human, by cause", ["cause"]);
  readonly #fixForwards = this.#counter(
    "afk_fix_forward_turns_total",
    "Corrective turns sent for red CI, deploy or rollout",
  );
  readonly #shipped = this.#counter("afk_runs_shipped_total", "Runs whose change reached production");
  readonly #labelToDispatch = this.#histogram(
    "afk_label_to_dispatch_seconds",
    "From the trusted application of the ready label to the dispatch",
    [1, 5, 15, 30, MINUTE_S, 5 * MINUTE_S, 15 * MINUTE_S, HOUR_S, 4 * HOUR_S, 24 * HOUR_S],
  );
  readonly #dispatchToShipped = this.#histogram(
    "afk_dispatch_to_shipped_seconds",
    "From the dispatch to the change running in production",
    [5 * MINUTE_S, 15 * MINUTE_S, 30 * MINUTE_S, HOUR_S, 2 * HOUR_S, 4 * HOUR_S, 8 * HOUR_S, 24 * HOUR_S],
  );
  readonly #webhooks = this.#histogram(
    "afk_webhook_handling_seconds",
    "Time afk took to handle a GitHub delivery, by event",
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    ["event"],
  );
  readonly #sweepDuration = this.#histogram("afk_sweep_duration_seconds", "Duration of each reconciling sweep", [
    0.1,
    0.5,
    1,
    2.5,
    5,
    10,
    30,
    MINUTE_S,
    2 * MINUTE_S,
    5 * MINUTE_S,
  ]);
  readonly #sweepFailures = this.#counter(
    "afk_sweep_failures_total",
    "Sweeps that failed, wholly or for some repos or runs (the next sweep retries)",
  );
  readonly #requests = this.#counter(
    "afk_outbound_requests_total",
    "Requests afk sent, by system, route class and HTTP status (none: no answer)",
    ["system", "route", "status"],
  );
  readonly #errors = this.#counter(
    "afk_outbound_errors_total",
    "Calls to an outside system that failed, by system and error category",
    ["system", "category"],
  );
  readonly #rateLimit = new Gauge({
    name: "afk_github_rate_limit_remaining",
    help: "GitHub's x-ratelimit-remaining on the latest answer, per installation (app: the app's own JWT calls)",
    labelNames: ["installation"],
    registers: [this.registry],
  });

  constructor() {
    for (const cause of Object.keys(CAUSES)) this.#escalations.inc({ cause }, 0);
    const runs = (): readonly RunRecord[] => this.#runs();
    new Gauge({
      name: "afk_runs",
      help: "Runs afk holds, by phase (in flight, queued, escalated, recently finished)",
      labelNames: ["phase"],
      registers: [this.registry],
      // Read at each scrape from the run index: nothing to keep in step.
      collect: function (this: Gauge<"phase">) {
        const counts = new Map<Phase, number>(PHASES.map((phase) => [phase, 0]));
        for (const record of runs()) counts.set(record.phase, (counts.get(record.phase) ?? 0) + 1);
        for (const [phase, count] of counts) this.set({ phase }, count);
      },
    });
  }

  /** Where `afk_runs` reads the runs from at each scrape. */
  countRunsFrom(runs: () => readonly RunRecord[]): void {
    this.#runs = runs;
  }

  /** A run's record changed (after a transition); what that means is the core's decision. */
  recordRunChange(before: RunRecord | null, after: RunRecord): void {
    for (const event of toRunMetricEvents(before, after)) {
      switch (event.kind) {
        case "dispatched":
          this.#dispatches.inc();
          if (event.labelToDispatchSeconds !== null) this.#labelToDispatch.observe(event.labelToDispatchSeconds);
          break;
        case "escalated":
          this.#escalations.inc({ cause: event.cause });
          break;
        case "fix-forward-turns":
          this.#fixForwards.inc(event.count);
          break;
        case "shipped":
          this.#shipped.inc();
          if (event.dispatchToShippedSeconds !== null) this.#dispatchToShipped.observe(event.dispatchToShippedSeconds);
          break;
        default:
          assertNever(event);
      }
    }
  }

  recordWebhook(event: string, seconds: number): void {
    this.#webhooks.observe({ event }, seconds);
  }

  recordSweep(seconds: number, failed: boolean): void {
    this.#sweepDuration.observe(seconds);
    if (failed) this.#sweepFailures.inc();
  }

  recordRequest(sample: OutboundSample): void {
    const route = toRouteClass(sample.system, sample.route);
    this.#requests.inc({
      system: sample.system,
      route,
      status: sample.status === null ? "none" : String(sample.status),
    });
  }

  recordFailure(error: PortError): void {
    this.#errors.inc({ system: error.system, category: error.category });
  }

  recordRateLimit(installation: number | null, remaining: number): void {
    this.#rateLimit.set({ installation: installation === null ? "app" : String(installation) }, remaining);
  }

  async render(): Promise<MetricsText> {
    if (!this.#defaultsOn) {
      this.#defaultsOn = true;
      collectDefaultMetrics({ register: this.registry });
    }
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  #counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  #histogram(name: string, help: string, buckets: number[], labelNames: readonly string[] = []): Histogram {
    return new Histogram({ name, help, buckets, labelNames, registers: [this.registry] });
  }
}
