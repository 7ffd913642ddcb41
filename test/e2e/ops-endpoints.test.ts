// Issue 11, afk's endpoints for the platform, through afk's real HTTP server: /healthz
// (liveness), /readyz (readiness: the app authenticates, T3 answers, the sweep is recent;
// each failing check named; disarmed, no outside check at all) and /metrics (Prometheus'
// text format, the counters moving as runs are dispatched, fixed forward, escalated and
// shipped, the latency histograms, GitHub's rate limit per installation).

import { describe, expect, it } from "vitest";
import { SWEEP_STALE_INTERVALS } from "../../src/core/health/decide-readiness.js";
import { READY_FACTS_CACHE_MS } from "../../src/shell/health/readiness-probe.js";
import { parsePrometheusText, seriesOf, valueOf, type Family } from "../support/prometheus-text.js";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import { FakeClock, harnessPerTest, type Harness } from "./harness.js";
import {
  agentCommits,
  agentEnds,
  ciRuns,
  deliverOk,
  DEPLOYMENT,
  dispatched,
  keelDeploys,
  MINUTE_MS,
  NAMESPACE,
  startWorld,
  toRollingOut,
} from "./ship-world.js";

const started = harnessPerTest();

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly body: string;
}

async function get(h: Harness, path: string): Promise<Answer> {
  const response = await fetch(`${h.baseUrl}${path}`);
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

async function scrape(h: Harness): Promise<Map<string, Family>> {
  const answer = await get(h, "/metrics");
  expect(answer.status).toBe(200);
  expect(answer.type).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(answer.body);
}

/** GitHub requests for `GET /app` (afk's identity as the app: the readiness check's). */
function appReads(h: Harness): number {
  return h.github.requests.filter((request) => request.method === "GET" && request.path === "/app").length;
}

function t3VersionReads(h: Harness): number {
  return h.t3.requests.filter((request) => request.path === "/.well-known/t3/environment").length;
}

/** One sweep through the scheduler (the harness' sweepOnce bypasses it): its status is what readiness reads. */
async function sweepByScheduler(h: Harness): Promise<void> {
  await h.settle();
  await h.sweep.runNow();
  await h.settle();
}

describe("GET /healthz", () => {
  it("answers 200 while the process runs, armed or not, and asks nobody", async () => {
    const armed = await started();
    const before = armed.github.requests.length;
    expect(await get(armed, "/healthz")).toMatchObject({ status: 200, body: "ok\n" });
    expect(armed.github.requests.length).toBe(before);

    const disarmed = await started({ config: { killSwitch: true } });
    expect(await get(disarmed, "/healthz")).toMatchObject({ status: 200, body: "ok\n" });
  });

  it("answers only GET and HEAD", async () => {
    const h = await started();
    const response = await fetch(`${h.baseUrl}/healthz`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("GET /readyz", () => {
  it("is 200 when the app authenticates, T3 answers and afk has just started; each check is listed", async () => {
    const h = await started();
    const answer = await get(h, "/readyz");
    expect(answer.status).toBe(200);
    const [verdict, ...lines] = answer.body.trimEnd().split("\n");
    expect(verdict).toBe("ready");
    expect(lines).toEqual([
      expect.stringMatching(/^✓ github-app: afk authenticates as the app /),
      expect.stringMatching(/^✓ t3: T3 answers \(version /),
      expect.stringMatching(/^✓ sweep: no sweep has finished yet/),
    ]);
  });

  it("is 503 naming github-app when afk cannot authenticate as the app", async () => {
    const h = await started();
    h.github.failNext("GET", /^\/app$/, { status: 401, body: { message: "A JSON web token could not be decoded" } });
    const answer = await get(h, "/readyz");
    expect(answer.status).toBe(503);
    expect(answer.body).toMatch(/^not ready: github-app\n/);
    expect(answer.body).toMatch(/^✗ github-app: GitHub unauthorized \(401\)/m);
    expect(answer.body).toMatch(/^✓ t3: /m);
  });

  it("is 503 naming t3 when T3 is down, and the failure is counted by category", async () => {
    const h = await started();
    h.t3.failNext("environment", { status: 503, body: "<html>upstream unavailable</html>" });
    const answer = await get(h, "/readyz");
    expect(answer.status).toBe(503);
    expect(answer.body).toMatch(/^not ready: t3\n/);
    expect(answer.body).toMatch(/^✗ t3: T3 transient \(503/m);
    const metrics = await scrape(h);
    expect(valueOf(metrics, "afk_outbound_errors_total", { system: "t3", category: "transient" })).toBe(1);
    expect(valueOf(metrics, "afk_outbound_requests_total", { system: "t3", route: "environment", status: "503" })).toBe(
      1,
    );
  });

  it("is 503 naming sweep when no sweep has finished for three intervals, and ready again after one does", async () => {
    const clock = new FakeClock();
    const h = await started({ clock });
    const interval = h.config.sweepIntervalMs;
    await sweepByScheduler(h);
    expect((await get(h, "/readyz")).body).toMatch(/^✓ sweep: the last sweep finished 0 s ago/m);

    clock.advance(SWEEP_STALE_INTERVALS * interval + 1_000);
    const stale = await get(h, "/readyz");
    expect(stale.status).toBe(503);
    expect(stale.body).toMatch(/^not ready: sweep\n/);
    expect(stale.body).toMatch(/^✗ sweep: the last sweep finished \d+ s ago/m);

    await sweepByScheduler(h);
    expect((await get(h, "/readyz")).status).toBe(200);
  });

  it("names every failing check at once", async () => {
    const clock = new FakeClock();
    const h = await started({ clock });
    clock.advance(SWEEP_STALE_INTERVALS * h.config.sweepIntervalMs + 1_000);
    h.github.failNext("GET", /^\/app$/, 500);
    h.t3.failNext("environment", "reset");
    const answer = await get(h, "/readyz");
    expect(answer.status).toBe(503);
    expect(answer.body).toMatch(/^not ready: github-app, t3, sweep\n/);
  });

  it("asks GitHub and T3 once per cache period, however often it is probed", async () => {
    const clock = new FakeClock();
    const h = await started({ clock });
    const [apps, versions] = [appReads(h), t3VersionReads(h)];
    await Promise.all([get(h, "/readyz"), get(h, "/readyz"), get(h, "/readyz")]);
    await get(h, "/readyz");
    expect([appReads(h) - apps, t3VersionReads(h) - versions]).toEqual([1, 1]);

    clock.advance(READY_FACTS_CACHE_MS);
    await get(h, "/readyz");
    expect([appReads(h) - apps, t3VersionReads(h) - versions]).toEqual([2, 2]);
  });

  it("disarmed: 200 without asking GitHub or T3 anything, and says why", async () => {
    const h = await started({ config: { killSwitch: true } });
    const answer = await get(h, "/readyz");
    expect(answer).toMatchObject({ status: 200 });
    expect(answer.body).toBe(
      "ready (disarmed: no outside checks)\nafk is disarmed: the kill switch is on (AFK_KILL_SWITCH=on). It makes no outbound requests.\n",
    );
    expect(h.github.requests).toEqual([]);
    expect(h.t3.requests).toEqual([]);
  });
});

describe("GET /metrics", () => {
  it("after a labeled delivery and a shipped run: valid text format, counters, histograms, runs by phase, requests and the rate limit", async () => {
    const world = await startWorld(started);
    const { h, clock } = world;
    const { sha } = await toRollingOut(world, 1);
    keelDeploys(world, sha);
    h.kube?.rollOut(NAMESPACE, DEPLOYMENT);
    clock.advance(MINUTE_MS);
    await sweepByScheduler(h);

    const metrics = await scrape(h);
    expect(valueOf(metrics, "afk_dispatches_total")).toBe(1);
    expect(valueOf(metrics, "afk_runs_shipped_total")).toBe(1);
    expect(valueOf(metrics, "afk_runs", { phase: "shipped" })).toBe(1);
    expect(valueOf(metrics, "afk_runs", { phase: "dispatched" })).toBe(0);
    expect(valueOf(metrics, "afk_label_to_dispatch_seconds_count")).toBe(1);
    expect(valueOf(metrics, "afk_dispatch_to_shipped_seconds_count")).toBe(1);
    // Dispatched, 10 min to the push, 3 min of CI, a minute to the deploy, a minute to the rollout.
    expect(valueOf(metrics, "afk_dispatch_to_shipped_seconds_sum")).toBe(15 * 60);
    expect(valueOf(metrics, "afk_webhook_handling_seconds_count", { event: "issues" })).toBeGreaterThanOrEqual(1);
    expect(valueOf(metrics, "afk_webhook_handling_seconds_count", { event: "workflow_run" })).toBeGreaterThanOrEqual(1);
    expect(valueOf(metrics, "afk_sweep_duration_seconds_count")).toBe(1);
    expect(valueOf(metrics, "afk_sweep_failures_total")).toBe(0);

    const requests = (system: string, route: string): number =>
      seriesOf(metrics, "afk_outbound_requests_total", { system, route }).reduce((sum, s) => sum + s.value, 0);
    expect(requests("github", "issue-comments")).toBeGreaterThanOrEqual(1);
    expect(requests("github", "check-runs")).toBeGreaterThanOrEqual(1);
    expect(requests("t3", "dispatch")).toBeGreaterThanOrEqual(2);
    expect(requests("woodpecker", "pipelines")).toBeGreaterThanOrEqual(1);
    expect(requests("kubernetes", "deployment")).toBeGreaterThanOrEqual(1);
    expect(seriesOf(metrics, "afk_outbound_requests_total", { route: "other" })).toEqual([]);
    const remaining = valueOf(metrics, "afk_github_rate_limit_remaining", {
      installation: String(DEFAULT_INSTALLATION_ID),
    });
    expect(remaining).toBeGreaterThan(0);
    expect(remaining).toBeLessThan(5_000);
    expect(valueOf(metrics, "afk_github_rate_limit_remaining", { installation: "app" })).toBeLessThanOrEqual(5_000);

    // Node's default process metrics, under their standard names.
    expect(metrics.has("process_cpu_user_seconds_total")).toBe(true);
    expect(metrics.has("nodejs_eventloop_lag_seconds")).toBe(true);
    for (const family of metrics.values()) {
      if (!family.name.startsWith("afk_")) continue;
      expect(family.help).not.toBe("");
      if (family.type === "counter") expect(family.name).toMatch(/_total$/);
      if (family.type === "histogram") expect(family.name).toMatch(/_seconds$/);
    }
  });

  it("counts fix-forward turns and escalations by cause", async () => {
    const world = await startWorld(started, { woodpecker: false, kube: false });
    const { h, clock } = world;
    const thread = await dispatched(world, 4);
    clock.advance(10 * MINUTE_MS);
    const { commit, payload } = agentCommits(world, 4);
    agentEnds(world, thread, `AFK-STATUS: pushed ${commit.sha}`);
    await deliverOk(world, "push", payload);
    await ciRuns(world, commit.sha, "failure", { test: { conclusion: "failure" } });
    clock.advance(MINUTE_MS);
    agentEnds(world, thread, "I cannot tell which is right.\n\nAFK-STATUS: blocked: Which rounding do we want?");
    await h.sweepOnce();

    const metrics = await scrape(h);
    expect(valueOf(metrics, "afk_fix_forward_turns_total")).toBe(1);
    expect(valueOf(metrics, "afk_escalations_total", { cause: "agent" })).toBe(1);
    expect(valueOf(metrics, "afk_runs", { phase: "escalated" })).toBe(1);
    expect(valueOf(metrics, "afk_runs_shipped_total")).toBe(0);
  });

  it("is this afk's own: a second instance in the same process starts from zero", async () => {
    const first = await startWorld(started, { woodpecker: false, kube: false });
    await dispatched(first, 4);
    const second = await started();
    expect(valueOf(await scrape(first.h), "afk_dispatches_total")).toBe(1);
    expect(valueOf(await scrape(second), "afk_dispatches_total")).toBe(0);
  });
});
