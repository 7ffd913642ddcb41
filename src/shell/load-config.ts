// Builds the operator configuration from an env-like object and the optional
// AFK_CONFIG_FILE (JSON or YAML, same keys; environment values win).

import type { OperatorConfig } from "../core/config/config-types.js";
import { parseOperatorConfig } from "../core/config/config.js";
import { formatConfigErrors } from "../core/config/config-errors.js";
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
  if (!parsed.ok) return { ok: false, message: formatConfigErrors(parsed.errors) };
  return { ok: true, config: parsed.config };
}
