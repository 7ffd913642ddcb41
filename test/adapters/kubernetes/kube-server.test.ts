// The fake Kubernetes API server answers as the real one does: checked here on the
// wire, so the client's tests rest on a fake that is itself tested.

import { readFileSync } from "node:fs";
import nock from "nock";
import { Agent, request } from "undici";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  FAKE_KUBE_TOKEN,
  KUBE_FIXTURE_CA,
  startFakeKube,
  type FakeDeploymentInput,
  type FakeKube,
  type FakeKubeOptions,
} from "../../fakes/kube-server.js";

const PATH = "/apis/apps/v1/namespaces/prod/deployments/web";
const agent = new Agent({ connect: { ca: readFileSync(KUBE_FIXTURE_CA, "utf8") } });
let fake: FakeKube;

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

async function call(
  path = PATH,
  token: string | null = FAKE_KUBE_TOKEN,
  method: "GET" | "POST" = "GET",
): Promise<Answer> {
  const response = await request(`${fake.url}${path}`, {
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    dispatcher: agent,
  });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
}

function deployment(overrides: Partial<FakeDeploymentInput> = {}): FakeDeploymentInput {
  return { namespace: "prod", name: "web", containers: [{ name: "web", image: "ghcr.io/acme/web:1" }], ...overrides };
}

async function restart(options: FakeKubeOptions): Promise<void> {
  await fake.close();
  fake = await startFakeKube(options);
}

const statusOf = (): Record<string, unknown> => fake.deploymentJson("prod", "web").status as Record<string, unknown>;
const specOf = (): Record<string, unknown> => fake.deploymentJson("prod", "web").spec as Record<string, unknown>;

function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details === undefined ? {} : { details }),
    code,
  };
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(async () => {
  nock.enableNetConnect();
  await agent.close();
});
beforeEach(async () => {
  fake = await startFakeKube();
});
afterEach(async () => {
  await fake.close();
});

describe("fake Kubernetes API server: access", () => {
  it.each([
    ["no bearer", null],
    ["a wrong bearer", "someone-else"],
  ])("answers 401 with an Unauthorized Status for %s, before looking at the route", async (_case, token) => {
    expect(await call("/api/v1/anything", token)).toEqual({
      status: 401,
      json: status(401, "Unauthorized", "Unauthorized"),
    });
  });

  it("accepts only the rotated token after a rotation", async () => {
    fake.addDeployment(deployment());
    fake.rotateToken("token-2");
    expect((await call()).status).toBe(401);
    expect((await call(PATH, "token-2")).status).toBe(200);
    expect(fake.requests.map((entry) => [entry.token, entry.status])).toEqual([
      [FAKE_KUBE_TOKEN, 401],
      ["token-2", 200],
    ]);
  });

  it("answers 403 for a namespace RBAC does not grant, even for a Deployment that does not exist", async () => {
    await restart({ readableNamespaces: ["prod"] });
    const message =
      'deployments.apps "ghost" is forbidden: User "system:serviceaccount:afk:afk" cannot get resource "deployments" in API group "apps" in the namespace "staging"';
    expect(await call("/apis/apps/v1/namespaces/staging/deployments/ghost")).toEqual({
      status: 403,
      json: status(403, "Forbidden", message, { name: "ghost", group: "apps", kind: "deployments" }),
    });
    fake.setReadableNamespaces(null);
    expect((await call("/apis/apps/v1/namespaces/staging/deployments/ghost")).status).toBe(404);
  });

  it.each([
    [
      "an unknown Deployment",
      PATH,
      status(404, "NotFound", 'deployments.apps "web" not found', { name: "web", group: "apps", kind: "deployments" }),
    ],
    [
      "an unknown route",
      "/apis/apps/v1/deployments",
      status(404, "NotFound", "the server could not find the requested resource"),
    ],
  ])("answers 404 with a NotFound Status for %s", async (_case, path, json) => {
    expect(await call(path)).toEqual({ status: 404, json });
  });

  it("answers 405 to a write", async () => {
    expect((await call(PATH, FAKE_KUBE_TOKEN, "POST")).status).toBe(405);
  });

  it("serves plain HTTP when asked", async () => {
    await restart({ tls: false });
    fake.addDeployment(deployment());
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await request(`${fake.url}${PATH}`, { headers: { authorization: `Bearer ${FAKE_KUBE_TOKEN}` } });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });

  it("logs a held or reset request without a status, and a scripted failure with its status", async () => {
    fake.addDeployment(deployment());
    fake.failNext({ status: 503, body: "busy" });
    fake.failNext("reset");
    const raw = async (): Promise<[number, string]> => {
      const response = await request(`${fake.url}${PATH}`, {
        headers: { authorization: `Bearer ${FAKE_KUBE_TOKEN}` },
        dispatcher: agent,
      });
      return [response.statusCode, await response.body.text()];
    };
    expect(await raw()).toEqual([503, "busy"]);
    await expect(raw()).rejects.toThrow();
    expect((await raw())[0]).toBe(200);
    expect(fake.requests.map((entry) => entry.status)).toEqual([503, null, 200]);
  });
});

