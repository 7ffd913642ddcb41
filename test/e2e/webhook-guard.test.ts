// afk's entry for GitHub's deliveries (src/adapters/github/webhook-guard.ts), through its
// real server with signed deliveries: each kind of delivery the guard stops gets its own
// answer and changes nothing; one it lets through reaches afk's handler as its nudge.

import { describe, expect, it } from "vitest";
import { harnessPerTest, logsWith, READY, REPO, type Harness } from "./harness.js";
import { deliveryHeaders, footprint, postRaw, postRawAnswer, postSigned } from "./input-world.js";

const started = harnessPerTest();

/** The owner of the fixtures' user-owned repo: trusted. */
const OWNER = "Codertocat";

/** Issue #7, labelled ready by the repo's owner on the fake GitHub, and the delivery GitHub would send for it. */
function aLabeledIssue(h: Harness): Record<string, unknown> {
  h.github.addIssue(REPO, { number: 7 });
  h.github.label(REPO, 7, READY, OWNER);
  return h.github.issuesPayload(REPO, 7, OWNER, { action: "labeled", label: h.github.labelJson(REPO, READY) });
}

describe("the webhook guard", () => {
  it.each(["null", "5", '"text"', "[]", "[{}]"])(
    "a signed body %s (JSON, not an object): 400 naming why, and no effect",
    async (body) => {
      const h = await started();
      const before = footprint(h);
      const answer = await postRawAnswer(h, deliveryHeaders("issues", body), body);
      await h.settle();
      expect(answer.status).toBe(400);
      expect(answer.text).toContain("the payload is not a JSON object");
      expect(footprint(h)).toEqual(before);
    },
  );

  it("a signed body that is not JSON: Octokit's own 400, and no effect", async () => {
    const h = await started();
    const before = footprint(h);
    expect(await postSigned(h, "issues", "{")).toBe(400);
    await h.settle();
    expect(footprint(h)).toEqual(before);
  });

  it("a signed issues delivery without its installation: 200, ignored with the reason, no effect", async () => {
    const h = await started();
    const { installation: _dropped, ...payload } = aLabeledIssue(h);
    const before = footprint(h);
    expect(await postSigned(h, "issues", JSON.stringify(payload))).toBe(200);
    await h.settle();
    expect(footprint(h)).toEqual(before);
    expect(logsWith(h.logs, "delivery ignored")).toEqual([
      expect.objectContaining({ event: "issues", why: "issues payload without a valid installation" }),
    ]);
  });

  it("an event afk does not follow: 200 and no effect", async () => {
    const h = await started();
    const before = footprint(h);
    expect(await postSigned(h, "star", JSON.stringify({ action: "created", repository: { full_name: REPO } }))).toBe(
      200,
    );
    await h.settle();
    expect(footprint(h)).toEqual(before);
  });

  it("a forged signature: 400, and the handler never runs", async () => {
    const h = await started();
    const body = JSON.stringify(aLabeledIssue(h));
    const headers = { ...deliveryHeaders("issues", body), "X-Hub-Signature-256": `sha256=${"0".repeat(64)}` };
    const before = footprint(h);
    expect(await postRaw(h, headers, body)).toBe(400);
    await h.settle();
    expect(footprint(h)).toEqual(before);
  });

  it("the control: the same labeled delivery, signed and whole, reaches afk's handler and dispatches", async () => {
    const h = await started();
    const body = JSON.stringify(aLabeledIssue(h));
    expect(await postSigned(h, "issues", body)).toBe(200);
    await h.settle();
    expect(h.t3.commands.map((command) => command.type)).toContain("thread.create");
  });
});
