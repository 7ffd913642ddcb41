// What a configuration error says, and how it is printed. afk stops at start on any of
// them (DESIGN section 9), so each must let an operator fix the value without reading
// code: which variable or key, what was wrong with the value, what is accepted.

import { toBounded } from "../run/limits.js";

export interface ConfigError {
  /** The variable (operator) or the key path (repo, e.g. `budgets.ci_minutes`). */
  readonly variable: string;
  /** The value as given, bounded; secrets only as their length; null when unset. */
  readonly value: string | null;
  readonly problem: string;
  readonly accepted: string;
}

export type ConfigResult<T> =
  { readonly ok: true; readonly config: T } | { readonly ok: false; readonly errors: readonly ConfigError[] };

const SHOWN_LIST = "(a list)";
const SHOWN_MAPPING = "(a mapping)";

/** Values are shown in full up to this length: enough to spot a typo, never a dump. */
export const SHOWN_VALUE_MAX_CHARS = 200;

/** A secret is never shown, only its length, which is enough to spot an empty paste. */
export function toRedacted(secret: string): string {
  return `(secret, ${toCharacters(secret.length)})`;
}

/** For a value that may be a misspelt secret: its length only. */
export function toHidden(value: string): string {
  return `(hidden, ${toCharacters(value.length)})`;
}

function toCharacters(count: number): string {
  return count === 1 ? "1 character" : `${count} characters`;
}

export function toShownValue(value: string): string {
  return toBounded(value, SHOWN_VALUE_MAX_CHARS);
}

/** A value that is not text, in words: never serialized whole, as YAML can build cycles. */
export function toShownStructure(value: unknown): string {
  if (Array.isArray(value)) return SHOWN_LIST;
  if (typeof value === "object" && value !== null) return SHOWN_MAPPING;
  return String(value);
}

/** One line per error; a value in words (redacted, a list, a mapping) is printed without quotes. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map(formatConfigError).join("\n");
}

function formatConfigError(error: ConfigError): string {
  const shown =
    error.value === null ? " (unset)" : isInWords(error.value) ? `=${error.value}` : `=${JSON.stringify(error.value)}`;
  return `${error.variable}${shown}: ${error.problem}; accepted: ${error.accepted}`;
}

function isInWords(value: string): boolean {
  return value === SHOWN_LIST || value === SHOWN_MAPPING || /^\((secret|hidden), \d+ characters?\)$/.test(value);
}

/**
 * The known name closest to a misspelt one, if any is close enough to be a likely typo;
 * failing that, a known name the misspelt one extends (`woodpecker_repo` → `woodpecker`).
 */
export function toClosestName(name: string, known: readonly string[]): string | null {
  const wanted = name.toUpperCase();
  let best: { name: string; distance: number } | null = null;
  for (const candidate of known) {
    const distance = toEditDistance(wanted, candidate.toUpperCase());
    if (best === null || distance < best.distance) best = { name: candidate, distance };
  }
  if (best !== null && best.distance <= Math.max(2, Math.floor(best.name.length / 4))) return best.name;
  const extended = known.filter((candidate) => wanted.startsWith(candidate.toUpperCase()));
  return extended.sort((a, b) => b.length - a.length)[0] ?? null;
}

/** Levenshtein distance, one row at a time (indices stay inside the rows by construction). */
export function toEditDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** The suggestion part of an "unknown" problem. */
export function toUnknownProblem(what: string, name: string, known: readonly string[]): string {
  const closest = toClosestName(name, known);
  return closest === null ? `unknown ${what}` : `unknown ${what}; did you mean ${closest}?`;
}
