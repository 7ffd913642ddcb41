// The Woodpecker client against the strict fake, in v2 and v3 modes: real HTTP on
// 127.0.0.1, nothing else reachable.

import nock from "nock";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createWoodpeckerClient,
  type WoodpeckerClientOptions,
} from "../../../src/adapters/woodpecker/woodpecker-client.js";
import type { DeployReader } from "../../../src/ports/deploy-reader.js";
import type { PipelineFact } from "../../../src/core/observe/observe-types.js";
import {
  FAKE_WOODPECKER_TOKEN,
  startFakeWoodpecker,
  type FakeWoodpecker,
  type FakeWoodpeckerMode,
} from "../../fakes/woodpecker-server.js";
import { AFTER, OTHER_SHA, SHA, errorOf, toV3Wire, valueOf } from "./builders.js";

const MODES = ["v2", "v3"] as const;
const fakes: FakeWoodpecker[] = [];
const clients: DeployReader[] = [];

async function start(mode: FakeWoodpeckerMode): Promise<FakeWoodpecker> {
  const fake = await startFakeWoodpecker({ mode, now: () => (AFTER + 3_600) * 1_000 });
  fakes.push(fake);
  return fake;
}

function client(fake: FakeWoodpecker, options: Partial<WoodpeckerClientOptions> = {}): DeployReader {
  const made = createWoodpeckerClient({
    url: fake.url,
    token: FAKE_WOODPECKER_TOKEN,
    retry: { backoffMs: 5 },
    ...options,
  });
  clients.push(made);
  return made;
}

const listRequests = (fake: FakeWoodpecker) => fake.requests.filter((request) => request.path.endsWith("/pipelines"));
const numbers = (pipelines: readonly PipelineFact[]): number[] => pipelines.map((pipeline) => pipeline.number);

/** What the core does with the list: push pipelines on the branch for the sha, highest number first. */
const forCommit = (pipelines: readonly PipelineFact[], sha: string): number[] =>
  numbers(
    pipelines.filter((pipeline) => pipeline.event === "push" && pipeline.branch === "main" && pipeline.commit === sha),
  );

/** `count` push pipelines on main, created one second apart from `from`. */
function seed(fake: FakeWoodpecker, repoId: number, count: number, from: number): void {
  for (let n = 0; n < count; n += 1)
    fake.addPipeline(repoId, { commit: n % 2 === 0 ? SHA : OTHER_SHA, created: from + n, status: "success" });
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => {
  nock.enableNetConnect();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((made) => made.close()));
  await Promise.all(fakes.splice(0).map((fake) => fake.close()));
});

