// A fake Kubernetes API server for Deployments (contracts/kubernetes.md): a real HTTPS
// server on 127.0.0.1 with the fixture certificate (test/fixtures/kube), or plain HTTP.
//
// It answers as the API server does, in its order: 401 `Unauthorized` (no bearer, or
// not the accepted one), 404 for an unknown route, 405 for a method the route does not
// serve, 403 `Forbidden` for a namespace the token may not read (RBAC is checked before
// the object is looked up), 404 `NotFound` for an unknown Deployment; every failure a
// `Status` object. Deployments are served in apps/v1 shape with `omitempty` counters
// (a zero count is absent), as the real server serializes them. A
// SelfSubjectAccessReview (kube-access-review.ts) answers with the same RBAC: `get` on
// `apps/deployments` in a readable namespace.
//
// Tests script the controller: `setImage` bumps `metadata.generation` as any spec change
// does; `advance` is one controller step (observe the new generation; then, one pod at a
// time with maxSurge 1 / maxUnavailable 0: start an updated pod, make it available and
// retire an old one); `setProgressDeadlineExceeded`, `pause`, `resume`, `rotateToken`,
// `failNext` for infrastructure failures in front of the server.

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { ACCESS_REVIEW_PATH, answerAccessReview, type ResourceAttributes } from "./kube-access-review.js";
import { toStatus } from "./kube-status.js";

const FIXTURES = resolve(import.meta.dirname, "..", "fixtures", "kube");
/** The CA that signed the fake's certificate: the client's `caFile`. */
export const KUBE_FIXTURE_CA = resolve(FIXTURES, "ca.crt");
/** A CA that signed nothing the fake serves. */
export const KUBE_FIXTURE_OTHER_CA = resolve(FIXTURES, "other-ca.crt");
/** The token every fake accepts until `rotateToken`. */
export const FAKE_KUBE_TOKEN = "fake-kube-token-1";
/** The service account the fake's RBAC messages name. */
const SERVICE_ACCOUNT = "system:serviceaccount:afk:afk";

export interface FakeContainer {
  readonly name: string;
  readonly image: string;
}

export interface FakeDeploymentInput {
  readonly namespace: string;
  readonly name: string;
  readonly containers: readonly FakeContainer[];
  /** Default 1. */
  readonly replicas?: number;
  /** Default true: created and fully rolled out. False: just created, no status at all yet. */
  readonly observed?: boolean;
}

export type FakeKubeFailure = { readonly status: number; readonly body?: string } | "timeout" | "reset";

export interface FakeKubeRequest {
  readonly method: string;
  readonly path: string;
  /** The bearer as received, null without one. */
  readonly token: string | null;
  /** Null while held ("timeout") or when the connection was reset. */
  status: number | null;
}

export interface FakeKubeOptions {
  /** Default true (the fixture certificate); false serves plain HTTP. */
  readonly tls?: boolean;
  /** Default `FAKE_KUBE_TOKEN`. */
  readonly token?: string;
  /** Namespaces the token may read; default all. */
  readonly readableNamespaces?: readonly string[];
}

export interface FakeKube {
  /** `https://127.0.0.1:<port>` (or `http://`), no trailing slash. */
  readonly url: string;
  readonly requests: readonly FakeKubeRequest[];
  addDeployment(input: FakeDeploymentInput): void;
  /** The Deployment as the server would serve it now. */
  deploymentJson(namespace: string, name: string): Record<string, unknown>;
  /** A new image for one container: a new template, a new generation, a rollout to come. */
  setImage(namespace: string, name: string, container: string, image: string): void;
  setReplicas(namespace: string, name: string, replicas: number): void;
  /** One controller step; false when there was nothing left to do. */
  advance(namespace: string, name: string): boolean;
  /** Steps until the rollout is complete (or stuck: paused, deadline exceeded). */
  rollOut(namespace: string, name: string): void;
  setProgressDeadlineExceeded(namespace: string, name: string): void;
  pause(namespace: string, name: string): void;
  resume(namespace: string, name: string): void;
  /** Afterwards only `token` is accepted, as after the kubelet rotated a bound token. */
  rotateToken(token: string): void;
  setReadableNamespaces(namespaces: readonly string[] | null): void;
  /** The next `times` requests fail before reaching the API (a proxy or load balancer in front). */
  failNext(failure: FakeKubeFailure, times?: number): void;
  close(): Promise<void>;
}

