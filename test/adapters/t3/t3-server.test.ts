// The strict fake enforces the T3 contract: whatever the real server refuses, it refuses.
// The command bodies come from the same builders the client uses, so a builder that
// drops a key fails here as well as in the client suite.

import nock from "nock";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { toProjectCreate, toThreadCreate, toTurnInterrupt, toTurnStart } from "../../../src/adapters/t3/t3-commands.js";
import { FAKE_T3_TOKEN, startFakeT3, type FakeT3, type FakeT3Options } from "../../fakes/t3-server.js";

const CREATED_AT = "2026-03-01T12:00:00.000Z";
const ROOT = "/workspace/acme/widgets";

type Body = Record<string, unknown>;

const projectCreate = (overrides: Partial<Parameters<typeof toProjectCreate>[0]> = {}): Body => ({
  ...toProjectCreate({
    commandId: "cmd-project",
    projectId: "p1",
    title: "acme/widgets",
    workspaceRoot: ROOT,
    createdAt: CREATED_AT,
    ...overrides,
  }),
});
const threadCreate = (overrides: Partial<Parameters<typeof toThreadCreate>[0]> = {}): Body => ({
  ...toThreadCreate({
    commandId: "cmd-thread",
    threadId: "t1",
    projectId: "p1",
    title: "acme/widgets#7: Fix",
    modelSelection: { instanceId: "claudeAgent", model: "claude-sonnet-4-5" },
    runtimeMode: "full-access",
    createdAt: CREATED_AT,
    ...overrides,
  }),
});
const turnStart = (overrides: Partial<Parameters<typeof toTurnStart>[0]> = {}): Body => ({
  ...toTurnStart({
    commandId: "cmd-turn",
    threadId: "t1",
    messageId: "m1",
    text: "Fix #7",
    runtimeMode: "full-access",
    createdAt: CREATED_AT,
    ...overrides,
  }),
});
const turnInterrupt = (overrides: Partial<Parameters<typeof toTurnInterrupt>[0]> = {}): Body => ({
  ...toTurnInterrupt({ commandId: "cmd-interrupt", threadId: "t1", createdAt: CREATED_AT, ...overrides }),
});

/** The other commands the contract lists as accepted, in T3's wire shape. */
const OTHER_COMMANDS = {
  "thread.delete": { type: "thread.delete", commandId: "cmd-delete", threadId: "t1" },
  "thread.archive": { type: "thread.archive", commandId: "cmd-archive", threadId: "t1" },
  "thread.session.stop": { type: "thread.session.stop", commandId: "cmd-stop", threadId: "t1", createdAt: CREATED_AT },
  "thread.user-input.respond": {
    type: "thread.user-input.respond",
    commandId: "cmd-input",
    threadId: "t1",
    requestId: "r1",
    answers: { q: "yes" },
    createdAt: CREATED_AT,
  },
  "thread.approval.respond": {
    type: "thread.approval.respond",
    commandId: "cmd-approve",
    threadId: "t1",
    requestId: "r1",
    decision: "accept",
    createdAt: CREATED_AT,
  },
} as const satisfies Record<string, Body>;

/** What must exist before a command can be accepted. */
type Needs = "nothing" | "project" | "thread";

