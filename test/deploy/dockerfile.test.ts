// The image, checked without a Docker engine: the Dockerfile is parsed and held to the
// rules of issue 11 (Node 24 slim, non-root, health check, production install only) and
// to what afk reads at run time, derived from package.json, Probot and src.

import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, posix, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { isIgnored, parseDockerignore } from "./support/dockerignore.js";
import { only, parseDockerfile, toCopies, toEnv, toExecForm, toWorkdir, type Stage } from "./support/dockerfile.js";

const ROOT = resolve(import.meta.dirname, "../..");
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const stages = parseDockerfile(read("Dockerfile"));
const final = stages.at(-1) as Stage;
const pkg = JSON.parse(read("package.json")) as {
  type?: string;
  main?: string;
  bin?: string | Record<string, string>;
  scripts: Record<string, string>;
};
const ignore = parseDockerignore(read(".dockerignore"));

/** Paths in the final image relative to its WORKDIR, as copied there (node_modules by npm ci). */
function toImagePaths(stage: Stage): string[] {
  const workdir = toWorkdir(stage);
  const copied = toCopies(stage).flatMap(({ sources, destination }) => {
    const target = posix.resolve(workdir, destination);
    const intoFolder = destination.endsWith("/") || sources.length > 1;
    return sources.map((source) => (intoFolder ? posix.join(target, posix.basename(source)) : target));
  });
  const installed = only(stage, "RUN").some(({ args }) => /\bnpm ci\b/.test(args)) ? [`${workdir}/node_modules`] : [];
  return [...copied, ...installed].map((path) => posix.relative(workdir, path));
}

const imagePaths = toImagePaths(final);

