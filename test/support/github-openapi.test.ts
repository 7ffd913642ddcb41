import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { ProbotOctokit } from "probot";
import {
  assertNoOpenApiViolations,
  checkGitHubRequest,
  compareRouteRank,
  installGitHubOpenApiGuard,
  takeOpenApiViolations,
  type GitHubRequest,
} from "./github-openapi.js";

const API = "https://api.github.com";

function aRequest(overrides: Partial<GitHubRequest> = {}): GitHubRequest {
  return { method: "GET", path: "/repos/o/r/issues/1", body: undefined, ...overrides };
}

async function send(method: string, path: string, body?: unknown): Promise<Response> {
  const init: RequestInit =
    body === undefined
      ? { method }
      : { method, body: JSON.stringify(body), headers: { "content-type": "application/json" } };
  return fetch(`${API}${path}`, init);
}

describe("checkGitHubRequest", () => {
  it.each<[string, GitHubRequest, string]>([
    [
      "a collaborator's role",
      aRequest({ path: "/repos/o/r/collaborators/u/permission" }),
      "repos/get-collaborator-permission-level",
    ],
    [
      "adding labels",
      aRequest({ method: "POST", path: "/repos/o/r/issues/1/labels", body: { labels: ["afk:in-progress"] } }),
      "issues/add-labels",
    ],
    [
      "editing a comment",
      aRequest({ method: "PATCH", path: "/repos/o/r/issues/comments/9", body: { body: "progress" } }),
      "issues/update-comment",
    ],
    [
      "native blockers",
      aRequest({ path: "/repos/o/r/issues/1/dependencies/blocked_by" }),
      "issues/list-dependencies-blocked-by",
    ],
    [
      "check runs of a sha",
      aRequest({ path: "/repos/o/r/commits/sha/check-runs?filter=latest" }),
      "checks/list-for-ref",
    ],
    ["failed deliveries", aRequest({ path: "/app/hook/deliveries?status=failure" }), "apps/list-webhook-deliveries"],
    [
      "redelivery, which takes no body",
      aRequest({ method: "POST", path: "/app/hook/deliveries/1/attempts" }),
      "apps/redeliver-webhook-delivery",
    ],
    [
      "closing as completed",
      aRequest({ method: "PATCH", path: "/repos/o/r/issues/1", body: { state: "closed", state_reason: "completed" } }),
      "issues/update",
    ],
    [
      "removing an encoded label",
      aRequest({ method: "DELETE", path: "/repos/o/r/issues/1/labels/afk%3Ain-progress" }),
      "issues/remove-label",
    ],
    [
      "a body sent as JSON text",
      aRequest({ method: "POST", path: "/repos/o/r/issues/1/comments", body: '{"body":"hi"}' }),
      "issues/create-comment",
    ],
    [
      "nullable fields set to null",
      aRequest({
        method: "PATCH",
        path: "/repos/o/r/issues/1",
        body: { milestone: null, state_reason: null, title: 7 },
      }),
      "issues/update",
    ],
    [
      "comma-joined array query values",
      aRequest({ path: "/repos/o/r/issues?labels=a,b&state=open&per_page=100&page=2" }),
      "issues/list-for-repo",
    ],
    ["a multi-segment ref with raw slashes", aRequest({ path: "/repos/o/r/git/ref/heads/feature/x" }), "git/get-ref"],
    ["a multi-segment ref encoded by octokit", aRequest({ path: "/repos/o/r/git/ref/heads%2Fmain" }), "git/get-ref"],
    [
      "a body on a content type without a JSON schema",
      aRequest({ method: "POST", path: "/markdown/raw", body: "# hi" }),
      "markdown/render-raw",
    ],
    ["lower-case methods", aRequest({ method: "get", path: "/repos/o/r/labels/bug" }), "issues/get-label"],
    [
      "a body whose fields are shared components",
      aRequest({
        method: "PATCH",
        path: "/app/hook/config",
        body: { url: "https://afk.example/api/github/webhooks", content_type: "json", insecure_ssl: "0" },
      }),
      "apps/update-webhook-config-for-app",
    ],
    [
      "a body that is a shared component",
      aRequest({ method: "PUT", path: "/repos/o/r/actions/permissions/access", body: { access_level: "none" } }),
      "actions/set-workflow-access-to-repository",
    ],
    [
      "a body combining components with allOf",
      aRequest({
        method: "POST",
        path: "/orgs/acme/rulesets",
        body: {
          name: "r",
          enforcement: "active",
          conditions: {
            ref_name: { include: ["~DEFAULT_BRANCH"], exclude: [] },
            repository_name: { include: ["~ALL"], exclude: [] },
          },
        },
      }),
      "repos/create-org-ruleset",
    ],
    [
      "an array query parameter, comma-joined",
      aRequest({ path: "/agents/repos/o/r/tasks?creator_id=1,2" }),
      "agent-tasks/list-tasks-for-repo",
    ],
  ])("accepts %s", (_name, request, operationId) => {
    expect(checkGitHubRequest(request)).toEqual({ ok: true, operationId });
  });

  it.each<[string, string, string]>([
    ["GET", "/repos/o/r/issues/comments/9", "issues/get-comment"],
    ["GET", "/repos/o/r/issues/9/comments", "issues/list-comments"],
    ["GET", "/repos/o/r/issues/events", "issues/list-events-for-repo"],
    ["GET", "/repos/o/r/issues/9/events", "issues/list-events"],
    ["GET", "/repos/o/r/commits/abc/status", "repos/get-combined-status-for-ref"],
    ["GET", "/repos/o/r/commits/abc", "repos/get-commit"],
  ])("routes %s %s to %s, preferring literal segments over templates", (method, path, operationId) => {
    expect(checkGitHubRequest({ method, path })).toEqual({ ok: true, operationId });
  });

  it.each<[string, number[], number[]]>([
    ["a literal over a template at the first difference", [3, 1, 1, 3, 3], [3, 1, 1, 3, 1]],
    ["a literal over a partly templated segment", [3, 1, 1, 3, 3], [3, 1, 1, 3, 2]],
    ["a one-segment parameter over a multi-segment one", [3, 1, 1, 3, 1], [3, 1, 1, 3, 0]],
    ["an earlier literal over later ones", [3, 3, 1, 1], [3, 1, 3, 3]],
    ["the longer template when one extends the other", [3, 1, 1, 3, 0, 3], [3, 1, 1, 3, 0]],
  ])("ranks %s first", (_name, better, worse) => {
    expect(compareRouteRank(better, worse)).toBeLessThan(0);
    expect(compareRouteRank(worse, better)).toBeGreaterThan(0);
  });

  it.each<[string, GitHubRequest, RegExp]>([
    [
      "an unknown path",
      aRequest({ path: "/repos/o/r/afk/state" }),
      /\/repos\/o\/r\/afk\/state is not a path in GitHub's REST description/,
    ],
    [
      "a wrong method",
      aRequest({ method: "PUT", path: "/repos/o/r/issues/1" }),
      /PUT is not allowed on \/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\} \(allowed: GET, PATCH\)/,
    ],
    [
      "a body field of the wrong type",
      aRequest({ method: "POST", path: "/repos/o/r/issues/1/comments", body: { body: 3 } }),
      /body at \/body: must be string/,
    ],
    [
      "a misspelt body field",
      aRequest({ method: "PATCH", path: "/repos/o/r/issues/1", body: { state: "closed", state_reasons: "completed" } }),
      /unknown property state_reasons/,
    ],
    [
      "a body enum value GitHub does not know",
      aRequest({ method: "PATCH", path: "/repos/o/r/issues/1", body: { state: "done" } }),
      /body at \/state: must be one of \["open","closed"\]/,
    ],
    [
      "a missing required body",
      aRequest({ method: "POST", path: "/repos/o/r/issues/1/comments" }),
      /requires a request body and none was sent/,
    ],
    [
      "a missing required body field",
      aRequest({ method: "POST", path: "/repos/o/r/issues/1/comments", body: {} }),
      /must have required property 'body'/,
    ],
    [
      "a body on an operation without one",
      aRequest({ path: "/repos/o/r/issues/1", body: { x: 1 } }),
      /takes no request body, but one was sent/,
    ],
    [
      "a body that is not JSON",
      aRequest({ method: "POST", path: "/repos/o/r/issues/1/comments", body: "body=hi" }),
      /the request body is not JSON: body=hi/,
    ],
    ["an unknown query parameter", aRequest({ path: "/repos/o/r/issues?labelz=a" }), /unknown query parameter labelz/],
    [
      "a query enum value GitHub does not know",
      aRequest({ path: "/repos/o/r/commits/sha/check-runs?filter=newest" }),
      /query parameter filter: must be one of \["latest","all"\]/,
    ],
    [
      "a query value of the wrong type",
      aRequest({ path: "/repos/o/r/issues?per_page=many" }),
      /query parameter per_page: must be integer/,
    ],
    [
      "a shared component's format",
      aRequest({ method: "PATCH", path: "/app/hook/config", body: { url: "not a url" } }),
      /body at \/url: must match format "uri"/,
    ],
    [
      "a wrong value in a body that is a shared component",
      aRequest({ method: "PUT", path: "/repos/o/r/actions/permissions/access", body: { access_level: "everyone" } }),
      /body at \/access_level: must be one of \["none","user","organization"\]/,
    ],
    [
      "a wrong item of an array query parameter",
      aRequest({ path: "/orgs/acme/migrations?exclude=repositories,wikis" }),
      /query parameter exclude\/1: must be one of \["repositories"\]/,
    ],
    [
      "a scalar query parameter given twice",
      aRequest({ path: "/repos/o/r/issues?state=open&state=closed" }),
      /query parameter state given 2 times/,
    ],
    [
      "a missing required query parameter",
      aRequest({ path: "/search/issues" }),
      /query parameter: must have required property 'q'/,
    ],
    [
      "a path parameter of the wrong type",
      aRequest({ path: "/repos/o/r/issues/undefined" }),
      /path parameter issue_number: must be integer/,
    ],
    [
      "a path parameter with broken percent-encoding",
      aRequest({ path: "/repos/o/r/labels/%E0%A4%A" }),
      /path parameter name is not valid percent-encoding/,
    ],
  ])("rejects %s", (_name, request, problem) => {
    const check = checkGitHubRequest(request);
    expect(check.ok).toBe(false);
    expect(check.ok ? "" : check.problem).toMatch(problem);
  });

  it("names the operation in a problem so the failing call can be found", () => {
    const check = checkGitHubRequest(
      aRequest({ method: "PATCH", path: "/repos/o/r/issues/1", body: { state: "done" } }),
    );
    expect(check).toEqual({
      ok: false,
      problem: expect.stringMatching(
        /^issues\/update \(PATCH \/repos\/\{owner\}\/\{repo\}\/issues\/\{issue_number\}\): /,
      ),
    });
  });

  it("lists every problem of a request, not only the first", () => {
    const check = checkGitHubRequest(aRequest({ path: "/repos/o/r/issues?state=bogus&foo=1" }));
    expect(check.ok ? "" : check.problem).toMatch(/unknown query parameter foo; query parameter state: must be one of/);
  });
});