/** Every required key of every command, from contracts/t3.md (nested keys as paths). */
const REQUIRED_KEYS: ReadonlyArray<readonly [string, () => Body, Needs, readonly string[]]> = [
  [
    "project.create",
    projectCreate,
    "nothing",
    ["type", "commandId", "projectId", "title", "workspaceRoot", "createdAt"],
  ],
  [
    "thread.create",
    threadCreate,
    "project",
    [
      "type",
      "commandId",
      "threadId",
      "projectId",
      "title",
      "modelSelection",
      "modelSelection.instanceId",
      "modelSelection.model",
      "runtimeMode",
      "interactionMode",
      "branch",
      "worktreePath",
      "createdAt",
    ],
  ],
  [
    "thread.turn.start",
    turnStart,
    "thread",
    [
      "type",
      "commandId",
      "threadId",
      "message",
      "message.messageId",
      "message.role",
      "message.text",
      "message.attachments",
      "runtimeMode",
      "interactionMode",
      "createdAt",
    ],
  ],
  ["thread.turn.interrupt", turnInterrupt, "thread", ["type", "commandId", "threadId", "createdAt"]],
  ["thread.delete", () => ({ ...OTHER_COMMANDS["thread.delete"] }), "thread", ["type", "commandId", "threadId"]],
  ["thread.archive", () => ({ ...OTHER_COMMANDS["thread.archive"] }), "thread", ["type", "commandId", "threadId"]],
  [
    "thread.session.stop",
    () => ({ ...OTHER_COMMANDS["thread.session.stop"] }),
    "thread",
    ["type", "commandId", "threadId", "createdAt"],
  ],
  [
    "thread.user-input.respond",
    () => ({ ...OTHER_COMMANDS["thread.user-input.respond"] }),
    "thread",
    ["type", "commandId", "threadId", "requestId", "answers", "createdAt"],
  ],
  [
    "thread.approval.respond",
    () => ({ ...OTHER_COMMANDS["thread.approval.respond"] }),
    "thread",
    ["type", "commandId", "threadId", "requestId", "decision", "createdAt"],
  ],
];

function without(body: Body, path: string): Body {
  const [head, ...rest] = path.split(".") as [string, ...string[]];
  const { [head]: inner, ...others } = body;
  return rest.length === 0 ? others : { ...others, [head]: without(inner as Body, rest.join(".")) };
}

function withValue(body: Body, path: string, value: unknown): Body {
  const [head, ...rest] = path.split(".") as [string, ...string[]];
  return { ...body, [head]: rest.length === 0 ? value : withValue(body[head] as Body, rest.join("."), value) };
}

interface Answer {
  readonly status: number;
  readonly json: Body;
}

async function call(
  fake: FakeT3,
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; raw?: string } = {},
): Promise<Answer> {
  const token = options.token === undefined ? FAKE_T3_TOKEN : options.token;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const response = await request(`${fake.url}${path}`, { method, headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, json: (text.startsWith("{") ? JSON.parse(text) : {}) as Body };
}

const dispatch = (fake: FakeT3, body: unknown, token?: string | null): Promise<Answer> =>
  call(fake, "POST", "/api/orchestration/dispatch", { body, token });

let fake: FakeT3;
async function restart(options: FakeT3Options = {}): Promise<void> {
  await fake.close();
  fake = await startFakeT3(options);
}

/** A project p1 at ROOT and a thread t1 in it, as most cases need. */
async function seedThread(needs: Needs = "thread"): Promise<void> {
  if (needs === "nothing") return;
  expect((await dispatch(fake, projectCreate())).status).toBe(200);
  if (needs === "thread") expect((await dispatch(fake, threadCreate())).status).toBe(200);
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
  await fake.close();
});