/** Whether a path relative to the app folder lies in something the final image holds. */
function isInImage(path: string): boolean {
  const normal = posix.normalize(path).replace(/^\.\//, "");
  return imagePaths.some((held) => normal === held || normal.startsWith(`${held}/`));
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

const BASE_IMAGE = /^node:24(?:\.\d+){0,2}(?:-(?:bookworm|trixie))?-slim$/;

describe("the Dockerfile", () => {
  it("builds on Node 24 slim in every stage, in at least two stages", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.image).toMatch(BASE_IMAGE);
    expect(BASE_IMAGE.test("node:22-slim") || BASE_IMAGE.test("node:24")).toBe(false);
  });

  it("installs every dependency and builds in an earlier stage, from the outDir tsc writes", () => {
    const build = stages.find((stage) => toCopies(final).some((copy) => copy.from === stage.name));
    expect(build).toBeDefined();
    const runs = only(build as Stage, "RUN").map((run) => run.args);
    expect(runs.some((run) => /\bnpm ci\b/.test(run) && !/--omit=dev|--production/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm run build\b/.test(run))).toBe(true);
    const outDir = (JSON.parse(read("tsconfig.build.json")) as { compilerOptions: { outDir: string } }).compilerOptions
      .outDir;
    const fromBuild = toCopies(final).filter((copy) => copy.from === build?.name);
    const sources = fromBuild.flatMap((copy) =>
      copy.sources.map((source) => posix.relative(toWorkdir(build as Stage), source)),
    );
    expect(sources).toContain(outDir);
  });

  it("never installs dev dependencies or builds in the final stage", () => {
    const runs = only(final, "RUN").map((run) => run.args);
    const installs = runs.filter((run) => /\bnpm (ci|install|i)\b/.test(run));
    expect(installs.length).toBeGreaterThan(0);
    for (const install of installs) expect(install).toMatch(/--omit=dev\b/);
    for (const run of runs) expect(run).not.toMatch(/\bnpm run build\b|\btsc\b/);
  });

  it("skips install scripts only because no production package has one", () => {
    const lock = JSON.parse(read("package-lock.json")) as {
      packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }>;
    };
    const withScripts = Object.entries(lock.packages)
      .filter(([, entry]) => entry.hasInstallScript === true && entry.dev !== true)
      .map(([name]) => name);
    const skips = only(final, "RUN").some((run) => /--ignore-scripts\b/.test(run.args));
    expect(skips ? withScripts : []).toEqual([]);
  });

  it("runs as a numeric non-root user from the user switch to the end", () => {
    const users = only(final, "USER");
    const last = users.at(-1);
    expect(last?.args).toMatch(/^\d+(?::\d+)?$/);
    expect(Number(last?.args.split(":")[0])).toBeGreaterThan(0);
    const lastRun = Math.max(...only(final, "RUN").map((run) => run.line));
    expect(last?.line ?? 0).toBeGreaterThan(lastRun);
  });

  it("sets the production environment and exposes the port it listens on", () => {
    const env = toEnv(final);
    expect(env).toMatchObject({ HOST: "0.0.0.0", LOG_FORMAT: "json", NODE_ENV: "production", PORT: "3000" });
    expect(only(final, "EXPOSE").flatMap((expose) => expose.args.split(/\s+/))).toContain(env.PORT);
    expect(toEnv(parseDockerfile('FROM x\nENV A=1 B="two words"\nENV C 3')[0] as Stage)).toEqual({
      A: "1",
      B: "two words",
      C: "3",
    });
  });

  it("checks health with Node itself on /healthz of the loopback address", () => {
    const [healthcheck] = only(final, "HEALTHCHECK");
    const command = toExecForm(healthcheck?.args.replace(/^(?:--\S+\s+)*CMD\s+/, "") ?? "");
    expect(command?.[0]).toBe("node");
    expect(command?.join(" ")).toMatch(/http:\/\/127\.0\.0\.1:.*\/healthz/);
  });

  it("starts afk as `npm start` does, without the build and without npm in between", () => {
    const [cmd] = only(final, "CMD");
    const words = toExecForm(cmd?.args ?? "") ?? [];
    const started = /^node (\S+)$/.exec(pkg.scripts.start ?? "")?.[1];
    expect(started).toBeDefined();
    expect(words).toEqual(["node", started]);
    expect(isInImage(started ?? "")).toBe(true);
  });

  it("has an init process as PID 1 so that SIGTERM stops node", () => {
    const [entrypoint] = only(final, "ENTRYPOINT");
    const init = toExecForm(entrypoint?.args ?? "")?.[0] ?? "";
    expect(init).toMatch(/\/(tini|dumb-init)$/);
    const name = posix.basename(init);
    expect(only(final, "RUN").some((run) => run.args.includes(`install`) && run.args.includes(name))).toBe(true);
  });
});

