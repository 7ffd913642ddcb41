// The version URL port (contracts/kubernetes.md, "Version URL alternative"): one read of
// an endpoint that answers with the sha it serves. What the body means (plain text or
// JSON, how many consecutive matches prove a rollout) is the core's business; a
// failed read is a value, never an exception.

export type VersionUrlErrorCategory =
  /** Not an absolute http(s) URL: a configuration fault in `.github/afk.yml`. */
  | "invalid-url"
  /** 404 or 410: the endpoint is not deployed (yet, or at that path). */
  | "not-found"
  /** Another 4xx, or a 3xx not followed (beyond the limit, no usable Location): the URL answers, but not with a version. */
  | "refused"
  /** Network errors, 5xx, 408 and 429: a pod restarting mid-rollout answers like this. */
  | "transient"
  /** The deadline, or a connect/headers/body timeout, ran out. */
  | "timeout"
  /** The server's certificate did not verify against Node's default trust store. */
  | "tls";

export interface VersionUrlError {
  readonly category: VersionUrlErrorCategory;
  readonly status: number | null;
  readonly message: string;
}

export type VersionUrlResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: VersionUrlError };

export interface VersionUrlClient {
  /** The body, trimmed and cut at `VERSION_BODY_MAX_BYTES`. Not retried: each read is one observation. */
  read(url: string): Promise<VersionUrlResult<string>>;
  /** Releases the connection pool the client made. */
  close(): Promise<void>;
}
