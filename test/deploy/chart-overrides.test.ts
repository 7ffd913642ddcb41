// The chart rendered with the examples and other overrides: the rollout stage's RBAC, the
// Ingress, the ServiceMonitor, the pass-through values and the operator's Secret names.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseOperatorConfig } from "../../src/core/config/config.js";
import { CHART_DIR, findManifest, renderChart, type Manifest } from "./support/chart.js";
import { containerOf, dataOf, deploymentOf, example, kinds, type PodSpec } from "./support/manifests.js";

describe("the chart with overrides", () => {
  it("mounts the token and grants get/list on Deployments in each rollout namespace only", () => {
    const rendered = renderChart(example("with-rollout-namespaces.yaml"));
    const pod = deploymentOf(rendered).spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(true);
    const roles = rendered.manifests.filter((manifest) => manifest.kind === "Role");
    const bindings = rendered.manifests.filter((manifest) => manifest.kind === "RoleBinding");
    expect(roles.map((role) => role.metadata.namespace)).toEqual(["web", "api"]);
    for (const role of roles) {
      expect(role.rules).toEqual([{ apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list"] }]);
    }
    expect(bindings.map((binding) => binding.metadata.namespace)).toEqual(["web", "api"]);
    for (const binding of bindings) {
      const role = roles.find((candidate) => candidate.metadata.namespace === binding.metadata.namespace) as Manifest;
      expect(binding.roleRef).toEqual({
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: role.metadata.name,
      });
      expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: pod.serviceAccountName, namespace: "afk" }]);
    }
    expect(kinds(rendered)).not.toContain("ClusterRole");
  });

  it("writes the GitHub App id whole, not in Go's float exponent form", () => {
    const data = dataOf(renderChart(example("minimal.yaml")));
    expect(data.APP_ID).toBe("1234567");
  });

  it("arms afk with the minimal example, as afk's parser reads it", () => {
    const rendered = renderChart(example("minimal.yaml"));
    const container = containerOf(rendered);
    const env = { ...dataOf(rendered), T3_TOKEN_FILE: container.env.find((v) => v.name === "T3_TOKEN_FILE")?.value };
    const parsed = parseOperatorConfig(env);
    expect(
      parsed.ok ? { killSwitch: parsed.config.killSwitch, allowlist: parsed.config.allowlist } : parsed.errors,
    ).toEqual({ killSwitch: false, allowlist: ["acme/widgets", "acme/gadgets"] });
    expect(container.image).toBe("registry.example.com/acme/afk:0.1.0");
    expect(container.env.find((v) => v.name === "WEBHOOK_SECRET")?.valueFrom?.secretKeyRef?.name).toBe("afk-secrets");
  });

  it("keeps 0 and false, and leaves out empty values", () => {
    const data = dataOf(renderChart({ config: { AFK_FIX_FORWARD_TURNS: 0, AFK_KILL_SWITCH: false, T3_MODEL: "" } }));
    expect(data).toMatchObject({ AFK_FIX_FORWARD_TURNS: "0", AFK_KILL_SWITCH: "false" });
    expect(data).not.toHaveProperty("T3_MODEL");
    expect(data).not.toHaveProperty("T3_BASE_URL");
  });

  it("exposes only the listed paths through the Ingress, to the Service's port, with TLS", () => {
    const rendered = renderChart(example("with-ingress-and-servicemonitor.yaml"));
    const ingress = findManifest(rendered, "Ingress") as unknown as {
      spec: {
        ingressClassName: string;
        tls: { hosts: string[]; secretName: string }[];
        rules: { host: string; http: { paths: { path: string; backend: { service: object } }[] } }[];
      };
    };
    expect(ingress.spec.ingressClassName).toBe("nginx");
    expect(ingress.spec.tls).toEqual([{ hosts: ["afk.example.com"], secretName: "afk-tls" }]);
    const [rule] = ingress.spec.rules;
    expect(rule?.host).toBe("afk.example.com");
    expect(rule?.http.paths.map((path) => path.path)).toEqual([
      "/api/github/webhooks",
      "/slack/events",
      "/status",
      "/status.json",
    ]);
    for (const path of rule?.http.paths ?? [])
      expect(path.backend.service).toEqual({ name: "afk", port: { name: "http" } });
  });

  it("scrapes /metrics with a ServiceMonitor that selects the Service and carries the extra labels", () => {
    const rendered = renderChart(example("with-ingress-and-servicemonitor.yaml"));
    const monitor = findManifest(rendered, "ServiceMonitor") as unknown as {
      apiVersion: string;
      metadata: { labels: Record<string, string> };
      spec: { selector: { matchLabels: Record<string, string> }; endpoints: object[] };
    };
    const service = findManifest(rendered, "Service") as unknown as { metadata: { labels: Record<string, string> } };
    expect(monitor.apiVersion).toBe("monitoring.coreos.com/v1");
    expect(monitor.metadata.labels).toMatchObject({ release: "kube-prometheus-stack" });
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.endpoints).toEqual([{ port: "http", path: "/metrics", interval: "30s" }]);
  });

  it("passes extraEnv, pod annotations, scheduling and pull secrets through", () => {
    const rendered = renderChart({
      extraEnv: [{ name: "AFK_CONFIG_FILE", value: "/etc/afk/config.yaml" }],
      podAnnotations: { "example.com/team": "platform" },
      nodeSelector: { "kubernetes.io/arch": "arm64" },
      tolerations: [{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }],
      affinity: { nodeAffinity: {} },
      image: { pullSecrets: ["registry-credentials"] },
    });
    const pod = deploymentOf(rendered).spec.template.spec as PodSpec & Record<string, unknown>;
    expect(containerOf(rendered).env.at(-1)).toEqual({ name: "AFK_CONFIG_FILE", value: "/etc/afk/config.yaml" });
    expect(deploymentOf(rendered).spec.template.metadata.annotations).toMatchObject({ "example.com/team": "platform" });
    expect(pod.nodeSelector).toEqual({ "kubernetes.io/arch": "arm64" });
    expect(pod.tolerations).toEqual([{ key: "dedicated", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.affinity).toEqual({ nodeAffinity: {} });
    expect(pod.imagePullSecrets).toEqual([{ name: "registry-credentials" }]);
  });

  it("uses the operator's Secret name and key names", () => {
    const rendered = renderChart({ secrets: { existingSecret: "vault-afk", keys: { webhookSecret: "hook" } } });
    const container = containerOf(rendered);
    const ref = container.env.find((variable) => variable.name === "WEBHOOK_SECRET")?.valueFrom?.secretKeyRef;
    expect(ref).toEqual({ name: "vault-afk", key: "hook" });
    const pod = deploymentOf(rendered).spec.template.spec;
    expect(pod.volumes.filter((volume) => volume.secret).map((volume) => volume.secret?.secretName)).toEqual([
      "vault-afk",
      "vault-afk",
    ]);
  });

  it("names everything after fullnameOverride, and the service account after its own name", () => {
    const rendered = renderChart({
      fullnameOverride: "bot",
      serviceAccount: { name: "afk-bot" },
      rollout: { namespaces: ["web"] },
    });
    expect(rendered.manifests.find((manifest) => manifest.kind === "Deployment")?.metadata.name).toBe("bot");
    expect(deploymentOf(rendered).spec.template.spec.serviceAccountName).toBe("afk-bot");
    expect(findManifest(rendered, "ServiceAccount").metadata.name).toBe("afk-bot");
    expect(findManifest(rendered, "RoleBinding").subjects).toEqual([
      { kind: "ServiceAccount", name: "afk-bot", namespace: "afk" },
    ]);
  });

  it.each(readdirSync(join(CHART_DIR, "examples")).filter((file) => file.endsWith(".yaml")))(
    "renders examples/%s without a Secret",
    (file) => {
      expect(kinds(renderChart(example(file)))).not.toContain("Secret");
    },
  );
});
