// Gathers each operator variable's raw value from the environment and the optional file,
// before any validation. The environment wins over the file; an empty value (or an empty
// list) counts as unset. Names that look like afk's but are not are reported here,
// because a typo must never fall back to a default silently.

import {
  toHidden,
  toRedacted,
  toShownStructure,
  toShownValue,
  toUnknownProblem,
  type ConfigError,
} from "./config-errors.js";
import { toListItems } from "./config-field.js";
import { FIELDS, isVariableName, PROBOT_VARIABLES, VARIABLE_NAMES, type VariableName } from "./config-variables.js";

export type RawValue =
  | { readonly kind: "text"; readonly text: string }
  /** Only from the file: a YAML or JSON array of strings. */
  | { readonly kind: "items"; readonly items: readonly string[] };

export interface RawValues {
  readonly values: ReadonlyMap<VariableName, RawValue>;
  readonly errors: readonly ConfigError[];
}

type Env = Readonly<Record<string, string | undefined>>;
type FileValues = Readonly<Record<string, unknown>>;
type FileRaw =
  | { readonly kind: "unset" }
  | { readonly kind: "value"; readonly raw: RawValue }
  | { readonly kind: "error"; readonly problem: string; readonly shown: string };

export function toRawValues(env: Env, file: FileValues): RawValues {
  const errors: ConfigError[] = [...toUnknownEnvErrors(env), ...toUnknownFileErrors(file)];
  const values = new Map<VariableName, RawValue>();
  for (const name of VARIABLE_NAMES) {
    const fromEnv = env[name]?.trim() ?? "";
    if (fromEnv !== "") {
      values.set(name, { kind: "text", text: fromEnv });
      continue;
    }
    if (!Object.hasOwn(file, name)) continue;
    const fromFile = toFileRaw(name, file[name]);
    if (fromFile.kind === "value") values.set(name, fromFile.raw);
    if (fromFile.kind === "error") {
      errors.push({
        variable: name,
        value: toShown(name, fromFile.shown),
        problem: fromFile.problem,
        accepted: FIELDS[name].accepted,
      });
    }
  }
  return { values, errors };
}

/** The value as an error may show it: bounded, and a secret only as its length. */
export function toShown(name: VariableName, text: string): string {
  const field = FIELDS[name];
  return "secret" in field && field.secret === true ? toRedacted(text) : toShownValue(text);
}

export function toRawText(raw: RawValue): string {
  return raw.kind === "text" ? raw.text : raw.items.join(",");
}

function toFileRaw(name: VariableName, value: unknown): FileRaw {
  const field = FIELDS[name];
  if (value === null || value === undefined) return { kind: "unset" };
  if ("envOnly" in field && field.envOnly === true) {
    return { kind: "error", problem: "only read from the environment, not from the file", shown: toFileText(value) };
  }
  if (typeof value === "string") return toTextRaw(value.trim());
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
    return toTextRaw(String(value));
  if (Array.isArray(value)) return toItemsRaw(value);
  return { kind: "error", problem: "neither text, a number, a boolean nor a list", shown: toFileText(value) };
}

function toTextRaw(text: string): FileRaw {
  return text === "" ? { kind: "unset" } : { kind: "value", raw: { kind: "text", text } };
}

function toItemsRaw(value: readonly unknown[]): FileRaw {
  if (!value.every((item): item is string => typeof item === "string")) {
    return { kind: "error", problem: "a list whose items are not all text", shown: toFileText(value) };
  }
  const items = value.flatMap(toListItems);
  return items.length === 0 ? { kind: "unset" } : { kind: "value", raw: { kind: "items", items } };
}

function toFileText(value: unknown): string {
  if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value.join(",");
  return toShownStructure(value);
}

/**
 * In the environment only `AFK_*` names and case slips of afk's names are afk's business;
 * like a known one, an unknown variable that is empty counts as unset.
 */
function toUnknownEnvErrors(env: Env): ConfigError[] {
  const upperKnown = new Set(VARIABLE_NAMES.map((name) => name.toUpperCase()));
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== "")
    .filter(
      ([key]) => !isVariableName(key) && (key.toUpperCase().startsWith("AFK_") || upperKnown.has(key.toUpperCase())),
    )
    .map(([key, value]) => toUnknownError(key, value));
}

/** The file holds afk's variables only (and Probot's, which the shell hands on). */
function toUnknownFileErrors(file: FileValues): ConfigError[] {
  const probot: readonly string[] = PROBOT_VARIABLES;
  return Object.keys(file)
    .filter((key) => !isVariableName(key) && !probot.includes(key))
    .map((key) => toUnknownError(key, toFileText(file[key])));
}

/** The value of an unknown name is hidden: it may be a misspelt secret. */
function toUnknownError(name: string, value: string): ConfigError {
  return {
    variable: name,
    value: toHidden(value),
    problem: toUnknownProblem("variable", name, VARIABLE_NAMES),
    accepted: "one of afk's variables (see the configuration table in the README)",
  };
}
