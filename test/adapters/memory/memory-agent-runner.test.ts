import { describe, expect, it } from "vitest";
import { MemoryAgentRunner } from "../../../src/adapters/memory/memory-agent-runner.js";
import { toLastAssistantText, toTurnFact } from "../../../src/core/observe/agent-threads.js";
import type { ProjectInput, ThreadInput, TurnInput } from "../../../src/ports/agent-runner.js";

function aProject(overrides: Partial<ProjectInput> = {}): ProjectInput {
  return {
    commandId: "cmd-project",
    projectId: "p1",
    title: "acme/web",
    workspaceRoot: "/work/acme/web",
    ...overrides,
  };
}

function aThread(overrides: Partial<ThreadInput> = {}): ThreadInput {
  return {
    commandId: "cmd-thread",
    threadId: "t1",
    projectId: "p1",
    title: "acme/web#12",
    model: { instanceId: "claudeAgent", model: "claude-sonnet" },
    runtimeMode: "full-access",
    ...overrides,
  };
}

function aTurn(overrides: Partial<TurnInput> = {}): TurnInput {
  return {
    commandId: "cmd-turn",
    threadId: "t1",
    messageId: "m1",
    text: "Do it",
    runtimeMode: "full-access",
    ...overrides,
  };
}

async function aRunnerWithThread(now: () => number = () => 1_000): Promise<MemoryAgentRunner> {
  const t3 = new MemoryAgentRunner({ now });
  expect((await t3.createProject(aProject())).ok).toBe(true);
  expect((await t3.createThread(aThread())).ok).toBe(true);
  return t3;
}

async function turnFactOf(t3: MemoryAgentRunner, since: number): Promise<ReturnType<typeof toTurnFact>> {
  const overview = await t3.readOverview();
  if (!overview.ok) throw new Error("no overview");
  return toTurnFact(overview.value.threads.find((thread) => thread.id === "t1") ?? null, since);
}

describe("MemoryAgentRunner commands", () => {
  it("answers an accepted command id again with success and creates nothing twice", async () => {
    const t3 = await aRunnerWithThread();
    expect((await t3.createThread(aThread())).ok).toBe(true);
    expect((await t3.createProject(aProject())).ok).toBe(true);
    expect(t3.commands.map((command) => command.type)).toEqual(["project.create", "thread.create"]);
    expect(t3.snapshot().threads).toHaveLength(1);
  });

  it("rejects a rejected command id again, even once the reason is gone", async () => {
    const t3 = new MemoryAgentRunner();
    const first = await t3.createThread(aThread());
    expect(!first.ok && first.error).toMatchObject({ category: "rejected", status: 500 });
    await t3.createProject(aProject());
    const again = await t3.createThread(aThread());
    expect(!again.ok && again.error.category).toBe("rejected");
    expect((await t3.createThread(aThread({ commandId: "cmd-thread-2" }))).ok).toBe(true);
  });

  it("rejects a command id reused for another thread", async () => {
    const t3 = await aRunnerWithThread();
    const reused = await t3.createThread(aThread({ threadId: "t2" }));
    expect(!reused.ok && reused.error.category).toBe("rejected");
    expect(t3.thread("t2")).toBeNull();
  });

  it.each([
    [
      "a second live project on the same workspace root",
      (t3: MemoryAgentRunner) =>
        t3.createProject(aProject({ commandId: "c2", projectId: "p2", workspaceRoot: "/work/acme/web/" })),
    ],
    [
      "a thread in an unknown project",
      (t3: MemoryAgentRunner) => t3.createThread(aThread({ commandId: "c2", threadId: "t2", projectId: "nope" })),
    ],
    ["a duplicate thread id", (t3: MemoryAgentRunner) => t3.createThread(aThread({ commandId: "c2" }))],
    ["a turn on an unknown thread", (t3: MemoryAgentRunner) => t3.startTurn(aTurn({ threadId: "nope" }))],
    [
      "a relative workspace root",
      (t3: MemoryAgentRunner) =>
        t3.createProject(aProject({ commandId: "c2", projectId: "p2", workspaceRoot: "acme" })),
    ],
    [
      "a model instance that is not a slug",
      (t3: MemoryAgentRunner) =>
        t3.createThread(aThread({ commandId: "c2", threadId: "t2", model: { instanceId: "not a slug", model: "m" } })),
    ],
  ])("rejects %s", async (_case, dispatch) => {
    const t3 = await aRunnerWithThread();
    const result = await dispatch(t3);
    expect(!result.ok && result.error.category).toBe("rejected");
  });

  it("accepts a project on the root of a deleted one", async () => {
    const t3 = new MemoryAgentRunner();
    t3.seedProject({ id: "old", workspaceRoot: "/work/acme/web", deleted: true });
    expect((await t3.createProject(aProject())).ok).toBe(true);
  });
});

