// The rollout reader over the Kubernetes API (contracts/kubernetes.md), on the shared
// request loop (http-call.ts). It reads one Deployment, or asks whether afk may; it
// decides nothing (the rollout verdict is the core's).
//
// - The bearer comes from the service account token file, cached for at most a minute
//   (kube-token.ts). A 401 re-reads the file at once and, when it holds a new token,
//   repeats the request once within the same deadline: the kubelet may have rotated it
//   within the minute.
// - The CA file is read once, on the first call (kube-agent.ts).
// - Network errors, 429 and 502/503/504 are retried with backoff inside the deadline.
//   The access review is a POST but creates nothing: it is repeated like a GET.

import { readFile as readFileFromDisk } from "node:fs/promises";
import type { Agent } from "undici";
import type { DeploymentFact } from "../../core/observe/observe-types.js";
import type { OutboundObserver } from "../../ports/outbound.js";
import type { Result } from "../../ports/result.js";
import type { RolloutReader } from "../../ports/rollout-reader.js";
import type { HttpTimeouts, RetryPolicy } from "../http/http-common.js";
import { asJson, httpCall, startDeadline, type Decode, type HttpSetup } from "../http/http-call.js";
import { ACCESS_REVIEW_PATH, AccessReviewSchema, toDeploymentAccessReview } from "./kube-access-review.js";
import { createKubeAgent } from "./kube-agent.js";
import { parseDeployment } from "./kube-deployment.js";
import { KUBE_RETRY_STATUSES, toKubeFailure } from "./kube-errors.js";
import { createTokenSource } from "./kube-token.js";

export const DEFAULT_KUBE_TIMEOUTS: HttpTimeouts = {
  connectMs: 5_000,
  headersMs: 10_000,
  bodyMs: 10_000,
  deadlineMs: 20_000,
};

export const DEFAULT_KUBE_RETRY: RetryPolicy = { retries: 2, backoffMs: 250 };

export interface KubeClientOptions {
  /** e.g. `https://10.0.0.1:443` (in-cluster) or `AFK_KUBE_API_URL`. */
  readonly apiUrl: string;
  readonly tokenFile: string;
  readonly caFile: string;
  readonly readFile?: (path: string) => Promise<string | Buffer>;
  /** The token cache's clock. */
  readonly now?: () => number;
  readonly timeouts?: Partial<HttpTimeouts>;
  readonly retry?: Partial<RetryPolicy>;
  /** Told of every request sent (metrics). */
  readonly observe?: OutboundObserver;
}

interface Call<T> {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: unknown;
  readonly decode: Decode<T>;
}

/** A 2xx that is not a Deployment. */
const asDeployment: Decode<DeploymentFact> = (text) => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, why: "the body is not JSON" };
  }
  const parsed = parseDeployment(json);
  return parsed.ok ? parsed : { ok: false, why: `not a Deployment: ${parsed.why}` };
};

export function createKubeClient(options: KubeClientOptions): RolloutReader {
  const timeouts: HttpTimeouts = { ...DEFAULT_KUBE_TIMEOUTS, ...options.timeouts };
  const retry: RetryPolicy = { ...DEFAULT_KUBE_RETRY, ...options.retry };
  const readFile = options.readFile ?? ((path: string) => readFileFromDisk(path));
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const tokens = createTokenSource({ tokenFile: options.tokenFile, readFile, now: options.now ?? Date.now });
  let agent: Promise<Result<Agent>> | null = null;

  function loadAgent(what: string): Promise<Result<Agent>> {
    agent ??= createKubeAgent(
      { apiUrl, caFile: options.caFile, readFile, connectTimeoutMs: timeouts.connectMs },
      what,
    ).then((made) => {
      // An unreadable CA file is tried again on the next call; a good one is kept.
      if (!made.ok) agent = null;
      return made;
    });
    return agent;
  }

  async function perform<T>(call: Call<T>): Promise<Result<T>> {
    const what = `${call.method} ${call.path}`;
    const deadline = startDeadline(timeouts.deadlineMs);
    const pool = await loadAgent(what);
    if (!pool.ok) return pool;
    const setup: HttpSetup = {
      system: "kubernetes",
      dispatcher: pool.value,
      timeouts,
      retry,
      retryStatuses: KUBE_RETRY_STATUSES,
      toHttpFailure: toKubeFailure,
      observe: options.observe,
    };
    const send = (token: string): Promise<Result<T>> =>
      httpCall(setup, {
        method: call.method,
        url: `${apiUrl}${call.path}`,
        what,
        headers: { accept: "application/json", authorization: `Bearer ${token}` },
        body: call.body,
        decode: call.decode,
        idempotent: true,
        deadline,
      });
    const token = await tokens.current(what);
    if (!token.ok) return token;
    const result = await send(token.value);
    if (result.ok || result.error.status !== 401) return result;
    const fresh = await tokens.reread(what);
    if (!fresh.ok) return fresh;
    if (fresh.value === token.value) {
      const message = `${result.error.message} (the token file was re-read: same token)`;
      return { ok: false, error: { ...result.error, message } };
    }
    return send(fresh.value);
  }

  return {
    getDeployment: (namespace, name) =>
      perform({
        method: "GET",
        path: `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`,
        decode: asDeployment,
      }),
    canGetDeployments: (namespace) =>
      perform({
        method: "POST",
        path: ACCESS_REVIEW_PATH,
        body: toDeploymentAccessReview(namespace),
        decode: asJson(AccessReviewSchema),
      }),
    close: async () => {
      const made = await agent;
      agent = null;
      if (made?.ok === true) await made.value.close();
    },
  };
}
