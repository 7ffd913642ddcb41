import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { applyDotEnv } from "../../src/shell/dot-env.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function aFolder(dotEnv?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "afk-dotenv-"));
  dirs.push(dir);
  if (dotEnv !== undefined) writeFileSync(join(dir, ".env"), dotEnv);
  return dir;
}

describe("applyDotEnv", () => {
  it("applies .env over the environment, as Probot does", () => {
    const env: Record<string, string | undefined> = { APP_ID: "1", LOG_LEVEL: "info" };
    applyDotEnv(env, aFolder('APP_ID=42\nWEBHOOK_SECRET="from file"\n'));
    expect(env).toEqual({ APP_ID: "42", LOG_LEVEL: "info", WEBHOOK_SECRET: "from file" });
  });

  it("changes nothing without a .env file", () => {
    const env = { APP_ID: "1" };
    applyDotEnv(env, aFolder());
    expect(env).toEqual({ APP_ID: "1" });
  });
});
