// The Kubernetes client against the fake API server: real HTTPS on 127.0.0.1 with the
// fixture CA, nothing else reachable.

import { mkdtemp, readFile as readFileFromDisk, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createKubeClient, type KubeClientOptions } from "../../../src/adapters/kubernetes/kube-client.js";
import { TOKEN_REFRESH_MS } from "../../../src/adapters/kubernetes/kube-token.js";
import type { DeploymentFact } from "../../../src/core/observe/observe-types.js";
import type { PortError, Result } from "../../../src/ports/result.js";
import type { RolloutReader } from "../../../src/ports/rollout-reader.js";
import {
  FAKE_KUBE_TOKEN,
  KUBE_FIXTURE_CA,
  KUBE_FIXTURE_OTHER_CA,
  startFakeKube,
  type FakeDeploymentInput,
  type FakeKube,
  type FakeKubeOptions,
} from "../../fakes/kube-server.js";
import { toFreePort } from "../../support/free-port.js";

const TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";
const MISSING_FILE = "/nonexistent/afk/ca.crt";
const IMAGE_OLD = "ghcr.io/acme/web:1111111";
const IMAGE_NEW = "ghcr.io/acme/web:abcdef0";

let fake: FakeKube;
const clients: RolloutReader[] = [];
/** Injected file contents by path (an Error is thrown on read); other paths come from disk. */
const files = new Map<string, string | Error>();
const reads = new Map<string, number>();
let clock = 0;

async function readFile(path: string): Promise<string | Buffer> {
  reads.set(path, (reads.get(path) ?? 0) + 1);
  const injected = files.get(path);
  if (injected instanceof Error) throw injected;
  return injected ?? readFileFromDisk(path);
}

function client(options: Partial<KubeClientOptions> = {}): RolloutReader {
  const made = createKubeClient({
    apiUrl: fake.url,
    tokenFile: TOKEN_FILE,
    caFile: KUBE_FIXTURE_CA,
    readFile,
    now: () => clock,
    retry: { backoffMs: 10 },
    ...options,
  });
  clients.push(made);
  return made;
}

function deployment(overrides: Partial<FakeDeploymentInput> = {}): FakeDeploymentInput {
  return { namespace: "prod", name: "web", containers: [{ name: "web", image: IMAGE_OLD }], replicas: 1, ...overrides };
}

async function restart(options: FakeKubeOptions): Promise<void> {
  await fake.close();
  fake = await startFakeKube(options);
  fake.addDeployment(deployment());
}

