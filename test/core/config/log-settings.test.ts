import { describe, expect, it } from "vitest";
import { toLogSettings } from "../../../src/core/config/log-settings.js";

describe("toLogSettings", () => {
  it.each([
    [{ NODE_ENV: "production" }, "json"],
    [{ NODE_ENV: "production", LOG_FORMAT: "pretty" }, "pretty"],
    [{ NODE_ENV: "production", LOG_FORMAT: "" }, "json"],
    [{}, "pretty"],
    [{ LOG_FORMAT: "json" }, "json"],
  ])("%j logs %s (JSON is production's default)", (env, format) => {
    const settings = toLogSettings(env);
    expect(settings.ok && settings.config.format).toBe(format);
  });

  it("defaults as Probot does: info, numbers for levels, msg, no Sentry", () => {
    expect(toLogSettings({})).toEqual({
      ok: true,
      config: { level: "info", format: "pretty", levelInString: false, messageKey: "msg", sentryDsn: null },
    });
  });

  it("reads every variable Probot reads", () => {
    const env = {
      LOG_LEVEL: "debug",
      LOG_LEVEL_IN_STRING: "true",
      LOG_MESSAGE_KEY: "message",
      SENTRY_DSN: "https://k@s.io/1",
    };
    expect(toLogSettings(env)).toMatchObject({
      ok: true,
      config: { level: "debug", levelInString: true, messageKey: "message", sentryDsn: "https://k@s.io/1" },
    });
  });

  it.each([
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ LOG_FORMAT: "xml" }, "LOG_FORMAT"],
  ])("refuses %j, naming %s", (env, variable) => {
    const settings = toLogSettings(env);
    expect(settings.ok ? [] : settings.errors.map((error) => error.variable)).toEqual([variable]);
  });

  it("refuses an unknown level and an unknown format, naming both", () => {
    const settings = toLogSettings({ LOG_LEVEL: "loud", LOG_FORMAT: "xml" });
    expect(settings.ok).toBe(false);
    if (!settings.ok) expect(settings.errors.map((error) => error.variable)).toEqual(["LOG_LEVEL", "LOG_FORMAT"]);
  });
});
