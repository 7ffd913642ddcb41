// The chart rendered with its default values as `helm template` would (support/go-template.ts
// stands in for Helm) and read as Kubernetes would: the Deployment's shape, the secrets,
// and a ConfigMap that afk's own parser accepts.

import { describe, expect, it } from "vitest";
import { parseOperatorConfig } from "../../src/core/config/config.js";
import { PROBOT_VARIABLES, VARIABLE_NAMES } from "../../src/core/config/config-variables.js";
import { findManifest, parseYaml, readChartFile, renderChart, type Rendered, type Values } from "./support/chart.js";
import {
  containerOf,
  dataOf,
  deploymentOf,
  kinds,
  OTHER_SECRETS,
  PENDING_VARIABLES,
  SECRET_FIELDS,
} from "./support/manifests.js";

describe("the chart with its default values", () => {
  const rendered = renderChart();
  const deployment = deploymentOf(rendered);
  const pod = deployment.spec.template.spec;
  const container = containerOf(rendered);

  it("renders a Deployment, Service, ServiceAccount and ConfigMap, and no Secret", () => {
    expect(kinds(rendered)).toEqual(["ConfigMap", "Deployment", "Service", "ServiceAccount"]);
  });

  it("runs one replica and replaces it with Recreate, never two at once", () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy).toEqual({ type: "Recreate" });
  });

  it("checks liveness on /healthz and readiness on /readyz, on the container's port", () => {
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(container.ports).toEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    expect(container.env).toContainEqual({ name: "PORT", value: "3000" });
    expect(container.env).toContainEqual({ name: "HOST", value: "0.0.0.0" });
  });

  it("runs non-root on a read-only root, without capabilities or escalation, under RuntimeDefault", () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    expect(Number(pod.securityContext.runAsUser)).toBeGreaterThan(0);
    expect(container.securityContext).toEqual({
      runAsNonRoot: true,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
  });

  it("gives the read-only container an emptyDir at /tmp", () => {
    const mount = container.volumeMounts.find((candidate) => candidate.mountPath === "/tmp");
    const volume = pod.volumes.find((candidate) => candidate.name === mount?.name);
    expect(volume?.emptyDir).toBeDefined();
  });

  it("mounts no service account token without rollout namespaces, and grants nothing", () => {
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(rendered.manifests.filter((manifest) => /Role/.test(manifest.kind))).toEqual([]);
  });

  it("turns off service links, whose <SERVICE>_* variables afk would refuse as unknown AFK_* names", () => {
    expect(pod.enableServiceLinks).toBe(false);
    const refused = parseOperatorConfig({ AFK_SERVICE_HOST: "10.0.0.1" });
    expect(refused.ok).toBe(false);
  });

  it("takes every secret of afk and Probot from the operator's Secret, never from the ConfigMap", () => {
    const data = dataOf(rendered);
    for (const name of [...SECRET_FIELDS, ...OTHER_SECRETS]) {
      expect({ name, inConfigMap: name in data }).toEqual({ name, inConfigMap: false });
      const plain = container.env.find((variable) => variable.name === name);
      expect({ name, plain: plain?.value }).toEqual({ name, plain: undefined });
      const fromSecret = plain?.valueFrom?.secretKeyRef?.name === "afk";
      const asFile = container.env.some(
        (variable) => variable.name === `${name}_FILE` || variable.name === `${name}_PATH`,
      );
      expect({ name, wired: fromSecret || asFile }).toEqual({ name, wired: true });
    }
  });

  it("requires the private key and the webhook secret, and lets the other keys be missing", () => {
    const refs = container.env.filter((variable) => variable.valueFrom?.secretKeyRef !== undefined);
    const required = refs.filter((variable) => variable.valueFrom?.secretKeyRef?.optional !== true);
    expect(required.map((variable) => variable.name)).toEqual(["WEBHOOK_SECRET"]);
    const volumes = pod.volumes.filter((volume) => volume.secret !== undefined);
    expect(volumes.map((volume) => [volume.name, volume.secret?.optional ?? false])).toEqual([
      ["github-app", false],
      ["t3-token", true],
    ]);
  });

  it("points PRIVATE_KEY_PATH and T3_TOKEN_FILE at files of the mounted Secret, without subPath", () => {
    for (const [variable, volume] of [
      ["PRIVATE_KEY_PATH", "github-app"],
      ["T3_TOKEN_FILE", "t3-token"],
    ] as const) {
      const path = container.env.find((candidate) => candidate.name === variable)?.value ?? "";
      const mount = container.volumeMounts.find((candidate) => candidate.name === volume);
      const items = pod.volumes.find((candidate) => candidate.name === volume)?.secret?.items as { path: string }[];
      expect(items.map((item) => `${mount?.mountPath}/${item.path}`)).toEqual([path]);
      expect(mount).toMatchObject({ readOnly: true });
      expect(mount).not.toHaveProperty("subPath");
    }
  });

  it("sets only variables that afk or Probot know", () => {
    const known = new Set<string>([...VARIABLE_NAMES, ...PROBOT_VARIABLES, "NODE_ENV", ...PENDING_VARIABLES]);
    const names = [...container.env.map((variable) => variable.name), ...Object.keys(dataOf(rendered))];
    expect(names.filter((name) => !known.has(name))).toEqual([]);
  });

  it("writes a ConfigMap that afk's parser accepts as it stands: disarmed", () => {
    const env = {
      ...dataOf(rendered),
      ...Object.fromEntries(container.env.map((variable) => [variable.name, variable.value])),
    };
    const parsed = parseOperatorConfig(env);
    expect(parsed.ok && parsed.config.killSwitch).toBe(true);
  });

  it("reads its configuration from the ConfigMap and restarts when it changes", () => {
    expect(container.envFrom).toEqual([{ configMapRef: { name: "afk" } }]);
    const other = renderChart({ config: { AFK_MAX_CONCURRENT_RUNS: 5 } });
    const checksum = (r: Rendered) => deploymentOf(r).spec.template.metadata.annotations["checksum/config"];
    expect(checksum(other)).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum(other)).not.toBe(checksum(rendered));
  });

  it("selects its own pods with the Service, on the container's named port", () => {
    const service = findManifest(rendered, "Service") as unknown as {
      spec: { selector: Record<string, string>; ports: { targetPort: string }[] };
    };
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(service.spec.ports.map((port) => port.targetPort)).toEqual(["http"]);
  });

  it("uses the image tag of the chart's appVersion by default", () => {
    expect(container.image).toBe(`afk:${String((parseYaml(readChartFile("Chart.yaml")) as Values).appVersion)}`);
  });

  it("tells in its NOTES how to create the Secret, with every key", () => {
    expect(rendered.notes).toContain("kubectl --namespace afk create secret generic afk");
    const keys = (parseYaml(readChartFile("values.yaml")) as { secrets: { keys: Values } }).secrets.keys;
    for (const key of Object.values(keys)) expect(rendered.notes).toContain(`=${String(key)}`.slice(1));
    expect(rendered.notes).toContain("github.appId is not set");
  });
});
