import { describe, expect, it } from "vitest";
import { toProjectCreate, toThreadCreate, toTurnInterrupt, toTurnStart } from "../../../src/adapters/t3/t3-commands.js";

const CREATED_AT = "2026-03-01T12:00:00.000Z";

describe("toProjectCreate", () => {
  const input = {
    commandId: "c1",
    projectId: "p1",
    title: "acme/widgets",
    workspaceRoot: "/workspace/acme/widgets",
    createdAt: CREATED_AT,
  };

  it("writes exactly the required keys when no option is given", () => {
    expect(toProjectCreate(input)).toEqual({ type: "project.create", ...input });
    expect(Object.keys(toProjectCreate(input)).sort()).toEqual([
      "commandId",
      "createdAt",
      "projectId",
      "title",
      "type",
      "workspaceRoot",
    ]);
  });

  it("carries the optional keys when given, with the model selection reduced to its two wire keys", () => {
    const wide = { instanceId: "codex", model: "gpt-5", extra: "dropped" };
    expect(
      toProjectCreate({ ...input, createWorkspaceRootIfMissing: true, defaultModelSelection: wide }),
    ).toMatchObject({
      createWorkspaceRootIfMissing: true,
      defaultModelSelection: { instanceId: "codex", model: "gpt-5" },
    });
    expect(toProjectCreate({ ...input, defaultModelSelection: wide }).defaultModelSelection).not.toHaveProperty(
      "extra",
    );
  });

  it("sends a null default model selection as null", () => {
    expect(toProjectCreate({ ...input, defaultModelSelection: null }).defaultModelSelection).toBeNull();
  });
});

describe("toThreadCreate", () => {
  const input = {
    commandId: "c2",
    threadId: "t1",
    projectId: "p1",
    title: "acme/widgets#7: Fix",
    modelSelection: { instanceId: "claudeAgent", model: "claude-sonnet-4-5" },
    runtimeMode: "full-access" as const,
    createdAt: CREATED_AT,
  };

  it("always writes branch and worktreePath (null when absent) and the default interaction mode", () => {
    const command = toThreadCreate(input);
    expect(command).toEqual({
      type: "thread.create",
      ...input,
      interactionMode: "default",
      branch: null,
      worktreePath: null,
    });
    expect(command).toHaveProperty("branch", null);
    expect(command).toHaveProperty("worktreePath", null);
  });

  it("keeps a given branch, worktree and interaction mode", () => {
    expect(toThreadCreate({ ...input, branch: "main", worktreePath: "/w/t1", interactionMode: "plan" })).toMatchObject({
      branch: "main",
      worktreePath: "/w/t1",
      interactionMode: "plan",
    });
  });
});

describe("toTurnStart", () => {
  const input = {
    commandId: "c3",
    threadId: "t1",
    messageId: "m1",
    text: "Do it",
    runtimeMode: "auto" as const,
    createdAt: CREATED_AT,
  };

  it("wraps the text in a user message with an empty attachments list and both modes", () => {
    expect(toTurnStart(input)).toEqual({
      type: "thread.turn.start",
      commandId: "c3",
      threadId: "t1",
      message: { messageId: "m1", role: "user", text: "Do it", attachments: [] },
      runtimeMode: "auto",
      interactionMode: "default",
      createdAt: CREATED_AT,
    });
  });

  it("keeps a given interaction mode", () => {
    expect(toTurnStart({ ...input, interactionMode: "plan" }).interactionMode).toBe("plan");
  });
});

describe("toTurnInterrupt", () => {
  it("omits turnId when none is given (the key is optional, null is not allowed)", () => {
    const command = toTurnInterrupt({ commandId: "c4", threadId: "t1", createdAt: CREATED_AT });
    expect(command).toEqual({ type: "thread.turn.interrupt", commandId: "c4", threadId: "t1", createdAt: CREATED_AT });
    expect(command).not.toHaveProperty("turnId");
  });

  it("names the turn when given", () => {
    expect(toTurnInterrupt({ commandId: "c4", threadId: "t1", turnId: "turn-2", createdAt: CREATED_AT }).turnId).toBe(
      "turn-2",
    );
  });
});