describe("installGitHubOpenApiGuard", () => {
  let uninstall: () => void = () => undefined;

  beforeAll(() => nock.disableNetConnect());
  beforeEach(() => {
    uninstall = installGitHubOpenApiGuard();
  });
  afterEach(() => {
    uninstall();
    takeOpenApiViolations();
    nock.cleanAll();
  });
  afterAll(() => nock.enableNetConnect());

  it("records nothing for requests that GitHub's description allows", async () => {
    nock(API)
      .post("/repos/o/r/issues/1/labels", { labels: ["ready-for-agent"] })
      .reply(200, []);
    nock(API).get("/repos/o/r/collaborators/u/permission").reply(200, { permission: "write", role_name: "write" });
    expect((await send("POST", "/repos/o/r/issues/1/labels", { labels: ["ready-for-agent"] })).status).toBe(200);
    expect((await send("GET", "/repos/o/r/collaborators/u/permission")).status).toBe(200);
    expect(() => assertNoOpenApiViolations()).not.toThrow();
  });

  it("records a mocked request that breaks the description, on scopes made after the guard", async () => {
    nock(API).post("/repos/o/r/issues/1/comments").reply(201, {});
    nock(API).get("/repos/o/r/afk").reply(200, {});
    await send("POST", "/repos/o/r/issues/1/comments", { bdy: "x" });
    await send("GET", "/repos/o/r/afk");
    expect(takeOpenApiViolations()).toEqual([
      expect.stringMatching(
        /^POST \/repos\/o\/r\/issues\/1\/comments: .*must have required property 'body'.*unknown property bdy/,
      ),
      expect.stringMatching(/^GET \/repos\/o\/r\/afk: \/repos\/o\/r\/afk is not a path/),
    ]);
  });

  it("records a GitHub request that no interceptor matches, which also fails in the caller", async () => {
    nock(API).get("/repos/o/r/issues/1").reply(200, {});
    await expect(send("GET", "/repos/o/r/issues/2")).rejects.toThrow();
    await expect(send("GET", "/repos/o/r/issues/3")).rejects.toThrow();
    expect(takeOpenApiViolations()).toEqual([
      "GET /repos/o/r/issues/2: no nock interceptor matched (in the spec as issues/get)",
      "GET /repos/o/r/issues/3: no nock interceptor matched (in the spec as issues/get)",
    ]);
  });

  it("records a GitHub request when no scope for GitHub exists at all", async () => {
    await expect(send("GET", "/app/installations")).rejects.toThrow();
    expect(takeOpenApiViolations()).toEqual([
      "GET /app/installations: no nock interceptor matched (in the spec as apps/list-installations)",
    ]);
  });

  it("leaves requests to other hosts alone", async () => {
    nock("https://slack.test").post("/api/chat.postMessage").reply(200, { ok: true });
    await fetch("https://slack.test/api/chat.postMessage", { method: "POST", body: "{}" });
    await expect(fetch("https://t3.test/api/orchestration/dispatch")).rejects.toThrow();
    expect(takeOpenApiViolations()).toEqual([]);
  });

  it("throws from assertNoOpenApiViolations, listing each violation, then starts afresh", async () => {
    nock(API).patch("/repos/o/r/issues/1").reply(200, {});
    await send("PATCH", "/repos/o/r/issues/1", { state: "done" });
    expect(() => assertNoOpenApiViolations()).toThrow(
      /GitHub requests that break GitHub's REST description:\n- PATCH \/repos\/o\/r\/issues\/1: issues\/update/,
    );
    expect(() => assertNoOpenApiViolations()).not.toThrow();
  });

  it("stops checking once uninstalled, and nock keeps working", async () => {
    uninstall();
    nock(API).get("/repos/o/r/afk").reply(200, { fine: true });
    const response = await send("GET", "/repos/o/r/afk");
    expect(await response.json()).toEqual({ fine: true });
    await expect(send("GET", "/repos/o/r/nothing")).rejects.toThrow();
    expect(takeOpenApiViolations()).toEqual([]);
  });

  it("refuses a second guard, which would record every violation twice", () => {
    expect(() => installGitHubOpenApiGuard()).toThrow(/already installed/);
    uninstall();
    uninstall();
    expect(() => installGitHubOpenApiGuard()()).not.toThrow();
  });

  it("watches only the given scope when one is passed", async () => {
    uninstall();
    const watched = nock(API).get("/repos/o/r/watched").reply(200, {});
    nock(API).get("/repos/o/r/unwatched").reply(200, {});
    const stop = installGitHubOpenApiGuard(watched);
    await send("GET", "/repos/o/r/watched");
    await send("GET", "/repos/o/r/unwatched");
    stop();
    expect(takeOpenApiViolations()).toEqual([expect.stringMatching(/^GET \/repos\/o\/r\/watched: /)]);
  });

  it("sees the requests of a real ProbotOctokit", async () => {
    const octokit = new ProbotOctokit({
      auth: { token: "t" },
      retry: { enabled: false },
      throttle: { enabled: false },
    });
    nock(API).delete("/repos/o/r/issues/1/labels/afk%3Ain-progress").reply(200, []);
    nock(API).patch("/repos/o/r/issues/1").reply(200, {});
    await octokit.rest.issues.removeLabel({ owner: "o", repo: "r", issue_number: 1, name: "afk:in-progress" });
    expect(takeOpenApiViolations()).toEqual([]);
    // A value that octokit's types would refuse, as if it came from elsewhere at run time.
    const state = "finished" as "closed";
    await octokit.rest.issues.update({ owner: "o", repo: "r", issue_number: 1, state });
    expect(takeOpenApiViolations()).toEqual([
      expect.stringMatching(/^PATCH \/repos\/o\/r\/issues\/1: issues\/update .*body at \/state: must be one of/),
    ]);
    nock(API).get("/repos/o/r/afk-state").reply(200, {});
    await octokit.request("GET /repos/{owner}/{repo}/afk-state", { owner: "o", repo: "r" });
    expect(takeOpenApiViolations()).toEqual([
      "GET /repos/o/r/afk-state: /repos/o/r/afk-state is not a path in GitHub's REST description",
    ]);
  });
});
