// The one vocabulary every port answers in (STYLE habit 11). A call returns a value or
// a typed failure, never throws; the shell has one policy per category, written in
// CONTRIBUTING.md ("What the shell does with a failure"):
//
// | category           | meaning                                          | the shell                                  |
// |--------------------|--------------------------------------------------|--------------------------------------------|
// | `rate-limited`     | the system asked afk to slow down               | says `retryAfterMs`; the next sweep tries |
// | `not-found`        | the thing is not there (the port says which     | per call: absence is often a fact (a      |
// |                    | absences are facts and answers them as values)  | missing label, file or thread)            |
// | `transient`        | network, 5xx, timeout: the same call may pass   | retries at the next nudge or sweep; a     |
// |                    | later                                           | delivery fails so GitHub can redeliver    |
// | `unauthorized`     | credentials, scopes, RBAC or TLS trust: an      | says what to fix; retries at the next     |
// |                    | operator must act                               | sweep; readiness fails                    |
// | `invalid-response` | a 2xx that breaks the contract                   | logs it; retries at the next sweep        |
// | `rejected`         | the request itself was refused and will be      | never repeats it; escalates the run when  |
// |                    | refused again (a 4xx, a rejected T3 command)    | the run cannot go on without it           |

export const ERROR_CATEGORIES = [
  "rate-limited",
  "not-found",
  "transient",
  "unauthorized",
  "invalid-response",
  "rejected",
] as const;

export type ErrorCategory = (typeof ERROR_CATEGORIES)[number];

/** The outside system a failure came from, for logs and metrics. */
export type System = "github" | "t3" | "woodpecker" | "kubernetes" | "version-url" | "slack";

export interface PortError {
  readonly system: System;
  readonly category: ErrorCategory;
  /** The HTTP status, or null when none was received (network, timeout, refused locally). */
  readonly status: number | null;
  /**
   * The finer reason within the category, when it helps a human act: `timeout`,
   * `forbidden`, `tls`, `invalid-url`, T3's `_tag`, Slack's `error` code, Kubernetes' `reason`.
   */
  readonly detail: string | null;
  /** For logs and humans. Never contains a token. */
  readonly message: string;
  /** When the system said how long to wait (`rate-limited`), else null. */
  readonly retryAfterMs: number | null;
  /** T3 logs a trace id per failed request: its error bodies do not say which invariant failed. */
  readonly traceId: string | null;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PortError };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export const OK_VOID: Result<void> = { ok: true, value: undefined };

export function failure(
  system: System,
  category: ErrorCategory,
  message: string,
  extra: Partial<Pick<PortError, "status" | "detail" | "retryAfterMs" | "traceId">> = {},
): Result<never> {
  return {
    ok: false,
    error: {
      system,
      category,
      message,
      status: extra.status ?? null,
      detail: extra.detail ?? null,
      retryAfterMs: extra.retryAfterMs ?? null,
      traceId: extra.traceId ?? null,
    },
  };
}

const SYSTEM_NAMES: Readonly<Record<System, string>> = {
  github: "GitHub",
  t3: "T3",
  woodpecker: "Woodpecker",
  kubernetes: "Kubernetes",
  "version-url": "the version URL",
  slack: "Slack",
};

/**
 * `GitHub transient (502): Bad Gateway`, `T3 rejected (500 EnvironmentInternalError, trace abc): …`,
 * `Woodpecker rate-limited (429, retry after 30 s): …`: a log line says when the system
 * allows the next try (the next sweep comes no sooner than its interval anyway).
 */
export function describeError(error: PortError): string {
  const code = [error.status === null ? null : String(error.status), error.detail].filter((part) => part !== null);
  const parts = [
    code.length === 0 ? null : code.join(" "),
    error.traceId === null ? null : `trace ${error.traceId}`,
    error.retryAfterMs === null ? null : `retry after ${Math.ceil(error.retryAfterMs / 1000)} s`,
  ].filter((part) => part !== null);
  const within = parts.length === 0 ? "" : ` (${parts.join(", ")})`;
  return `${SYSTEM_NAMES[error.system]} ${error.category}${within}: ${error.message}`;
}
