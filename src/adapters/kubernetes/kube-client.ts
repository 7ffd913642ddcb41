// The Kubernetes transport over undici (contracts/kubernetes.md). It reads one
// Deployment and sorts failures; it decides nothing (the rollout verdict is the core's).
// Every call returns a `KubeResult`, never throws.
//
// - The bearer comes from the service account token file, cached for at most a minute
//   (kube-token.ts). A 401 re-reads the file at once and, when it holds a new token,
//   repeats the request once: the kubelet may have rotated it within the minute.
// - The CA file is read once, on the first call (kube-agent.ts).
// - Each call has an overall deadline on top of undici's connect, headers and body
//   timeouts. Network errors, 429 and 502/503/504 are retried with backoff inside it
//   (every call here is a GET).

import { readFile as readFileFromDisk } from "node:fs/promises";
import { request, type Agent } from "undici";
import { pause, type HttpTimeouts, type RetryPolicy } from "../http/http-common.js";
import { createKubeAgent } from "./kube-agent.js";
import { parseDeployment } from "./kube-deployment.js";
import { isKubeRetryable, toKubeHttpError, toKubeLocalError, toKubeTransportError } from "./kube-errors.js";
import { createTokenSource } from "./kube-token.js";
import type { KubeClient, KubeDeployment, KubeResult } from "./kube-types.js";

interface Answer {
  readonly status: number;
  readonly text: string;
}

export type KubeTimeouts = HttpTimeouts;

export const DEFAULT_KUBE_TIMEOUTS: KubeTimeouts = {
  connectMs: 5_000,
  headersMs: 10_000,
  bodyMs: 10_000,
  deadlineMs: 20_000,
};

export type KubeRetryPolicy = RetryPolicy;

export const DEFAULT_KUBE_RETRY: KubeRetryPolicy = { retries: 2, backoffMs: 250 };

export interface KubeClientOptions {
  /** e.g. `https://10.0.0.1:443` (in-cluster) or `AFK_KUBE_API_URL`. */
  readonly apiUrl: string;
  readonly tokenFile: string;
  readonly caFile: string;
  readonly readFile?: (path: string) => Promise<string | Buffer>;
  /** The token cache's clock. */
  readonly now?: () => number;
  readonly timeouts?: Partial<KubeTimeouts>;
  readonly retry?: Partial<KubeRetryPolicy>;
}

export function createKubeClient(options: KubeClientOptions): KubeClient {
  const timeouts: KubeTimeouts = { ...DEFAULT_KUBE_TIMEOUTS, ...options.timeouts };
  const retry: KubeRetryPolicy = { ...DEFAULT_KUBE_RETRY, ...options.retry };
  const readFile = options.readFile ?? ((path: string) => readFileFromDisk(path));
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const tokens = createTokenSource({ tokenFile: options.tokenFile, readFile, now: options.now ?? Date.now });
  let agent: Promise<KubeResult<Agent>> | null = null;

  function loadAgent(what: string): Promise<KubeResult<Agent>> {
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

  async function attempt(
    what: string,
    path: string,
    token: string,
    pool: Agent,
    deadline: AbortSignal,
  ): Promise<KubeResult<Answer>> {
    let status: number;
    let text: string;
    try {
      const response = await request(`${apiUrl}${path}`, {
        method: "GET",
        headers: { accept: "application/json", authorization: `Bearer ${token}` },
        dispatcher: pool,
        signal: deadline,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      return { ok: false, error: toKubeTransportError(what, error, deadline.aborted ? timeouts.deadlineMs : null) };
    }
    if (status < 200 || status >= 300) return { ok: false, error: toKubeHttpError(what, status, text) };
    return { ok: true, value: { status, text } };
  }

  async function withRetries(
    what: string,
    path: string,
    token: string,
    pool: Agent,
    deadline: AbortSignal,
  ): Promise<KubeResult<Answer>> {
    let result = await attempt(what, path, token, pool, deadline);
    for (let done = 1; done <= retry.retries && !result.ok && isKubeRetryable(result.error); done += 1) {
      if (!(await pause(retry.backoffMs * 2 ** (done - 1), deadline))) {
        return { ok: false, error: toKubeTransportError(what, null, timeouts.deadlineMs) };
      }
      result = await attempt(what, path, token, pool, deadline);
    }
    return result;
  }

  async function get(path: string): Promise<KubeResult<Answer>> {
    const what = `GET ${path}`;
    const deadline = AbortSignal.timeout(timeouts.deadlineMs);
    const pool = await loadAgent(what);
    if (!pool.ok) return pool;
    const token = await tokens.current(what);
    if (!token.ok) return token;
    const result = await withRetries(what, path, token.value, pool.value, deadline);
    if (result.ok || result.error.status !== 401) return result;
    const fresh = await tokens.reread(what);
    if (!fresh.ok) return fresh;
    if (fresh.value === token.value) {
      return {
        ok: false,
        error: { ...result.error, message: `${result.error.message} (the token file was re-read: same token)` },
      };
    }
    return withRetries(what, path, fresh.value, pool.value, deadline);
  }

  return {
    getDeployment: async (namespace, name) => {
      const path = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments/${encodeURIComponent(name)}`;
      const answer = await get(path);
      return answer.ok ? decodeDeployment(`GET ${path}`, answer.value) : answer;
    },
    close: async () => {
      const made = await agent;
      agent = null;
      if (made?.ok === true) await made.value.close();
    },
  };
}

function decodeDeployment(what: string, answer: Answer): KubeResult<KubeDeployment> {
  let json: unknown;
  try {
    json = JSON.parse(answer.text);
  } catch {
    return { ok: false, error: toKubeLocalError("invalid-response", what, "the body is not JSON", answer.status) };
  }
  const parsed = parseDeployment(json);
  return parsed.ok
    ? parsed
    : {
        ok: false,
        error: toKubeLocalError("invalid-response", what, `not a Deployment: ${parsed.why}`, answer.status),
      };
}
