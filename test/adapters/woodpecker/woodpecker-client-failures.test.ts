// The Woodpecker client's failures come back as typed values: auth, retries, timeouts,
// invalid responses and requests afk refuses to send. Real HTTP on 127.0.0.1 only.

import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createWoodpeckerClient,
  type WoodpeckerClientOptions,
} from "../../../src/adapters/woodpecker/woodpecker-client.js";
import type { DeployReader } from "../../../src/ports/deploy-reader.js";
import type { PortError, Result } from "../../../src/ports/result.js";
import {
  FAKE_WOODPECKER_TOKEN,
  startFakeWoodpecker,
  type FakeWoodpecker,
  type FakeWoodpeckerRoute,
} from "../../fakes/woodpecker-server.js";
import { AFTER, SHA, errorOf, toV2Wire, toV3Wire, valueOf } from "./builders.js";

let fake: FakeWoodpecker;
let repoId: number;
const clients: DeployReader[] = [];

function client(options: Partial<WoodpeckerClientOptions> = {}): DeployReader {
  const made = createWoodpeckerClient({
    url: fake.url,
    token: FAKE_WOODPECKER_TOKEN,
    retry: { backoffMs: 5 },
    ...options,
  });
  clients.push(made);
  return made;
}

const FIND = { branch: "main", after: AFTER };
/** One call per route, so a table can name the route it fails. */
const CALLS: Readonly<
  Record<Exclude<FakeWoodpeckerRoute, "healthz">, (woodpecker: DeployReader) => Promise<Result<unknown>>>
> = {
  lookup: (woodpecker) => woodpecker.lookupRepoId("acme/widgets"),
  pipelines: (woodpecker) => woodpecker.findPipelines(repoId, FIND),
  pipeline: (woodpecker) => woodpecker.getPipeline(repoId, 1),
  version: (woodpecker) => woodpecker.readVersion(),
};
const ROUTES = Object.keys(CALLS) as (keyof typeof CALLS)[];

