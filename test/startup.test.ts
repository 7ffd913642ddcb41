// `npm start` runs `node dist/main.js` (the build comes first in `npm test`), which hands
// afk and its redacting logger to Probot's `run`. These tests run that exact command in a
// child process, from an empty folder so that no `.env` of the developer's interferes,
// and with no route to the network.

import { spawn, type ChildProcess } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { toFreePort } from "./support/free-port.js";

const ROOT = resolve(import.meta.dirname, "..");
const MAIN = join(ROOT, "dist", "main.js");

interface Started {
  readonly child: ChildProcess;
  output: string;
  readonly exited: Promise<number | null>;
}

const children: ChildProcess[] = [];
let cwd = "";

/** Starts afk with `env` over the defaults; a variable set to undefined is left unset. */
function startAfk(env: Record<string, string | undefined>): Started {
  const defaults = { PATH: process.env.PATH ?? "", NO_SMEE_SETUP: "true", LOG_FORMAT: "json", LOG_LEVEL: "info" };
  const merged = Object.entries({ ...defaults, ...env }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const child = spawn(process.execPath, [MAIN], {
    cwd,
    env: Object.fromEntries(merged),
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

describe("npm start (node dist/main.js)", () => {
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

describe("npm start in production (NODE_ENV=production)", () => {
  const production = { NODE_ENV: "production", APP_ID: "1", LOG_FORMAT: undefined };

  it.each([
    ["unset", undefined],
    ["Probot's `development` default", "development"],
  ])("refuses to start with WEBHOOK_SECRET %s, and says how to set it", async (_case, secret) => {
    const afk = startAfk({ ...production, PRIVATE_KEY: aPrivateKey(), WEBHOOK_SECRET: secret });
    expect(await afk.exited).toBe(1);
    expect(afk.output).toContain("afk cannot start: the configuration is invalid.");
    expect(afk.output).toMatch(/WEBHOOK_SECRET[ =].*Webhook secret/);
  });

  it("refuses to start armed without T3 settings, naming each", async () => {
    const armed = { AFK_KILL_SWITCH: "off", AFK_ALLOWLIST: "acme/widgets", WEBHOOK_SECRET: "a-real-secret" };
    const afk = startAfk({ ...production, PRIVATE_KEY: aPrivateKey(), ...armed });
    expect(await afk.exited).toBe(1);
    expect(afk.output).toContain("T3_BASE_URL (unset): missing");
    expect(afk.output).toContain("T3_TOKEN (unset): neither T3_TOKEN nor T3_TOKEN_FILE is set");
  });

  it("refuses to start without the app's id, naming APP_ID (no Register page in production)", async () => {
    const afk = startAfk({ ...production, APP_ID: undefined, WEBHOOK_SECRET: "a-real-secret" });
    expect(await afk.exited).toBe(1);
    expect(afk.output).toContain("afk cannot start: App ID is missing");
    expect(afk.output).toContain("APP_ID");
  });

  it("logs JSON without LOG_FORMAT, and no configured secret or credential header reaches a line", async () => {
    const port = await toFreePort();
    const privateKey = aPrivateKey();
    const secrets = {
      WEBHOOK_SECRET: "startup-webhook-secret-8c1f",
      AFK_STATUS_TOKEN: "startup-status-token-5e2a9d",
      SLACK_BOT_TOKEN: "xoxb-startup-slack-token-77",
      SLACK_SIGNING_SECRET: "startup-signing-secret-31",
      SLACK_CHANNEL: "C0AFK",
    };
    const afk = startAfk({
      ...production,
      PORT: String(port),
      PRIVATE_KEY: privateKey,
      LOG_LEVEL: "debug",
      ...secrets,
    });
    await waitFor(afk, "Listening on");
    const signature = "sha256=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issues",
        "x-github-delivery": "d-1",
        "x-hub-signature-256": signature,
        // A careless client sending a secret where it does not belong.
        "x-note": secrets.WEBHOOK_SECRET,
      },
      body: "{}",
    });
    const status = await fetch(`http://127.0.0.1:${port}/status.json`, {
      headers: { authorization: `Bearer ${secrets.AFK_STATUS_TOKEN}`, cookie: "afk_status=session-cookie-value" },
    });
    expect(status.status).toBe(200);
    await waitFor(afk, "/status.json");
    const lines = afk.output.split("\n").filter((line) => line.trim() !== "");
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    const values = [
      ...Object.values(secrets).filter((value) => value.length > 8),
      privateKey.split("\n")[1] ?? "",
      signature,
    ];
    for (const value of [...values, "session-cookie-value"]) expect(afk.output).not.toContain(value);
    expect(afk.output).toContain("[redacted]");
  });
});
