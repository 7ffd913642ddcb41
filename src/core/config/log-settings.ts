// How afk logs, from Probot's own variables (LOG_LEVEL, LOG_FORMAT, LOG_LEVEL_IN_STRING,
// LOG_MESSAGE_KEY, SENTRY_DSN), with Probot's meaning: JSON in production unless
// LOG_FORMAT says otherwise, pretty elsewhere. afk builds the logger itself (so that it
// redacts), so it reads them itself, and refuses a value Probot would have refused.

import type { ConfigError, ConfigResult } from "./config-errors.js";
import { toShownValue } from "./config-errors.js";

export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = "json" | "pretty";

export interface LogSettings {
  readonly level: LogLevel;
  readonly format: LogFormat;
  /** Levels as words (`"info"`) instead of numbers in JSON lines. */
  readonly levelInString: boolean;
  readonly messageKey: string;
  readonly sentryDsn: string | null;
}

type Env = Readonly<Record<string, string | undefined>>;

function isLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function toFormat(text: string): LogFormat | null {
  return text === "json" || text === "pretty" ? text : null;
}

export function toLogSettings(env: Env): ConfigResult<LogSettings> {
  const errors: ConfigError[] = [];
  const levelText = present(env, "LOG_LEVEL") ?? "info";
  const level = isLevel(levelText) ? levelText : null;
  if (level === null)
    errors.push({
      variable: "LOG_LEVEL",
      value: toShownValue(levelText),
      problem: "unknown level",
      accepted: LOG_LEVELS.join(", "),
    });
  const formatText = present(env, "LOG_FORMAT") ?? (env.NODE_ENV === "production" ? "json" : "pretty");
  const format = toFormat(formatText);
  if (format === null)
    errors.push({
      variable: "LOG_FORMAT",
      value: toShownValue(formatText),
      problem: "unknown format",
      accepted: "json or pretty",
    });
  if (level === null || format === null) return { ok: false, errors };
  return {
    ok: true,
    config: {
      level,
      format,
      levelInString: env.LOG_LEVEL_IN_STRING === "true",
      messageKey: present(env, "LOG_MESSAGE_KEY") ?? "msg",
      sentryDsn: present(env, "SENTRY_DSN") ?? null,
    },
  };
}
