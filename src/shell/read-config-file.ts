// Reads the optional operator configuration file (AFK_CONFIG_FILE): JSON or YAML with the
// same keys as the environment variables. Parsing only; validation is the core's.

import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

export type ConfigFileResult =
  | { readonly ok: true; readonly values: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly message: string };

export function readConfigFile(
  path: string,
  read: (path: string) => string = (p) => readFileSync(p, "utf8"),
): ConfigFileResult {
  let text: string;
  try {
    text = read(path);
  } catch (error) {
    return {
      ok: false,
      message: `AFK_CONFIG_FILE="${path}": cannot be read (${(error as Error).message}); accepted: a readable JSON or YAML file`,
    };
  }
  let parsed: unknown;
  try {
    // YAML is a superset of JSON: one parser reads both.
    parsed = parseYaml(text);
  } catch (error) {
    return {
      ok: false,
      message: `AFK_CONFIG_FILE="${path}": not valid JSON or YAML (${(error as Error).message.split("\n")[0]}); accepted: a mapping of variable names to values`,
    };
  }
  if (parsed === null || parsed === undefined) return { ok: true, values: {} };
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    return {
      ok: false,
      message: `AFK_CONFIG_FILE="${path}": the top level is not a mapping; accepted: a mapping of variable names to values`,
    };
  }
  return { ok: true, values: parsed as Record<string, unknown> };
}
