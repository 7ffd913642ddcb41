// The Deployment mapping: what the API server sends, reduced to the rollout facts.

import { describe, expect, it } from "vitest";
import { parseDeployment } from "../../../src/adapters/kubernetes/kube-deployment.js";
import type { DeploymentFact } from "../../../src/core/observe/observe-types.js";

interface DeploymentJsonInput {
  readonly generation?: unknown;
  readonly spec?: Record<string, unknown>;
  readonly containers?: unknown;
  readonly status?: Record<string, unknown> | null | undefined;
  readonly extra?: Record<string, unknown>;
}

/** An apps/v1 Deployment as a real server serializes it; each case overrides one part. */
function deploymentJson(input: DeploymentJsonInput = {}): Record<string, unknown> {
  return {
    kind: "Deployment",
    apiVersion: "apps/v1",
    metadata: {
      name: "web",
      namespace: "prod",
      uid: "u-1",
      generation: "generation" in input ? input.generation : 4,
      annotations: { "deployment.kubernetes.io/revision": "3" },
    },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: input.containers ?? [{ name: "web", image: "ghcr.io/acme/web:abc1234", ports: [] }] },
      },
      strategy: { type: "RollingUpdate" },
      ...input.spec,
    },
    ...(input.status === undefined
      ? {
          status: {
            observedGeneration: 4,
            replicas: 3,
            updatedReplicas: 3,
            readyReplicas: 3,
            availableReplicas: 3,
            conditions: [
              {
                type: "Available",
                status: "True",
                lastUpdateTime: "2026-01-01T00:00:00Z",
                reason: "MinimumReplicasAvailable",
                message: "Deployment has minimum availability.",
              },
              {
                type: "Progressing",
                status: "True",
                reason: "NewReplicaSetAvailable",
                message: 'ReplicaSet "web-5d9" has successfully progressed.',
              },
            ],
          },
        }
      : input.status === null
        ? {}
        : { status: input.status }),
    ...input.extra,
  };
}

function valueOf(json: unknown): DeploymentFact {
  const parsed = parseDeployment(json);
  if (!parsed.ok) throw new Error(`expected a Deployment, got ${parsed.why}`);
  return parsed.value;
}

function whyNot(json: unknown): string {
  const parsed = parseDeployment(json);
  if (parsed.ok) throw new Error("expected a failure");
  return parsed.why;
}

describe("parseDeployment", () => {
  it("maps a rolled-out Deployment to plain facts, dropping everything else", () => {
    expect(valueOf(deploymentJson())).toEqual({
      generation: 4,
      observedGeneration: 4,
      replicas: 3,
      paused: false,
      images: [{ container: "web", image: "ghcr.io/acme/web:abc1234" }],
      status: { replicas: 3, updatedReplicas: 3, availableReplicas: 3 },
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
          message: 'ReplicaSet "web-5d9" has successfully progressed.',
        },
      ],
    });
  });

  it("keeps every container, in order", () => {
    const containers = [
      { name: "web", image: "ghcr.io/acme/web:1" },
      { name: "sidecar", image: "envoy:v1.30" },
    ];
    expect(valueOf(deploymentJson({ containers })).images).toEqual([
      { container: "web", image: "ghcr.io/acme/web:1" },
      { container: "sidecar", image: "envoy:v1.30" },
    ]);
  });

  it("reads omitted counters as 0, as Kubernetes omits zeros", () => {
    const deployment = valueOf(deploymentJson({ status: { observedGeneration: 4, replicas: 1 } }));
    expect(deployment.status).toEqual({ replicas: 1, updatedReplicas: 0, availableReplicas: 0 });
    expect(deployment.conditions).toEqual([]);
  });

  it("reads a Deployment the controller has not observed yet: no status at all", () => {
    const deployment = valueOf(deploymentJson({ status: null }));
    expect(deployment.observedGeneration).toBeNull();
    expect(deployment.status).toEqual({ replicas: 0, updatedReplicas: 0, availableReplicas: 0 });
    expect(deployment.conditions).toEqual([]);
  });

  it.each([
    ["spec.replicas absent", { replicas: undefined }, 1],
    ["spec.replicas null", { replicas: null }, 1],
    ["spec.replicas 0 (scaled to zero)", { replicas: 0 }, 0],
    ["spec.replicas 5", { replicas: 5 }, 5],
  ])("spec.replicas defaults to 1 only when missing: %s", (_case, spec, replicas) => {
    expect(valueOf(deploymentJson({ spec })).replicas).toBe(replicas);
  });

  it.each([
    ["absent", {}, false],
    ["null", { paused: null }, false],
    ["true", { paused: true }, true],
    ["false", { paused: false }, false],
  ])("spec.paused defaults to false: %s", (_case, spec, paused) => {
    expect(valueOf(deploymentJson({ spec })).paused).toBe(paused);
  });

  it("reads a condition without reason or message (or with empty ones) as nulls", () => {
    const conditions = [
      { type: "Available", status: "True" },
      { type: "Progressing", status: "Unknown", reason: "", message: null },
    ];
    expect(valueOf(deploymentJson({ status: { observedGeneration: 4, conditions } })).conditions).toEqual([
      { type: "Available", status: "True", reason: null, message: null },
      { type: "Progressing", status: "Unknown", reason: null, message: null },
    ]);
  });

  it("reads a container without an image as an empty image", () => {
    expect(valueOf(deploymentJson({ containers: [{ name: "web" }] })).images).toEqual([
      { container: "web", image: "" },
    ]);
  });

  it("accepts a body without kind and with unknown extra fields", () => {
    const json = { ...deploymentJson({ extra: { futureField: { a: 1 } } }), kind: undefined };
    expect(valueOf(json).generation).toBe(4);
  });

  it.each([
    ["a Status object", { kind: "Status", apiVersion: "v1", status: "Failure", code: 404 }, "kind"],
    ["a list", { kind: "DeploymentList", items: [] }, "kind"],
    ["no generation", deploymentJson({ generation: null }), "metadata.generation"],
    ["a negative generation", deploymentJson({ generation: -1 }), "metadata.generation"],
    ["containers not a list", deploymentJson({ containers: "web" }), "spec.template.spec.containers"],
    [
      "a container without a name",
      deploymentJson({ containers: [{ image: "x" }] }),
      "spec.template.spec.containers.0.name",
    ],
    ["a fractional counter", deploymentJson({ status: { availableReplicas: 1.5 } }), "status.availableReplicas"],
    ["a string counter", deploymentJson({ status: { updatedReplicas: "3" } }), "status.updatedReplicas"],
    ["null", null, "body"],
    ["an array", [], "body"],
  ])("refuses %s, naming where", (_case, json, where) => {
    expect(whyNot(json)).toMatch(new RegExp(`^${where.replaceAll(".", "\\.")}: `));
  });
});
