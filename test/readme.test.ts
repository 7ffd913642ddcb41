// The README stays true: its configuration table is exactly what the parser reads.
// To refresh it after changing a variable: UPDATE_README=1 npx vitest run test/readme.test.ts

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES } from "../src/core/config/config-variables.js";
import { renderConfigTable } from "../src/core/config/render-config-table.js";

const README = resolve(import.meta.dirname, "..", "README.md");
const START = "<!-- config-table:start -->";
const END = "<!-- config-table:end -->";

function readTable(text: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  return text.slice(start + START.length, end).trim();
}

describe("README", () => {
  it("documents every configuration variable, its default and meaning", () => {
    const text = readFileSync(README, "utf8");
    const expected = renderConfigTable(CONFIG_VARIABLES);
    if (process.env.UPDATE_README === "1") {
      const start = text.indexOf(START);
      const end = text.indexOf(END);
      writeFileSync(README, `${text.slice(0, start + START.length)}\n${expected}\n${text.slice(end)}`);
      return;
    }
    expect(readTable(text)).toBe(expected);
  });

  it("shows the two commands: run it and test it", () => {
    const text = readFileSync(README, "utf8");
    expect(text).toContain("npm ci && npm start");
    expect(text).toContain("npm test");
  });

  it.each(["ready-for-agent", "afk:in-progress", "ready-for-human", "priority:N"])("names the label %s", (label) => {
    expect(readFileSync(README, "utf8")).toContain(`\`${label}\``);
  });

  it("renders a secret's meaning with a warning and escapes pipes", () => {
    const table = renderConfigTable([
      { name: "AFK_KILL_SWITCH", default: "a|b", meaning: "x\n<y>" },
      { name: "T3_TOKEN", default: "", meaning: "token", secret: true },
    ]);
    expect(table).toContain("| `AFK_KILL_SWITCH` | `a\\|b` | x &lt;y&gt; |");
    expect(table).toContain("| `T3_TOKEN` | — | token (secret: never logged) |");
  });
});

describe("README's .github/afk.yml example", () => {
  it("is a valid repo configuration that uses every key", async () => {
    const { parse } = await import("yaml");
    const { parseOperatorConfig } = await import("../src/core/config/config.js");
    const { parseRepoConfig } = await import("../src/core/config/repo-config.js");
    const text = readFileSync(README, "utf8");
    const block = /<!-- afk-yml-example:start -->\n```yaml\n([\s\S]*?)```\n<!-- afk-yml-example:end -->/.exec(text);
    expect(block).not.toBeNull();
    const operator = parseOperatorConfig({
      WOODPECKER_URL: "https://ci.example.com",
      WOODPECKER_TOKEN: "t",
      AFK_KUBE_API_URL: "https://kube.example.com",
    });
    if (!operator.ok) throw new Error("operator config");
    const repo = parseRepoConfig(parse(block?.[1] ?? ""), operator.config);
    expect(repo).toMatchObject({ ok: true, clamped: [] });
    if (repo.ok) {
      expect(repo.config.requiredChecks).toEqual(["test", "lint"]);
      expect(repo.config.woodpeckerRepo).toBe("acme/widgets-deploy");
      expect(repo.config.rollout).toMatchObject({ kind: "kubernetes", deployment: "widgets" });
      expect(repo.config.budgets.fixForwardTurns).toBe(1);
    }
  });
});

// ---------------------------------------------------------------------------
// The operator's guide (issue 11): what it names exists.

/** The text between `<!-- name:start -->` and `<!-- name:end -->`. */
function block(text: string, name: string): string {
  const start = text.indexOf(`<!-- ${name}:start -->`);
  const end = text.indexOf(`<!-- ${name}:end -->`);
  if (start < 0 || end < start) throw new Error(`README.md has no ${name} block`);
  return text.slice(start, end);
}

