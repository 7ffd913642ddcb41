// The shapes of the rendered manifests the chart tests read, and ways to reach them.

import { VARIABLE_NAMES, FIELDS } from "../../../src/core/config/config-variables.js";
import { findManifest, parseYaml, readChartFile, type Rendered, type Values } from "./chart.js";

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
export interface Container {
  name: string;
  image: string;
  env: EnvVar[];
  envFrom: { configMapRef?: { name: string } }[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface PodSpec {
  serviceAccountName: string;
  automountServiceAccountToken: boolean;
  enableServiceLinks: boolean;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: { name: string; emptyDir?: object; secret?: { secretName: string; optional?: boolean; items: object[] } }[];
}
export interface Deployment {
  spec: {
    replicas: number;
    strategy: { type: string };
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: PodSpec };
  };
}

export const example = (file: string) => parseYaml(readChartFile(`examples/${file}`)) as Values;
export const deploymentOf = (rendered: Rendered) => findManifest(rendered, "Deployment") as unknown as Deployment;
export const containerOf = (rendered: Rendered) => deploymentOf(rendered).spec.template.spec.containers[0] as Container;
export const kinds = (rendered: Rendered) => rendered.manifests.map((manifest) => manifest.kind).sort();
export const dataOf = (rendered: Rendered) =>
  (findManifest(rendered, "ConfigMap") as unknown as { data: Record<string, string> }).data;

export const SECRET_FIELDS = VARIABLE_NAMES.filter((name) => {
  const field = FIELDS[name];
  return "secret" in field && field.secret === true;
});
// Probot's secrets, and the status page's token (issue 11; it joins FIELDS with the page).
export const OTHER_SECRETS = ["WEBHOOK_SECRET", "PRIVATE_KEY", "AFK_STATUS_TOKEN"];
export const PENDING_VARIABLES = ["AFK_STATUS_TOKEN"];
