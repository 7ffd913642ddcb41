// afk (or any Probot app) as a child process, started the way the Docker image starts it:
// `node dist/main.js` (another app: `node node_modules/probot/bin/probot.js run <app>`) with
// the image's ENV, read from the Dockerfile's last stage (NODE_ENV=production,
// LOG_FORMAT=json, NODE_OPTIONS with V8's heap sizes, …), on 127.0.0.1: what is measured
// is what ships. Benchmarks drive it from
// outside through its HTTP server and the fakes; crash and chaos tests reuse it to stop,
// SIGKILL and restart afk against the same fakes (the port is kept, so a fake connected to
// the webhook URL keeps delivering to the new process).
//
// The child runs in an empty folder holding only package.json and app.yml, so that no
// `.env` of the developer's changes it, and gets only the environment it is given (PATH
// aside): nothing leaks in from the parent's.

import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseDockerfile, toEnv } from "../deploy/support/dockerfile.js";
import { toFreePort } from "./free-port.js";
import { WEBHOOK_PATH } from "./sign-delivery.js";

export const ROOT = resolve(import.meta.dirname, "../..");
const PROBOT = join(ROOT, "node_modules", "probot", "bin", "probot.js");
/** afk's entry point, as `npm start` and the image run it (after `npm run build`). */
export const AFK_MAIN = join(ROOT, "dist", "main.js");
/** The image's ENV (the Dockerfile's last stage), minus HOST and PORT, which the child gets per start. */
export const IMAGE_ENV: Readonly<Record<string, string>> = toImageEnv(readFileSync(join(ROOT, "Dockerfile"), "utf8"));

function toImageEnv(dockerfile: string): Record<string, string> {
  const runtime = parseDockerfile(dockerfile).at(-1);
  if (runtime === undefined) throw new Error("the Dockerfile has no stage");
  const { HOST: _host, PORT: _port, ...env } = toEnv(runtime);
  return env;
}
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 5_000;

export interface ChildAfkOptions {
  /** Another Probot app for `probot run` to load; afk itself (`node dist/main.js`) when absent. */
  readonly app?: string;
  /** The environment (Probot's and afk's variables); PATH, HOST, PORT and the image's ENV are added. */
  readonly env: Readonly<Record<string, string>>;
  /** A fixed port; a free one when absent. Kept across restarts. */
  readonly port?: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Every child still running: none outlives the process that started it. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** One afk process at a time; `restart` replaces it on the same port. */
export class ChildAfk {
  readonly port: number;
  readonly #app: string;
  readonly #env: Readonly<Record<string, string>>;
  readonly #cwd: string;
  #child: ChildProcess | null = null;
  #exited: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  #output = "";
  #allOutput = "";
  #startedAt = 0;