function valueOf<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${result.error.message}`);
  return result.value;
}

function errorOf<T>(result: Result<T>): PortError {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

const tokensSent = (): (string | null)[] => fake.requests.map((request) => request.token);
const statuses = (): (number | null)[] => fake.requests.map((request) => request.status);

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(async () => {
  files.clear();
  reads.clear();
  files.set(TOKEN_FILE, `${FAKE_KUBE_TOKEN}\n`);
  clock = 1_700_000_000_000;
  fake = await startFakeKube();
  fake.addDeployment(deployment());
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((made) => made.close()));
  await fake.close();
});

describe("Kubernetes client: reading a Deployment", () => {
  it("reads a Deployment over HTTPS trusting the cluster CA, with the bearer", async () => {
    expect(valueOf(await client().getDeployment("prod", "web"))).toEqual({
      generation: 1,
      observedGeneration: 1,
      replicas: 1,
      paused: false,
      images: [{ container: "web", image: IMAGE_OLD }],
      status: { replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
      conditions: [
        {
          type: "Available",
          status: "True",
          reason: "MinimumReplicasAvailable",
          message: "Deployment has minimum availability.",
        },
        {
          type: "Progressing",
          status: "True",
          reason: "NewReplicaSetAvailable",
          message: expect.stringMatching(/^ReplicaSet "web-[0-9a-f]{10}" has successfully progressed\.$/),
        },
      ],
    });
    expect(fake.requests).toEqual([
      { method: "GET", path: "/apis/apps/v1/namespaces/prod/deployments/web", token: FAKE_KUBE_TOKEN, status: 200 },
    ]);
  });

  it("follows a rollout step by step as the controller reports it", async () => {
    fake.addDeployment(deployment({ replicas: 2 }));
    const kube = client();
    fake.setImage("prod", "web", "web", IMAGE_NEW);
    const seen: Pick<DeploymentFact, "generation" | "observedGeneration" | "status">[] = [];
    const read = async (): Promise<void> => {
      const { generation, observedGeneration, status } = valueOf(await kube.getDeployment("prod", "web"));
      seen.push({ generation, observedGeneration, status });
    };
    await read();
    while (fake.advance("prod", "web")) await read();
    expect(seen).toEqual([
      { generation: 2, observedGeneration: 1, status: { replicas: 2, updatedReplicas: 2, availableReplicas: 2 } },
      { generation: 2, observedGeneration: 2, status: { replicas: 2, updatedReplicas: 0, availableReplicas: 2 } },
      { generation: 2, observedGeneration: 2, status: { replicas: 3, updatedReplicas: 1, availableReplicas: 2 } },
      { generation: 2, observedGeneration: 2, status: { replicas: 2, updatedReplicas: 1, availableReplicas: 2 } },
      { generation: 2, observedGeneration: 2, status: { replicas: 3, updatedReplicas: 2, availableReplicas: 2 } },
      { generation: 2, observedGeneration: 2, status: { replicas: 2, updatedReplicas: 2, availableReplicas: 2 } },
    ]);
    expect(valueOf(await kube.getDeployment("prod", "web")).images).toEqual([{ container: "web", image: IMAGE_NEW }]);
  });

  it("reads a stuck rollout's ProgressDeadlineExceeded condition", async () => {
    fake.setImage("prod", "web", "web", IMAGE_NEW);
    fake.advance("prod", "web");
    fake.setProgressDeadlineExceeded("prod", "web");
    const conditions = valueOf(await client().getDeployment("prod", "web")).conditions;
    expect(conditions.find((condition) => condition.type === "Progressing")).toEqual({
      type: "Progressing",
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: expect.stringMatching(/has timed out progressing\.$/),
    });
  });

  it("reads a paused Deployment", async () => {
    fake.pause("prod", "web");
    fake.advance("prod", "web");
    const read = valueOf(await client().getDeployment("prod", "web"));
    expect(read).toMatchObject({ paused: true, generation: 2, observedGeneration: 2 });
    expect(read.conditions).toContainEqual({
      type: "Progressing",
      status: "Unknown",
      reason: "DeploymentPaused",
      message: "Deployment is paused",
    });
  });

  it("reads a just-created Deployment with no status as zeros and no observed generation", async () => {
    fake.addDeployment(deployment({ name: "fresh", observed: false, replicas: 3 }));
    expect(valueOf(await client().getDeployment("prod", "fresh"))).toMatchObject({
      generation: 1,
      observedGeneration: null,
      replicas: 3,
      status: { replicas: 0, updatedReplicas: 0, availableReplicas: 0 },
      conditions: [],
    });
  });

  it("reads the token and CA files from disk by default", async () => {
    const dir = await mkdtemp(join(tmpdir(), "afk-kube-"));
    try {
      await writeFile(join(dir, "token"), `${FAKE_KUBE_TOKEN}\n`);
      const kube = createKubeClient({ apiUrl: fake.url, tokenFile: join(dir, "token"), caFile: KUBE_FIXTURE_CA });
      clients.push(kube);
      expect(valueOf(await kube.getDeployment("prod", "web")).generation).toBe(1);
      expect(reads.size).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("accepts an API URL with a trailing slash and escapes path segments", async () => {
    const kube = client({ apiUrl: `${fake.url}/` });
    expect(errorOf(await kube.getDeployment("prod", "a/b")).category).toBe("not-found");
    expect(fake.requests[0]?.path).toBe("/apis/apps/v1/namespaces/prod/deployments/a%2Fb");
  });
});

describe("Kubernetes client: TLS", () => {
  it.each([
    ["no CA file: the default trust store does not know the cluster CA", MISSING_FILE],
    ["an unrelated CA", KUBE_FIXTURE_OTHER_CA],
  ])("a certificate that does not verify is a tls fault, not retried: %s", async (_case, caFile) => {
    const error = errorOf(await client({ caFile }).getDeployment("prod", "web"));
    expect(error).toMatchObject({ category: "unauthorized", detail: "tls", status: null });
    expect(error.message).toMatch(
      /the certificate did not verify \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/,
    );
    expect(fake.requests).toEqual([]);
  });

  it.each([
    ["cannot be read", new Error("EACCES"), /cannot read the CA file \/etc\/afk\/ca\.crt \(unreadable\)/],
    ["holds no certificate", "not a pem", /the CA file \/etc\/afk\/ca\.crt holds no PEM certificate/],
  ])("a CA file that %s is a tls fault, and is read again on the next call", async (_case, content, message) => {
    files.set("/etc/afk/ca.crt", content);
    const kube = client({ caFile: "/etc/afk/ca.crt" });
    expect(errorOf(await kube.getDeployment("prod", "web"))).toMatchObject({
      category: "unauthorized",
      detail: "tls",
      message: expect.stringMatching(message),
    });
    expect(fake.requests).toEqual([]);
    files.set("/etc/afk/ca.crt", await readFileFromDisk(KUBE_FIXTURE_CA, "utf8"));
    expect(valueOf(await kube.getDeployment("prod", "web")).generation).toBe(1);
    expect(reads.get("/etc/afk/ca.crt")).toBe(2);
  });

  it("reads the CA file once for all calls", async () => {
    const kube = client();
    await Promise.all([kube.getDeployment("prod", "web"), kube.getDeployment("prod", "web")]);
    valueOf(await kube.getDeployment("prod", "web"));
    expect(reads.get(KUBE_FIXTURE_CA)).toBe(1);
  });

  it("reads no CA at all for a plain http:// API URL", async () => {
    await restart({ tls: false });
    files.set(KUBE_FIXTURE_CA, new Error("must not be read"));
    expect(valueOf(await client().getDeployment("prod", "web")).generation).toBe(1);
    expect(reads.has(KUBE_FIXTURE_CA)).toBe(false);
  });
});

describe("Kubernetes client: the rotating token", () => {
  it("keeps the token for just under a minute, then re-reads the file", async () => {
    const kube = client();
    valueOf(await kube.getDeployment("prod", "web"));
    files.set(TOKEN_FILE, "token-2");
    clock += TOKEN_REFRESH_MS - 1;
    valueOf(await kube.getDeployment("prod", "web"));
    fake.rotateToken("token-2");
    clock += 1;
    valueOf(await kube.getDeployment("prod", "web"));
    expect(tokensSent()).toEqual([FAKE_KUBE_TOKEN, FAKE_KUBE_TOKEN, "token-2"]);
    expect(statuses()).toEqual([200, 200, 200]);
    expect(reads.get(TOKEN_FILE)).toBe(2);
  });

  it("re-reads the file at once after a 401 and repeats the request once with the rotated token", async () => {
    const kube = client();
    valueOf(await kube.getDeployment("prod", "web"));
    files.set(TOKEN_FILE, "token-2");
    fake.rotateToken("token-2");
    clock += 1_000;
    valueOf(await kube.getDeployment("prod", "web"));
    expect(tokensSent()).toEqual([FAKE_KUBE_TOKEN, FAKE_KUBE_TOKEN, "token-2"]);
    expect(statuses()).toEqual([200, 401, 200]);
    // The fresh token is cached: the next call reads no file.
    valueOf(await kube.getDeployment("prod", "web"));
    expect(reads.get(TOKEN_FILE)).toBe(2);
  });

  it("does not repeat a 401 when the file still holds the same token", async () => {
    fake.rotateToken("token-2");
    const error = errorOf(await client().getDeployment("prod", "web"));
    expect(error).toMatchObject({ category: "unauthorized", status: 401, detail: "Unauthorized" });
    expect(error.message).toMatch(
      /answered 401 Unauthorized: Unauthorized \(the token file was re-read: same token\)$/,
    );
    expect(statuses()).toEqual([401]);
    expect(reads.get(TOKEN_FILE)).toBe(2);
  });

  it("repeats a 401 only once, even when the new token is refused too", async () => {
    const kube = client();
    valueOf(await kube.getDeployment("prod", "web"));
    fake.rotateToken("token-3");
    files.set(TOKEN_FILE, "token-2");
    expect(errorOf(await kube.getDeployment("prod", "web"))).toMatchObject({ category: "unauthorized", status: 401 });
    expect(tokensSent()).toEqual([FAKE_KUBE_TOKEN, FAKE_KUBE_TOKEN, "token-2"]);
    expect(statuses()).toEqual([200, 401, 401]);
  });

  it("reports a token file that vanished after a 401", async () => {
    const kube = client();
    valueOf(await kube.getDeployment("prod", "web"));
    fake.rotateToken("token-2");
    files.set(TOKEN_FILE, Object.assign(new Error("gone"), { code: "ENOENT" }));
    const error = errorOf(await kube.getDeployment("prod", "web"));
    expect(error).toEqual({
      system: "kubernetes",
      category: "unauthorized",
      status: null,
      detail: null,
      retryAfterMs: null,
      traceId: null,
      message: expect.stringContaining(`cannot read the token file ${TOKEN_FILE} (ENOENT)`),
    });
  });

  it("sends nothing without a readable token", async () => {
    files.set(TOKEN_FILE, "");
    expect(errorOf(await client().getDeployment("prod", "web")).category).toBe("unauthorized");
    expect(fake.requests).toEqual([]);
  });

  it("never puts the token in an error message", async () => {
    const secret = "eyJhbGciOiJSUzI1NiJ9.secret-token-value";
    files.set(TOKEN_FILE, secret);
    fake.setReadableNamespaces(["prod"]);
    const kube = client();
    const errors = [errorOf(await kube.getDeployment("prod", "web"))];
    fake.rotateToken(secret);
    errors.push(
      errorOf(await kube.getDeployment("staging", "web")),
      errorOf(await kube.getDeployment("prod", "missing")),
    );
    fake.failNext({ status: 200, body: "<html>login</html>" });
    errors.push(errorOf(await kube.getDeployment("prod", "web")));
    expect(errors.map((error) => [error.category, error.detail])).toEqual([
      ["unauthorized", "Unauthorized"],
      ["unauthorized", "forbidden"],
      ["not-found", "NotFound"],
      ["invalid-response", null],
    ]);
    for (const error of errors) expect(error.message).not.toContain("secret-token");
  });
});

describe("Kubernetes client: failures", () => {
  it("a namespace RBAC does not allow is unauthorized (forbidden), with the API server's words, not retried", async () => {
    await restart({ readableNamespaces: ["prod"] });
    const error = errorOf(await client().getDeployment("staging", "web"));
    expect(error).toMatchObject({ category: "unauthorized", status: 403, detail: "forbidden" });
    expect(error.message).toContain('cannot get resource "deployments" in API group "apps" in the namespace "staging"');
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ["an unknown Deployment", "prod", "api"],
    ["an unknown namespace", "nowhere", "web"],
  ])("%s is not-found with reason NotFound, not retried", async (_case, namespace, name) => {
    const error = errorOf(await client().getDeployment(namespace, name));
    expect(error).toMatchObject({
      category: "not-found",
      status: 404,
      detail: "NotFound",
      message: expect.stringContaining(`deployments.apps "${name}" not found`),
    });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ["503", { status: 503, body: "upstream down" }],
    ["502", { status: 502 }],
    ["429", { status: 429, body: JSON.stringify({ kind: "Status", reason: "TooManyRequests", code: 429 }) }],
    ["a reset connection", "reset" as const],
  ])("retries a GET after %s and succeeds", async (_case, failure) => {
    fake.failNext(failure, 2);
    expect(valueOf(await client().getDeployment("prod", "web")).generation).toBe(1);
    expect(fake.requests).toHaveLength(3);
  });

  it("gives up after the retries, reporting the last failure as transient", async () => {
    fake.failNext({ status: 503 }, 3);
    expect(errorOf(await client().getDeployment("prod", "web"))).toMatchObject({ category: "transient", status: 503 });
    expect(fake.requests).toHaveLength(3);
  });

  it("does not retry a 500: the API server failed the request itself", async () => {
    fake.failNext({
      status: 500,
      body: JSON.stringify({ kind: "Status", reason: "InternalError", message: "etcd leader changed", code: 500 }),
    });
    expect(errorOf(await client().getDeployment("prod", "web"))).toMatchObject({
      category: "transient",
      status: 500,
      detail: "InternalError",
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("a refused connection is transient", async () => {
    const kube = client({ apiUrl: `https://127.0.0.1:${await toFreePort()}` });
    const error = errorOf(await kube.getDeployment("prod", "web"));
    expect(error.category).toBe("transient");
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("a server that never answers runs into the deadline", async () => {
    fake.failNext("timeout");
    const error = errorOf(await client({ timeouts: { deadlineMs: 300 } }).getDeployment("prod", "web"));
    expect(error).toEqual({
      system: "kubernetes",
      category: "transient",
      status: null,
      detail: "timeout",
      retryAfterMs: null,
      traceId: null,
      message: expect.stringContaining("no answer within the 300 ms deadline"),
    });
  });

  it("a server that sends no headers in time is a timeout (transient), not retried", async () => {
    fake.failNext("timeout");
    const error = errorOf(await client({ timeouts: { headersMs: 200 } }).getDeployment("prod", "web"));
    expect(error).toMatchObject({
      category: "transient",
      detail: "timeout",
      message: expect.stringContaining("no response headers in time"),
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("a backoff that would outlast the deadline ends the call as a timeout", async () => {
    fake.failNext({ status: 503 });
    const kube = client({ retry: { backoffMs: 10_000 }, timeouts: { deadlineMs: 300 } });
    expect(errorOf(await kube.getDeployment("prod", "web"))).toMatchObject({
      category: "transient",
      detail: "timeout",
    });
    expect(fake.requests).toHaveLength(1);
  });

  it.each([
    ["a body that is not JSON", "<html>Sign in</html>", "the body is not JSON"],
    [
      "a Status instead of a Deployment",
      JSON.stringify({ kind: "Status", status: "Success" }),
      "not a Deployment: kind",
    ],
    [
      "a Deployment without containers",
      JSON.stringify({ kind: "Deployment", metadata: { generation: 1 }, spec: { template: { spec: {} } } }),
      "not a Deployment: spec.template.spec.containers",
    ],
  ])("a 2xx with %s is an invalid response", async (_case, body, why) => {
    fake.failNext({ status: 200, body });
    expect(errorOf(await client().getDeployment("prod", "web"))).toMatchObject({
      category: "invalid-response",
      status: 200,
      message: expect.stringContaining(why),
    });
  });

  it("close releases the pool, and may be called before any request or twice", async () => {
    const unused = client();
    await unused.close();
    const used = client();
    valueOf(await used.getDeployment("prod", "web"));
    await used.close();
    await used.close();
  });
});