describe("fake T3: bodies that do not decode get 400 HttpApiSchemaError", () => {
  const cases = REQUIRED_KEYS.flatMap(([type, build, needs, keys]) =>
    keys.map((key) => [type, key, build, needs] as const),
  );

  it.each(cases)("%s without %s is rejected", async (_type, key, build, needs) => {
    await seedThread(needs);
    const before = fake.commands.length;
    const answer = await dispatch(fake, without(build(), key));
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({
      _tag: "HttpApiSchemaError",
      message: expect.any(String),
      traceId: expect.any(String),
    });
    expect(fake.commands).toHaveLength(before);
  });

  it.each(REQUIRED_KEYS.map(([type, build, needs]) => [type, build, needs] as const))(
    "the complete %s body is accepted",
    async (_type, build, needs) => {
      await seedThread(needs);
      const before = fake.commands.length;
      expect(await dispatch(fake, build())).toEqual({ status: 200, json: { sequence: before + 1 } });
      expect(fake.commands).toHaveLength(before + 1);
    },
  );

  it.each([
    ["branch is a number", threadCreate(), "branch", 7],
    ["branch is an empty string", threadCreate(), "branch", ""],
    ["runtimeMode is not in the enum", threadCreate(), "runtimeMode", "yolo"],
    ["interactionMode is not in the enum", threadCreate(), "interactionMode", "chat"],
    ["instanceId is not a slug", threadCreate(), "modelSelection.instanceId", "claude agent"],
    ["the model is blank", threadCreate(), "modelSelection.model", " "],
    ["attachments is not a list", turnStart(), "message.attachments", "none"],
    ["the message role is not user", turnStart(), "message.role", "assistant"],
    ["the turn's runtimeMode is a guess", turnStart(), "runtimeMode", "autonomous"],
    ["createdAt is not a time", turnStart(), "createdAt", "yesterday"],
    ["the command id is empty", turnStart(), "commandId", ""],
    ["the interrupt's turnId is null", turnInterrupt(), "turnId", null],
    ["the type is unknown", turnStart(), "type", "thread.run"],
    ["the type is not a string", turnStart(), "type", 3],
  ])("rejected when %s", async (_why, body, path, value) => {
    await seedThread();
    const answer = await dispatch(fake, withValue(body, path, value));
    expect(answer.status).toBe(400);
    expect(answer.json._tag).toBe("HttpApiSchemaError");
  });

  it.each([
    ["a wrapped command", { command: turnStart() }],
    ["a JSON array", [turnStart()]],
  ])("rejected: %s", async (_why, body) => {
    expect((await dispatch(fake, body)).status).toBe(400);
  });

  it("rejects a body that is not JSON", async () => {
    const answer = await call(fake, "POST", "/api/orchestration/dispatch", { raw: "{type:" });
    expect(answer).toMatchObject({ status: 400, json: { _tag: "HttpApiSchemaError" } });
  });

  it("ignores unknown extra keys, as T3's schemas do", async () => {
    expect((await dispatch(fake, { ...projectCreate(), surplus: true })).status).toBe(200);
  });

  it("refuses a relative workspace root with 400 EnvironmentRequestInvalidError", async () => {
    const answer = await dispatch(fake, projectCreate({ workspaceRoot: "acme/widgets" }));
    expect(answer).toMatchObject({
      status: 400,
      json: { _tag: "EnvironmentRequestInvalidError", code: "invalid_request", traceId: expect.any(String) },
    });
  });
});

describe("fake T3: invariants refuse with 500 orchestration_dispatch_failed", () => {
  const refused = {
    status: 500,
    json: {
      _tag: "EnvironmentInternalError",
      code: "internal_error",
      reason: "orchestration_dispatch_failed",
      traceId: expect.any(String),
    },
  };

  it.each([
    ["a thread in an unknown project", async () => dispatch(fake, threadCreate())],
    ["a turn on an unknown thread", async () => dispatch(fake, turnStart())],
    ["an interrupt on an unknown thread", async () => dispatch(fake, turnInterrupt())],
    ["deleting an unknown thread", async () => dispatch(fake, OTHER_COMMANDS["thread.delete"])],
    [
      "a duplicate project id",
      async () => {
        await dispatch(fake, projectCreate());
        return dispatch(fake, projectCreate({ commandId: "again", workspaceRoot: "/elsewhere" }));
      },
    ],
    [
      "a second live project at the same workspace root",
      async () => {
        await dispatch(fake, projectCreate());
        return dispatch(fake, projectCreate({ commandId: "again", projectId: "p2" }));
      },
    ],
    [
      "a duplicate thread id",
      async () => {
        await seedThread();
        return dispatch(fake, threadCreate({ commandId: "again" }));
      },
    ],
    [
      "a thread in a deleted project",
      async () => {
        fake.seedProject({ id: "p1", workspaceRoot: ROOT, deletedAt: CREATED_AT });
        return dispatch(fake, threadCreate());
      },
    ],
    [
      "a turn on a deleted thread",
      async () => {
        await seedThread();
        await dispatch(fake, OTHER_COMMANDS["thread.delete"]);
        return dispatch(fake, turnStart());
      },
    ],
    [
      "a command id reused for a different thread",
      async () => {
        await seedThread();
        await dispatch(fake, threadCreate({ commandId: "t2-create", threadId: "t2" }));
        await dispatch(fake, turnStart());
        return dispatch(fake, turnStart({ threadId: "t2" }));
      },
    ],
  ])("%s", async (_case, act) => {
    expect(await act()).toEqual(refused);
  });

  it("allows a new project at the root of a deleted one", async () => {
    fake.seedProject({ id: "old", workspaceRoot: ROOT, deletedAt: CREATED_AT });
    expect((await dispatch(fake, projectCreate())).status).toBe(200);
  });
});