describe.each(MODES)("Woodpecker client %s: finding the pipelines of a push", (mode) => {
  /** The commit's pipeline among a PR, another branch, a tag, and one from before the push. */
  async function mixedRepo(): Promise<{ fake: FakeWoodpecker; repoId: number }> {
    const fake = await start(mode);
    const repoId = fake.addRepo("acme/widgets");
    fake.addPipeline(repoId, { commit: SHA, created: AFTER - 600, status: "success" }); // 1: before `after`
    fake.addPipeline(repoId, {
      commit: SHA,
      created: AFTER + 10,
      event: "pull_request",
      branch: "fix-7",
      status: "success",
    }); // 2
    fake.addPipeline(repoId, { commit: SHA, created: AFTER + 20, status: "running" }); // 3: the push
    fake.addPipeline(repoId, { commit: OTHER_SHA, created: AFTER + 30, branch: "release", status: "running" }); // 4
    fake.addPipeline(repoId, { commit: SHA, created: AFTER + 40, event: "tag", status: "pending" }); // 5
    return { fake, repoId };
  }

  it("always sends page, perPage=50, branch, event=push and after as whole-second RFC3339", async () => {
    const { fake, repoId } = await mixedRepo();
    valueOf(await client(fake).findPipelines(repoId, { branch: "main", after: AFTER }));
    expect(listRequests(fake).map((request) => request.query)).toEqual([
      { page: "1", perPage: "50", branch: "main", event: "push", after: "2026-03-01T12:00:00Z" },
    ]);
  });

  it("returns what the server filtered, and the caller still finds the commit's pipeline", async () => {
    const { fake, repoId } = await mixedRepo();
    const pipelines = valueOf(await client(fake).findPipelines(repoId, { branch: "main", after: AFTER }));
    // v2 ignores branch and event (but honours after); v3 applies them.
    expect(numbers(pipelines)).toEqual(mode === "v2" ? [5, 4, 3, 2] : [3]);
    expect(forCommit(pipelines, SHA)).toEqual([3]);
    expect(pipelines.find((pipeline) => pipeline.number === 3)).toEqual({
      number: 3,
      parent: 0,
      event: "push",
      status: "running",
      commit: SHA,
      branch: "main",
      created: AFTER + 20,
      supersededBy: null,
    });
  });

  it("returns a restart beside the pipeline it restarts, highest number first", async () => {
    const { fake, repoId } = await mixedRepo();
    fake.setStatus(repoId, 3, "failure");
    fake.addPipeline(repoId, { commit: SHA, created: AFTER + 900, parent: 3, status: "running" });
    const pipelines = valueOf(await client(fake).findPipelines(repoId, { branch: "main", after: AFTER }));
    expect(forCommit(pipelines, SHA)).toEqual([6, 3]);
    expect(pipelines[0]).toMatchObject({ number: 6, parent: 3, status: "running" });
  });

  it("reads a pipeline fresh as it moves from running to success", async () => {
    const { fake, repoId } = await mixedRepo();
    const woodpecker = client(fake);
    expect(valueOf(await woodpecker.getPipeline(repoId, 3)).status).toBe("running");
    fake.setStatus(repoId, 3, "success");
    expect(valueOf(await woodpecker.getPipeline(repoId, 3))).toMatchObject({
      number: 3,
      status: "success",
      commit: SHA,
    });
  });

  it("reports who superseded a killed pipeline where the server says so (v3.14+ only)", async () => {
    const { fake, repoId } = await mixedRepo();
    fake.addPipeline(repoId, { commit: OTHER_SHA, created: AFTER + 50 });
    fake.setStatus(repoId, 3, "killed", { supersededBy: 6 });
    const pipeline = valueOf(await client(fake).getPipeline(repoId, 3));
    expect(pipeline).toMatchObject({ status: "killed", supersededBy: mode === "v3" ? 6 : null });
  });

  it("an unknown pipeline, or one of an unknown repo, is not-found", async () => {
    const { fake, repoId } = await mixedRepo();
    const woodpecker = client(fake);
    expect(errorOf(await woodpecker.getPipeline(repoId, 99))).toMatchObject({ category: "not-found", status: 404 });
    expect(errorOf(await woodpecker.findPipelines(999, { branch: "main", after: AFTER }))).toMatchObject({
      category: "not-found",
      status: 404,
    });
  });

  it("reads the server's version without a token, at the root", async () => {
    const fake = await start(mode);
    const version = valueOf(await client(fake, { token: "" }).readVersion());
    expect(version).toBe(mode === "v2" ? "2.8.3" : "3.14.0");
    expect(fake.requests).toEqual([expect.objectContaining({ path: "/version", authorization: null })]);
  });
});

describe.each(MODES)("Woodpecker client %s: paging", (mode) => {
  async function repoWith(newer: number, older = 0): Promise<{ fake: FakeWoodpecker; repoId: number }> {
    const fake = await start(mode);
    const repoId = fake.addRepo("acme/widgets");
    seed(fake, repoId, older, AFTER - older);
    seed(fake, repoId, newer, AFTER + 1);
    return { fake, repoId };
  }

  it("follows pages past 50 until a short page", async () => {
    const { fake, repoId } = await repoWith(120);
    const pipelines = valueOf(await client(fake).findPipelines(repoId, { branch: "main", after: AFTER }));
    expect(numbers(pipelines)).toEqual(Array.from({ length: 120 }, (_, index) => 120 - index));
    expect(listRequests(fake).map((request) => request.query.page)).toEqual(["1", "2", "3"]);
  });

  it("stops where `after` ends the list: older pipelines cost no request", async () => {
    const { fake, repoId } = await repoWith(60, 200);
    const pipelines = valueOf(await client(fake).findPipelines(repoId, { branch: "main", after: AFTER }));
    expect(pipelines).toHaveLength(60);
    expect(pipelines.every((pipeline) => pipeline.created > AFTER)).toBe(true);
    expect(listRequests(fake)).toHaveLength(2);
  });

  it("reads one more, empty page when the last one is exactly full", async () => {
    const { fake, repoId } = await repoWith(100);
    expect(valueOf(await client(fake).findPipelines(repoId, { branch: "main", after: AFTER }))).toHaveLength(100);
    expect(listRequests(fake)).toHaveLength(3);
  });

  it.each([
    [undefined, 4, 200],
    [2, 2, 100],
    [1, 1, 50],
  ])("stops after maxPages=%s (%i requests)", async (maxPages, requests, found) => {
    const { fake, repoId } = await repoWith(260);
    const pipelines = valueOf(await client(fake).findPipelines(repoId, { branch: "main", after: AFTER, maxPages }));
    expect(pipelines).toHaveLength(found);
    expect(pipelines[0]?.number).toBe(260);
    expect(listRequests(fake)).toHaveLength(requests);
  });
});