interface Condition {
  readonly status: "True" | "False" | "Unknown";
  readonly reason: string;
  readonly message: string;
}

/** One Deployment and its controller's view: pods of the old template and of the current one. */
class FakeDeployment {
  generation = 1;
  observedGeneration: number | null;
  replicas: number;
  paused = false;
  containers: FakeContainer[];
  oldPods = 0;
  updatedPods: number;
  availableUpdatedPods: number;
  progressing: Condition | null;
  private templateChanged = false;
  private deadlineExceeded = false;
  private readonly uid: string;

  constructor(readonly input: FakeDeploymentInput) {
    const observed = input.observed ?? true;
    this.replicas = input.replicas ?? 1;
    this.containers = input.containers.map((container) => ({ ...container }));
    this.observedGeneration = observed ? 1 : null;
    this.updatedPods = observed ? this.replicas : 0;
    this.availableUpdatedPods = this.updatedPods;
    this.progressing = observed ? this.complete() : null;
    this.uid = createHash("sha256").update(`${input.namespace}/${input.name}`).digest("hex").slice(0, 32);
  }

  changeSpec(change: () => void, template: boolean): void {
    change();
    this.generation += 1;
    this.templateChanged ||= template;
  }

  setDeadlineExceeded(): void {
    this.deadlineExceeded = true;
    this.progressing = {
      status: "False",
      reason: "ProgressDeadlineExceeded",
      message: `ReplicaSet "${this.replicaSetName()}" has timed out progressing.`,
    };
  }

  advance(): boolean {
    if (this.observedGeneration !== this.generation) {
      this.observe();
      return true;
    }
    if (this.paused || this.deadlineExceeded) return false;
    if (this.updatedPods > this.availableUpdatedPods) {
      this.availableUpdatedPods += 1;
      this.oldPods = Math.max(0, this.oldPods - 1);
    } else if (this.updatedPods < this.replicas) {
      this.updatedPods += 1;
    } else if (this.oldPods > 0) {
      this.oldPods = 0;
    } else {
      return false;
    }
    this.progressing = this.isComplete() ? this.complete() : this.inProgress();
    return true;
  }

  private observe(): void {
    this.observedGeneration = this.generation;
    if (this.templateChanged) {
      // The pods of the previous template that were up are now the old ReplicaSet's.
      this.oldPods += this.availableUpdatedPods;
      this.updatedPods = 0;
      this.availableUpdatedPods = 0;
      this.templateChanged = false;
      this.deadlineExceeded = false;
    }
    this.updatedPods = Math.min(this.updatedPods, this.replicas);
    this.availableUpdatedPods = Math.min(this.availableUpdatedPods, this.updatedPods);
    if (this.paused)
      this.progressing = { status: "Unknown", reason: "DeploymentPaused", message: "Deployment is paused" };
    else if (!this.deadlineExceeded) this.progressing = this.isComplete() ? this.complete() : this.inProgress();
  }

  private isComplete(): boolean {
    return this.oldPods === 0 && this.updatedPods === this.replicas && this.availableUpdatedPods === this.replicas;
  }

  private complete(): Condition {
    return {
      status: "True",
      reason: "NewReplicaSetAvailable",
      message: `ReplicaSet "${this.replicaSetName()}" has successfully progressed.`,
    };
  }

  private inProgress(): Condition {
    return {
      status: "True",
      reason: "ReplicaSetUpdated",
      message: `ReplicaSet "${this.replicaSetName()}" is progressing.`,
    };
  }

