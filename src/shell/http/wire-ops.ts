// Puts /healthz, /readyz and /metrics together for one afk (issue 11): the metrics learn
// of run changes from the run index and of sweeps from the scheduler, count the runs by
// phase at each scrape, and readiness reads the sweep's status and asks GitHub and T3
// through the shell's own ports. Returns the handler app.ts mounts on Probot's server.

import { describeArming } from "../../core/config/arming.js";
import { SECOND_MS } from "../../core/common/time.js";
import { ReadinessProbe } from "../health/readiness-probe.js";
import type { AfkMetrics } from "../metrics/afk-metrics.js";
import type { AfkRuntime } from "../runtime.js";
import { createOpsRoutes } from "./ops-routes.js";

export function wireOps(runtime: AfkRuntime, metrics: AfkMetrics): ReturnType<typeof createOpsRoutes> {
  const { service, sweep } = runtime;
  const { deps } = service;
  service.index.onRecordChanged((before, after) => metrics.recordRunChange(before, after));
  sweep.onFinished((status) => metrics.recordSweep((status.durationMs ?? 0) / SECOND_MS, status.ok !== true));
  metrics.countRunsFrom(() => service.index.records());
  const { agent } = deps;
  const probe = new ReadinessProbe({
    arming: () =>
      service.armed ? { armed: true } : { armed: false, why: service.refusal ?? describeArming(deps.config).message },
    appIdentity: async () => (await deps.app()).readIdentity(),
    agentVersion: agent === null ? null : () => agent.readVersion(),
    lastSweepFinishedAt: () => sweep.status.finishedAt,
    sweepIntervalMs: deps.config.sweepIntervalMs,
    since: deps.clock(),
    clock: deps.clock,
  });
  return createOpsRoutes({ readiness: () => probe.check(), metrics: () => metrics.render() });
}
