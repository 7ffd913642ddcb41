// Loads and renders afk's Helm chart the way `helm template` does, for tests without a
// Helm binary: values.yaml merged with overrides, every template under templates/ with
// the helpers of every file, YAML read as Kubernetes reads it (YAML 1.1).

import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { parseTemplate, Renderer, type Templates } from "./go-template.js";

export const CHART_DIR = resolve(import.meta.dirname, "../../../helm/afk");

export type Values = Record<string, unknown>;

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** YAML as Helm and Kubernetes read it: YAML 1.1, where on, off, yes and no are booleans. */
export function parseYaml(text: string): unknown {
  return parse(text, { version: "1.1" });
}

export function readChartFile(path: string): string {
  return readFileSync(join(CHART_DIR, path), "utf8");
}

export function templateFiles(): string[] {
  return readdirSync(join(CHART_DIR, "templates")).sort();
}

function isPlainObject(value: unknown): value is Values {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Helm's coalescing: maps merge key by key, anything else replaces, null deletes. */
export function mergeValues(defaults: Values, overrides: Values): Values {
  const merged: Values = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    if (value === null) delete merged[key];
    else if (isPlainObject(value) && isPlainObject(current)) merged[key] = mergeValues(current, value);
    else merged[key] = value;
  }
  return merged;
}

export interface Rendered {
  readonly manifests: readonly Manifest[];
  readonly notes: string;
  /** The raw text of each rendered file. */
  readonly files: ReadonlyMap<string, string>;
}

export function renderChart(overrides: Values = {}, release = { Name: "afk", Namespace: "afk" }): Rendered {
  const chart = parseYaml(readChartFile("Chart.yaml")) as Values;
  const values = mergeValues(parseYaml(readChartFile("values.yaml")) as Values, overrides);
  const templates: Templates = new Map();
  const base = `${String(chart.name)}/templates`;
  for (const file of templateFiles()) parseTemplate(templates, `${base}/${file}`, readChartFile(`templates/${file}`));
  const root = {
    Values: values,
    Release: { ...release, Service: "Helm", IsInstall: true, IsUpgrade: false, Revision: 1 },
    Chart: {
      Name: chart.name,
      Version: chart.version,
      AppVersion: chart.appVersion,
      Description: chart.description,
    },
    Template: { BasePath: base },
    Capabilities: {},
  };
  const renderer = new Renderer(templates, root);
  const files = new Map<string, string>();
  const manifests: Manifest[] = [];
  for (const file of templateFiles().filter((name) => !name.startsWith("_") && name !== "NOTES.txt")) {
    const text = renderer.render(`${base}/${file}`);
    files.set(file, text);
    for (const document of parseAllDocuments(text, { version: "1.1" })) {
      if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.join("; ")}\n${text}`);
      const manifest = document.toJS() as Manifest | null;
      if (manifest !== null) manifests.push(manifest);
    }
  }
  return { manifests, notes: renderer.render(`${base}/NOTES.txt`), files };
}

export function findManifest(rendered: Rendered, kind: string): Manifest {
  const found = rendered.manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as Manifest;
}
