// The chart's values, checked without Helm: values.yaml and the examples against the
// generated values.schema.json (as `helm install` would), every `.Values` path the
// templates use against values.yaml and back, the helpers, and afk's own variables.

import { readdirSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { FIELDS, PROBOT_VARIABLES, VARIABLE_NAMES } from "../../src/core/config/config-variables.js";
import { CHART_DIR, mergeValues, parseYaml, readChartFile, templateFiles, type Values } from "./support/chart.js";

const defaults = parseYaml(readChartFile("values.yaml")) as Values;
const schema = JSON.parse(readChartFile("values.schema.json")) as object;
const validate = new Ajv({ allErrors: true }).compile(schema);
const examples = readdirSync(join(CHART_DIR, "examples")).filter((file) => file.endsWith(".yaml"));
const templates = templateFiles().map((file) => ({ file, text: readChartFile(`templates/${file}`) }));

function isObject(value: unknown): value is Values {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Leaf paths of a values tree: scalars, lists and empty maps are leaves. */
function toLeaves(values: Values, prefix = ""): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    return isObject(value) && Object.keys(value).length > 0 ? toLeaves(value, path) : [path];
  });
}

function lookup(values: Values, path: string): unknown {
  return path.split(".").reduce<unknown>((value, key) => (isObject(value) ? value[key] : undefined), values);
}

/** Every `.Values.a.b` (also `$.Values.a.b`) in the templates. */
const usedPaths = new Set(
  templates.flatMap(({ text }) =>
    [...text.matchAll(/\.Values((?:\.\w+)+)/g)].map((match) => (match[1] ?? "").slice(1)),
  ),
);

