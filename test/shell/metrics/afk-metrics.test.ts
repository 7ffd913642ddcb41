// afk's metrics: one registry per instance, names by Prometheus' conventions, and what
// the shell records shows in the scrape.

import { describe, expect, it } from "vitest";
import { AfkMetrics, PHASES } from "../../../src/shell/metrics/afk-metrics.js";
import { parsePrometheusText, valueOf } from "../../support/prometheus-text.js";
import { aRecord } from "../../core/builders.js";

async function scrape(metrics: AfkMetrics) {
  return parsePrometheusText((await metrics.render()).body);
}

describe("AfkMetrics", () => {
  it("keeps a registry per instance: two afks in one process count apart", async () => {
    const one = new AfkMetrics();
    const two = new AfkMetrics();
    one.recordRunChange(null, aRecord());
    expect(valueOf(await scrape(one), "afk_dispatches_total")).toBe(1);
    expect(valueOf(await scrape(two), "afk_dispatches_total")).toBe(0);
  });

  it("names every afk metric afk_…, counters …_total, histograms …_seconds, each with help", async () => {
    const families = [...(await scrape(new AfkMetrics())).values()].filter((family) => family.name.startsWith("afk_"));
    expect(families.map((family) => family.name).sort()).toEqual([
      "afk_dispatch_to_shipped_seconds",
      "afk_dispatches_total",
      "afk_escalations_total",
      "afk_fix_forward_turns_total",
      "afk_github_rate_limit_remaining",
      "afk_label_to_dispatch_seconds",
      "afk_outbound_errors_total",
      "afk_outbound_requests_total",
      "afk_runs",
      "afk_runs_shipped_total",
      "afk_sweep_duration_seconds",
      "afk_sweep_failures_total",
      "afk_webhook_handling_seconds",
    ]);
    for (const family of families) {
      expect(family.help).not.toBe("");
      if (family.type === "counter") expect(family.name).toMatch(/_total$/);
      if (family.type === "histogram") expect(family.name).toMatch(/_seconds$/);
    }
  });

  it("counts the runs it is given by phase at each scrape, every phase present", async () => {
    const metrics = new AfkMetrics();
    const runs = [aRecord({ phase: "ci" }), aRecord({ phase: "ci", issue: 2 }), aRecord({ phase: "queued", issue: 3 })];
    metrics.countRunsFrom(() => runs);
    const scraped = await scrape(metrics);
    expect(PHASES.map((phase) => valueOf(scraped, "afk_runs", { phase }))).toEqual(
      PHASES.map((phase) => (phase === "ci" ? 2 : phase === "queued" ? 1 : 0)),
    );
    runs.pop();
    expect(valueOf(await scrape(metrics), "afk_runs", { phase: "queued" })).toBe(0);
  });

  it("reduces each request to its route class and status, and keeps the latest rate limit per installation", async () => {
    const metrics = new AfkMetrics();
    metrics.recordRequest({ system: "github", method: "GET", route: "/repos/{owner}/{repo}/issues", status: 200 });
    metrics.recordRequest({
      system: "github",
      method: "GET",
      route: "https://api.github.com/repositories/1/issues?page=2",
      status: 200,
    });
    metrics.recordRequest({ system: "t3", method: "GET", route: "/api/orchestration/shell", status: null });
    metrics.recordRateLimit(7, 4_999);
    metrics.recordRateLimit(7, 4_990);
    metrics.recordRateLimit(null, 12);
    const scraped = await scrape(metrics);
    expect(valueOf(scraped, "afk_outbound_requests_total", { system: "github", route: "issues", status: "200" })).toBe(
      2,
    );
    expect(valueOf(scraped, "afk_outbound_requests_total", { system: "t3", route: "shell", status: "none" })).toBe(1);
    expect(valueOf(scraped, "afk_github_rate_limit_remaining", { installation: "7" })).toBe(4_990);
    expect(valueOf(scraped, "afk_github_rate_limit_remaining", { installation: "app" })).toBe(12);
  });

  it("records sweeps, failures and deliveries", async () => {
    const metrics = new AfkMetrics();
    metrics.recordSweep(1.5, false);
    metrics.recordSweep(0.5, true);
    metrics.recordWebhook("issues", 0.02);
    metrics.recordFailure({
      system: "slack",
      category: "unauthorized",
      status: null,
      detail: "invalid_auth",
      message: "auth.test failed: invalid_auth",
      retryAfterMs: null,
      traceId: null,
    });
    const scraped = await scrape(metrics);
    expect(valueOf(scraped, "afk_sweep_duration_seconds_count")).toBe(2);
    expect(valueOf(scraped, "afk_sweep_duration_seconds_sum")).toBe(2);
    expect(valueOf(scraped, "afk_sweep_failures_total")).toBe(1);
    expect(valueOf(scraped, "afk_webhook_handling_seconds_bucket", { event: "issues", le: "0.025" })).toBe(1);
    expect(valueOf(scraped, "afk_outbound_errors_total", { system: "slack", category: "unauthorized" })).toBe(1);
  });
});