describe("MemoryAgentRunner turns", () => {
  it("shows a requested turn only once the agent picks it up, with requestedAt from the clock", async () => {
    let now = 1_000;
    const t3 = await aRunnerWithThread(() => now);
    now = 5_000;
    await t3.startTurn(aTurn());
    expect(t3.latestTurn("t1")).toBeNull();
    expect(await turnFactOf(t3, 5_000)).toEqual({ kind: "working" });
    now = 6_000;
    t3.pickUpTurn("t1");
    expect(t3.latestTurn("t1")).toMatchObject({ state: "running", requestedAt: 5_000 });
  });

  it("ends a turn with the agent's last words, read through the thread detail", async () => {
    const t3 = await aRunnerWithThread();
    await t3.startTurn(aTurn());
    t3.endTurn("t1", { state: "completed", text: "AFK-STATUS: pushed abc1234" });
    expect(await turnFactOf(t3, 1_000)).toEqual({ kind: "ended", outcome: "completed", error: null });
    const detail = await t3.readThread("t1");
    expect(detail.ok && toLastAssistantText(detail.value)).toBe("AFK-STATUS: pushed abc1234");
  });

  it.each(["interrupted", "error"] as const)("ends a turn as %s", async (state) => {
    const t3 = await aRunnerWithThread();
    await t3.startTurn(aTurn());
    t3.endTurn("t1", { state, text: "stopped", lastError: "provider crashed" });
    expect(await turnFactOf(t3, 1_000)).toMatchObject({ kind: "ended", outcome: state });
  });

  it("reports a turn that never started as an error of the session", async () => {
    const t3 = await aRunnerWithThread();
    await t3.startTurn(aTurn());
    t3.failTurnStart("t1", "no provider");
    expect(await turnFactOf(t3, 1_000)).toEqual({ kind: "ended", outcome: "error", error: "no provider" });
  });

  it("shows an agent waiting on a question", async () => {
    const t3 = await aRunnerWithThread();
    await t3.startTurn(aTurn());
    t3.askQuestion("t1");
    expect(await turnFactOf(t3, 1_000)).toEqual({ kind: "waiting-on-user", on: "user-input" });
  });

  it("interrupts the running turn", async () => {
    const t3 = await aRunnerWithThread();
    await t3.startTurn(aTurn());
    t3.pickUpTurn("t1");
    expect((await t3.interruptTurn({ commandId: "cmd-stop", threadId: "t1" })).ok).toBe(true);
    expect(await turnFactOf(t3, 1_000)).toMatchObject({ kind: "ended", outcome: "interrupted" });
  });

  it("leaves deleted threads out of the overview, keeps archived ones, and refuses turns on deleted ones", async () => {
    const t3 = await aRunnerWithThread();
    await t3.createThread(aThread({ commandId: "c2", threadId: "t2" }));
    t3.deleteThread("t1");
    t3.archiveThread("t2");
    const overview = await t3.readOverview();
    expect(overview.ok && overview.value.threads.map((thread) => thread.id)).toEqual(["t2"]);
    expect(await turnFactOf(t3, 0)).toEqual({ kind: "missing", why: "absent" });
    const turn = await t3.startTurn(aTurn());
    expect(!turn.ok && turn.error.category).toBe("rejected");
  });

  it("answers not-found for a thread it does not know, and the version it is set to", async () => {
    const t3 = new MemoryAgentRunner();
    const detail = await t3.readThread("nope");
    expect(!detail.ok && detail.error.category).toBe("not-found");
    t3.setVersion("0.0.28");
    expect(await t3.readVersion()).toEqual({ ok: true, value: "0.0.28" });
  });

  it("snapshots threads as plain data", async () => {
    const t3 = await aRunnerWithThread();
    await t3.startTurn(aTurn());
    expect(t3.snapshot().threads).toEqual([
      {
        id: "t1",
        projectId: "p1",
        title: "acme/web#12",
        live: true,
        turnState: null,
        sessionStatus: null,
        turnRequested: true,
        pendingUserInput: false,
        messages: [{ role: "user", text: "Do it" }],
      },
    ]);
  });
});
