// The one request loop of afk's undici adapters (T3, Woodpecker, Kubernetes, version
// URL). It moves bytes and sorts what went wrong before a status; what a status means,
// and what an error body says, is each adapter's own mapping (`toHttpFailure`).
//
// - Each call has an overall deadline (an AbortSignal) on top of undici's connect,
//   headers and body timeouts, so a stuck server cannot hold a reconcile forever. A
//   read of several pages may share one deadline.
// - Idempotent requests (GETs, and what the adapter marks so) are repeated with a
//   doubling pause after a network error or a status the adapter names, within the
//   deadline. Nothing else is repeated here: a T3 command is retried by the caller with
//   the same deterministic id.
// - A 2xx body is decoded against the contract; one that does not fit is
//   `invalid-response`. No message quotes a request header, so a bearer never reaches
//   a log.

import { request, type Dispatcher } from "undici";
import type { z } from "zod";
import type { OutboundObserver } from "../../ports/outbound.js";
import { failure, type Result, type System } from "../../ports/result.js";
import {
  decodeJson,
  errorCode,
  isTlsCode,
  pause,
  toShort,
  UNDICI_TIMEOUT_CODES,
  type Decoded,
  type HttpTimeouts,
  type RetryPolicy,
} from "./http-common.js";

export interface Deadline {
  readonly signal: AbortSignal;
  readonly ms: number;
}

export function startDeadline(ms: number): Deadline {
  return { signal: AbortSignal.timeout(ms), ms };
}

export type HttpHeaders = Readonly<Record<string, string | string[] | undefined>>;

/** A non-2xx answer, handed to the adapter's mapping. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: HttpHeaders;
  readonly text: string;
}

/** What a 2xx body means, or why it does not fit the contract. */
export type Decode<T> = (text: string) => Decoded<T>;

export function asJson<T>(schema: z.ZodType<T>): Decode<T> {
  return (text) => decodeJson(text, schema);
}

export interface HttpSetup {
  readonly system: System;
  readonly dispatcher: Dispatcher;
  /** `connectMs` is the dispatcher's business; the others apply per request. */
  readonly timeouts: HttpTimeouts;
  readonly retry: RetryPolicy;
  /** Statuses an idempotent request is repeated after (a network error always is). */
  readonly retryStatuses: ReadonlySet<number>;
  /** The adapter's reading of a non-2xx answer: its status → category mapping and body parsing. */
  readonly toHttpFailure: (what: string, answer: HttpAnswer) => Result<never>;
  /** Redirects to another http(s) URL followed within one attempt; none when absent. */
  readonly maxRedirects?: number;
  /** The body is cut at this size while streaming; whole when absent. */
  readonly maxBodyBytes?: number;
  /** Told of every attempt's outcome (metrics); nobody when absent. */
  readonly observe?: OutboundObserver;
}

export interface HttpRequest<T> {
  readonly method: "GET" | "POST";
  readonly url: string;
  /** `GET /api/…` for messages: no host secrets, no query, never a header. */
  readonly what: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  readonly decode: Decode<T>;
  /** Repeated after a network error or a retry status; GETs are by default, other methods never. */
  readonly idempotent?: boolean;
  /** Shared by the requests of one read (pages, a repeat with a fresh token); a fresh one when absent. */
  readonly deadline?: Deadline;
}

interface Attempt<T> {
  readonly result: Result<T>;
  readonly retryable: boolean;
}

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

export async function httpCall<T>(setup: HttpSetup, call: HttpRequest<T>): Promise<Result<T>> {
  const deadline = call.deadline ?? startDeadline(setup.timeouts.deadlineMs);
  const attempts = (call.idempotent ?? call.method === "GET") ? setup.retry.retries + 1 : 1;
  let outcome = await attempt(setup, call, deadline);
  for (let done = 1; done < attempts && outcome.retryable; done += 1) {
    if (!(await pause(setup.retry.backoffMs * 2 ** (done - 1), deadline.signal)))
      return toDeadlineFailure(setup.system, call.what, deadline);
    outcome = await attempt(setup, call, deadline);
  }
  return outcome.result;
}

