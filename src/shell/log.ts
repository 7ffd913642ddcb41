// The slice of Probot's pino logger the shell uses (CONTRIBUTING.md, "Logs"). Never log a
// token or a secret. A line about a run goes through `runLog`, bound to the run; a
// failure's category is a field; every line about a failure says what afk does next.

import type { PortError } from "../ports/result.js";

export interface Log {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  child(bindings: Readonly<Record<string, unknown>>): Log;
}

/** The run a log line is about. */
export interface RunRef {
  readonly repo: string;
  readonly issue: number;
  readonly attempt?: number;
  readonly threadId?: string;
}

/** A logger bound to `{repo, issue, attempt, thread}`: every line about a run carries them. */
export function runLog(log: Log, run: RunRef): Log {
  return log.child({
    repo: run.repo,
    issue: run.issue,
    ...(run.attempt === undefined ? {} : { attempt: run.attempt }),
    ...(run.threadId === undefined ? {} : { thread: run.threadId }),
  });
}

/** The fields that name a failure: which system, its category, status and detail. */
export function errorFields(error: PortError): Readonly<Record<string, unknown>> {
  return {
    system: error.system,
    category: error.category,
    ...(error.status === null ? {} : { status: error.status }),
    ...(error.detail === null ? {} : { detail: error.detail }),
    ...(error.traceId === null ? {} : { traceId: error.traceId }),
  };
}
