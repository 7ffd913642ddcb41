// The agent port over T3 against the strict fake (real HTTP on 127.0.0.1): the port's
// inputs become exactly the wire commands contracts/t3.md describes, and T3's answers
// become the core's thread facts, read with the core's rules.

import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createT3AgentRunner, type T3AgentRunnerOptions } from "../../../src/adapters/t3/t3-agent-runner.js";
import {
  findProjectByWorkspaceRoot,
  toLastAssistantText,
  toTurnFact,
} from "../../../src/core/observe/agent-threads.js";
import type { AgentRunner } from "../../../src/ports/agent-runner.js";
import type { PortError, Result } from "../../../src/ports/result.js";
import { FAKE_T3_TOKEN, startFakeT3, type FakeT3 } from "../../fakes/t3-server.js";

const ROOT = "/workspace/acme/widgets";
const MODEL = { instanceId: "claudeAgent", model: "claude-sonnet-4-5" };
const NOW = Date.parse("2026-03-01T12:00:00.000Z");

let fake: FakeT3;
const runners: AgentRunner[] = [];

function runner(options: Partial<T3AgentRunnerOptions> = {}): AgentRunner {
  const made = createT3AgentRunner({
    baseUrl: fake.url,
    token: FAKE_T3_TOKEN,
    tokenFile: null,
    retry: { backoffMs: 10 },
    ...options,
  });
  runners.push(made);
  return made;
}

