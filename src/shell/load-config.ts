// Builds the operator configuration from an env-like object and the optional
// AFK_CONFIG_FILE (JSON or YAML, same keys; environment values win). In production it
// also refuses what Probot would silently accept (production-rules.ts).

import type { OperatorConfig } from "../core/config/config-types.js";
import { parseOperatorConfig } from "../core/config/config.js";
import { formatConfigErrors } from "../core/config/config-errors.js";
import { toProductionErrors } from "../core/config/production-rules.js";
import { readConfigFile } from "./read-config-file.js";

export type LoadedConfig =
  { readonly ok: true; readonly config: OperatorConfig } | { readonly ok: false; readonly message: string };

export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  read?: (path: string) => string,
): LoadedConfig {
  const path = env.AFK_CONFIG_FILE;
  let file: Readonly<Record<string, unknown>> | undefined;
  if (path !== undefined && path !== "") {
    const result = readConfigFile(path, read);
    if (!result.ok) return { ok: false, message: result.message };
    file = result.values;
  }
  const parsed = parseOperatorConfig(env, file);
  const production = toProductionErrors({ nodeEnv: env.NODE_ENV, webhookSecret: env.WEBHOOK_SECRET });
  const errors = [...(parsed.ok ? [] : parsed.errors), ...production];
  if (!parsed.ok || errors.length > 0) return { ok: false, message: formatConfigErrors(errors) };
  return { ok: true, config: parsed.config };
}
