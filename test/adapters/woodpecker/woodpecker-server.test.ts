// The fake Woodpecker behaves as contracts/woodpecker.md says the real one does, in
// each version. Raw HTTP on 127.0.0.1, so the client under test is not its own judge.

import nock from "nock";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  FAKE_WOODPECKER_TOKEN,
  startFakeWoodpecker,
  type FakeWoodpecker,
  type FakeWoodpeckerMode,
} from "../../fakes/woodpecker-server.js";
import { AFTER, OTHER_SHA, SHA } from "./builders.js";

const fakes: FakeWoodpecker[] = [];

async function start(mode: FakeWoodpeckerMode = "v3", now = () => (AFTER + 3_600) * 1_000): Promise<FakeWoodpecker> {
  const fake = await startFakeWoodpecker({ mode, now });
  fakes.push(fake);
  return fake;
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

async function get(
  fake: FakeWoodpecker,
  path: string,
  token: string | null = FAKE_WOODPECKER_TOKEN,
  method: "GET" | "POST" = "GET",
): Promise<Answer> {
  const headers: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
  const response = await request(`${fake.url}${path}`, { method, headers });
  const text = await response.body.text();
  const json =
    response.headers["content-type"]?.toString().startsWith("application/json") === true
      ? (JSON.parse(text) as unknown)
      : null;
  return { status: response.statusCode, body: json, text };
}

const numbersOf = (answer: Answer): number[] =>
  (answer.body as { number: number }[]).map((pipeline) => pipeline.number);

/** A repo with `count` push pipelines on main, one second apart, numbered 1..count. */
async function withPipelines(
  count: number,
  mode: FakeWoodpeckerMode = "v3",
): Promise<{ fake: FakeWoodpecker; repoId: number }> {
  const fake = await start(mode);
  const repoId = fake.addRepo("acme/widgets");
  for (let n = 1; n <= count; n += 1) fake.addPipeline(repoId, { commit: SHA, created: AFTER + n, status: "success" });
  return { fake, repoId };
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => {
  nock.enableNetConnect();
});
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe("fake Woodpecker: auth and routes", () => {
  it.each([
    ["no token", null],
    ["an unknown token", "guess"],
  ])("every /api route answers 401 to %s", async (_case, token) => {
    const fake = await start();
    const repoId = fake.addRepo("acme/widgets");
    fake.addPipeline(repoId, { commit: SHA });
    for (const path of [
      "/api/repos/lookup/acme/widgets",
      `/api/repos/${repoId}/pipelines`,
      `/api/repos/${repoId}/pipelines/1`,
    ]) {
      expect((await get(fake, path, token)).status).toBe(401);
    }
  });

  it("accepts only the rotated token after a rotation", async () => {
    const fake = await start();
    fake.addRepo("acme/widgets");
    fake.setToken("rotated");
    expect((await get(fake, "/api/repos/lookup/acme/widgets")).status).toBe(401);
    expect((await get(fake, "/api/repos/lookup/acme/widgets", "rotated")).status).toBe(200);
  });

  it.each(["v2", "v3"] as const)("%s: /version and /healthz are open, at the server root", async (mode) => {
    const fake = await start(mode);
    const version = await get(fake, "/version", null);
    expect(version.body).toEqual({
      source: "https://github.com/woodpecker-ci/woodpecker",
      version: mode === "v2" ? "2.8.3" : "3.14.0",
    });
    expect((await get(fake, "/healthz", null)).status).toBe(204);
    expect((await get(fake, "/api/version")).status).toBe(404);
  });

  it("answers the version it is told to", async () => {
    const fake = await startFakeWoodpecker({ mode: "v2", version: "2.3.0" });
    fakes.push(fake);
    expect((await get(fake, "/version")).body).toMatchObject({ version: "2.3.0" });
  });

  it.each([
    ["an unknown path", "GET", "/api/repos/101/builds"],
    ["a POST to a known path", "POST", "/api/repos/101/pipelines"],
    ["a lookup without a name", "GET", "/api/repos/lookup/"],
  ] as const)("answers 404 to %s", async (_case, method, path) => {
    const fake = await start();
    fake.addRepo("acme/widgets");
    expect((await get(fake, path, FAKE_WOODPECKER_TOKEN, method)).status).toBe(404);
  });

  it("logs every request with its query and authorization", async () => {
    const fake = await start();
    await get(fake, "/api/repos/7/pipelines?page=2&branch=main");
    expect(fake.requests).toEqual([
      {
        method: "GET",
        path: "/api/repos/7/pipelines",
        query: { page: "2", branch: "main" },
        authorization: `Bearer ${FAKE_WOODPECKER_TOKEN}`,
        status: 404,
      },
    ]);
  });
});

describe("fake Woodpecker: repos", () => {
  it("looks a repo up by its full name, case-insensitively, with the slash as is", async () => {
    const fake = await start();
    const repoId = fake.addRepo("Acme/Widgets");
    expect((await get(fake, "/api/repos/lookup/acme/widgets")).body).toMatchObject({
      id: repoId,
      full_name: "Acme/Widgets",
      owner: "Acme",
      name: "Widgets",
    });
  });

  it.each([
    ["an unknown repo by name", "/api/repos/lookup/acme/gadgets", 404],
    ["an unknown repo id", "/api/repos/999/pipelines", 404],
    ["a repo id that is not a number", "/api/repos/acme/pipelines", 400],
    ["an unknown pipeline", "/api/repos/101/pipelines/9", 404],
    ["a pipeline number that is not a number", "/api/repos/101/pipelines/latest", 400],
  ])("%s is %i", async (_case, path, status) => {
    const fake = await start();
    expect(fake.addRepo("acme/widgets")).toBe(101);
    expect((await get(fake, path)).status).toBe(status);
  });
});

describe("fake Woodpecker: pages", () => {
  it.each([
    ["no perPage", "", 50],
    ["perPage=10", "perPage=10", 10],
    ["perPage=50", "perPage=50", 50],
    ["perPage=100 (capped)", "perPage=100", 50],
    ["perPage=0", "perPage=0", 50],
    ["perPage=abc", "perPage=abc", 50],
    ["perPage=10x (Go's ParseInt refuses it)", "perPage=10x", 50],
  ])("%s yields %i", async (_case, query, size) => {
    const { fake, repoId } = await withPipelines(60);
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?${query}`))).toHaveLength(size);
  });

  it("serves the highest number first, page by page", async () => {
    const { fake, repoId } = await withPipelines(25);
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?page=1&perPage=10`))).toEqual([
      25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
    ]);
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?page=3&perPage=10`))).toEqual([5, 4, 3, 2, 1]);
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?page=4&perPage=10`))).toEqual([]);
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?page=0&perPage=3`))).toEqual([25, 24, 23]);
  });

  it("orders by number even when created times disagree", async () => {
    const fake = await start();
    const repoId = fake.addRepo("acme/widgets");
    fake.addPipeline(repoId, { commit: SHA, created: AFTER + 50 });
    fake.addPipeline(repoId, { commit: SHA, created: AFTER + 10 });
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines`))).toEqual([2, 1]);
  });
});