describe("fake T3: command ids make dispatch idempotent", () => {
  it("answers a repeated accepted command id with the original sequence and applies it once", async () => {
    await seedThread();
    const first = await dispatch(fake, turnStart());
    await dispatch(fake, turnInterrupt());
    const again = await dispatch(fake, turnStart());
    expect(again).toEqual(first);
    expect(fake.commands.map((command) => command.type)).toEqual([
      "project.create",
      "thread.create",
      "thread.turn.start",
      "thread.turn.interrupt",
    ]);
    expect(fake.thread("t1")?.messages).toHaveLength(1);
  });

  it("keeps failing a command id that was rejected, even once the invariant would hold", async () => {
    expect((await dispatch(fake, threadCreate())).status).toBe(500);
    await dispatch(fake, projectCreate());
    expect((await dispatch(fake, threadCreate())).status).toBe(500);
    expect((await dispatch(fake, threadCreate({ commandId: "fresh" }))).status).toBe(200);
  });

  it("numbers accepted commands in order", async () => {
    const sequences = [];
    for (const body of [projectCreate(), threadCreate(), turnStart()])
      sequences.push((await dispatch(fake, body)).json.sequence);
    expect(sequences).toEqual([1, 2, 3]);
  });
});

describe("fake T3: authentication and scopes", () => {
  const routes: ReadonlyArray<[string, "GET" | "POST", string]> = [
    ["dispatch", "POST", "/api/orchestration/dispatch"],
    ["snapshot", "GET", "/api/orchestration/snapshot"],
    ["shell", "GET", "/api/orchestration/shell"],
    ["thread", "GET", "/api/orchestration/threads/t1"],
  ];

  it.each(routes)("%s without a token is 401 missing_credential", async (_route, method, path) => {
    const answer = await call(fake, method, path, { token: null, body: projectCreate() });
    expect(answer).toMatchObject({
      status: 401,
      json: {
        _tag: "EnvironmentAuthInvalidError",
        code: "auth_invalid",
        reason: "missing_credential",
        traceId: expect.any(String),
      },
    });
  });

  it.each(routes)("%s with an unknown token is 401 invalid_credential", async (_route, method, path) => {
    const answer = await call(fake, method, path, { token: "guessed", body: projectCreate() });
    expect(answer).toMatchObject({ status: 401, json: { code: "auth_invalid", reason: "invalid_credential" } });
  });

  it.each([
    ["dispatch with a read-only token", "reader", "POST", "/api/orchestration/dispatch", "orchestration:operate"],
    ["the snapshot with an operate-only token", "operator", "GET", "/api/orchestration/snapshot", "orchestration:read"],
    ["the shell with an operate-only token", "operator", "GET", "/api/orchestration/shell", "orchestration:read"],
  ] as const)("%s is 403 insufficient_scope", async (_case, token, method, path, requiredScope) => {
    await restart({ tokens: { reader: ["orchestration:read"], operator: ["orchestration:operate"] } });
    const answer = await call(fake, method, path, { token, body: projectCreate() });
    expect(answer).toMatchObject({
      status: 403,
      json: {
        _tag: "EnvironmentScopeRequiredError",
        code: "insufficient_scope",
        requiredScope,
        traceId: expect.any(String),
      },
    });
  });

  it("serves the environment without a token", async () => {
    expect(await call(fake, "GET", "/.well-known/t3/environment", { token: null })).toMatchObject({
      status: 200,
      json: { serverVersion: "0.0.33" },
    });
  });

  it("accepts only the new token after a rotation", async () => {
    fake.setToken("rotated");
    expect((await call(fake, "GET", "/api/orchestration/snapshot")).status).toBe(401);
    expect((await call(fake, "GET", "/api/orchestration/snapshot", { token: "rotated" })).status).toBe(200);
  });

  it("answers an unknown route with 404", async () => {
    expect((await call(fake, "GET", "/api/orchestration/threads")).status).toBe(404);
    expect((await call(fake, "DELETE", "/api/orchestration/dispatch")).status).toBe(404);
  });

  it("records every request with its method, path, status, command, and when it arrived and was answered", async () => {
    await call(fake, "GET", "/api/orchestration/snapshot", { token: null });
    await dispatch(fake, projectCreate());
    const times = { startedAt: expect.any(Number), endedAt: expect.any(Number) };
    expect(fake.requests).toEqual([
      { method: "GET", path: "/api/orchestration/snapshot", status: 401, commandType: null, threadId: null, ...times },
      {
        method: "POST",
        path: "/api/orchestration/dispatch",
        status: 200,
        commandType: "project.create",
        threadId: null,
        ...times,
      },
    ]);
    for (const request of fake.requests) expect(request.endedAt).toBeGreaterThanOrEqual(request.startedAt);
  });
});

