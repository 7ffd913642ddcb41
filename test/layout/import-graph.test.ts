// The house's walls (CONTRIBUTING.md): no import circle anywhere in src, type-only
// imports included (ESLint's import-x/no-cycle skips those). A circle means two
// concepts that cannot be read apart.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = resolve(import.meta.dirname, "../../src");

function listTs(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return listTs(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import or re-export of a file, type-only ones included, as absolute .ts paths. */
function toImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)\.js"/g)].map((match) => match[1] ?? "");
  return specs.map((spec) => resolve(dirname(file), `${spec}.ts`));
}

/** The first circle found by a depth-first walk, as a list of paths, or null. */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === "done") return null;
    if (state.get(node) === "open") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "open");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle !== null) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle !== null) return cycle;
  }
  return null;
}

describe("the layout of src", () => {
  const files = listTs(SRC);
  const graph = new Map(files.map((file) => [file, toImports(file)]));

  it("finds a circle when there is one (the check can fail)", () => {
    expect(
      findCycle(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
        ]),
      ),
    ).toEqual(["a", "b", "c", "a"]);
    expect(
      findCycle(
        new Map([
          ["a", ["b"]],
          ["b", []],
        ]),
      ),
    ).toBeNull();
  });

  it("has no import circle, type-only imports included", () => {
    const cycle = findCycle(graph);
    expect(cycle?.map((file) => relative(SRC, file)) ?? null).toBeNull();
  });
});
