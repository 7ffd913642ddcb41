// The route class of an outbound request: a short, bounded name for what was asked
// (`issue-comments`, `check-runs`, `dispatch`), never the concrete path, so that the
// metric `afk_outbound_requests_total` keeps a few dozen series whatever afk works on.
// Octokit hands its route templates (`/repos/{owner}/{repo}/issues`) and, for later pages,
// GitHub's absolute `Link` URLs (`…/repositories/1296269/issues?page=2`); the undici
// adapters hand concrete paths under a configured base URL (which may have a prefix).

import { assertNever } from "../common/assert-never.js";

/** The outside systems afk calls (the ports' `System`: a new one fails to compile where the shell calls this). */
export type RouteSystem = "github" | "t3" | "woodpecker" | "kubernetes" | "version-url" | "slack";

type Table = readonly (readonly [RegExp, string])[];

/** First match wins; a path is normalized first (see toPath). */
const GITHUB: Table = [
  [/^\/app\/installations\/[^/]+\/access_tokens$/, "installation-token"],
  [/^\/app\/hook\/deliveries\/[^/]+\/attempts$/, "redelivery"],
  [/^\/app\/hook\/deliveries$/, "deliveries"],
  [/^\/app$/, "app"],
  [/^\/repos\/[^/]+\/[^/]+\/installation$/, "installation"],
  [/\/issues\/comments\/[^/]+$/, "issue-comment"],
  [/\/issues\/[^/]+\/comments$/, "issue-comments"],
  [/\/issues\/[^/]+\/labels(\/[^/]+)?$/, "issue-labels"],
  [/\/issues\/[^/]+\/events$/, "issue-events"],
  [/\/issues\/[^/]+\/dependencies\/blocked_by$/, "issue-blockers"],
  [/\/issues\/[^/]+$/, "issue"],
  [/\/issues$/, "issues"],
  [/\/labels(\/[^/]+)?$/, "labels"],
  [/\/collaborators\/[^/]+\/permission$/, "permission"],
  [/\/contents(\/.*)?$/, "contents"],
  [/\/commits\/[^/]+\/check-runs$/, "check-runs"],
  [/\/commits\/[^/]+\/status$/, "commit-status"],
  [/\/commits$/, "commits"],
  [/\/actions\/runs$/, "workflow-runs"],
  [/\/actions\/runs\/.*\/jobs$/, "jobs"],
  [/\/actions\/jobs\/[^/]+\/logs$/, "job-logs"],
  [/^\/repos\/[^/]+\/[^/]+$/, "repo"],
  [/^\/graphql$/, "graphql"],
];

const T3: Table = [
  [/\/\.well-known\/t3\/environment$/, "environment"],
  [/\/api\/orchestration\/shell$/, "shell"],
  [/\/api\/orchestration\/threads\/[^/]+$/, "thread"],
  [/\/api\/orchestration\/dispatch$/, "dispatch"],
];

const WOODPECKER: Table = [
  [/\/api\/repos\/lookup\/[^/]+\/[^/]+$/, "repo-lookup"],
  [/\/api\/repos\/[^/]+\/pipelines$/, "pipelines"],
  [/\/api\/repos\/[^/]+\/pipelines\/[^/]+$/, "pipeline"],
  [/\/version$/, "version"],
];

const KUBERNETES: Table = [
  [/\/apis\/apps\/v1\/namespaces\/[^/]+\/deployments\/[^/]+$/, "deployment"],
  [/\/apis\/authorization\.k8s\.io\/v1\/selfsubjectaccessreviews$/, "access-review"],
];

/** Slack's Web API methods are a fixed vocabulary (`chat.postMessage`); anything else is `other`. */
const SLACK_METHOD = /^[a-z]+(\.[A-Za-z]+)+$/;

/** The path alone: no origin, no query, no GHE prefix, templates' `{…}` and numeric repo routes made plain. */
function toPath(url: string): string {
  const withoutOrigin = url.replace(/^[a-z]+:\/\/[^/]+/i, "");
  const path = (withoutOrigin.split(/[?#]/)[0] ?? "").replace(/\/+$/, "");
  return path
    .replace(/^\/api\/v3(?=\/)/, "")
    .replace(/\{[^}]*\}/g, "x")
    .replace(/^\/repositories\/\d+(?=\/|$)/, "/repos/x/x");
}

function match(table: Table, path: string): string {
  return table.find(([pattern]) => pattern.test(path))?.[1] ?? "other";
}

/** `system`'s name for the request to `url` (a path, template or absolute URL; a Slack method). */
export function toRouteClass(system: RouteSystem, url: string): string {
  switch (system) {
    case "github":
      return match(GITHUB, toPath(url));
    case "t3":
      return match(T3, toPath(url));
    case "woodpecker":
      return match(WOODPECKER, toPath(url));
    case "kubernetes":
      return match(KUBERNETES, toPath(url));
    case "version-url":
      // Each repo names its own URL: one class, whatever it is.
      return "version";
    case "slack":
      return SLACK_METHOD.test(url) ? url : "other";
    default:
      return assertNever(system);
  }
}