  private constructor(options: ChildAfkOptions, port: number) {
    this.port = port;
    this.#app = options.app ?? AFK_MAIN;
    this.#env = options.env;
    this.#cwd = mkdtempSync(join(tmpdir(), "afk-child-"));
    copyFileSync(join(ROOT, "package.json"), join(this.#cwd, "package.json"));
    copyFileSync(join(ROOT, "app.yml"), join(this.#cwd, "app.yml"));
  }

  /** Starts the process and resolves once it answers `GET /ping`. */
  static async start(options: ChildAfkOptions): Promise<ChildAfk> {
    const app = options.app ?? AFK_MAIN;
    if (!existsSync(app)) throw new Error(`${app} is missing: run \`npm run build\` first`);
    const afk = new ChildAfk(options, options.port ?? (await toFreePort()));
    await afk.#spawn();
    return afk;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where Probot takes webhook deliveries. */
  get webhookUrl(): string {
    return `${this.url}${WEBHOOK_PATH}`;
  }

  /** The running process's id; null when none runs. */
  get pid(): number | null {
    return this.#child?.exitCode === null && this.#child.signalCode === null ? (this.#child.pid ?? null) : null;
  }

  /** When the current process was spawned (epoch ms). */
  get startedAt(): number {
    return this.#startedAt;
  }

  /** stdout and stderr of the current process, interleaved as they came. */
  get output(): string {
    return this.#output;
  }

  /** stdout and stderr of every process this handle started. */
  get allOutput(): string {
    return this.#allOutput;
  }

  /** The current process's JSON log lines (LOG_FORMAT=json); other lines are skipped. */
  logLines(): Record<string, unknown>[] {
    return this.#output.split("\n").flatMap((line) => {
      if (!line.startsWith("{")) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch (error) {
        void error; // A line cut by a SIGKILL is no log line.
        return [];
      }
    });
  }

  /** Resolves once the current process printed `text`; rejects when it exits first or the time is up. */
  async waitForOutput(text: string | RegExp, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const seen = (): boolean => (typeof text === "string" ? this.#output.includes(text) : text.test(this.#output));
    while (!seen()) {
      if (this.pid === null) throw new Error(`afk exited before printing ${String(text)}:\n${this.#output}`);
      if (Date.now() > deadline)
        throw new Error(`afk did not print ${String(text)} in ${timeoutMs} ms:\n${this.#output}`);
      await sleep(20);
    }
  }

  /** Resident set size of the current process, in bytes (Linux /proc). */
  rssBytes(): number {
    const pid = this.pid;
    if (pid === null) throw new Error("afk is not running");
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return Number(match?.[1] ?? 0) * 1024;
  }

  /** SIGTERM, then SIGKILL if it has not exited in time. Resolves with how it exited. */
  async stop(): Promise<Exit> {
    if (this.pid === null) return this.#exited;
    this.#child?.kill("SIGTERM");
    const timer = setTimeout(() => this.#child?.kill("SIGKILL"), STOP_TIMEOUT_MS);
    try {
      return await this.#exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL: a crash, with no chance to finish anything. */
  async kill(): Promise<Exit> {
    if (this.pid !== null) this.#child?.kill("SIGKILL");
    return this.#exited;
  }

  /** Stops (or SIGKILLs, with `crash`) the process and starts a new one on the same port. */
  async restart(options: { readonly crash?: boolean } = {}): Promise<void> {
    await (options.crash === true ? this.kill() : this.stop());
    await this.#spawn();
  }

  /** Stops the process and removes its folder. */
  async close(): Promise<void> {
    await this.stop();
    rmSync(this.#cwd, { recursive: true, force: true });
  }

  async #spawn(): Promise<void> {
    this.#output = "";
    this.#startedAt = Date.now();
    // afk's entry runs Probot itself (`node dist/main.js`, as `npm start` and the image do);
    // any other app is loaded by `probot run`.
    const args = this.#app === AFK_MAIN ? [this.#app] : [PROBOT, "run", this.#app];
    const child = spawn(process.execPath, args, {
      cwd: this.#cwd,
      env: { PATH: process.env.PATH ?? "", ...IMAGE_ENV, ...this.#env, HOST: "127.0.0.1", PORT: String(this.port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.#child = child;
    running.add(child);
    this.#exited = new Promise((done) =>
      child.on("exit", (code, signal) => {
        running.delete(child);
        done({ code, signal });
      }),
    );
    const capture = (chunk: Buffer): void => {
      const text = chunk.toString();
      this.#output += text;
      this.#allOutput += text;
    };
    child.stdout?.on("data", capture);
    child.stderr?.on("data", capture);
    await this.#waitReady();
  }

  async #waitReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (this.pid === null) throw new Error(`afk exited while starting:\n${this.#output}`);
      const answer = await fetch(`${this.url}/ping`, { signal: AbortSignal.timeout(1_000) }).then(
        async (response) => (response.ok ? await response.text() : null),
        () => null,
      );
      if (answer === "PONG") return;
      if (Date.now() > deadline)
        throw new Error(`afk did not answer /ping in ${READY_TIMEOUT_MS} ms:\n${this.#output}`);
      await sleep(25);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
