// values.schema.json and the parameter table of the chart's README are generated from
// values.yaml's `## @param` lines (`npm run helm:docs`). This test regenerates both from
// copies and fails when the committed files have drifted from values.yaml.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { CHART_DIR, readChartFile } from "./support/chart.js";

interface GeneratorOptions {
  values: string;
  readme?: string;
  schema?: string;
}
const { runReadmeGenerator } = createRequire(import.meta.url)("@bitnami/readme-generator-for-helm") as {
  runReadmeGenerator: (options: GeneratorOptions) => void;
};

const workdir = mkdtempSync(join(tmpdir(), "afk-helm-docs-"));
afterAll(() => rmSync(workdir, { recursive: true, force: true }));

/** Runs the generator on copies of values.yaml and README.md (optionally altered). */
function generate(alterValues: (text: string) => string = (text) => text): { readme: string; schema: string } {
  const values = join(workdir, "values.yaml");
  writeFileSync(values, alterValues(readChartFile("values.yaml")));
  copyFileSync(join(CHART_DIR, "README.md"), join(workdir, "README.md"));
  const quiet = vi.spyOn(console, "log").mockImplementation(() => undefined);
  try {
    runReadmeGenerator({ values, readme: join(workdir, "README.md"), schema: join(workdir, "values.schema.json") });
  } finally {
    quiet.mockRestore();
  }
  return {
    readme: readFileSync(join(workdir, "README.md"), "utf8"),
    schema: readFileSync(join(workdir, "values.schema.json"), "utf8"),
  };
}

describe("the chart's generated docs (npm run helm:docs)", () => {
  it("match values.yaml: README parameter table and values.schema.json", () => {
    const generated = generate();
    expect(generated.readme).toBe(readChartFile("README.md"));
    expect(generated.schema).toBe(readChartFile("values.schema.json"));
  });

  it("would differ after a change of values.yaml (the check can fail)", () => {
    const generated = generate((text) => text.replace("port: 80", "port: 8080"));
    expect(generated.readme).not.toBe(readChartFile("README.md"));
    expect(generated.schema).not.toBe(readChartFile("values.schema.json"));
  });

  it("refuses a value without a @param line", () => {
    expect(() => generate((text) => `${text}\nunannotated: 1\n`)).toThrow();
  });
});
