// The final stage of the Dockerfile, played without Docker: its COPY instructions are
// carried out into an empty folder (node_modules linked from this checkout, standing in
// for `npm ci --omit=dev`), and its CMD is run there with its ENV. afk must start from
// those files alone and write nothing beside them (the root filesystem is read-only).
// The HEALTHCHECK command is run against stub servers.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join, posix, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toFreePort } from "../support/free-port.js";
import { only, parseDockerfile, toCopies, toEnv, toExecForm, toWorkdir, type Stage } from "./support/dockerfile.js";

const ROOT = resolve(import.meta.dirname, "../..");
const stages = parseDockerfile(readFileSync(join(ROOT, "Dockerfile"), "utf8"));
const final = stages.at(-1) as Stage;
let app = "";

/** Carries out the final stage's COPY instructions into `target`, from this checkout. */
function assembleFinalStage(target: string): void {
  const workdir = toWorkdir(final);
  for (const { from, sources, destination } of toCopies(final)) {
    const stage = from === null ? null : stages.find((candidate) => candidate.name === from);
    if (from !== null && stage === undefined) throw new Error(`COPY --from=${from}: no such stage`);
    const into = posix.relative(workdir, posix.resolve(workdir, destination));
    for (const source of sources) {
      const inCheckout = stage ? posix.relative(toWorkdir(stage), posix.resolve(toWorkdir(stage), source)) : source;
      const intoFolder = destination.endsWith("/") || sources.length > 1;
      const path = join(target, intoFolder ? posix.join(into, posix.basename(inCheckout)) : into);
      cpSync(join(ROOT, inCheckout), path, { recursive: true });
    }
  }
  if (only(final, "RUN").some((run) => /\bnpm ci\b/.test(run.args))) {
    symlinkSync(join(ROOT, "node_modules"), join(target, "node_modules"), "dir");
  }
}

function listTree(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === "node_modules") return [entry];
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? [entry, ...listTree(path).map((sub) => `${entry}/${sub}`)] : [entry];
  });
}

const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "main.js"))) throw new Error("dist/main.js is missing: run `npm run build`");
  app = mkdtempSync(join(tmpdir(), "afk-image-"));
  assembleFinalStage(app);
});

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(app, { recursive: true, force: true });
});

describe("the final image, played without Docker", () => {
  it("starts afk with its CMD and ENV from the copied files alone, and writes nothing there", async () => {
    const before = listTree(app);
    const port = await toFreePort();
    const [command = "", ...args] = toExecForm(only(final, "CMD")[0]?.args ?? "") ?? [];
    expect(command).toBe("node");
    const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    const child = spawn(process.execPath, args, {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? "",
        ...toEnv(final),
        HOME: "/nonexistent",
        // Loopback only in tests; the image listens on 0.0.0.0.
        HOST: "127.0.0.1",
        PORT: String(port),
        APP_ID: "1",
        PRIVATE_KEY: privateKey,
        WEBHOOK_SECRET: "image-start-test-secret",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 15_000;
    let answer: string | null = null;
    while (answer === null && Date.now() < deadline && child.exitCode === null) {
      answer = await fetch(`http://127.0.0.1:${port}/ping`).then(
        (response) => response.text(),
        () => null,
      );
      if (answer === null) await new Promise((done) => setTimeout(done, 100));
    }
    expect({ answer, exitCode: child.exitCode }, output).toEqual({ answer: "PONG", exitCode: null });
    // What the HEALTHCHECK and the chart's probes ask: alive, and (disarmed) ready without outside checks.
    const probe = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: await response.text() };
    };
    expect(await probe("/healthz")).toEqual({ status: 200, body: "ok\n" });
    expect(await probe("/readyz")).toMatchObject({ status: 200, body: expect.stringMatching(/^ready \(disarmed/) });
    expect(await probe("/metrics")).toMatchObject({ status: 200, body: expect.stringContaining("afk_runs{") });
    // JSON logs, as LOG_FORMAT=json asks.
    const firstLine = output.split("\n").find((line) => line.trim() !== "") ?? "";
    expect(() => JSON.parse(firstLine) as unknown, output).not.toThrow();
    expect(listTree(app)).toEqual(before);
  });
});

describe("the HEALTHCHECK command", () => {
  const servers: Server[] = [];
  afterAll(() => servers.forEach((server) => server.close()));

  async function serve(status: number): Promise<number> {
    const server = createServer((request, response) => {
      response.writeHead(request.url === "/healthz" ? status : 404).end();
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  }

  async function runHealthcheck(port: number): Promise<number | null> {
    const check = only(final, "HEALTHCHECK")[0]?.args.replace(/^(?:--\S+\s+)*CMD\s+/, "") ?? "";
    const [, ...args] = toExecForm(check) ?? [];
    // Asynchronous: the stub server answers from this very process.
    const child = spawn(process.execPath, args, { env: { PORT: String(port) }, stdio: "ignore" });
    return new Promise((done) => child.on("exit", (code) => done(code)));
  }

  it("passes when /healthz answers 200", async () => {
    expect(await runHealthcheck(await serve(200))).toBe(0);
  });

  it("fails when /healthz answers 503", async () => {
    expect(await runHealthcheck(await serve(503))).toBe(1);
  });

  it("fails when nothing listens", async () => {
    expect(await runHealthcheck(await toFreePort())).toBe(1);
  });

  it("is valid JavaScript for the Node of this machine", () => {
    const check = only(final, "HEALTHCHECK")[0]?.args.replace(/^(?:--\S+\s+)*CMD\s+/, "") ?? "";
    const script = (toExecForm(check) ?? [])[2] ?? "";
    expect(spawnSync(process.execPath, ["--check", "-"], { input: script }).status).toBe(0);
  });
});
