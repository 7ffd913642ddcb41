import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/shell/load-config.js";
import { readConfigFile } from "../../src/shell/read-config-file.js";

const files: Record<string, string> = {
  "/etc/afk.yml":
    "AFK_KILL_SWITCH: off\nAFK_ALLOWLIST: [acme/widgets]\nT3_BASE_URL: http://t3.test\nT3_TOKEN_FILE: /run/t3-token\n",
  "/etc/afk.json": '{"AFK_SWEEP_INTERVAL_SECONDS": 120}',
  "/etc/empty.yml": "",
  "/etc/list.yml": "- a\n- b\n",
  "/etc/broken.yml": "a: [unclosed\n",
};

function read(path: string): string {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  return text;
}

describe("loadConfig", () => {
  it("is disarmed with no configuration at all", () => {
    const loaded = loadConfig({});
    expect(loaded.ok && loaded.config.killSwitch).toBe(true);
  });

  it("reads the YAML file named by AFK_CONFIG_FILE", () => {
    const loaded = loadConfig({ AFK_CONFIG_FILE: "/etc/afk.yml" }, read);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) expect(loaded.config).toMatchObject({ killSwitch: false, allowlist: ["acme/widgets"] });
  });

  it("lets the environment win over the file", () => {
    const loaded = loadConfig({ AFK_CONFIG_FILE: "/etc/afk.yml", AFK_KILL_SWITCH: "on" }, read);
    expect(loaded.ok && loaded.config.killSwitch).toBe(true);
  });

  it("reads a JSON file too", () => {
    const loaded = loadConfig({ AFK_CONFIG_FILE: "/etc/afk.json" }, read);
    expect(loaded.ok && loaded.config.sweepIntervalMs).toBe(120_000);
  });

  it.each([
    ["/etc/missing.yml", "cannot be read"],
    ["/etc/list.yml", "the top level is not a mapping"],
    ["/etc/broken.yml", "not valid JSON or YAML"],
  ])("stops with a message naming AFK_CONFIG_FILE for %s", (path, problem) => {
    const loaded = loadConfig({ AFK_CONFIG_FILE: path }, read);
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.message).toContain(`AFK_CONFIG_FILE="${path}"`);
      expect(loaded.message).toContain(problem);
    }
  });

  it("treats an empty file as no settings", () => {
    expect(readConfigFile("/etc/empty.yml", read)).toEqual({ ok: true, values: {} });
  });

  it("names a bad variable from the environment", () => {
    const loaded = loadConfig({ AFK_MAX_CONCURRENT_RUNS: "many" });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) expect(loaded.message).toContain("AFK_MAX_CONCURRENT_RUNS");
  });
});

describe("loadConfig in production", () => {
  const armed = { AFK_KILL_SWITCH: "off", AFK_ALLOWLIST: "acme/widgets" };

  it("refuses an unset WEBHOOK_SECRET together with every configuration error, in one message", () => {
    const loaded = loadConfig({ NODE_ENV: "production", ...armed });
    expect(loaded.ok).toBe(false);
    if (!loaded.ok) {
      expect(loaded.message).toContain("WEBHOOK_SECRET (unset): missing");
      expect(loaded.message).toContain("T3_BASE_URL (unset): missing");
      expect(loaded.message).toContain("T3_TOKEN (unset)");
    }
  });

  it("starts with a real secret and T3 settings", () => {
    const env = {
      NODE_ENV: "production",
      WEBHOOK_SECRET: "s3cr3t-value",
      ...armed,
      T3_BASE_URL: "http://t3",
      T3_TOKEN: "tok",
    };
    expect(loadConfig(env).ok).toBe(true);
  });
});
