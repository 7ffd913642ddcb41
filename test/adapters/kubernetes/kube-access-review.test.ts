// Whether afk's service account may read Deployments in a namespace, asked of the fake API
// server with a SelfSubjectAccessReview (real HTTPS on 127.0.0.1, the fixture CA).

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKubeClient } from "../../../src/adapters/kubernetes/kube-client.js";
import type { RolloutReader } from "../../../src/ports/rollout-reader.js";
import { FAKE_KUBE_TOKEN, KUBE_FIXTURE_CA, startFakeKube, type FakeKube } from "../../fakes/kube-server.js";

const REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

let fake: FakeKube;
let dir: string;
let tokenFile: string;
const readers: RolloutReader[] = [];

function reader(): RolloutReader {
  const made = createKubeClient({ apiUrl: fake.url, tokenFile, caFile: KUBE_FIXTURE_CA, retry: { backoffMs: 5 } });
  readers.push(made);
  return made;
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  dir = await mkdtemp(join(tmpdir(), "afk-kube-review-"));
  tokenFile = join(dir, "token");
});
afterAll(async () => {
  nock.enableNetConnect();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await writeFile(tokenFile, `${FAKE_KUBE_TOKEN}\n`);
  fake = await startFakeKube({ readableNamespaces: ["prod"] });
});
afterEach(async () => {
  await Promise.all(readers.splice(0).map((made) => made.close()));
  await fake.close();
});

describe("Kubernetes client: may afk read Deployments?", () => {
  it("asks the API server with a review the strict fake accepts, and reads status.allowed", async () => {
    const kube = reader();
    expect(await kube.canGetDeployments("prod")).toEqual({ ok: true, value: true });
    expect(await kube.canGetDeployments("staging")).toEqual({ ok: true, value: false });
    expect(fake.requests.map((request) => [request.method, request.path, request.status])).toEqual([
      ["POST", REVIEWS, 201],
      ["POST", REVIEWS, 201],
    ]);
  });

  it("repeats the review after a 503: it creates nothing", async () => {
    fake.failNext({ status: 503 });
    expect(await reader().canGetDeployments("prod")).toEqual({ ok: true, value: true });
    expect(fake.requests.map((request) => request.status)).toEqual([503, 201]);
  });

  it("re-reads a rotated token after a 401, as for a Deployment", async () => {
    const kube = reader();
    expect((await kube.canGetDeployments("prod")).ok).toBe(true);
    fake.rotateToken("token-2");
    await writeFile(tokenFile, "token-2\n");
    expect(await kube.canGetDeployments("prod")).toEqual({ ok: true, value: true });
    expect(fake.requests.map((request) => [request.token, request.status])).toEqual([
      [FAKE_KUBE_TOKEN, 201],
      [FAKE_KUBE_TOKEN, 401],
      ["token-2", 201],
    ]);
  });

  it("a 2xx without status.allowed is an invalid response", async () => {
    fake.failNext({ status: 201, body: JSON.stringify({ kind: "SelfSubjectAccessReview", status: {} }) });
    expect(await reader().canGetDeployments("prod")).toMatchObject({
      ok: false,
      error: { system: "kubernetes", category: "invalid-response", status: 201 },
    });
  });
});
