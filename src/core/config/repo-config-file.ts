// A repo's `.github/afk.yml` as afk read it from the default branch (the shell parses the
// YAML), judged by the rules of repo-config.ts. What is wrong is said in one line for the
// issue: each key, its problem, and the form afk accepts.

import type { OperatorConfig, RepoConfig } from "./config-types.js";
import { parseRepoConfig } from "./repo-config.js";
import type { ConfigError } from "./config-errors.js";

export type RepoConfigFileResult =
  { readonly ok: true; readonly config: RepoConfig } | { readonly ok: false; readonly problems: string };

function toProblem(error: ConfigError): string {
  const value = error.value === null ? "" : ` (${error.value})`;
  return `${error.variable}${value}: ${error.problem}; accepted: ${error.accepted}`;
}

/** The file as read: absent (null), not YAML (the parser's first line), or its parsed value. */
export type RepoConfigFile =
  | { readonly kind: "absent" }
  | { readonly kind: "not-yaml"; readonly message: string }
  | { readonly kind: "parsed"; readonly value: unknown };

/** The file's config, or what is wrong with it; no file at all is the operator's defaults. */
export function readRepoConfigFile(file: RepoConfigFile, operator: OperatorConfig): RepoConfigFileResult {
  if (file.kind === "not-yaml")
    return { ok: false, problems: `not valid YAML: ${file.message}; accepted: a YAML mapping of afk's keys` };
  const result = parseRepoConfig(file.kind === "absent" ? null : file.value, operator);
  if (!result.ok) return { ok: false, problems: result.errors.map(toProblem).join(" · ") };
  return { ok: true, config: result.config };
}