describe("what afk reads at run time is in the final image", () => {
  it("holds package.json, whose type makes dist/*.js ES modules", () => {
    expect(pkg.type).toBe("module");
    expect(isInImage("package.json")).toBe(true);
  });

  it("holds package.json's main and bin entries and the app `npm start` runs", () => {
    const bins = typeof pkg.bin === "string" ? [pkg.bin] : Object.values(pkg.bin ?? {});
    const started = /^node (\S+)$/.exec(pkg.scripts.start ?? "")?.[1];
    const entries = [pkg.main, started, ...bins].filter((entry): entry is string => entry !== undefined);
    expect(entries.length).toBeGreaterThanOrEqual(2);
    for (const entry of entries) expect({ entry, inImage: isInImage(entry) }).toEqual({ entry, inImage: true });
  });

  it("holds every file Probot reads from its working folder, except .env (kept out of the context)", () => {
    const probotLib = join(ROOT, "node_modules/probot/lib");
    const names = new Set(
      listFiles(probotLib)
        .filter((file) => file.endsWith(".js"))
        .flatMap((file) => [...readFileSync(file, "utf8").matchAll(/process\.cwd\(\),\s*"([^"]+)"/g)])
        .map((match) => match[1] ?? ""),
    );
    expect([...names].sort()).toEqual(expect.arrayContaining(["package.json"]));
    for (const name of names) {
      if (name === ".env") expect(isIgnored(ignore, name)).toBe(true);
      else expect({ name, inImage: isInImage(name) }).toEqual({ name, inImage: true });
    }
  });

  it("holds every top-level file that src names (read at run time) and no asset tsc would not emit", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).split("\n");
    const topLevel = new Set(tracked.filter((path) => path !== "" && !path.includes("/")));
    const sources = listFiles(join(ROOT, "src"));
    const named = new Set(
      sources
        .filter((file) => file.endsWith(".ts"))
        .flatMap((file) => [...readFileSync(file, "utf8").matchAll(/["'`]((?:\.\.?\/)*)([\w.-]+)["'`]/g)])
        .map((match) => match[2] ?? "")
        .filter((name) => topLevel.has(name)),
    );
    for (const name of named) expect({ name, inImage: isInImage(name) }).toEqual({ name, inImage: true });
    const assets = sources.filter((file) => !file.endsWith(".ts")).map((file) => relative(ROOT, file));
    for (const asset of assets) expect({ asset, inImage: isInImage(asset) }).toEqual({ asset, inImage: true });
  });

  it("holds the files src finds next to its own modules (import.meta, createRequire)", () => {
    const located = listFiles(join(ROOT, "src"))
      .filter((file) => file.endsWith(".ts"))
      .filter((file) => /import\.meta\.(url|dirname|filename)|createRequire/.test(readFileSync(file, "utf8")));
    for (const file of located) {
      const compiled = posix.join("dist", posix.dirname(relative(join(ROOT, "src"), file)));
      const targets = [...readFileSync(file, "utf8").matchAll(/["'`](\.\.?\/[^"'`]+)["'`]/g)]
        .map((match) => match[1] ?? "")
        .filter((target) => !target.endsWith(".js"))
        .map((target) => posix.join(compiled, target));
      for (const target of targets) expect({ target, inImage: isInImage(target) }).toEqual({ target, inImage: true });
    }
  });

  it("tells a copied path from one left out (the check can fail)", () => {
    expect(isInImage("dist/main.js")).toBe(true);
    expect(isInImage("src/main.ts")).toBe(false);
    expect(isInImage("test")).toBe(false);
  });
});

describe(".dockerignore", () => {
  it.each([
    ".git/HEAD",
    "node_modules/probot/package.json",
    "src/node_modules/x.js",
    "dist/main.js",
    "coverage/coverage-summary.json",
    "reports/vitest.json",
    "test-results/status.png",
    ".env",
    ".env.production",
    "deploy/.env",
    "afk.2026-01-01.private-key.pem",
    "secrets/app.pem",
    "npm-debug.log",
  ])("keeps %s out of the build context", (path) => {
    expect(isIgnored(ignore, path)).toBe(true);
  });

  it("keeps in every file the build copies from the context, and all of src", () => {
    const fromContext = stages.flatMap((stage) => toCopies(stage).filter((copy) => copy.from === null));
    const tracked = execFileSync("git", ["ls-files", "src"], { cwd: ROOT, encoding: "utf8" }).split("\n");
    const needed = [...fromContext.flatMap((copy) => copy.sources), ...tracked.filter((path) => path !== "")];
    expect(needed.length).toBeGreaterThan(5);
    for (const path of needed) expect({ path, ignored: isIgnored(ignore, path) }).toEqual({ path, ignored: false });
  });

  it("follows Docker's rules: last match wins, ! re-includes, top-level unless **/", () => {
    const rules = parseDockerignore("*.md\n!README.md\n**/*.pem\ndist\n");
    expect(isIgnored(rules, "CHANGES.md")).toBe(true);
    expect(isIgnored(rules, "README.md")).toBe(false);
    expect(isIgnored(rules, "docs/CHANGES.md")).toBe(false);
    expect(isIgnored(rules, "a/b/key.pem")).toBe(true);
    expect(isIgnored(rules, "dist/x/y.js")).toBe(true);
    expect(isIgnored(rules, "distro.js")).toBe(false);
  });
});
