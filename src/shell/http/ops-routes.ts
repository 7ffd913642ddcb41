// afk's endpoints for the platform (issue 11), as one Probot `addHandler` handler:
//   GET /healthz  200 while the process runs and its event loop turns (liveness)
//   GET /readyz   200 or 503, naming each failing check (readiness; core/health)
//   GET /metrics  Prometheus' text format (afk_* and Node's process metrics)
// None needs credentials and none says anything secret: they are for the kubelet and
// Prometheus inside the cluster. The chart's Ingress does not route them; an operator
// who exposes afk's port some other way should keep these paths inside.

import type { IncomingMessage, ServerResponse } from "node:http";
import { setImmediate as nextTurn } from "node:timers/promises";
import { renderReadiness, type Readiness } from "../../core/health/decide-readiness.js";
import type { MetricsText } from "../metrics/afk-metrics.js";

export const HEALTH_PATH = "/healthz";
export const READY_PATH = "/readyz";
export const METRICS_PATH = "/metrics";

export interface OpsRoutesOptions {
  readonly readiness: () => Promise<Readiness>;
  readonly metrics: () => Promise<MetricsText>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const TEXT = "text/plain; charset=utf-8";

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

async function answer(req: IncomingMessage, res: ServerResponse, path: string, options: OpsRoutesOptions) {
  if (path === HEALTH_PATH) {
    // Answered after a full turn of the event loop, not from inside the request's own tick.
    await nextTurn();
    return send(req, res, 200, TEXT, "ok\n");
  }
  if (path === READY_PATH) {
    const readiness = await options.readiness();
    return send(req, res, readiness.ready ? 200 : 503, TEXT, renderReadiness(readiness));
  }
  const metrics = await options.metrics();
  send(req, res, 200, metrics.contentType, metrics.body);
}

export function createOpsRoutes(options: OpsRoutesOptions): Handler {
  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://afk.invalid").pathname;
    if (path !== HEALTH_PATH && path !== READY_PATH && path !== METRICS_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-length": 0 }).end();
      return true;
    }
    await answer(req, res, path, options);
    return true;
  };
}
