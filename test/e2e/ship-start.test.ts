// Issue 4, start-up and the kill switch: afk asks GitHub to redeliver the failed webhook
// deliveries it missed, and while disarmed neither CI webhooks nor the sweep reach out.

import { describe, expect, it } from "vitest";
import { DEFAULT_INSTALLATION_ID } from "../support/webhook-fixtures.js";
import { aGitHubFake, FakeClock, harnessPerTest, REPO } from "./harness.js";
import { MINUTE_MS } from "./ship-world.js";

const started = harnessPerTest();
const HOUR_MS = 60 * MINUTE_MS;

describe("redelivery at start", () => {
  it("redelivers the events whose latest delivery failed in the last hours, and skips one that failed and then succeeded", async () => {
    const clock = new FakeClock();
    const github = aGitHubFake(clock);
    const at = (agoMs: number) => new Date(clock.now() - agoMs).toISOString();
    const delivery = (id: number, guid: string, agoMs: number, ok: boolean) => ({
      id,
      guid,
      delivered_at: at(agoMs),
      redelivery: id === 2,
      duration: 0.2,
      status: ok ? "OK" : "Invalid HTTP Response: 500",
      status_code: ok ? 200 : 500,
      event: "workflow_run",
      action: "completed",
      installation_id: DEFAULT_INSTALLATION_ID,
      repository_id: github.repo(REPO).id,
    });
    github.deliveries.push(
      delivery(1, "guid-failed-then-ok", 2 * HOUR_MS, false),
      delivery(2, "guid-failed-then-ok", HOUR_MS, true),
      delivery(3, "guid-failed", 30 * MINUTE_MS, false),
      delivery(4, "guid-failed-long-ago", 3 * 24 * HOUR_MS, false),
      delivery(5, "guid-ok", 10 * MINUTE_MS, true),
    );

    const h = await started({ github, clock });

    expect(h.github.redelivered).toEqual([3]);
    expect(h.github.calls("POST", /^\/app\/hook\/deliveries\/\d+\/attempts$/)).toHaveLength(1);
  });
});

describe("the kill switch on", () => {
  it("CI, push and status deliveries built from GitHub's state cause zero outbound requests, and the sweep never runs", async () => {
    const clock = new FakeClock();
    const h = await started({ clock, config: { killSwitch: true }, woodpecker: "v3", kube: true });
    const { github } = h;
    const { commit, payload } = github.pushCommit(REPO, { message: "Fix it\n\nAFK-Issue: 4" });
    const run = github.startWorkflowRun(REPO, { sha: commit.sha });
    github.completeWorkflowRun(REPO, run.id, { conclusion: "failure" });
    const status = github.addStatus(REPO, { sha: commit.sha, context: "ci/woodpecker/push/deploy", state: "success" });
    const [check] = github.checkRunsOf(REPO, run.id);
    if (check === undefined) throw new Error("the run has no check run");
    let sweeps = 0;
    const sweepOnce = h.runtime.sweepOnce.bind(h.runtime);
    h.runtime.sweepOnce = () => {
      sweeps += 1;
      return sweepOnce();
    };

    const statuses = [
      await h.deliver("push", payload),
      await h.deliver("workflow_run", github.workflowRunPayload(REPO, run.id)),
      await h.deliver("check_run", github.checkRunPayload(REPO, check.id)),
      await h.deliver("status", github.statusPayload(REPO, status.id)),
    ];
    await h.sweep.runNow();
    clock.advance(10 * MINUTE_MS);
    await h.sweep.runNow();
    await h.settle();

    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(sweeps).toBe(0);
    expect(h.sweep.status.runs).toBe(0);
    expect(github.requests).toEqual([]);
    expect(h.t3.requests).toEqual([]);
    expect(h.woodpecker?.requests).toEqual([]);
    expect(h.kube?.requests).toEqual([]);
  });
});