describe("fake Kubernetes API server: SelfSubjectAccessReview", () => {
  const REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
  const attributes = { namespace: "prod", verb: "get", group: "apps", resource: "deployments" };
  const review = (resourceAttributes: Record<string, unknown> = attributes) => ({
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes },
  });

  async function post(body: unknown, contentType = "application/json", token = FAKE_KUBE_TOKEN): Promise<Answer> {
    const response = await request(`${fake.url}${REVIEW_PATH}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": contentType },
      body: typeof body === "string" ? body : JSON.stringify(body),
      dispatcher: agent,
    });
    return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> };
  }

  it("answers 201 with the review and status.allowed for get on apps/deployments in a readable namespace", async () => {
    await restart({ readableNamespaces: ["prod"] });
    expect(await post(review())).toEqual({
      status: 201,
      json: {
        kind: "SelfSubjectAccessReview",
        apiVersion: "authorization.k8s.io/v1",
        metadata: { creationTimestamp: null },
        spec: { resourceAttributes: attributes },
        status: { allowed: true, reason: expect.stringContaining("RBAC: allowed by RoleBinding") },
      },
    });
    expect((await post(review({ ...attributes, namespace: "staging" }))).json.status).toEqual({ allowed: false });
    expect((await post(review({ ...attributes, verb: "delete" }))).json.status).toEqual({ allowed: false });
  });

  it("accepts a review without apiVersion and kind: the route names them", async () => {
    expect((await post({ spec: { resourceAttributes: attributes } })).status).toBe(201);
  });

  it.each([
    ["another kind", { ...review(), kind: "SubjectAccessReview" }, 400, "BadRequest"],
    ["a body that is not JSON", "{nope", 400, "BadRequest"],
    ["a misspelt attribute", review({ ...attributes, namspace: "prod" }), 400, "BadRequest"],
    ["an unknown top-level field", { ...review(), status: {} }, 400, "BadRequest"],
    ["an attribute that is not a string", review({ ...attributes, verb: 1 }), 400, "BadRequest"],
    ["no question at all", { spec: {} }, 422, "Invalid"],
  ])("refuses %s", async (_case, body, code, reason) => {
    expect(await post(body)).toMatchObject({ status: code, json: { kind: "Status", reason, code } });
  });

  it("refuses a body that is not JSON by its content type (415), a GET (405) and a stranger (401)", async () => {
    expect((await post(review(), "text/plain")).json).toMatchObject({ reason: "UnsupportedMediaType", code: 415 });
    expect((await call(REVIEW_PATH)).status).toBe(405);
    expect((await post(review(), "application/json", "someone-else")).status).toBe(401);
  });
});

describe("fake Kubernetes API server: Deployments", () => {
  it("serves an apps/v1 Deployment with its template, strategy and conditions", async () => {
    fake.addDeployment(deployment({ replicas: 2 }));
    const { status: code, json } = await call();
    expect(code).toBe(200);
    expect(json).toMatchObject({
      kind: "Deployment",
      apiVersion: "apps/v1",
      metadata: { name: "web", namespace: "prod", generation: 1 },
      spec: {
        replicas: 2,
        template: { spec: { containers: [{ name: "web", image: "ghcr.io/acme/web:1" }] } },
        strategy: { type: "RollingUpdate" },
      },
      status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 },
    });
    expect((json.spec as Record<string, unknown>).paused).toBeUndefined();
    expect((json.status as Record<string, unknown>).unavailableReplicas).toBeUndefined();
  });

  it("serves a just-created Deployment with an empty status", () => {
    fake.addDeployment(deployment({ observed: false }));
    expect(statusOf()).toEqual({});
  });

  it("omits zero counters, as Kubernetes' omitempty does", () => {
    fake.addDeployment(deployment());
    fake.setImage("prod", "web", "web", "ghcr.io/acme/web:2");
    fake.advance("prod", "web");
    expect(statusOf()).not.toHaveProperty("updatedReplicas");
    expect(statusOf()).toMatchObject({ observedGeneration: 2, replicas: 1, availableReplicas: 1 });
  });

  it("reports an unavailable pod and the Available condition falling while a scale-up is under way", () => {
    fake.addDeployment(deployment());
    fake.setReplicas("prod", "web", 2);
    fake.advance("prod", "web");
    fake.advance("prod", "web");
    expect(statusOf()).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 1, unavailableReplicas: 1 });
    expect(statusOf().conditions).toContainEqual(
      expect.objectContaining({ type: "Available", status: "False", reason: "MinimumReplicasUnavailable" }),
    );
    fake.rollOut("prod", "web");
    expect(statusOf()).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
  });

  it("scales down in one step once observed", () => {
    fake.addDeployment(deployment({ replicas: 3 }));
    fake.setReplicas("prod", "web", 1);
    expect(fake.advance("prod", "web")).toBe(true);
    expect(statusOf()).toMatchObject({ observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    expect(fake.advance("prod", "web")).toBe(false);
  });

  it("treats the pods of an interrupted rollout that were up as old on a newer image", () => {
    fake.addDeployment(deployment({ replicas: 2 }));
    fake.setImage("prod", "web", "web", "ghcr.io/acme/web:2");
    for (let step = 0; step < 3; step += 1) fake.advance("prod", "web");
    fake.setImage("prod", "web", "web", "ghcr.io/acme/web:3");
    fake.advance("prod", "web");
    expect(statusOf()).toMatchObject({ observedGeneration: 3, replicas: 2, availableReplicas: 2 });
    expect(statusOf()).not.toHaveProperty("updatedReplicas");
    fake.rollOut("prod", "web");
    expect(statusOf()).toMatchObject({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
  });

  it("makes no progress while paused, and resumes", () => {
    fake.addDeployment(deployment());
    fake.pause("prod", "web");
    fake.setImage("prod", "web", "web", "ghcr.io/acme/web:2");
    fake.rollOut("prod", "web");
    expect(specOf().paused).toBe(true);
    expect(statusOf()).toMatchObject({ observedGeneration: 3 });
    expect(statusOf()).not.toHaveProperty("updatedReplicas");
    fake.resume("prod", "web");
    fake.rollOut("prod", "web");
    expect(statusOf()).toMatchObject({ observedGeneration: 4, updatedReplicas: 1, availableReplicas: 1 });
    expect(statusOf().conditions).toContainEqual(
      expect.objectContaining({ type: "Progressing", reason: "NewReplicaSetAvailable" }),
    );
  });

  it("stops at ProgressDeadlineExceeded until a new template starts over", () => {
    fake.addDeployment(deployment());
    fake.setImage("prod", "web", "web", "ghcr.io/acme/web:bad");
    fake.advance("prod", "web");
    fake.setProgressDeadlineExceeded("prod", "web");
    expect(fake.advance("prod", "web")).toBe(false);
    expect(statusOf().conditions).toContainEqual(
      expect.objectContaining({ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }),
    );
    fake.setImage("prod", "web", "web", "ghcr.io/acme/web:good");
    fake.rollOut("prod", "web");
    expect(statusOf().conditions).toContainEqual(
      expect.objectContaining({ type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" }),
    );
  });

  it("refuses to script what does not exist", () => {
    fake.addDeployment(deployment());
    expect(() => fake.advance("prod", "api")).toThrow("the fake has no deployment prod/api");
    expect(() => fake.setImage("prod", "web", "sidecar", "x")).toThrow("prod/web has no container sidecar");
  });
});
