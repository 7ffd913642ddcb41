// The README stays true: its configuration table is exactly what the parser reads.
// To refresh it after changing a variable: UPDATE_README=1 npx vitest run test/readme.test.ts

import { readFileSync, writeFileSync } from "node:fs";
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