describe("Woodpecker client: paging against a server that misbehaves", () => {
  const page = (from: number, count: number, created: (number: number) => number) =>
    Array.from({ length: count }, (_, index) => toV3Wire({ number: from - index, created: created(from - index) }));

  it("stops at a full page holding a pipeline not after `after` (the filter was ignored)", async () => {
    const fake = await start("v3");
    fake.failNext("pipelines", { status: 200, body: page(80, 50, (number) => (number > 40 ? AFTER + number : AFTER)) });
    const pipelines = valueOf(await client(fake).findPipelines(101, { branch: "main", after: AFTER }));
    expect(pipelines).toHaveLength(50);
    expect(listRequests(fake)).toHaveLength(1);
  });

  it("keeps the first copy of a pipeline that a new one pushed onto the next page", async () => {
    const fake = await start("v3");
    fake.failNext("pipelines", { status: 200, body: page(60, 50, (number) => AFTER + number) });
    fake.failNext("pipelines", {
      status: 200,
      body: page(11, 10, (number) => AFTER + number).map((wire, index) =>
        index === 0 ? { ...wire, status: "success" } : wire,
      ),
    });
    const pipelines = valueOf(await client(fake).findPipelines(101, { branch: "main", after: AFTER }));
    expect(numbers(pipelines)).toEqual(Array.from({ length: 59 }, (_, index) => 60 - index));
    expect(pipelines.find((pipeline) => pipeline.number === 11)?.status).toBe("running");
  });

  it("a failing later page fails the whole search", async () => {
    const fake = await start("v3");
    fake.failNext("pipelines", { status: 200, body: page(60, 50, (number) => AFTER + number) });
    fake.failNext("pipelines", 404);
    expect(errorOf(await client(fake).findPipelines(101, { branch: "main", after: AFTER }))).toMatchObject({
      category: "not-found",
    });
  });
});

describe("Woodpecker client: the repo id", () => {
  it("looks up owner/name with the slash as is", async () => {
    const fake = await start("v3");
    const repoId = fake.addRepo("acme/widgets");
    expect(valueOf(await client(fake).lookupRepoId("acme/widgets"))).toBe(repoId);
    expect(fake.requests.map((request) => request.path)).toEqual(["/api/repos/lookup/acme/widgets"]);
  });

  it("is cached: a second lookup, in any case, makes no request", async () => {
    const fake = await start("v2");
    const repoId = fake.addRepo("Acme/Widgets");
    const woodpecker = client(fake);
    expect(valueOf(await woodpecker.lookupRepoId("acme/widgets"))).toBe(repoId);
    expect(valueOf(await woodpecker.lookupRepoId("acme/widgets"))).toBe(repoId);
    expect(valueOf(await woodpecker.lookupRepoId("ACME/widgets"))).toBe(repoId);
    expect(fake.requests).toHaveLength(1);
  });

  it("an unknown repo is not-found, and not cached: it is looked up again once it exists", async () => {
    const fake = await start("v3");
    const woodpecker = client(fake);
    expect(errorOf(await woodpecker.lookupRepoId("acme/widgets"))).toMatchObject({
      category: "not-found",
      status: 404,
    });
    const repoId = fake.addRepo("acme/widgets");
    expect(valueOf(await woodpecker.lookupRepoId("acme/widgets"))).toBe(repoId);
    expect(fake.requests).toHaveLength(2);
  });

  it("percent-encodes each part but not the slash", async () => {
    const fake = await start("v3");
    const repoId = fake.addRepo("acme/wid#gets");
    expect(valueOf(await client(fake).lookupRepoId("acme/wid#gets"))).toBe(repoId);
    expect(fake.requests[0]?.path).toBe("/api/repos/lookup/acme/wid%23gets");
  });

  it("tolerates a trailing slash in the URL and uses a dispatcher of the caller's, which it leaves open", async () => {
    const fake = await start("v3");
    const repoId = fake.addRepo("acme/widgets");
    const agent = new Agent();
    const woodpecker = client(fake, { url: `${fake.url}//`, dispatcher: agent });
    expect(valueOf(await woodpecker.lookupRepoId("acme/widgets"))).toBe(repoId);
    await woodpecker.close();
    expect(agent.closed).toBe(false);
    await agent.close();
  });
});
