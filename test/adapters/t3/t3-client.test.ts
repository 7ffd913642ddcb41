// The T3 wire client against the strict fake: real HTTP on 127.0.0.1, nothing else
// reachable. The bearer, retries, timeouts and failures of the transport; what the
// answers mean is the agent runner's (t3-agent-runner.test.ts).

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createT3Client, type T3Client, type T3ClientOptions } from "../../../src/adapters/t3/t3-client.js";
import { toProjectCreate, toThreadCreate, type ThreadCreateCommand } from "../../../src/adapters/t3/t3-commands.js";
import { describeError, type PortError, type Result } from "../../../src/ports/result.js";
import { FAKE_T3_TOKEN, startFakeT3, type FakeT3, type FakeT3Options } from "../../fakes/t3-server.js";

const ROOT = "/workspace/acme/widgets";
const MODEL = { instanceId: "claudeAgent", model: "claude-sonnet-4-5" };

let fake: FakeT3;
const clients: T3Client[] = [];
let tokenDir: string;

function client(options: Partial<T3ClientOptions> = {}): T3Client {
  const made = createT3Client({
    baseUrl: fake.url,
    token: FAKE_T3_TOKEN,
    tokenFile: null,
    retry: { backoffMs: 10 },
    ...options,
  });
  clients.push(made);
  return made;
}

async function restart(options: FakeT3Options): Promise<void> {
  await fake.close();
  fake = await startFakeT3(options);
}

