// Counts afk's GitHub requests where every one of them passes: Octokit's `request` hook,
// on each Octokit that Probot's `app.auth` hands to afk (one per installation and call, or
// the app's own). No adapter changes: the hook sees the route template (a later page's
// absolute URL), the status (Octokit throws for 304 and every error status) and the
// `x-ratelimit-remaining` header, which becomes the installation's rate limit gauge.
// Registered after Probot's throttling and retry plugins, so it wraps them: one count per
// request afk makes, its retries inside.

import type { Octokit } from "../../adapters/github/octokit.js";
import type { OutboundObserver } from "../../ports/outbound.js";

export interface OctokitWatch {
  readonly observe: OutboundObserver;
  /** `installation` null: the app's own (JWT) calls. */
  readonly rateLimit: (installation: number | null, remaining: number) => void;
}

interface Answer {
  readonly status?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
}

/** Octokits already watched: `app.auth` may hand out the same one twice. */
const watched = new WeakSet<object>();

function toRemaining(headers: Answer["headers"]): number | null {
  const value = headers?.["x-ratelimit-remaining"];
  const text = typeof value === "number" ? String(value) : value;
  return typeof text === "string" && /^\d+$/.test(text) ? Number(text) : null;
}

/** The Octokit, watched; returned for chaining. */
export function watchOctokit(octokit: Octokit, installation: number | null, watch: OctokitWatch): Octokit {
  if (watched.has(octokit)) return octokit;
  watched.add(octokit);
  const tell = (options: { method?: unknown; url?: unknown }, answer: Answer | null): void => {
    const status = typeof answer?.status === "number" && answer.status > 0 ? answer.status : null;
    watch.observe({
      system: "github",
      method: typeof options.method === "string" ? options.method : "GET",
      route: typeof options.url === "string" ? options.url : "",
      status,
    });
    const remaining = toRemaining(answer?.headers);
    if (remaining !== null) watch.rateLimit(installation, remaining);
  };
  octokit.hook.wrap("request", async (request, options) => {
    try {
      const response = await request(options);
      tell(options, response);
      return response;
    } catch (error) {
      // An answered error carries its response; Octokit reports a request that got no
      // answer as status 500 without one, which is no status at all.
      const thrown = typeof error === "object" && error !== null ? (error as { response?: Answer }) : {};
      tell(options, thrown.response ?? null);
      throw error;
    }
  });
  return octokit;
}