/** The fenced code of a block. */
function fenced(text: string, name: string): string {
  const match = /```\w*\n([\s\S]*?)```/.exec(block(text, name));
  if (match === null) throw new Error(`the ${name} block has no code`);
  return (match[1] ?? "").replace(/^ {3}/gm, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function toAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

describe("README's operator's guide", () => {
  const text = readFileSync(README, "utf8");

  it("links only to headings that exist", () => {
    const prose = text.replace(/```[\s\S]*?```/g, "");
    const anchors = new Set([...prose.matchAll(/^#{1,6} (.+)$/gm)].map((match) => toAnchor(match[1] ?? "")));
    const links = [...text.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1] ?? "");
    expect(links.length).toBeGreaterThan(10);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });

  it("links only to files that exist in the repository (the status page's picture included)", () => {
    const targets = [...text.matchAll(/\]\(((?!https?:|#|\.\.\/)[^)\s]+)\)/g)].map((match) => match[1] ?? "");
    expect(targets).toContain("docs/status.png");
    expect(targets.filter((target) => !existsSync(resolve(README, "..", target)))).toEqual([]);
  });

  it.each(["A webhook never arrived", "A run is stuck", "The doorbell stays silent", "An issue is not picked up"])(
    "has a troubleshooting entry: %s",
    (entry) => {
      expect(text).toContain(`### ${entry}`);
    },
  );

  it("names the readiness checks /readyz makes", async () => {
    const { READINESS_CHECKS } = await import("../src/core/health/decide-readiness.js");
    for (const check of READINESS_CHECKS) expect(text).toContain(`| \`${check}\` |`);
  });
});

describe("README's metrics table", () => {
  it("lists exactly afk's metrics, each with its type", async () => {
    const { AfkMetrics } = await import("../src/shell/metrics/afk-metrics.js");
    const registry = new AfkMetrics().registry;
    const actual = Object.fromEntries(
      (await registry.getMetricsAsJSON())
        .filter((metric) => metric.name.startsWith("afk_"))
        .map((metric) => [metric.name, String(metric.type)]),
    );
    const rows = [...block(readFileSync(README, "utf8"), "metrics").matchAll(/^\| `(afk_\w+)` \| (\w+) \|/gm)];
    const documented = Object.fromEntries(rows.map((row) => [row[1] ?? "", row[2] ?? ""]));
    expect(documented).toEqual(actual);
  });
});

describe("README's endpoints table", () => {
  /** `METHOD /path` of every endpoint the table names. */
  function documentedEndpoints(): [string, string][] {
    const table = block(readFileSync(README, "utf8"), "endpoints");
    return [...table.matchAll(/`(GET|POST) (\/[^`\s]*)`/g)].map((match) => [match[1] ?? "", match[2] ?? ""]);
  }

  /** Probot's own routes, found in Probot's sources (the test server runs without them). */
  const PROBOT_ROUTES: Readonly<Record<string, string>> = {
    "/ping": "node_modules/probot/lib/server/handlers/ping.js",
    "/probot": "node_modules/probot/lib/apps/setup.js",
  };

  it("names every endpoint afk serves", () => {
    const paths = documentedEndpoints().map(([, path]) => path);
    for (const path of ["/api/github/webhooks", "/slack/events", "/status", "/status.json", "/status/login"])
      expect(paths).toContain(path);
    for (const path of ["/healthz", "/readyz", "/metrics"]) expect(paths).toContain(path);
  });

  it.each(Object.entries(PROBOT_ROUTES))("Probot serves %s", (path, file) => {
    expect(readFileSync(resolve(README, "..", file), "utf8")).toContain(`"${path}"`);
  });

  it("each of afk's endpoints answers on a running afk (armed, with Slack and the status page), none 404", async () => {
    const { startHarness } = await import("./e2e/harness.js");
    const h = await startHarness({ config: { statusToken: "readme-status-token-0123456789" }, slack: {} });
    try {
      await h.settle();
      const answers: Record<string, number> = {};
      for (const [method, path] of documentedEndpoints()) {
        if (path in PROBOT_ROUTES) continue;
        const response = await fetch(`${h.baseUrl}${path}`, { method, ...(method === "POST" ? { body: "{}" } : {}) });
        await response.arrayBuffer();
        answers[`${method} ${path}`] = response.status;
      }
      expect(Object.keys(answers).length).toBeGreaterThanOrEqual(9);
      expect(Object.entries(answers).filter(([, status]) => status === 404)).toEqual([]);
    } finally {
      await h.close();
    }
  });
});

describe("README's Helm example", () => {
  const text = readFileSync(README, "utf8");

  it("is valid against the chart's values.schema.json and uses only keys values.yaml knows", async () => {
    const { Ajv } = await import("ajv");
    const { mergeValues, parseYaml, readChartFile } = await import("./deploy/support/chart.js");
    const defaults = parseYaml(readChartFile("values.yaml")) as Record<string, unknown>;
    const override = parseYaml(fenced(text, "helm-values-example")) as Record<string, unknown>;
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readChartFile("values.schema.json")) as object);
    expect(validate(mergeValues(defaults, override)), JSON.stringify(validate.errors)).toBe(true);
    const unknown = (values: Record<string, unknown>, known: Record<string, unknown>, at: string): string[] =>
      Object.entries(values).flatMap(([key, value]) => {
        const inner = known[key];
        if (!(key in known)) return [`${at}${key}`];
        const isMap = (v: unknown): v is Record<string, unknown> =>
          typeof v === "object" && v !== null && !Array.isArray(v);
        return isMap(value) && isMap(inner) && Object.keys(inner).length > 0
          ? unknown(value, inner, `${at}${key}.`)
          : [];
      });
    expect(unknown(override, defaults, "")).toEqual([]);
  });

  it("creates the Secret the rendered chart reads, with the keys it reads", async () => {
    const { parseYaml, renderChart } = await import("./deploy/support/chart.js");
    const { deploymentOf } = await import("./deploy/support/manifests.js");
    const override = parseYaml(fenced(text, "helm-values-example")) as Record<string, unknown>;
    const pod = deploymentOf(renderChart(override)).spec.template.spec as unknown as {
      containers: { env: { valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] }[];
      volumes: { secret?: { secretName: string; items: { key: string }[] } }[];
    };
    const refs = [
      ...pod.containers.flatMap((container) => container.env.flatMap((env) => env.valueFrom?.secretKeyRef ?? [])),
      ...pod.volumes.flatMap((volume) =>
        volume.secret === undefined
          ? []
          : volume.secret.items.map((item) => ({ name: volume.secret?.secretName ?? "", key: item.key })),
      ),
    ];
    const command = fenced(text, "helm-secret-example");
    const name = /create secret generic (\S+)/.exec(command)?.[1];
    const keys = [...command.matchAll(/--from-(?:file|literal)=([\w.-]+)=/g)].map((match) => match[1]);
    expect(new Set(refs.map((ref) => ref.name))).toEqual(new Set([name]));
    expect(new Set(keys)).toEqual(new Set(refs.map((ref) => ref.key)));
  });
});
