// The built `afk doctor` as an operator runs it: the package's `bin` as a child process
// against the fakes, a `.env` file read the way `probot run` reads it, and `npm run
// doctor` from the files the image holds (no src, no TypeScript), as the Helm chart's
// NOTES tell operators to run it in the pod.

import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ROOT, startDoctorWorld, toWrites, type DoctorWorld } from "./doctor-world.js";

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(command: string, args: readonly string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? "", HOME: cwd, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
const BIN = join(ROOT, pkg.bin["afk-doctor"] ?? "");
const reportLines = (stdout: string): string[] => stdout.split("\n").filter((line) => /^[✓✗–] /.test(line));

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\``);
});

describe("the afk-doctor bin", () => {
  let world: DoctorWorld;
  beforeEach(async () => {
    world = await startDoctorWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it("passes every check against the fakes, exits 0, only reads, and prints no secret", async () => {
    const result = await run(process.execPath, [BIN], world.dir, world.env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = reportLines(result.stdout);
    expect(lines).toHaveLength(17);
    expect(lines.every((line) => line.startsWith("✓ "))).toBe(true);
    expect(toWrites(world)).toEqual([]);
    for (const secret of world.secrets) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it("reads a .env file in the working directory over the environment, as npm start does, and exits 1 on a failure", async () => {
    writeFileSync(join(world.dir, ".env"), "SLACK_CHANNEL=C0ELSEWHERE\n");
    const result = await run(process.execPath, [BIN], world.dir, world.env);
    expect(result.code).toBe(1);
    expect(reportLines(result.stdout).filter((line) => line.startsWith("✗"))).toEqual([
      "✗ Slack: the bot cannot see SLACK_CHANNEL C0ELSEWHERE. Fix: set SLACK_CHANNEL to the channel's id (e.g. C0123ABCD, at the bottom of the channel's details) and invite the bot, which a private channel needs before the bot can see it.",
    ]);
  });

  it("runs as `npm run doctor` from the image's files alone, without building", async () => {
    // What the Dockerfile's final stage holds: package.json, app.yml, dist/, production node_modules.
    const image = join(world.dir, "image");
    mkdirSync(image);
    cpSync(join(ROOT, "package.json"), join(image, "package.json"));
    cpSync(join(ROOT, "app.yml"), join(image, "app.yml"));
    symlinkSync(join(ROOT, "dist"), join(image, "dist"), "dir");
    symlinkSync(join(ROOT, "node_modules"), join(image, "node_modules"), "dir");
    const result = await run("npm", ["run", "doctor"], image, {
      ...world.env,
      NPM_CONFIG_CACHE: join(world.dir, "npm-cache"),
      NPM_CONFIG_UPDATE_NOTIFIER: "false",
    });
    expect(result.code).toBe(0);
    expect(reportLines(result.stdout)).toHaveLength(17);
    // npm echoes each script it runs: predoctor skipped the build, as there is no src.
    expect(result.stdout).toContain("> [ ! -d src ] || npm run build");
    expect(result.stdout).not.toContain("> tsc");
    expect(pkg.scripts.doctor).toBe("node dist/doctor/main.js");
  });
});
