import { describe, expect, it } from "vitest";
import { DeliveryQueue, seededOrder, type Delivery } from "../../../src/adapters/memory/delivery-queue.js";
import { toInjectedError } from "../../../src/adapters/memory/knobs.js";
import { MemoryGitHub } from "../../../src/adapters/memory/memory-github.js";

const REPO = "acme/web";

function aWorld(): { github: MemoryGitHub; tracker: ReturnType<MemoryGitHub["issueTracker"]>; issue: number } {
  const github = new MemoryGitHub();
  github.addRepo(REPO, { installationId: 1 });
  return { github, tracker: github.issueTracker(1), issue: github.addIssue(REPO) };
}

function labelsOf(github: MemoryGitHub): readonly string[] {
  return github.snapshot().repos[0]?.issues[0]?.labels ?? [];
}

describe("knobs", () => {
  it("fail answers a failure instead and leaves the world as it was", async () => {
    const { github, tracker, issue } = aWorld();
    github.knobs.fail("addLabels", "transient");
    const failed = await tracker.addLabels(REPO, issue, ["x"]);
    expect(!failed.ok && failed.error).toMatchObject({ system: "github", category: "transient", status: 503 });
    expect(labelsOf(github)).toEqual([]);
    expect(github.pendingWebhooks).toEqual([]);
    expect((await tracker.addLabels(REPO, issue, ["x"])).ok).toBe(true);
  });

  it("failAfterApply applies the write, echoes it, and still answers a failure (a timeout after GitHub acted)", async () => {
    const { github, tracker, issue } = aWorld();
    github.knobs.failAfterApply("addLabels", "timeout");
    const failed = await tracker.addLabels(REPO, issue, ["x"]);
    expect(!failed.ok && failed.error).toMatchObject({ category: "transient", detail: "timeout", status: null });
    expect(labelsOf(github)).toEqual(["x"]);
    expect(github.pendingWebhooks).toHaveLength(1);
  });

  it("value overrides the answer without touching the world", async () => {
    const { github, tracker, issue } = aWorld();
    github.knobs.value("getRole", "admin");
    github.knobs.value("createComment", { id: 42 });
    expect(await tracker.getRole(REPO, "stranger")).toEqual({ ok: true, value: "admin" });
    expect(await tracker.createComment(REPO, issue, "hi")).toEqual({ ok: true, value: { id: 42 } });
    expect(github.snapshot().repos[0]?.issues[0]?.comments).toEqual([]);
    expect(await tracker.getRole(REPO, "stranger")).toEqual({ ok: true, value: "none" });
  });

  it("counts a window: nth picks the call, times how many in a row, when which calls count", async () => {
    const { github, tracker } = aWorld();
    github.knobs.fail("getRole", "rate-limited", { nth: 2, times: 2, when: ([, login]) => login === "maria" });
    const answers = [];
    for (const login of ["maria", "bob", "maria", "maria", "maria"])
      answers.push((await tracker.getRole(REPO, login)).ok);
    expect(answers).toEqual([true, true, false, false, true]);
  });

  it("fails every method of a twin with *", async () => {
    const { github, tracker, issue } = aWorld();
    github.knobs.fail("*", "unauthorized", { times: Infinity });
    expect((await tracker.getIssue(REPO, issue)).ok).toBe(false);
    expect((await github.ciReader(1).listCheckRuns(REPO, "sha")).ok).toBe(false);
    github.knobs.clear();
    expect((await tracker.getIssue(REPO, issue)).ok).toBe(true);
  });

  it("hold keeps a call waiting until released, then acts on the world as it is then", async () => {
    const { github, tracker, issue } = aWorld();
    const hold = github.knobs.hold("getIssue", { times: 1 });
    const pending = tracker.getIssue(REPO, issue);
    await hold.arrived();
    expect(hold.waiting).toBe(1);
    github.act.label(REPO, issue, "late", "maria");
    hold.release();
    const read = await pending;
    expect(read.ok && read.value.labels).toEqual(["late"]);
    expect((await tracker.getIssue(REPO, issue)).ok).toBe(true);
  });

  it("records every call with its kind, arguments, answer and whether it changed the world", async () => {
    const { github, tracker, issue } = aWorld();
    github.knobs.fail("closeIssue", "transient");
    await tracker.getIssue(REPO, issue);
    await tracker.closeIssue(REPO, issue, "completed");
    await tracker.addLabels(REPO, issue, ["x"]);
    expect(github.knobs.calls.map((c) => [c.method, c.kind, c.injected, c.applied, c.result?.ok])).toEqual([
      ["getIssue", "read", null, true, true],
      ["closeIssue", "write", "fail", false, false],
      ["addLabels", "write", null, true, true],
    ]);
    expect(github.knobs.count("closeIssue")).toBe(1);
    expect(github.knobs.count(undefined, "write")).toBe(2);
    expect(github.knobs.writes().map((c) => c.method)).toEqual(["addLabels"]);
  });

  it("makes a failure that looks like the system's own", () => {
    expect(toInjectedError("github", "rate-limited", "getIssue")).toMatchObject({ status: 403, retryAfterMs: 60_000 });
    expect(toInjectedError("t3", "rejected", "createThread")).toMatchObject({ status: 500, traceId: "trace-injected" });
    expect(toInjectedError("slack", "not-found", "postDoorbell")).toMatchObject({ detail: "channel_not_found" });
  });

  it("refuses a window that makes no sense", () => {
    const { github } = aWorld();
    expect(() => github.knobs.fail("getIssue", "transient", { nth: 0 })).toThrow(/nth/);
    expect(() => github.knobs.fail("getIssue", "transient", { times: 0 })).toThrow(/times/);
  });
});

describe("delivery queue", () => {
  const aDelivery = (id: string): Delivery<null> => ({ id, name: "test", payload: null });

  it.each([
    ["fifo", ["1", "2", "3"]],
    ["lifo", ["3", "2", "1"]],
  ] as const)("delivers in %s order", async (order, expected) => {
    const queue = new DeliveryQueue<Delivery<null>>();
    const seen: string[] = [];
    queue.subscribe((delivery) => void seen.push(delivery.id));
    queue.order = order;
    for (const id of ["1", "2", "3"]) queue.push(aDelivery(id));
    await queue.flush();
    expect(seen).toEqual(expected);
  });

  it("reorders the same way for the same seed", async () => {
    const orderOf = async (seed: number): Promise<string[]> => {
      const queue = new DeliveryQueue<Delivery<null>>();
      queue.order = seededOrder(seed);
      for (const id of ["1", "2", "3", "4", "5"]) queue.push(aDelivery(id));
      return (await queue.flush()).delivered.map((delivery) => delivery.id);
    };
    expect(await orderOf(7)).toEqual(await orderOf(7));
    expect((await orderOf(7)).sort()).toEqual(["1", "2", "3", "4", "5"]);
  });

  it("delivers only what was pending when told not to wait until quiet", async () => {
    const queue = new DeliveryQueue<Delivery<null>>();
    queue.subscribe((delivery) => {
      if (delivery.id === "1") queue.push(aDelivery("caused"));
    });
    queue.push(aDelivery("1"));
    const report = await queue.flush({ untilQuiet: false });
    expect(report.delivered.map((delivery) => delivery.id)).toEqual(["1"]);
    expect(queue.pending.map((delivery) => delivery.id)).toEqual(["caused"]);
  });
});