describe("fake T3: the read model", () => {
  it("leaves latestTurn unchanged after thread.turn.start until the turn is started", async () => {
    await seedThread();
    await dispatch(fake, turnStart());
    const before = await call(fake, "GET", "/api/orchestration/threads/t1");
    expect(before.json.thread).toMatchObject({
      latestTurn: null,
      session: null,
      messages: [{ id: "m1", role: "user", text: "Fix #7" }],
    });
    const turnId = fake.startTurn("t1");
    const after = (await call(fake, "GET", "/api/orchestration/threads/t1")).json.thread as Body;
    expect(after.latestTurn).toMatchObject({ turnId, state: "running", completedAt: null });
    expect(after.session).toMatchObject({ status: "running", activeTurnId: turnId });
  });

  it.each([
    ["completed", "ready", null],
    ["interrupted", "interrupted", null],
    ["error", "error", "rate limited"],
  ] as const)(
    "a turn completed as %s leaves the assistant message and session %s",
    async (state, status, lastError) => {
      await seedThread();
      await dispatch(fake, turnStart());
      fake.completeTurn("t1", { text: "AFK-STATUS: pushed abc", state, ...(lastError === null ? {} : { lastError }) });
      const thread = (await call(fake, "GET", "/api/orchestration/threads/t1")).json.thread as {
        latestTurn: Body;
        session: Body;
        messages: Body[];
      };
      expect(thread.latestTurn).toMatchObject({ state, assistantMessageId: thread.messages[1]?.id });
      expect(thread.messages[1]).toMatchObject({ role: "assistant", text: "AFK-STATUS: pushed abc", streaming: false });
      expect(thread.session).toMatchObject({ status, lastError, activeTurnId: null });
    },
  );

  it("a turn that fails to start leaves latestTurn unchanged and the session in error", async () => {
    await seedThread();
    await dispatch(fake, turnStart());
    fake.failTurnStart("t1", "no such model");
    const thread = (await call(fake, "GET", "/api/orchestration/threads/t1")).json.thread as Body;
    expect(thread).toMatchObject({ latestTurn: null, session: { status: "error", lastError: "no such model" } });
  });

  it("refuses to script a turn nobody requested", async () => {
    await seedThread();
    expect(() => fake.startTurn("t1")).toThrow(/no turn was requested/);
    expect(() => fake.failTurnStart("t1", "x")).toThrow(/no turn was requested/);
    expect(() => fake.completeTurn("t1", { text: "x", state: "completed" })).toThrow(/no running turn/);
    expect(() => fake.setPendingUserInput("nope", true)).toThrow(/no thread/);
    expect(() => fake.startTurn("nope")).toThrow(/no thread/);
  });

  it.each([
    ["slim", 0],
    ["full", 2],
  ] as const)("the %s snapshot carries %i messages inline; the detail route always has them", async (shape, inline) => {
    await restart({ snapshotShape: shape });
    await seedThread();
    await dispatch(fake, turnStart());
    fake.completeTurn("t1", { text: "done", state: "completed" });
    const snapshot = (await call(fake, "GET", "/api/orchestration/snapshot")).json as {
      threads: Array<{ messages: unknown[] }>;
    };
    expect(snapshot.threads[0]?.messages).toHaveLength(inline);
    const detail = (await call(fake, "GET", "/api/orchestration/threads/t1")).json as {
      thread: { messages: unknown[] };
    };
    expect(detail.thread.messages).toHaveLength(2);
  });

  it("answers an unknown thread on the detail route with 404 and a traceId", async () => {
    expect(await call(fake, "GET", "/api/orchestration/threads/nope")).toMatchObject({
      status: 404,
      json: { _tag: "EnvironmentResourceNotFoundError", code: "not_found", traceId: expect.any(String) },
    });
  });

  it("shows pending approvals and user input on the shell, and drops deleted rows from it", async () => {
    await seedThread();
    await dispatch(fake, threadCreate({ commandId: "c-t2", threadId: "t2" }));
    fake.setPendingUserInput("t1", true);
    fake.setPendingApproval("t1", true);
    await dispatch(fake, { ...OTHER_COMMANDS["thread.delete"], threadId: "t2" });
    const shell = (await call(fake, "GET", "/api/orchestration/shell")).json as { threads: Body[]; projects: Body[] };
    expect(shell.threads).toEqual([
      expect.objectContaining({ id: "t1", hasPendingApprovals: true, hasPendingUserInput: true }),
    ]);
    expect(shell.threads[0]).not.toHaveProperty("messages");
    expect(shell.projects[0]).not.toHaveProperty("deletedAt");
    const snapshot = (await call(fake, "GET", "/api/orchestration/snapshot")).json as { threads: Body[] };
    expect(snapshot.threads.find((thread) => thread.id === "t2")?.deletedAt).toEqual(expect.any(String));
  });

  it("clears the pending flags when the person answers", async () => {
    await seedThread();
    fake.setPendingUserInput("t1", true);
    fake.setPendingApproval("t1", true);
    await dispatch(fake, OTHER_COMMANDS["thread.user-input.respond"]);
    await dispatch(fake, OTHER_COMMANDS["thread.approval.respond"]);
    const shell = (await call(fake, "GET", "/api/orchestration/shell")).json as { threads: Body[] };
    expect(shell.threads[0]).toMatchObject({ hasPendingApprovals: false, hasPendingUserInput: false });
  });

  it("archives a thread and stops a session", async () => {
    await seedThread();
    await dispatch(fake, turnStart());
    fake.startTurn("t1");
    await dispatch(fake, OTHER_COMMANDS["thread.session.stop"]);
    await dispatch(fake, OTHER_COMMANDS["thread.archive"]);
    expect(fake.thread("t1")).toMatchObject({ archivedAt: expect.any(String), session: { status: "stopped" } });
  });

  it("stamps its own receive time on rows, whatever createdAt the client sent", async () => {
    await restart({ now: () => Date.parse("2030-01-01T00:00:00.000Z") });
    await dispatch(fake, projectCreate());
    expect(fake.project("p1")?.createdAt).toBe("2030-01-01T00:00:00.000Z");
  });
});

