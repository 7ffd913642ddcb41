// The Woodpecker port: what the shell may ask of a Woodpecker CI server (v2.x and v3.x,
// contracts/woodpecker.md), and how a failure comes back. Failures are values sorted
// into categories the shell has one policy for each (STYLE habit 11); nothing throws.

import type { PipelineFact } from "../../core/observe/observe-types.js";

export type WoodpeckerErrorCategory =
  /** 401: no token, or one Woodpecker does not know. */
  | "unauthorized"
  /** 403: the token's user lacks a permission the route needs. */
  | "forbidden"
  /**
   * 404: an unknown repo or pipeline. Woodpecker also answers 404 when the token's user
   * has no pull access to the repo, so this can mean "not visible to this token".
   */
  | "not-found"
  /** Network errors, 5xx, 408 and 429: worth trying again later. */
  | "transient"
  /** The deadline, or a connect/headers/body timeout, ran out. */
  | "timeout"
  /** A 2xx whose body is not JSON or does not match the contract's shape. */
  | "invalid-response"
  /** Another 4xx, or an argument afk refuses to send (retrying cannot help). */
  | "invalid-request";

export interface WoodpeckerError {
  readonly category: WoodpeckerErrorCategory;
  /** Null when no HTTP status was received (network, timeout, or refused locally). */
  readonly status: number | null;
  /** For logs and humans. Never contains the token. */
  readonly message: string;
}

export type WoodpeckerResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: WoodpeckerError };

export interface FindPipelinesOptions {
  /** The default branch the commit was pushed to. */
  readonly branch: string;
  /**
   * Unix seconds: only pipelines created strictly later are wanted (Woodpecker's `after`).
   * The caller passes the push time minus a margin for clock skew.
   */
  readonly after: number;
  /** Pages of 50 to read at most; the default is `DEFAULT_MAX_PAGES`. */
  readonly maxPages?: number;
}

export interface WoodpeckerVersion {
  readonly version: string;
  readonly source: string | null;
}

export interface WoodpeckerClient {
  /** `owner/name` → Woodpecker's numeric repo id, cached for the client's life. */
  lookupRepoId(fullName: string): Promise<WoodpeckerResult<number>>;
  /**
   * Push pipelines on `branch` created after `after`, newest first, across pages. v2
   * servers ignore the branch and event filters, so the result can hold other pipelines
   * too: the caller matches branch, event and commit itself.
   */
  findPipelines(repoId: number, options: FindPipelinesOptions): Promise<WoodpeckerResult<readonly PipelineFact[]>>;
  /** One pipeline, fresh; `not-found` for an unknown number. */
  getPipeline(repoId: number, number: number): Promise<WoodpeckerResult<PipelineFact>>;
  /** Unauthenticated, at the server root: readiness and the server's version. */
  version(): Promise<WoodpeckerResult<WoodpeckerVersion>>;
  /** Releases the connection pool the client made (not a dispatcher passed in). */
  close(): Promise<void>;
}
