// The T3 Code transport over undici (contracts/t3.md). It moves bytes and sorts
// failures; it decides nothing. Every call returns a `T3Result`, never throws.
//
// - The bearer is read on every request: T3 tokens rotate, and a token file mounted
//   from a secret changes under a running process.
// - Each call has an overall deadline (an AbortSignal) on top of undici's connect,
//   headers and body timeouts, so a stuck T3 cannot hold a reconcile forever.
// - Only GETs are retried (network errors, 502/503/504). A dispatch is never retried
//   here: the caller repeats it with the same deterministic command id, and T3 answers
//   a repeated accepted id with the original sequence.

import { readFile as readFileFromDisk } from "node:fs/promises";
import { Agent, request, type Dispatcher } from "undici";
import type { z } from "zod";
import { decodeJson, pause, type HttpTimeouts, type RetryPolicy } from "../http/http-common.js";
import { toProjectCreate, toThreadCreate, toTurnInterrupt, toTurnStart, type T3Command } from "./t3-commands.js";
import { isRetryable, toHttpError, toInvalidResponse, toLocalError, toTransportError } from "./t3-errors.js";
import {
  T3DispatchResultSchema,
  T3EnvironmentSchema,
  T3ShellSchema,
  T3SnapshotSchema,
  T3ThreadDetailSchema,
  type T3DispatchResult,
} from "./t3-read-model.js";
import type { T3Client, T3Result } from "./t3-types.js";

export type T3Timeouts = HttpTimeouts;

export const DEFAULT_T3_TIMEOUTS: T3Timeouts = {
  connectMs: 5_000,
  headersMs: 15_000,
  bodyMs: 30_000,
  deadlineMs: 45_000,
};

export type T3RetryPolicy = RetryPolicy;

export const DEFAULT_T3_RETRY: T3RetryPolicy = { retries: 2, backoffMs: 250 };

export interface T3ClientOptions {
  readonly baseUrl: string;
  readonly token: string | null;
  /** Preferred over `token` when both are set: re-read, trimmed, on every request. */
  readonly tokenFile: string | null;
  readonly readFile?: (path: string) => Promise<string>;
  /** When given, `timeouts.connectMs` is the dispatcher's business. */
  readonly dispatcher?: Dispatcher;
  readonly timeouts?: Partial<T3Timeouts>;
  readonly retry?: Partial<T3RetryPolicy>;
  /** Stamps `createdAt` on commands built by the helpers. */
  readonly now?: () => number;
}

interface Call<T> {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: unknown;
  readonly auth: boolean;
  readonly schema: z.ZodType<T>;
}

/** Bearer tokens are printable ASCII without spaces; anything else is a broken secret. */
const TOKEN_PATTERN = /^[\x21-\x7e]+$/;

export function createT3Client(options: T3ClientOptions): T3Client {
  const timeouts: T3Timeouts = { ...DEFAULT_T3_TIMEOUTS, ...options.timeouts };
  const retry: T3RetryPolicy = { ...DEFAULT_T3_RETRY, ...options.retry };
  const ownAgent = options.dispatcher === undefined ? new Agent({ connect: { timeout: timeouts.connectMs } }) : null;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownAgent as Agent);
  const readFile = options.readFile ?? ((path: string) => readFileFromDisk(path, "utf8"));
  const now = options.now ?? Date.now;
  const baseUrl = options.baseUrl.replace(/\/+$/, "");

  async function readToken(what: string): Promise<T3Result<string>> {
    let raw = options.token;
    if (options.tokenFile !== null) {
      try {
        raw = await readFile(options.tokenFile);
      } catch (error) {
        const code = error instanceof Error && "code" in error ? String(error.code) : "unreadable";
        return {
          ok: false,
          error: toLocalError("unauthorized", what, `cannot read the token file ${options.tokenFile} (${code})`),
        };
      }
    }
    const token = raw?.trim() ?? "";
    if (token === "")
      return {
        ok: false,
        error: toLocalError("unauthorized", what, "no token configured (T3_TOKEN or T3_TOKEN_FILE)"),
      };
    if (!TOKEN_PATTERN.test(token))
      return { ok: false, error: toLocalError("unauthorized", what, "the token has spaces or control characters") };
    return { ok: true, value: token };
  }

  async function attempt<T>(call: Call<T>, deadline: AbortSignal): Promise<T3Result<T>> {
    const what = `${call.method} ${call.path}`;
    const headers: Record<string, string> = { accept: "application/json" };
    if (call.body !== undefined) headers["content-type"] = "application/json";
    if (call.auth) {
      const token = await readToken(what);
      if (!token.ok) return token;
      headers.authorization = `Bearer ${token.value}`;
    }
    let status: number;
    let text: string;
    try {
      const response = await request(`${baseUrl}${call.path}`, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        dispatcher,
        signal: deadline,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
      });
      status = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      return { ok: false, error: toTransportError(what, error, deadline.aborted ? timeouts.deadlineMs : null) };
    }
    if (status < 200 || status >= 300) return { ok: false, error: toHttpError(what, status, text) };
    return decode(what, status, text, call.schema);
  }

  async function perform<T>(call: Call<T>): Promise<T3Result<T>> {
    const deadline = AbortSignal.timeout(timeouts.deadlineMs);
    const attempts = call.method === "GET" ? retry.retries + 1 : 1;
    let result = await attempt(call, deadline);
    for (let done = 1; done < attempts && !result.ok && isRetryable(result.error); done += 1) {
      if (!(await pause(retry.backoffMs * 2 ** (done - 1), deadline))) {
        const what = `${call.method} ${call.path}`;
        return { ok: false, error: toTransportError(what, null, timeouts.deadlineMs) };
      }
      result = await attempt(call, deadline);
    }
    return result;
  }

  const dispatch = (command: T3Command): Promise<T3Result<T3DispatchResult>> =>
    perform({
      method: "POST",
      path: "/api/orchestration/dispatch",
      body: command,
      auth: true,
      schema: T3DispatchResultSchema,
    });
  const createdAt = (): string => new Date(now()).toISOString();

  return {
    snapshot: () =>
      perform({ method: "GET", path: "/api/orchestration/snapshot", auth: true, schema: T3SnapshotSchema }),
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
    dispatch,
    createProject: (input) => dispatch(toProjectCreate({ ...input, createdAt: createdAt() })),
    createThread: (input) => dispatch(toThreadCreate({ ...input, createdAt: createdAt() })),
    startTurn: (input) => dispatch(toTurnStart({ ...input, createdAt: createdAt() })),
    interruptTurn: (input) => dispatch(toTurnInterrupt({ ...input, createdAt: createdAt() })),
    close: async () => {
      if (ownAgent !== null) await ownAgent.close();
    },
  };
}

function decode<T>(what: string, status: number, text: string, schema: z.ZodType<T>): T3Result<T> {
  const decoded = decodeJson(text, schema);
  return decoded.ok ? decoded : { ok: false, error: toInvalidResponse(what, status, decoded.why) };
}