function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.message}`);
  return result.value;
}

function errorOf<T>(result: Result<T>): PortError {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

const CREATED_AT = "2026-03-01T12:00:00.000Z";
const project = (workspaceRoot = ROOT) =>
  toProjectCreate({
    commandId: "c-project",
    projectId: "p1",
    title: "acme/widgets",
    workspaceRoot,
    createdAt: CREATED_AT,
  });
const thread = (projectId = "p1") =>
  toThreadCreate({
    commandId: "c-thread",
    threadId: "t1",
    projectId,
    title: "acme/widgets#7: Fix",
    modelSelection: MODEL,
    runtimeMode: "full-access",
    createdAt: CREATED_AT,
  });

const countOf = (path: string): number => fake.requests.filter((request) => request.path === path).length;

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  tokenDir = await mkdtemp(join(tmpdir(), "afk-t3-"));
});
afterAll(async () => {
  nock.enableNetConnect();
  await rm(tokenDir, { recursive: true, force: true });
});
beforeEach(async () => {
  fake = await startFakeT3();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((made) => made.close()));
  await fake.close();
});

describe("T3 client: the wire", () => {
  it("dispatches a bare command and reads T3's sequence back", async () => {
    expect(valueOf(await client().dispatch(project()))).toEqual({ sequence: 1 });
    expect(fake.commands).toEqual([project()]);
  });

  it("reads the shell, a thread and the environment (without a token)", async () => {
    const t3 = client();
    valueOf(await t3.dispatch(project()));
    valueOf(await t3.dispatch(thread()));
    expect(valueOf(await t3.shell()).threads.map((row) => row.id)).toEqual(["t1"]);
    expect(valueOf(await t3.thread("t1")).id).toBe("t1");
    expect(valueOf(await client({ token: null }).environment())).toMatchObject({ serverVersion: "0.0.33" });
  });

  it("tolerates a base URL with a trailing slash and a dispatcher of the caller's", async () => {
    const agent = new Agent();
    const t3 = client({ baseUrl: `${fake.url}/`, dispatcher: agent });
    expect(valueOf(await t3.shell()).threads).toEqual([]);
    await t3.close();
    expect(agent.closed).toBe(false);
    await agent.close();
  });
});

describe("T3 client: the bearer is read on every request", () => {
  it("re-reads the token file after a rotation", async () => {
    const tokenFile = join(tokenDir, "token");
    await writeFile(tokenFile, `${FAKE_T3_TOKEN}\n`);
    const t3 = client({ token: null, tokenFile });
    expect((await t3.shell()).ok).toBe(true);
    fake.setToken("rotated-token");
    expect(errorOf(await t3.shell()).category).toBe("unauthorized");
    await writeFile(tokenFile, "  rotated-token  \n");
    expect((await t3.shell()).ok).toBe(true);
  });

  it("prefers the token file over a static token", async () => {
    const reads: string[] = [];
    const t3 = client({
      token: "stale",
      tokenFile: "/secrets/t3",
      readFile: async (path) => (reads.push(path), FAKE_T3_TOKEN),
    });
    expect((await t3.shell()).ok).toBe(true);
    expect((await t3.shell()).ok).toBe(true);
    expect(reads).toEqual(["/secrets/t3", "/secrets/t3"]);
  });

  it.each([
    ["no token is configured", { token: null }],
    ["the token is blank", { token: "   " }],
    ["the token has a space inside", { token: "two words" }],
    ["the token file is empty", { token: null, tokenFile: "/t", readFile: async () => "\n" }],
    [
      "the token file cannot be read",
      {
        token: null,
        tokenFile: "/missing/t3-token",
        readFile: async () => Promise.reject(Object.assign(new Error("ENOENT: no such file"), { code: "ENOENT" })),
      },
    ],
  ] as const)("is unauthorized, without a request, when %s", async (_case, options) => {
    const error = errorOf(await client(options).shell());
    expect(error).toMatchObject({ category: "unauthorized", status: null });
    expect(fake.requests).toEqual([]);
  });

  it("names the token file, never the token, when it cannot be read", async () => {
    const error = errorOf(await client({ token: null, tokenFile: join(tokenDir, "absent") }).shell());
    expect(error.message).toContain("absent (ENOENT)");
  });
});

describe("T3 client: failures come back as typed values", () => {
  it.each<[string, Partial<T3ClientOptions>, (t3: T3Client) => Promise<Result<unknown>>, Partial<PortError>]>([
    [
      "a bad token is unauthorized",
      { token: "wrong-token" },
      (t3) => t3.shell(),
      { category: "unauthorized", status: 401, detail: "EnvironmentAuthInvalidError" },
    ],
    [
      "an unknown thread is not-found",
      {},
      (t3) => t3.thread("nope"),
      { category: "not-found", status: 404, detail: "EnvironmentResourceNotFoundError" },
    ],
    [
      "a thread in an unknown project is rejected",
      {},
      (t3) => t3.dispatch(thread("nope")),
      { category: "rejected", status: 500, detail: "orchestration_dispatch_failed" },
    ],
    [
      "a relative workspace root is rejected as an invalid request",
      {},
      (t3) => t3.dispatch(project("relative/root")),
      { category: "rejected", status: 400, detail: "EnvironmentRequestInvalidError" },
    ],
    [
      "a body that does not decode is rejected as an invalid request",
      {},
      (t3) => {
        const { branch: _branch, ...guessed } = {
          type: "thread.create",
          commandId: "c",
          threadId: "t",
          projectId: "p",
          title: "x",
          modelSelection: MODEL,
          runtimeMode: "full-access",
          interactionMode: "default",
          branch: null,
          worktreePath: null,
          createdAt: "2026-03-01T12:00:00.000Z",
        } as const;
        return t3.dispatch(guessed as unknown as ThreadCreateCommand);
      },
      { category: "rejected", status: 400, detail: "HttpApiSchemaError" },
    ],
  ])("%s", async (_case, options, act, expected) => {
    const error = errorOf(await act(client(options)));
    expect(error).toMatchObject({ ...expected, system: "t3", traceId: expect.any(String) });
    expect(describeError(error)).toContain(`trace ${error.traceId}`);
  });

  it("is unauthorized (forbidden) when the token lacks the operate scope", async () => {
    await restart({ tokens: { reader: ["orchestration:read"] } });
    const error = errorOf(await client({ token: "reader" }).dispatch(project()));
    expect(error).toMatchObject({ category: "unauthorized", detail: "forbidden", status: 403 });
    expect(error.message).toContain("insufficient_scope");
    expect(error.message).toContain("requires orchestration:operate");
  });

  it("never puts the token in an error message", async () => {
    const secret = "s3cret-token-value";
    const messages = [
      errorOf(await client({ token: secret }).shell()).message,
      errorOf(await client({ token: `${secret} x` }).shell()).message,
      errorOf(
        await client({ token: secret }).dispatch({
          type: "thread.turn.interrupt",
          commandId: "c",
          threadId: "t",
          createdAt: "x",
        }),
      ).message,
    ];
    for (const message of messages) expect(message).not.toContain(secret);
  });

  it.each([
    ["not JSON", "<html>ok</html>", "the body is not JSON"],
    ["JSON of another shape", { projects: "none" }, "snapshotSequence"],
  ])("a 200 with a body that is %s is an invalid response", async (_case, body, why) => {
    fake.failNext("shell", { status: 200, body });
    expect(errorOf(await client().shell())).toMatchObject({
      category: "invalid-response",
      status: 200,
      message: expect.stringContaining(why),
    });
  });

  it("a dispatch answer without a sequence is an invalid response", async () => {
    fake.failNext("project.create", { status: 200, body: { ok: true } });
    expect(errorOf(await client().dispatch(project())).category).toBe("invalid-response");
  });

  it("a refused connection is transient", async () => {
    const url = fake.url;
    await fake.close();
    const error = errorOf(
      await createT3Client({ baseUrl: url, token: FAKE_T3_TOKEN, tokenFile: null, retry: { retries: 0 } }).shell(),
    );
    expect(error).toMatchObject({
      category: "transient",
      status: null,
      message: expect.stringContaining("network error"),
    });
    fake = await startFakeT3();
  });
});

describe("T3 client: retries only for idempotent GETs", () => {
  it("retries a GET after a transient 503 and succeeds", async () => {
    fake.failNext("shell", { status: 503, body: "<html>busy</html>" });
    expect((await client().shell()).ok).toBe(true);
    expect(fake.requests.map((request) => request.status)).toEqual([503, 200]);
  });

  it.each([502, 504])("retries a GET after %i", async (status) => {
    fake.failNext("thread", { status, body: "" });
    expect(errorOf(await client().thread("nope")).category).toBe("not-found");
    expect(fake.requests.map((request) => request.status)).toEqual([status, 404]);
  });

  it("retries a GET after a connection reset", async () => {
    fake.failNext("shell", "reset");
    expect((await client().shell()).ok).toBe(true);
    expect(countOf("/api/orchestration/shell")).toBe(2);
  });

  it("gives up after the configured retries and reports the last failure", async () => {
    fake.failNext("shell", { status: 503, body: "" }, 5);
    expect(errorOf(await client({ retry: { retries: 2, backoffMs: 1 } }).shell())).toMatchObject({
      category: "transient",
      status: 503,
    });
    expect(countOf("/api/orchestration/shell")).toBe(3);
  });

  it("does not retry a 500 on a GET", async () => {
    fake.failNext("shell", {
      status: 500,
      body: {
        _tag: "EnvironmentInternalError",
        code: "internal_error",
        reason: "orchestration_snapshot_failed",
        traceId: "t",
      },
    });
    expect(errorOf(await client().shell())).toMatchObject({ category: "transient", status: 500, traceId: "t" });
    expect(countOf("/api/orchestration/shell")).toBe(1);
  });

  it("never retries a dispatch after a transient 503", async () => {
    fake.failNext("dispatch", { status: 503, body: "" });
    expect(errorOf(await client().dispatch(project()))).toMatchObject({ category: "transient", status: 503 });
    expect(countOf("/api/orchestration/dispatch")).toBe(1);
    expect(fake.commands).toEqual([]);
  });

  it("never retries a dispatch after a connection reset", async () => {
    fake.failNext("project.create", "reset");
    expect(errorOf(await client().dispatch(project())).category).toBe("transient");
    expect(countOf("/api/orchestration/dispatch")).toBe(1);
  });
});

describe("T3 client: timeouts", () => {
  it("a dispatch with no answer within the deadline is a timeout (transient), not retried", async () => {
    fake.failNext("thread.create", "timeout");
    const t3 = client({ timeouts: { deadlineMs: 300 } });
    valueOf(await t3.dispatch(project()));
    const error = errorOf(await t3.dispatch(thread()));
    expect(error).toMatchObject({
      category: "transient",
      detail: "timeout",
      status: null,
      message: expect.stringContaining("300 ms deadline"),
    });
    expect(countOf("/api/orchestration/dispatch")).toBe(2);
  });

  it("no response headers within headersMs is a timeout (transient)", async () => {
    fake.failNext("environment", "timeout");
    const error = errorOf(await client({ timeouts: { headersMs: 200 }, retry: { retries: 0 } }).environment());
    expect(error).toMatchObject({
      category: "transient",
      detail: "timeout",
      message: expect.stringContaining("no response headers in time"),
    });
  });

  it("the deadline covers retries and their pauses", async () => {
    fake.failNext("shell", { status: 503, body: "" }, 5);
    const started = Date.now();
    const error = errorOf(
      await client({ timeouts: { deadlineMs: 200 }, retry: { retries: 2, backoffMs: 5_000 } }).shell(),
    );
    expect(error).toMatchObject({
      category: "transient",
      detail: "timeout",
      message: expect.stringContaining("200 ms deadline"),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(countOf("/api/orchestration/shell")).toBe(1);
  });
});