describe.each(["v2", "v3"] as const)("fake Woodpecker %s: filters both versions know", (mode) => {
  it("before and after compare strictly against created", async () => {
    const { fake, repoId } = await withPipelines(10, mode);
    const at = (seconds: number): string =>
      encodeURIComponent(new Date(seconds * 1_000).toISOString().replace(".000Z", "Z"));
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?after=${at(AFTER + 7)}`))).toEqual([10, 9, 8]);
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?before=${at(AFTER + 3)}`))).toEqual([2, 1]);
    expect(
      numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?after=${at(AFTER + 3)}&before=${at(AFTER + 6)}`)),
    ).toEqual([5, 4]);
  });

  it("reads RFC3339 with an offset and fractional seconds", async () => {
    const { fake, repoId } = await withPipelines(10, mode);
    expect(
      numbersOf(
        await get(fake, `/api/repos/${repoId}/pipelines?after=${encodeURIComponent("2026-03-01T13:00:08.5+01:00")}`),
      ),
    ).toEqual([10, 9]);
  });

  it.each(["yesterday", "2026-03-01", "2026-03-01 12:00:00Z", "1772366400"])(
    "answers 400 to after=%s",
    async (value) => {
      const { fake, repoId } = await withPipelines(1, mode);
      const answer = await get(fake, `/api/repos/${repoId}/pipelines?after=${encodeURIComponent(value)}`);
      expect(answer).toMatchObject({ status: 400, text: expect.stringContaining("RFC3339") });
    },
  );

  it("has no commit filter", async () => {
    const fake = await start(mode);
    const repoId = fake.addRepo("acme/widgets");
    fake.addPipeline(repoId, { commit: SHA });
    fake.addPipeline(repoId, { commit: OTHER_SHA });
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?commit=${SHA}`))).toEqual([2, 1]);
  });
});

