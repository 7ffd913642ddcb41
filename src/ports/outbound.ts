// What an adapter tells about each request it sends, for afk's metrics (issue 11): which
// system, what was asked (a path, a route template or a Slack method: the shell reduces
// it to a bounded route class) and the status that came back. Counted where the adapters
// send (the undici request loop, Octokit's hooks, the Slack client), not at every call.

import type { System } from "./result.js";

export interface OutboundSample {
  readonly system: System;
  readonly method: string;
  /** A path or URL without credentials (no query is needed), or a Slack Web API method. */
  readonly route: string;
  /** The HTTP status, or null when none came back (network error, timeout). */
  readonly status: number | null;
}

/** Told once per request sent (a retry is another request). Never throws. */
export type OutboundObserver = (sample: OutboundSample) => void;
