// Kill switch on: afk answers every delivery 200 and makes zero outbound requests,
// not to GitHub and not to T3 (DESIGN section 1.5), whatever the event.

import { describe, expect, it } from "vitest";
import {
  aCheckRunEvent,
  anInstallationEvent,
  anInstallationRepositoriesEvent,
  anIssuesEvent,
  aPushEvent,
  aStatusEvent,
  aWorkflowRunEvent,
} from "../support/webhook-fixtures.js";
import { harnessPerTest, READY } from "./harness.js";

const started = harnessPerTest();

const FIXTURES: readonly [string, string, () => unknown][] = [
  ["issues", "labeled (the ready label)", () => anIssuesEvent("labeled", { label: READY })],
  ["issues", "unlabeled (the ready label)", () => anIssuesEvent("unlabeled", { label: READY })],
  ["issues", "closed", () => anIssuesEvent("closed")],
  ["issues", "opened", () => anIssuesEvent("opened")],
  ["installation", "created", () => anInstallationEvent("created")],
  ["installation", "deleted", () => anInstallationEvent("deleted")],
  ["installation_repositories", "added", () => anInstallationRepositoriesEvent("added")],
  ["installation_repositories", "removed", () => anInstallationRepositoriesEvent("removed")],
  ["workflow_run", "completed", () => aWorkflowRunEvent("completed")],
  ["check_run", "completed", () => aCheckRunEvent("completed")],
  ["status", "", () => aStatusEvent()],
  ["push", "", () => aPushEvent()],
];

describe("the kill switch", () => {
  it.each(FIXTURES)("on: %s %s is answered 200 with zero requests to GitHub or T3", async (event, _action, payload) => {
    const harness = await started({ config: { killSwitch: true } });

    expect(await harness.deliver(event, payload())).toBe(200);
    await harness.settle();

    expect(harness.github.requests).toEqual([]);
    expect(harness.t3.requests).toEqual([]);
  });

  it("off (the control): the same labeled delivery does reach GitHub", async () => {
    const harness = await started();

    expect(await harness.deliver("issues", anIssuesEvent("labeled", { label: READY }))).toBe(200);
    await harness.settle();

    expect(harness.github.requests.length).toBeGreaterThan(0);
  });
});