const statuses = (): (number | null)[] => fake.requests.map((request) => request.status);

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(async () => {
  fake = await startFakeWoodpecker({ mode: "v3" });
  repoId = fake.addRepo("acme/widgets");
  fake.addPipeline(repoId, { commit: SHA, created: AFTER + 10 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((made) => made.close()));
  await fake.close();
});

describe("Woodpecker client: auth", () => {
  it.each(["lookup", "pipelines", "pipeline"] as const)(
    "a token Woodpecker does not know is unauthorized on %s",
    async (route) => {
      expect(errorOf(await CALLS[route](client({ token: "wrong-token" })))).toMatchObject({
        category: "unauthorized",
        status: 401,
      });
    },
  );

  it("sends the token as a bearer, trimmed", async () => {
    valueOf(await client({ token: `  ${FAKE_WOODPECKER_TOKEN}\n` }).lookupRepoId("acme/widgets"));
    expect(fake.requests[0]?.authorization).toBe(`Bearer ${FAKE_WOODPECKER_TOKEN}`);
  });

  it.each([
    ["empty", "", "no token configured"],
    ["blank", "  \n", "no token configured"],
    ["two words", "two words", "spaces or control characters"],
    ["a control character", "tok\u0007en", "spaces or control characters"],
  ])("a token that is %s is unauthorized without a request", async (_case, token, why) => {
    expect(errorOf(await client({ token }).findPipelines(repoId, FIND))).toMatchObject({
      category: "unauthorized",
      status: null,
      message: expect.stringContaining(why),
    });
    expect(fake.requests).toEqual([]);
  });

  it("403 is unauthorized, detail forbidden", async () => {
    fake.failNext("pipeline", 403);
    expect(errorOf(await client().getPipeline(repoId, 1))).toMatchObject({
      category: "unauthorized",
      detail: "forbidden",
      status: 403,
      message: expect.stringContaining("answered 403: Forbidden"),
    });
  });

  it("never puts the token in an error message", async () => {
    const secret = "s3cret-woodpecker-token";
    fake.failNext("pipelines", { status: 200, body: [{ number: 1 }] });
    const messages = [
      errorOf(await client({ token: secret }).lookupRepoId("acme/widgets")).message,
      errorOf(await client({ token: `${secret} x` }).lookupRepoId("acme/widgets")).message,
      errorOf(await client({ token: secret }).findPipelines(repoId, FIND)).message,
      errorOf(await client({ token: secret }).findPipelines(repoId, FIND)).message,
    ];
    for (const message of messages) expect(message).not.toContain(secret);
  });
});

describe("Woodpecker client: retries (every call is a GET)", () => {
  it.each(ROUTES)("retries %s after a 503 and succeeds", async (route) => {
    fake.failNext(route, 503);
    expect((await CALLS[route](client())).ok).toBe(true);
    expect(statuses()).toEqual([503, 200]);
  });

  it.each([502, 504])("retries after %i", async (status) => {
    fake.failNext("pipeline", status);
    expect(valueOf(await client().getPipeline(repoId, 1)).number).toBe(1);
    expect(statuses()).toEqual([status, 200]);
  });

  it("retries a later page of a search, and keeps the pages read before it", async () => {
    for (let n = 0; n < 60; n += 1) fake.addPipeline(repoId, { commit: SHA, created: AFTER + 20 + n });
    fake.failNext("pipelines", {
      status: 200,
      body: Array.from({ length: 50 }, (_, index) => toV3Wire({ number: 61 - index, status: "success" })),
    });
    fake.failNext("pipelines", 503);
    const pipelines = valueOf(await client().findPipelines(repoId, FIND));
    expect(pipelines.map((pipeline) => pipeline.number)).toEqual(Array.from({ length: 61 }, (_, index) => 61 - index));
    expect(pipelines[0]?.status).toBe("success");
    expect(fake.requests.map((request) => [request.query.page, request.status])).toEqual([
      ["1", 200],
      ["2", 503],
      ["2", 200],
    ]);
  });

  it("gives up after the configured retries and reports the last failure", async () => {
    fake.failNext("lookup", 503, 5);
    expect(errorOf(await client({ retry: { retries: 2, backoffMs: 1 } }).lookupRepoId("acme/widgets"))).toMatchObject({
      category: "transient",
      status: 503,
    });
    expect(statuses()).toEqual([503, 503, 503]);
  });

  it.each([
    [500, "transient"],
    [429, "rate-limited"],
    [400, "rejected"],
    [404, "not-found"],
  ] as const)("does not retry a %i (%s)", async (status, category) => {
    fake.failNext("pipelines", status);
    expect(errorOf(await client().findPipelines(repoId, FIND))).toMatchObject({ category, status });
    expect(statuses()).toEqual([status]);
  });

  it("a refused connection is transient, after its retries", async () => {
    const url = fake.url;
    await fake.close();
    const error = errorOf(
      await createWoodpeckerClient({
        url,
        token: FAKE_WOODPECKER_TOKEN,
        retry: { retries: 1, backoffMs: 1 },
      }).readVersion(),
    );
    expect(error).toMatchObject({
      category: "transient",
      status: null,
      message: expect.stringContaining("network error ECONNREFUSED"),
    });
    fake = await startFakeWoodpecker();
  });
});

describe("Woodpecker client: timeouts", () => {
  it("no answer within the deadline is a timeout (transient)", async () => {
    fake.failNext("pipeline", "timeout");
    const error = errorOf(await client({ timeouts: { deadlineMs: 300 } }).getPipeline(repoId, 1));
    expect(error).toEqual({
      system: "woodpecker",
      category: "transient",
      detail: "timeout",
      status: null,
      retryAfterMs: null,
      traceId: null,
      message: `GET /api/repos/${repoId}/pipelines/1: no answer within the 300 ms deadline`,
    });
  });

  it("no response headers within headersMs is a timeout (transient), and not retried", async () => {
    fake.failNext("version", "timeout");
    const error = errorOf(await client({ timeouts: { headersMs: 200 } }).readVersion());
    expect(error).toMatchObject({
      category: "transient",
      detail: "timeout",
      message: expect.stringContaining("no response headers in time"),
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("the deadline covers retries and their pauses", async () => {
    fake.failNext("lookup", 503, 5);
    const started = Date.now();
    const error = errorOf(
      await client({ timeouts: { deadlineMs: 200 }, retry: { retries: 2, backoffMs: 5_000 } }).lookupRepoId(
        "acme/widgets",
      ),
    );
    expect(error).toMatchObject({
      category: "transient",
      detail: "timeout",
      message: expect.stringContaining("200 ms deadline"),
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(statuses()).toEqual([503]);
  });

  it("one deadline covers every page of a search, not one per page", async () => {
    const fullPage = Array.from({ length: 50 }, (_, index) => toV2Wire({ number: 100 - index }));
    fake.failNext("pipelines", 503);
    fake.failNext("pipelines", { status: 200, body: fullPage });
    fake.failNext("pipelines", 503);
    // Page 1 spends 250 of the 400 ms on its retry; page 2's retry pause would run past the rest.
    const error = errorOf(
      await client({ timeouts: { deadlineMs: 400 }, retry: { retries: 2, backoffMs: 250 } }).findPipelines(
        repoId,
        FIND,
      ),
    );
    expect(error).toMatchObject({
      category: "transient",
      detail: "timeout",
      message: expect.stringContaining("page=2"),
    });
    expect(statuses()).toEqual([503, 200, 503]);
  });
});

describe("Woodpecker client: invalid responses", () => {
  it.each<[string, keyof typeof CALLS, unknown, string]>([
    ["a login page instead of JSON", "lookup", "<html>login</html>", "the body is not JSON"],
    ["a repo without an id", "lookup", { full_name: "acme/widgets" }, "id:"],
    ["a list that is an object", "pipelines", { pipelines: [] }, "body:"],
    ["a pipeline without a commit", "pipelines", [toV2Wire({ commit: undefined })], "0.commit"],
    ["a pipeline with neither created nor created_at", "pipeline", toV2Wire({ created_at: undefined }), "created"],
    ["a version without a version", "version", { source: "x" }, "version"],
  ])("%s", async (_case, route, body, why) => {
    fake.failNext(route, { status: 200, body });
    expect(errorOf(await CALLS[route](client()))).toMatchObject({
      category: "invalid-response",
      status: 200,
      message: expect.stringContaining(why),
    });
  });

  it("a redirect (a proxy's login) is an invalid response, not followed", async () => {
    fake.failNext("lookup", 302);
    expect(errorOf(await client().lookupRepoId("acme/widgets"))).toMatchObject({
      category: "invalid-response",
      status: 302,
    });
    expect(fake.requests).toHaveLength(1);
  });
});

describe("Woodpecker client: requests it refuses to send", () => {
  it.each<[string, (woodpecker: DeployReader) => Promise<Result<unknown>>, string]>([
    ["a name without an owner", (woodpecker) => woodpecker.lookupRepoId("widgets"), "not owner/name"],
    ["a name with two slashes", (woodpecker) => woodpecker.lookupRepoId("acme/widgets/x"), "not owner/name"],
    ["a name with a space", (woodpecker) => woodpecker.lookupRepoId("acme/ widgets"), "not owner/name"],
    ["a name with an empty owner", (woodpecker) => woodpecker.lookupRepoId("/widgets"), "not owner/name"],
    ["a repo id of 0", (woodpecker) => woodpecker.findPipelines(0, FIND), "repo id"],
    ["a fractional repo id", (woodpecker) => woodpecker.getPipeline(1.5, 1), "positive integers"],
    ["a pipeline number of -1", (woodpecker) => woodpecker.getPipeline(101, -1), "positive integers"],
    ["an empty branch", (woodpecker) => woodpecker.findPipelines(101, { ...FIND, branch: " " }), "branch"],
    ["a negative after", (woodpecker) => woodpecker.findPipelines(101, { ...FIND, after: -1 }), "after"],
    [
      "an after in milliseconds with a fraction",
      (woodpecker) => woodpecker.findPipelines(101, { ...FIND, after: AFTER + 0.5 }),
      "after",
    ],
    ["no pages at all", (woodpecker) => woodpecker.findPipelines(101, { ...FIND, maxPages: 0 }), "maxPages"],
  ])("%s", async (_case, act, why) => {
    const error: PortError = errorOf(await act(client()));
    expect(error).toMatchObject({
      category: "rejected",
      detail: "invalid-argument",
      status: null,
      message: expect.stringContaining(why),
    });
    expect(fake.requests).toEqual([]);
  });
});
