// The T3 Code wire client (contracts/t3.md): the routes afk reads and the dispatch of a
// bare command, over the shared request loop (http-call.ts). It moves bytes; the
// agent-runner port maps its answers to the core's facts (t3-agent-runner.ts).
//
// - The bearer is read on every call: T3 tokens rotate, and a token file mounted from a
//   secret changes under a running process.
// - Only GETs are retried (network errors, 502/503/504). A dispatch is never retried
//   here: the caller repeats it with the same deterministic command id, and T3 answers
//   a repeated accepted id with the original sequence.

import { readFile as readFileFromDisk } from "node:fs/promises";
import { Agent, type Dispatcher } from "undici";
import type { z } from "zod";
import type { OutboundObserver } from "../../ports/outbound.js";
import { failure, type Result } from "../../ports/result.js";
import { errorCode, toBearerProblem, type HttpTimeouts, type RetryPolicy } from "../http/http-common.js";
import { asJson, httpCall, type HttpSetup } from "../http/http-call.js";
import type { T3Command } from "./t3-commands.js";
import { T3_RETRY_STATUSES, toT3Failure } from "./t3-errors.js";
import {
  T3DispatchResultSchema,
  T3EnvironmentSchema,
  T3ShellSchema,
  T3ThreadDetailSchema,
  type T3DispatchResult,
  type T3Environment,
  type T3Shell,
  type T3Thread,
} from "./t3-read-model.js";

export const DEFAULT_T3_TIMEOUTS: HttpTimeouts = {
  connectMs: 5_000,
  headersMs: 15_000,
  bodyMs: 30_000,
  deadlineMs: 45_000,
};

export const DEFAULT_T3_RETRY: RetryPolicy = { retries: 2, backoffMs: 250 };

export interface T3ClientOptions {
  readonly baseUrl: string;
  readonly token: string | null;
  /** Preferred over `token` when both are set: re-read, trimmed, on every request. */
  readonly tokenFile: string | null;
  readonly readFile?: (path: string) => Promise<string>;
  /** When given, `timeouts.connectMs` is the dispatcher's business. */
  readonly dispatcher?: Dispatcher;
  readonly timeouts?: Partial<HttpTimeouts>;
  readonly retry?: Partial<RetryPolicy>;
  /** Told of every request sent (metrics). */
  readonly observe?: OutboundObserver;
}

export interface T3Client {
  /** Every live project and thread, without bodies, with the pending flags (v0.0.29+). */
  shell(): Promise<Result<T3Shell>>;
  /** One thread with its messages; `not-found` when T3 does not know it. */
  thread(threadId: string): Promise<Result<T3Thread>>;
  /** Unauthenticated: readiness and version. */
  environment(): Promise<Result<T3Environment>>;
  /** The body IS the command. Never retried: the caller retries with the same command id. */
  dispatch(command: T3Command): Promise<Result<T3DispatchResult>>;
  /** Releases the connection pool the client made (not a dispatcher passed in). */
  close(): Promise<void>;
}

interface Call<T> {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: unknown;
  readonly auth: boolean;
  readonly schema: z.ZodType<T>;
}

export function createT3Client(options: T3ClientOptions): T3Client {
  const timeouts: HttpTimeouts = { ...DEFAULT_T3_TIMEOUTS, ...options.timeouts };
  const ownAgent = options.dispatcher === undefined ? new Agent({ connect: { timeout: timeouts.connectMs } }) : null;
  const setup: HttpSetup = {
    system: "t3",
    dispatcher: options.dispatcher ?? (ownAgent as Agent),
    timeouts,
    retry: { ...DEFAULT_T3_RETRY, ...options.retry },
    retryStatuses: T3_RETRY_STATUSES,
    toHttpFailure: toT3Failure,
    observe: options.observe,
  };
  const readFile = options.readFile ?? ((path: string) => readFileFromDisk(path, "utf8"));
  const baseUrl = options.baseUrl.replace(/\/+$/, "");

  async function readToken(what: string): Promise<Result<string>> {
    let raw = options.token;
    if (options.tokenFile !== null) {
      try {
        raw = await readFile(options.tokenFile);
      } catch (error) {
        const why = `cannot read the token file ${options.tokenFile} (${errorCode(error) ?? "unreadable"})`;
        return failure("t3", "unauthorized", `${what}: ${why}`);
      }
    }
    const token = raw?.trim() ?? "";
    if (token === "") return failure("t3", "unauthorized", `${what}: no token configured (T3_TOKEN or T3_TOKEN_FILE)`);
    const problem = toBearerProblem(token);
    return problem === null ? { ok: true, value: token } : failure("t3", "unauthorized", `${what}: ${problem}`);
  }

  async function perform<T>(call: Call<T>): Promise<Result<T>> {
    const what = `${call.method} ${call.path}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (call.auth) {
      const token = await readToken(what);
      if (!token.ok) return token;
      headers.authorization = `Bearer ${token.value}`;
    }
    return httpCall(setup, {
      method: call.method,
      url: `${baseUrl}${call.path}`,
      what,
      headers,
      body: call.body,
      decode: asJson(call.schema),
    });
  }

  return {
    shell: () => perform({ method: "GET", path: "/api/orchestration/shell", auth: true, schema: T3ShellSchema }),
    thread: (threadId) =>
      perform({
        method: "GET",
        path: `/api/orchestration/threads/${encodeURIComponent(threadId)}`,
        auth: true,
        schema: T3ThreadDetailSchema,
      }),
    environment: () =>
      perform({ method: "GET", path: "/.well-known/t3/environment", auth: false, schema: T3EnvironmentSchema }),
    dispatch: (command) =>
      perform({
        method: "POST",
        path: "/api/orchestration/dispatch",
        body: command,
        auth: true,
        schema: T3DispatchResultSchema,
      }),
    close: async () => {
      if (ownAgent !== null) await ownAgent.close();
    },
  };
}