function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.message}`);
  return result.value;
}

function errorOf<T>(result: Result<T>): PortError {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

/** Project p1, thread t1 and its first turn, through the port. */
async function dispatchRun(t3: AgentRunner): Promise<void> {
  valueOf(
    await t3.createProject({ commandId: "c-project", projectId: "p1", title: "acme/widgets", workspaceRoot: ROOT }),
  );
  valueOf(
    await t3.createThread({
      commandId: "c-thread",
      threadId: "t1",
      projectId: "p1",
      title: "acme/widgets#7: Fix",
      model: MODEL,
      runtimeMode: "full-access",
    }),
  );
  valueOf(
    await t3.startTurn({
      commandId: "c-turn",
      threadId: "t1",
      messageId: "m1",
      text: "Fix #7",
      runtimeMode: "full-access",
    }),
  );
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(async () => {
  fake = await startFakeT3();
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((made) => made.close()));
  await fake.close();
});

describe("T3 agent runner: commands", () => {
  it("sends every key each command requires, which the strict fake accepts in order", async () => {
    await dispatchRun(runner({ now: () => NOW }));
    const createdAt = "2026-03-01T12:00:00.000Z";
    expect(fake.commands).toEqual([
      {
        type: "project.create",
        commandId: "c-project",
        projectId: "p1",
        title: "acme/widgets",
        workspaceRoot: ROOT,
        createWorkspaceRootIfMissing: true,
        createdAt,
      },
      {
        type: "thread.create",
        commandId: "c-thread",
        threadId: "t1",
        projectId: "p1",
        title: "acme/widgets#7: Fix",
        modelSelection: MODEL,
        runtimeMode: "full-access",
        interactionMode: "default",
        branch: null,
        worktreePath: null,
        createdAt,
      },
      {
        type: "thread.turn.start",
        commandId: "c-turn",
        threadId: "t1",
        message: { messageId: "m1", role: "user", text: "Fix #7", attachments: [] },
        runtimeMode: "full-access",
        interactionMode: "default",
        createdAt,
      },
    ]);
  });

  it("interrupts whatever turn is active", async () => {
    const t3 = runner({ now: () => NOW });
    await dispatchRun(t3);
    expect(await t3.interruptTurn({ commandId: "c-interrupt", threadId: "t1" })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(fake.commands[3]).toEqual({
      type: "thread.turn.interrupt",
      commandId: "c-interrupt",
      threadId: "t1",
      createdAt: "2026-03-01T12:00:00.000Z",
    });
  });

  it("repeats accepted command ids harmlessly: T3 creates nothing twice", async () => {
    const t3 = runner();
    await dispatchRun(t3);
    await dispatchRun(t3);
    expect(fake.commands).toHaveLength(3);
  });
});

describe("T3 agent runner: reads", () => {
  it("lists live projects in the overview, so a checkout's project is found before project.create", async () => {
    const t3 = runner();
    fake.seedProject({ id: "gone", workspaceRoot: ROOT, deletedAt: "2026-01-01T00:00:00.000Z" });
    expect(findProjectByWorkspaceRoot(valueOf(await t3.readOverview()).projects, ROOT)).toBeNull();
    await dispatchRun(t3);
    expect(findProjectByWorkspaceRoot(valueOf(await t3.readOverview()).projects, ROOT)?.id).toBe("p1");
  });

  it("follows a turn from dispatch to its end and reads the agent's last words", async () => {
    const t3 = runner();
    const requestedAt = Date.now();
    await dispatchRun(t3);
    const observe = async () => {
      const row = valueOf(await t3.readOverview()).threads.find((thread) => thread.id === "t1") ?? null;
      return toTurnFact(row, requestedAt);
    };
    expect(await observe()).toEqual({ kind: "working" });
    fake.startTurn("t1");
    expect(await observe()).toEqual({ kind: "working" });
    fake.setPendingUserInput("t1", true);
    expect(await observe()).toEqual({ kind: "waiting-on-user", on: "user-input" });
    fake.setPendingUserInput("t1", false);
    fake.completeTurn("t1", { text: "AFK-STATUS: pushed abc123", state: "completed" });
    expect(await observe()).toEqual({ kind: "ended", outcome: "completed", error: null });
    expect(toLastAssistantText(valueOf(await t3.readThread("t1")))).toBe("AFK-STATUS: pushed abc123");
  });

  it("observes a turn that failed to start as ended in error", async () => {
    const t3 = runner();
    const requestedAt = Date.now();
    await dispatchRun(t3);
    fake.failTurnStart("t1", "model not available");
    const row = valueOf(await t3.readOverview()).threads[0] ?? null;
    expect(toTurnFact(row, requestedAt)).toEqual({ kind: "ended", outcome: "error", error: "model not available" });
  });

  it("reads every message of a thread from the detail route", async () => {
    const t3 = runner();
    await dispatchRun(t3);
    fake.completeTurn("t1", { text: "done", state: "completed" });
    const detail = valueOf(await t3.readThread("t1"));
    expect(detail.messages.map((message) => [message.role, message.text])).toEqual([
      ["user", "Fix #7"],
      ["assistant", "done"],
    ]);
  });

  it("reads the server's version without a token", async () => {
    expect(await runner({ token: null }).readVersion()).toEqual({ ok: true, value: "0.0.33" });
  });
});

describe("T3 agent runner: failures in the ports' vocabulary", () => {
  it("an unknown thread is not-found", async () => {
    expect(errorOf(await runner().readThread("nope"))).toMatchObject({
      system: "t3",
      category: "not-found",
      status: 404,
    });
  });

  it("a thread in an unknown project is rejected: an invariant refused the command", async () => {
    const error = errorOf(
      await runner().createThread({
        commandId: "c",
        threadId: "t1",
        projectId: "nope",
        title: "x",
        model: MODEL,
        runtimeMode: "full-access",
      }),
    );
    expect(error).toMatchObject({ category: "rejected", status: 500, detail: "orchestration_dispatch_failed" });
    expect(error.traceId).toEqual(expect.any(String));
  });

  it("a relative workspace root is rejected", async () => {
    const error = errorOf(
      await runner().createProject({ commandId: "c", projectId: "p", title: "x", workspaceRoot: "relative/root" }),
    );
    expect(error).toMatchObject({ category: "rejected", status: 400, detail: "EnvironmentRequestInvalidError" });
  });

  it("a token without the operate scope is unauthorized, detail forbidden", async () => {
    await fake.close();
    fake = await startFakeT3({ tokens: { reader: ["orchestration:read"] } });
    const t3 = runner({ token: "reader" });
    expect((await t3.readOverview()).ok).toBe(true);
    const error = errorOf(await t3.createProject({ commandId: "c", projectId: "p", title: "x", workspaceRoot: ROOT }));
    expect(error).toMatchObject({ category: "unauthorized", detail: "forbidden", status: 403 });
    expect(error.message).toContain("requires orchestration:operate");
  });
});