async function attempt<T>(setup: HttpSetup, call: HttpRequest<T>, deadline: Deadline): Promise<Attempt<T>> {
  let answer: HttpAnswer;
  const told = { system: setup.system, method: call.method, route: new URL(call.url).pathname };
  try {
    answer = await exchange(setup, call, deadline);
  } catch (error) {
    setup.observe?.({ ...told, status: null });
    return toTransportFailure(setup.system, call.what, error, deadline);
  }
  setup.observe?.({ ...told, status: answer.status });
  if (answer.status < 200 || answer.status >= 300)
    return { result: setup.toHttpFailure(call.what, answer), retryable: setup.retryStatuses.has(answer.status) };
  const decoded = call.decode(answer.text);
  const result = decoded.ok
    ? decoded
    : failure(setup.system, "invalid-response", `${call.what}: ${decoded.why}`, { status: answer.status });
  return { result, retryable: false };
}

/** One request, following the redirects the setup allows. Throws what undici throws. */
async function exchange<T>(setup: HttpSetup, call: HttpRequest<T>, deadline: Deadline): Promise<HttpAnswer> {
  let url = call.url;
  let response = await send(setup, call, url, deadline);
  for (let hops = 0; hops < (setup.maxRedirects ?? 0); hops += 1) {
    const next = toRedirectTarget(url, response);
    if (next === null) break;
    await response.body.dump();
    url = next;
    response = await send(setup, call, url, deadline);
  }
  const text = await readText(response.body, setup.maxBodyBytes);
  return { status: response.statusCode, headers: response.headers, text };
}

function send<T>(
  setup: HttpSetup,
  call: HttpRequest<T>,
  url: string,
  deadline: Deadline,
): Promise<Dispatcher.ResponseData> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.body !== undefined) headers["content-type"] = "application/json";
  // A redirect to another origin never carries the bearer along.
  if (new URL(url).origin !== new URL(call.url).origin) delete headers.authorization;
  return request(url, {
    method: call.method,
    headers,
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
    dispatcher: setup.dispatcher,
    signal: deadline.signal,
    headersTimeout: setup.timeouts.headersMs,
    bodyTimeout: setup.timeouts.bodyMs,
  });
}

/** Where a redirect points, when it is one to follow: another http(s) URL. */
function toRedirectTarget(from: string, response: Dispatcher.ResponseData): string | null {
  const location = response.headers.location;
  if (!REDIRECT_STATUSES.has(response.statusCode) || typeof location !== "string") return null;
  try {
    const next = new URL(location, from);
    return next.protocol === "http:" || next.protocol === "https:" ? next.href : null;
  } catch {
    // A Location that does not resolve is not followed: the 3xx itself is the answer.
    return null;
  }
}

async function readText(body: Dispatcher.ResponseData["body"], maxBytes: number | undefined): Promise<string> {
  if (maxBytes === undefined) return body.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = maxBytes - size;
    chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    size += Math.min(chunk.length, room);
    // Leaving the loop destroys the stream: undici drops the rest of the response.
    if (size >= maxBytes) break;
  }
  return Buffer.concat(chunks).toString("utf8");
}

function toDeadlineFailure(system: System, what: string, deadline: Deadline): Result<never> {
  return failure(system, "transient", `${what}: no answer within the ${deadline.ms} ms deadline`, {
    detail: "timeout",
  });
}

/**
 * A request that ended without a status. Once the deadline has passed it is the cause,
 * whatever undici reports. Only a plain network error is worth repeating: a timeout
 * already used its time, and a certificate that did not verify fails the same way again.
 */
export function toTransportFailure(system: System, what: string, error: unknown, deadline: Deadline): Attempt<never> {
  if (deadline.signal.aborted) return { result: toDeadlineFailure(system, what, deadline), retryable: false };
  const code = errorCode(error);
  const timeout = code === null ? undefined : UNDICI_TIMEOUT_CODES[code];
  if (timeout !== undefined)
    return {
      result: failure(system, "transient", `${what}: ${timeout} (${code})`, { detail: "timeout" }),
      retryable: false,
    };
  const text = toShort(error instanceof Error ? error.message : String(error)) ?? "";
  if (code !== null && isTlsCode(code)) {
    const why = `${what}: the certificate did not verify (${code}): ${text}`;
    return { result: failure(system, "unauthorized", why, { detail: "tls" }), retryable: false };
  }
  const why = `${what}: network error${code === null ? "" : ` ${code}`}: ${text}`;
  return { result: failure(system, "transient", why, { detail: code }), retryable: true };
}