function schemaErrors(values: Values): string[] {
  return validate(values) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

// Kubernetes objects passed through with toYaml: any field of theirs is legitimate.
const KUBERNETES_OBJECTS = ["resources", "podSecurityContext", "containerSecurityContext"];

/** Keys of an override that values.yaml does not know (a typo Helm would ignore). */
function toUnknownKeys(override: Values, known: Values = defaults, prefix = ""): string[] {
  return Object.entries(override).flatMap(([key, value]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    if (!(key in known)) return KUBERNETES_OBJECTS.some((open) => path.startsWith(`${open}.`)) ? [] : [path];
    const default_ = known[key];
    const isFreeForm = isObject(default_) && Object.keys(default_).length === 0;
    return isObject(value) && isObject(default_) && !isFreeForm ? toUnknownKeys(value, default_, path) : [];
  });
}

describe("Chart.yaml", () => {
  it("is a v2 chart whose appVersion is afk's version", async () => {
    const chart = parseYaml(readChartFile("Chart.yaml")) as Values;
    const pkg = (await import("../../package.json", { with: { type: "json" } })).default;
    expect(chart).toMatchObject({ apiVersion: "v2", name: "afk", type: "application", appVersion: pkg.version });
  });
});

describe("values against values.schema.json", () => {
  it("accepts values.yaml", () => {
    expect(schemaErrors(defaults)).toEqual([]);
  });

  it.each(examples)("accepts examples/%s merged over values.yaml, and knows all its keys", (file) => {
    const override = parseYaml(readChartFile(`examples/${file}`)) as Values;
    expect(schemaErrors(mergeValues(defaults, override))).toEqual([]);
    expect(toUnknownKeys(override)).toEqual([]);
  });

  it.each([
    ["a count given as words", { config: { AFK_MAX_CONCURRENT_RUNS: "many" } }, "/config/AFK_MAX_CONCURRENT_RUNS"],
    ["one namespace given as text", { rollout: { namespaces: "web" } }, "/rollout/namespaces"],
    ["the kill switch quoted", { config: { AFK_KILL_SWITCH: "off" } }, "/config/AFK_KILL_SWITCH"],
    ["the app id quoted", { github: { appId: "1234567" } }, "/github/appId"],
    ["ingress switched on with a word", { ingress: { enabled: "yes please" } }, "/ingress/enabled"],
  ])("rejects %s", (_name, override, path) => {
    expect(schemaErrors(mergeValues(defaults, override)).join("\n")).toContain(path);
  });

  it("reads on/off unquoted as booleans, as Helm's YAML 1.1 does", () => {
    expect(parseYaml("AFK_KILL_SWITCH: off")).toEqual({ AFK_KILL_SWITCH: false });
    expect(schemaErrors(mergeValues(defaults, { config: parseYaml("AFK_KILL_SWITCH: off") as Values }))).toEqual([]);
  });

  it("finds an unknown key in an override (the check can fail)", () => {
    expect(toUnknownKeys({ ingres: { enabled: true }, config: { AFK_KILLSWITCH: "off" } })).toEqual([
      "ingres",
      "config.AFK_KILLSWITCH",
    ]);
    expect(toUnknownKeys({ podAnnotations: { a: "b" }, resources: { limits: { cpu: "1" } } })).toEqual([]);
  });
});

describe("values.yaml and the templates", () => {
  it("uses in the templates only paths that values.yaml has", () => {
    expect(usedPaths.size).toBeGreaterThan(20);
    const missing = [...usedPaths].filter((path) => lookup(defaults, path) === undefined);
    expect(missing).toEqual([]);
  });

  it("has no value that no template uses", () => {
    const isUsed = (leaf: string) => [...usedPaths].some((path) => leaf === path || leaf.startsWith(`${path}.`));
    expect(toLeaves(defaults).filter((leaf) => !isUsed(leaf))).toEqual([]);
    expect(isUsed("not.a.value")).toBe(false);
  });

  it("includes only helpers that _helpers.tpl defines, and defines none it does not use", () => {
    const helpers = readChartFile("templates/_helpers.tpl");
    const defined = new Set([...helpers.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((match) => match[1]));
    const included = new Set(
      templates.flatMap(({ text }) =>
        [...text.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)].map((match) => match[1] ?? ""),
      ),
    );
    expect(defined.size).toBeGreaterThan(3);
    expect([...included].filter((name) => !defined.has(name))).toEqual([]);
    expect([...defined].filter((name) => name !== undefined && !included.has(name))).toEqual([]);
    const otherDefines = templates.filter(({ file, text }) => file !== "_helpers.tpl" && /\bdefine\s+"/.test(text));
    expect(otherDefines.map(({ file }) => file)).toEqual([]);
  });

  it("includes template files by a path that exists", () => {
    const byPath = templates.flatMap(({ text }) =>
      [...text.matchAll(/include \(print \$\.Template\.BasePath "\/([^"]+)"\)/g)].map((match) => match[1] ?? ""),
    );
    expect(byPath.length).toBeGreaterThan(0);
    for (const file of byPath) expect(templateFiles()).toContain(file);
  });
});

// afk's variables the chart sets itself or leaves to Kubernetes, rather than in `config`.
const NOT_IN_CONFIG: Record<string, string> = {
  T3_TOKEN_FILE: "the chart mounts the T3 token from the Secret and points this at it",
  KUBERNETES_SERVICE_HOST: "the kubelet sets it in every pod",
  KUBERNETES_SERVICE_PORT: "the kubelet sets it in every pod",
  AFK_KUBE_TOKEN_FILE: "its default is where the kubelet mounts the service account token",
  AFK_KUBE_CA_FILE: "its default is where the kubelet mounts the cluster's CA",
  AFK_CONFIG_FILE: "the ConfigMap's variables replace the file",
};

describe("config: afk's own variables", () => {
  const config = defaults.config as Values;
  const isSecret = (name: string) => {
    const field = FIELDS[name as keyof typeof FIELDS];
    return "secret" in field && field.secret === true;
  };

  it("holds every non-secret variable of afk's table but those the chart sets otherwise", () => {
    const expected = VARIABLE_NAMES.filter((name) => !isSecret(name) && !(name in NOT_IN_CONFIG));
    expect(Object.keys(config).sort()).toEqual([...expected].sort());
    for (const name of Object.keys(NOT_IN_CONFIG)) expect(VARIABLE_NAMES).toContain(name);
  });

  it("holds no secret and no Probot variable (those have their own values)", () => {
    const probot: readonly string[] = PROBOT_VARIABLES;
    expect(Object.keys(config).filter((name) => isSecret(name) || probot.includes(name))).toEqual([]);
  });

  it("defaults each variable to afk's own default (true/false for on/off)", () => {
    for (const [name, value] of Object.entries(config)) {
      const fallback = FIELDS[name as keyof typeof FIELDS].fallback ?? "";
      const expected =
        fallback === "on" ? true : fallback === "off" ? false : /^\d+$/.test(fallback) ? Number(fallback) : fallback;
      expect({ name, value }).toEqual({ name, value: expected });
    }
  });
});