describe("fake T3: scripted failures", () => {
  it("fails the next request to a route with the scripted answer, then recovers", async () => {
    fake.failNext("snapshot", { status: 503, body: "<html>unavailable</html>" });
    expect(await call(fake, "GET", "/api/orchestration/snapshot")).toEqual({ status: 503, json: {} });
    expect((await call(fake, "GET", "/api/orchestration/snapshot")).status).toBe(200);
  });

  it("fails only dispatches of the named command type, without applying them", async () => {
    fake.failNext(
      "thread.create",
      {
        status: 500,
        body: { _tag: "EnvironmentInternalError", code: "internal_error", reason: "internal_error", traceId: "x" },
      },
      2,
    );
    expect((await dispatch(fake, projectCreate())).status).toBe(200);
    expect((await dispatch(fake, threadCreate())).status).toBe(500);
    expect((await dispatch(fake, threadCreate())).status).toBe(500);
    expect(fake.thread("t1")).toBeUndefined();
    expect((await dispatch(fake, threadCreate())).status).toBe(200);
  });

  it("resets the connection on request", async () => {
    fake.failNext("dispatch", "reset");
    await expect(dispatch(fake, projectCreate())).rejects.toThrow();
    expect(fake.requests[0]?.status).toBeNull();
    expect(fake.project("p1")).toBeUndefined();
  });
});
