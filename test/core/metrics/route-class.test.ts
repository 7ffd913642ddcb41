// Route classes stay few and meaningful: every route afk's adapters call has one (not
// `other`), a later page's absolute URL reads as its first page's template, and paths
// under a base URL with a prefix read the same.

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { toRouteClass } from "../../../src/core/metrics/route-class.js";

const GITHUB_ADAPTERS = resolve(import.meta.dirname, "../../../src/adapters/github");

/** Every `"METHOD /route/{template}"` afk's GitHub adapters request. */
function githubRoutes(): string[] {
  const routes = readdirSync(GITHUB_ADAPTERS)
    .filter((file) => file.endsWith(".ts"))
    .flatMap((file) => [
      ...readFileSync(join(GITHUB_ADAPTERS, file), "utf8").matchAll(/"(?:GET|POST|PATCH|DELETE|PUT) (\/[^" ]*)"/g),
    ])
    .map((match) => match[1] ?? "");
  return [...new Set(routes)];
}

describe("toRouteClass", () => {
  it("finds the routes afk's GitHub adapters use", () => {
    expect(githubRoutes().length).toBeGreaterThan(20);
  });

  it.each(githubRoutes())("gives GitHub's %s a class of its own", (route) => {
    expect(toRouteClass("github", route)).not.toBe("other");
  });

  it.each([
    ["/repos/{owner}/{repo}/issues/{issue_number}/comments", "issue-comments"],
    ["https://api.github.com/repositories/1296269/issues/7/comments?page=2", "issue-comments"],
    ["https://ghe.example.com/api/v3/repos/acme/widgets/issues?state=open&page=3", "issues"],
    ["/repos/{owner}/{repo}/issues/comments/{comment_id}", "issue-comment"],
    ["/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", "issue-labels"],
    ["/repos/{owner}/{repo}/labels/{name}", "labels"],
    ["https://api.github.com/repositories/1/commits/abc/check-runs?page=2", "check-runs"],
    ["/repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}/jobs", "jobs"],
    ["/app/installations/{installation_id}/access_tokens", "installation-token"],
    ["/repos/{owner}/{repo}", "repo"],
    ["/graphql", "graphql"],
    ["/gists", "other"],
  ])("github %s → %s", (url, route) => {
    expect(toRouteClass("github", url)).toBe(route);
  });

  it.each([
    ["t3", "/.well-known/t3/environment", "environment"],
    ["t3", "/t3/api/orchestration/shell", "shell"],
    ["t3", "/api/orchestration/threads/3f2a-uuid", "thread"],
    ["t3", "/api/orchestration/dispatch", "dispatch"],
    ["woodpecker", "/ci/api/repos/lookup/acme/widgets-deploy", "repo-lookup"],
    ["woodpecker", "/api/repos/12/pipelines", "pipelines"],
    ["woodpecker", "/api/repos/12/pipelines/345", "pipeline"],
    ["woodpecker", "/version", "version"],
    ["kubernetes", "/apis/apps/v1/namespaces/web/deployments/widgets", "deployment"],
    ["kubernetes", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "access-review"],
    ["kubernetes", "/api/v1/pods", "other"],
    ["version-url", "/any/path/the/repo/chose", "version"],
    ["slack", "chat.postMessage", "chat.postMessage"],
    ["slack", "conversations.replies", "conversations.replies"],
    ["slack", "https://hooks.slack.com/x", "other"],
  ] as const)("%s %s → %s", (system, url, route) => {
    expect(toRouteClass(system, url)).toBe(route);
  });
});