  private replicaSetName(): string {
    const hash = createHash("sha256").update(JSON.stringify(this.containers)).digest("hex").slice(0, 10);
    return `${this.input.name}-${hash}`;
  }

  toJson(): Record<string, unknown> {
    const { namespace, name } = this.input;
    const labels = { app: name };
    return {
      kind: "Deployment",
      apiVersion: "apps/v1",
      metadata: {
        name,
        namespace,
        uid: this.uid,
        resourceVersion: String(1000 + this.generation),
        generation: this.generation,
        labels,
      },
      spec: {
        replicas: this.replicas,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: this.containers.map((container) => ({
              ...container,
              imagePullPolicy: "IfNotPresent",
              resources: {},
            })),
            restartPolicy: "Always",
          },
        },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        // A pointer-free bool in Go with omitempty: only a paused Deployment says so.
        ...(this.paused ? { paused: true } : {}),
      },
      status: this.statusJson(),
    };
  }

  private statusJson(): Record<string, unknown> {
    if (this.observedGeneration === null) return {};
    const available = this.oldPods + this.availableUpdatedPods;
    const conditions = [
      available >= this.replicas
        ? {
            type: "Available",
            status: "True",
            reason: "MinimumReplicasAvailable",
            message: "Deployment has minimum availability.",
          }
        : {
            type: "Available",
            status: "False",
            reason: "MinimumReplicasUnavailable",
            message: "Deployment does not have minimum availability.",
          },
      ...(this.progressing === null ? [] : [{ type: "Progressing", ...this.progressing }]),
    ];
    return omitEmpty({
      observedGeneration: this.observedGeneration,
      replicas: this.oldPods + this.updatedPods,
      updatedReplicas: this.updatedPods,
      readyReplicas: available,
      availableReplicas: available,
      unavailableReplicas: this.oldPods + this.updatedPods - available,
      conditions,
    });
  }
}

/** Go's `omitempty` on the status counters: a zero is not serialized. */
function omitEmpty(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== 0 && value !== false));
}

const DEPLOYMENT_PATH = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/;

class FakeKubeState {
  readonly requests: FakeKubeRequest[] = [];
  readonly deployments = new Map<string, FakeDeployment>();
  private readonly failures: FakeKubeFailure[] = [];
  token: string;
  readable: ReadonlySet<string> | null;

  constructor(options: FakeKubeOptions) {
    this.token = options.token ?? FAKE_KUBE_TOKEN;
    this.readable = options.readableNamespaces === undefined ? null : new Set(options.readableNamespaces);
  }

  get(namespace: string, name: string): FakeDeployment {
    const deployment = this.deployments.get(`${namespace}/${name}`);
    if (deployment === undefined) throw new Error(`the fake has no deployment ${namespace}/${name}`);
    return deployment;
  }

  failNext(failure: FakeKubeFailure, times: number): void {
    for (let index = 0; index < times; index += 1) this.failures.push(failure);
  }

  handle(req: IncomingMessage, res: ServerResponse, received: string): void {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const header = req.headers.authorization;
    const token = header?.startsWith("Bearer ") === true ? header.slice("Bearer ".length) : null;
    const entry: FakeKubeRequest = { method: req.method ?? "GET", path, token, status: null };
    this.requests.push(entry);
    const failure = this.failures.shift();
    if (failure === "timeout") return;
    if (failure === "reset") {
      req.socket.destroy();
      return;
    }
    const [status, body] =
      failure === undefined
        ? this.answer(entry, req.headers["content-type"], received)
        : [failure.status, failure.body ?? ""];
    entry.status = status;
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain" : "application/json" });
    res.end(text);
  }

  /** RBAC: the token may `get` Deployments in a readable namespace, and nothing else. */
  may(attributes: ResourceAttributes): boolean {
    const { namespace, verb, group, resource } = attributes;
    const readable = this.readable === null || this.readable.has(namespace);
    return verb === "get" && group === "apps" && resource === "deployments" && readable;
  }

