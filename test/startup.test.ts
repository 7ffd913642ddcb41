// `npm start` runs `probot run ./dist/main.js` (the build comes first in `npm test`).
// These tests run that exact command in a child process, from an empty folder so that
// no `.env` of the developer's interferes, and with no route to the network.

import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { toFreePort } from "./support/free-port.js";

const ROOT = resolve(import.meta.dirname, "..");
const PROBOT = join(ROOT, "node_modules", "probot", "bin", "probot.js");
const MAIN = join(ROOT, "dist", "main.js");

interface Started {
  readonly child: ChildProcess;
  output: string;
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
let cwd = "";

function startAfk(env: Record<string, string>): Started {
  const child = spawn(process.execPath, [PROBOT, "run", MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? "", NO_SMEE_SETUP: "true", LOG_FORMAT: "json", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const started: Started = {
    child,
    output: "",
    exited: new Promise((done) => child.on("exit", (code) => done(code))),
  };
  child.stdout?.on("data", (chunk: Buffer) => (started.output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (started.output += chunk.toString()));
  return started;
}

async function waitFor(started: Started, text: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output.includes(text)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for "${text}"; output so far:\n${started.output}`);
    if (started.child.exitCode !== null)
      throw new Error(`exited ${started.child.exitCode} before "${text}":\n${started.output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function aPrivateKey(): string {
  return generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error("dist/main.js is missing: run `npm run build` (npm test does it first)");
  cwd = mkdtempSync(join(tmpdir(), "afk-start-"));
  copyFileSync(join(ROOT, "app.yml"), join(cwd, "app.yml"));
  copyFileSync(join(ROOT, "package.json"), join(cwd, "package.json"));
  return () => rmSync(cwd, { recursive: true, force: true });
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

describe("npm start (probot run ./dist/main.js)", () => {
  it("shows Probot's Register GitHub App page when there are no credentials", async () => {
    const port = await toFreePort();
    const afk = startAfk({ PORT: String(port) });
    await waitFor(afk, "Listening on");
    const response = await fetch(`http://127.0.0.1:${port}/probot`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("Register GitHub App");
  });

  it("starts disarmed by default and says so", async () => {
    const port = await toFreePort();
    const afk = startAfk({ PORT: String(port), APP_ID: "1", PRIVATE_KEY: aPrivateKey(), WEBHOOK_SECRET: "s3cret" });
    await waitFor(afk, "afk is disarmed: the kill switch is on");
    await waitFor(afk, "Listening on");
  });

  it.each([
    ["AFK_KILL_SWITCH", "maybe"],
    ["AFK_SWEEP_INTERVAL_SECONDS", "soon"],
    ["AFK_ALLOWLIST", "not a repo"],
  ])("stops with a message naming %s when its value is bad", async (name, value) => {
    const afk = startAfk({ APP_ID: "1", PRIVATE_KEY: aPrivateKey(), [name]: value });
    expect(await afk.exited).toBe(1);
    expect(afk.output).toContain("afk cannot start: the configuration is invalid.");
    expect(afk.output).toContain(name);
  });

  it("never prints a secret value it rejects", async () => {
    const token = "xoxb-very-secret-token-value";
    const afk = startAfk({ APP_ID: "1", PRIVATE_KEY: aPrivateKey(), SLACK_BOT_TOKEN: token });
    expect(await afk.exited).toBe(1);
    expect(afk.output).toContain("SLACK");
    expect(afk.output).not.toContain(token);
  });
});