describe("fake Woodpecker: filters only v3 knows", () => {
  async function mixed(mode: FakeWoodpeckerMode): Promise<{ fake: FakeWoodpecker; repoId: number }> {
    const fake = await start(mode);
    const repoId = fake.addRepo("acme/widgets");
    fake.addPipeline(repoId, { commit: SHA, status: "success" });
    fake.addPipeline(repoId, {
      commit: SHA,
      event: "pull_request",
      branch: "feature",
      ref: "refs/pull/3/head",
      status: "failure",
    });
    fake.addPipeline(repoId, {
      commit: OTHER_SHA,
      event: "tag",
      branch: "main",
      ref: "refs/tags/v1.0.0",
      status: "running",
    });
    fake.addPipeline(repoId, { commit: OTHER_SHA, event: "push", branch: "release", status: "running" });
    return { fake, repoId };
  }

  it.each([
    ["branch=main", [3, 1]],
    ["event=push", [4, 1]],
    ["event=push,tag", [4, 3, 1]],
    ["status=running", [4, 3]],
    ["ref=pull", [2]],
    ["branch=main&event=push", [1]],
  ])("v3 applies %s", async (query, numbers) => {
    const { fake, repoId } = await mixed("v3");
    expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?${query}`))).toEqual(numbers);
  });

  it.each(["branch=main", "event=push", "status=running", "ref=pull", "event=shove", "status=frozen"])(
    "v2 ignores %s",
    async (query) => {
      const { fake, repoId } = await mixed("v2");
      expect(numbersOf(await get(fake, `/api/repos/${repoId}/pipelines?${query}`))).toEqual([4, 3, 2, 1]);
    },
  );

  it.each([
    ["event=shove", "invalid webhook event: shove"],
    ["event=push,shove", "invalid webhook event: shove"],
    ["status=frozen", "invalid status value: frozen"],
  ])("v3 answers 400 to %s", async (query, text) => {
    const { fake, repoId } = await mixed("v3");
    expect(await get(fake, `/api/repos/${repoId}/pipelines?${query}`)).toMatchObject({ status: 400, text });
  });
});

describe("fake Woodpecker: the pipeline's wire shape per version", () => {
  it("v3 names the times `created`, … and reports who superseded a pipeline", async () => {
    const fake = await start("v3");
    const repoId = fake.addRepo("acme/widgets");
    fake.addPipeline(repoId, { commit: SHA, created: AFTER });
    fake.setStatus(repoId, 1, "killed", { supersededBy: 2 });
    const body = (await get(fake, `/api/repos/${repoId}/pipelines/1`)).body as Record<string, unknown>;
    expect(body).toMatchObject({
      number: 1,
      created: AFTER,
      started: 0,
      finished: AFTER + 3_600,
      status: "killed",
      cancel_info: { superseded_by: 2 },
      workflows: [],
    });
    expect(body).not.toHaveProperty("created_at");
  });

  it("v2 names them `created_at`, … and has no cancel_info", async () => {
    const fake = await start("v2");
    const repoId = fake.addRepo("acme/widgets");
    fake.addPipeline(repoId, { commit: SHA, created: AFTER });
    fake.setStatus(repoId, 1, "killed", { supersededBy: 2 });
    const [body] = (await get(fake, `/api/repos/${repoId}/pipelines`)).body as Record<string, unknown>[];
    expect(body).toMatchObject({
      number: 1,
      created_at: AFTER,
      started_at: 0,
      finished_at: AFTER + 3_600,
      status: "killed",
    });
    expect(body).not.toHaveProperty("created");
    expect(body).not.toHaveProperty("cancel_info");
  });

  it("stamps started when a pipeline runs and finished when it ends, once each", async () => {
    let now = AFTER * 1_000;
    const fake = await start("v3", () => now);
    const repoId = fake.addRepo("acme/widgets");
    expect(fake.addPipeline(repoId, { commit: SHA })).toMatchObject({
      number: 1,
      created: AFTER,
      started: 0,
      finished: 0,
      status: "pending",
      parent: 0,
    });
    now += 5_000;
    fake.setStatus(repoId, 1, "running");
    now += 5_000;
    fake.setStatus(repoId, 1, "running");
    now += 50_000;
    fake.setStatus(repoId, 1, "success");
    expect(fake.pipeline(repoId, 1)).toMatchObject({
      status: "success",
      started: AFTER + 5,
      finished: AFTER + 60,
      updated: AFTER + 60,
    });
  });

  it("refuses what a test could not have seen: a duplicate number, an unknown repo or pipeline, `canceled` on v2", async () => {
    const v2 = await start("v2");
    const repoId = v2.addRepo("acme/widgets");
    v2.addPipeline(repoId, { commit: SHA, number: 5 });
    expect(() => v2.addPipeline(repoId, { commit: SHA, number: 5 })).toThrow("exists");
    expect(() => v2.addPipeline(999, { commit: SHA })).toThrow("no repo 999");
    expect(() => v2.setStatus(repoId, 6, "running")).toThrow("no pipeline 6");
    expect(() => v2.setStatus(repoId, 5, "canceled")).toThrow("v2 has no `canceled`");
    expect(() => v2.addPipeline(repoId, { commit: SHA, status: "canceled" })).toThrow("v2 has no `canceled`");
    expect(v2.addPipeline(repoId, { commit: SHA }).number).toBe(6);
  });
});

describe("fake Woodpecker: scripted failures", () => {
  it("answers a status with its reason phrase, then serves normally", async () => {
    const fake = await start();
    fake.addRepo("acme/widgets");
    fake.failNext("lookup", 503, 2);
    expect(await get(fake, "/api/repos/lookup/acme/widgets")).toMatchObject({
      status: 503,
      text: "Service Unavailable",
    });
    expect((await get(fake, "/api/repos/lookup/acme/widgets")).status).toBe(503);
    expect((await get(fake, "/api/repos/lookup/acme/widgets")).status).toBe(200);
  });

  it("answers a body of the test's, before auth", async () => {
    const fake = await start();
    fake.failNext("version", { status: 200, body: "<html>login</html>" });
    fake.failNext("pipelines", { status: 200, body: [{ number: "one" }] });
    expect(await get(fake, "/version", null)).toMatchObject({ status: 200, text: "<html>login</html>" });
    expect(await get(fake, "/api/repos/1/pipelines", null)).toMatchObject({ status: 200, body: [{ number: "one" }] });
  });

  it("an unknown status has no reason phrase", async () => {
    const fake = await start();
    fake.failNext("healthz", 599);
    expect(await get(fake, "/healthz")).toMatchObject({ status: 599, text: "" });
  });

  it("holds a request without an answer until the fake closes", async () => {
    const fake = await start();
    fake.failNext("version", "timeout");
    const pending = get(fake, "/version");
    await expect.poll(() => fake.requests.length).toBe(1);
    expect(fake.requests[0]?.status).toBeNull();
    await fake.close();
    fakes.splice(fakes.indexOf(fake), 1);
    await expect(pending).rejects.toThrow();
  });
});