  private answer(
    entry: FakeKubeRequest,
    contentType: string | undefined,
    text: string,
  ): [number, Record<string, unknown>] {
    if (entry.token !== this.token) return [401, toStatus(401, "Unauthorized", "Unauthorized")];
    const match = DEPLOYMENT_PATH.exec(entry.path);
    if (match === null && entry.path !== ACCESS_REVIEW_PATH)
      return [404, toStatus(404, "NotFound", "the server could not find the requested resource")];
    if (entry.method !== (match === null ? "POST" : "GET"))
      return [
        405,
        toStatus(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"),
      ];
    if (match === null) return answerAccessReview(contentType, text, (attributes) => this.may(attributes));
    const [namespace, name] = [decodeURIComponent(match[1] ?? ""), decodeURIComponent(match[2] ?? "")];
    const details = { name, group: "apps", kind: "deployments" };
    if (this.readable !== null && !this.readable.has(namespace)) {
      const message = `deployments.apps "${name}" is forbidden: User "${SERVICE_ACCOUNT}" cannot get resource "deployments" in API group "apps" in the namespace "${namespace}"`;
      return [403, toStatus(403, "Forbidden", message, details)];
    }
    const deployment = this.deployments.get(`${namespace}/${name}`);
    if (deployment === undefined)
      return [404, toStatus(404, "NotFound", `deployments.apps "${name}" not found`, details)];
    return [200, deployment.toJson()];
  }
}

export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const state = new FakeKubeState(options);
  const tls = options.tls ?? true;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => state.handle(req, res, Buffer.concat(chunks).toString("utf8")));
  };
  const server: Server = tls
    ? createHttpsServer(
        { key: readFileSync(resolve(FIXTURES, "server.key")), cert: readFileSync(resolve(FIXTURES, "server.crt")) },
        listener,
      )
    : createHttpServer(listener);
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  const { port } = server.address() as AddressInfo;
  const spec = (
    namespace: string,
    name: string,
    change: (deployment: FakeDeployment) => void,
    template: boolean,
  ): void => {
    const deployment = state.get(namespace, name);
    deployment.changeSpec(() => change(deployment), template);
  };
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    addDeployment: (input) => {
      state.deployments.set(`${input.namespace}/${input.name}`, new FakeDeployment(input));
    },
    deploymentJson: (namespace, name) => state.get(namespace, name).toJson(),
    setImage: (namespace, name, container, image) =>
      spec(
        namespace,
        name,
        (deployment) => {
          const target = deployment.containers.findIndex((candidate) => candidate.name === container);
          if (target < 0) throw new Error(`${namespace}/${name} has no container ${container}`);
          deployment.containers[target] = { name: container, image };
        },
        true,
      ),
    setReplicas: (namespace, name, replicas) =>
      spec(
        namespace,
        name,
        (deployment) => {
          deployment.replicas = replicas;
        },
        false,
      ),
    advance: (namespace, name) => state.get(namespace, name).advance(),
    rollOut: (namespace, name) => {
      const deployment = state.get(namespace, name);
      for (let steps = 0; deployment.advance(); steps += 1) {
        if (steps > 1_000) throw new Error(`the fake's rollout of ${namespace}/${name} does not converge`);
      }
    },
    setProgressDeadlineExceeded: (namespace, name) => state.get(namespace, name).setDeadlineExceeded(),
    pause: (namespace, name) =>
      spec(
        namespace,
        name,
        (deployment) => {
          deployment.paused = true;
        },
        false,
      ),
    resume: (namespace, name) =>
      spec(
        namespace,
        name,
        (deployment) => {
          deployment.paused = false;
        },
        false,
      ),
    rotateToken: (token) => {
      state.token = token;
    },
    setReadableNamespaces: (namespaces) => {
      state.readable = namespaces === null ? null : new Set(namespaces);
    },
    failNext: (failure, times = 1) => state.failNext(failure, times),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((done, fail) => server.close((error) => (error === undefined ? done() : fail(error))));
    },
  };
}
