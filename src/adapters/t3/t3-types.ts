// The T3 port: what the shell may ask of T3 Code, and how a failure comes back.
// Failures are values, sorted into categories the shell has one policy for each
// (STYLE habit 11); nothing here throws.

import type {
  ProjectCreateInput,
  T3Command,
  ThreadCreateInput,
  TurnInterruptInput,
  TurnStartInput,
} from "./t3-commands.js";
import type { T3DispatchResult, T3Environment, T3Shell, T3Snapshot, T3Thread } from "./t3-read-model.js";

export type T3ErrorCategory =
  /** 401: no token, a bad or expired one, or the token file could not be read. */
  | "unauthorized"
  /** 403: the token lacks the route's scope. */
  | "forbidden"
  /** 400: T3 could not decode the request; retrying the same body cannot help. */
  | "invalid-request"
  /** 404: e.g. an unknown thread on the detail route. */
  | "not-found"
  /** 500 `orchestration_dispatch_failed`: an invariant refused the command (unknown or duplicate id, duplicate workspace root). */
  | "rejected"
  /** Network errors and other 5xx (and 408/429): worth trying again later. */
  | "transient"
  /** The deadline, or a connect/headers/body timeout, ran out. */
  | "timeout"
  /** A 2xx whose body is not JSON or does not match the contract's shape. */
  | "invalid-response";

export interface T3Error {
  readonly category: T3ErrorCategory;
  readonly status: number | null;
  /** T3's `_tag`, e.g. `EnvironmentInternalError`. */
  readonly tag: string | null;
  readonly code: string | null;
  /** Log it: T3's error bodies do not say which invariant failed, its logs do. */
  readonly traceId: string | null;
  /** For logs and humans. Never contains the token. */
  readonly message: string;
}

export type T3Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: T3Error };

/** Helper inputs: the client stamps `createdAt` itself (T3 replaces it anyway). */
export type WithoutCreatedAt<T> = Omit<T, "createdAt">;

export interface T3Client {
  /** The full read model; rows include deleted and archived ones. */
  snapshot(): Promise<T3Result<T3Snapshot>>;
  /** Threads without bodies, with `hasPendingApprovals` / `hasPendingUserInput` (v0.0.29+). */
  shell(): Promise<T3Result<T3Shell>>;
  /** One thread with its messages; `not-found` when T3 does not know it. */
  thread(threadId: string): Promise<T3Result<T3Thread>>;
  /** Unauthenticated: readiness and version. */
  environment(): Promise<T3Result<T3Environment>>;
  /** Never retried: the caller retries with the same command id, which T3 deduplicates. */
  dispatch(command: T3Command): Promise<T3Result<T3DispatchResult>>;
  createProject(input: WithoutCreatedAt<ProjectCreateInput>): Promise<T3Result<T3DispatchResult>>;
  createThread(input: WithoutCreatedAt<ThreadCreateInput>): Promise<T3Result<T3DispatchResult>>;
  startTurn(input: WithoutCreatedAt<TurnStartInput>): Promise<T3Result<T3DispatchResult>>;
  interruptTurn(input: WithoutCreatedAt<TurnInterruptInput>): Promise<T3Result<T3DispatchResult>>;
  /** Releases the connection pool the client made (not a dispatcher passed in). */
  close(): Promise<void>;
}
