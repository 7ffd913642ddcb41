// Helm's and Sprig's functions of the subset afk's chart uses, for go-template.ts.

import { createHash } from "node:crypto";
import { stringify } from "yaml";

export type Value = unknown;

/** Go's notion of truth (and Sprig's `empty`, negated). */
export function isTrue(value: Value): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** How Go prints a value: Sprig's toString, and "" for a missing value as Helm shows it. */
export function toText(value: Value): string {
  if (value === undefined) return "";
  if (value === null) return "<nil>";
  if (typeof value === "number") return toGoFloat(value);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * Helm reads every number in values as a float64, and Go prints a float64 (%v) in
 * exponent form from 1e6 on: a GitHub App id of 1234567 prints as 1.234567e+06 unless
 * the template converts it with int64 (which yields a bigint here).
 */
function toGoFloat(value: number): string {
  if (value === 0) return "0";
  const [digits = "", exponentText = "0"] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    return `${digits}e${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(value);
}

function indent(count: Value, text: Value): string {
  return String(text)
    .split("\n")
    .map((line) => " ".repeat(Number(count)) + line)
    .join("\n");
}

export const FUNCTIONS: Record<string, (...args: Value[]) => Value> = {
  default: (fallback, given) => (isTrue(given) ? given : fallback),
  trunc: (length, text) => String(text).slice(0, Number(length)),
  trimSuffix: (suffix, text) =>
    String(text).endsWith(String(suffix)) ? String(text).slice(0, -String(suffix).length || undefined) : text,
  contains: (part, text) => String(text).includes(String(part)),
  replace: (from, to, text) => String(text).split(String(from)).join(String(to)),
  printf: (format, ...args) => {
    let index = 0;
    return String(format).replace(/%[sdv%]/g, (verb) => (verb === "%%" ? "%" : toText(args[index++])));
  },
  print: (...args) => args.map(toText).join(""),
  quote: (...args) =>
    args
      .filter((arg) => arg !== null && arg !== undefined)
      .map((arg) => JSON.stringify(toText(arg)))
      .join(" "),
  toString: (value: Value) => (value === undefined ? "<nil>" : toText(value)),
  // Kubernetes reads YAML 1.1 (on/off/yes/no are booleans): quote like Helm's toYaml does.
  toYaml: (value) => stringify(value ?? null, { version: "1.1", indent: 2, lineWidth: 0 }).replace(/\n$/, ""),
  nindent: (count, text) => `\n${indent(count, text)}`,
  indent,
  sha256sum: (text) => createHash("sha256").update(String(text)).digest("hex"),
  required: (message, value) => {
    if (value === null || value === undefined || value === "") throw new Error(`required: ${toText(message)}`);
    return value;
  },
  join: (separator, list) => (Array.isArray(list) ? list.map(toText).join(String(separator)) : toText(list)),
  len: (value) => (typeof value === "string" || Array.isArray(value) ? value.length : Object.keys(value ?? {}).length),
  not: (value) => !isTrue(value),
  and: (...args) => args.find((arg) => !isTrue(arg)) ?? args.at(-1),
  or: (...args) => args.find((arg) => isTrue(arg)) ?? args.at(-1),
  eq: (first, ...others) => others.some((other) => strictEqual(first, other)),
  ne: (first, second) => !strictEqual(first, second),
  gt: (first, second) => compare(first, second) > 0,
  int64: (value) => BigInt(Math.trunc(Number(value))),
};

/** Go's eq: basic values of one kind only; comparing a string to a number is an error. */
function strictEqual(a: Value, b: Value): boolean {
  if (typeof a !== typeof b && a !== null && b !== null) throw new Error(`incompatible types for comparison`);
  return a === b;
}

function compare(a: Value, b: Value): number {
  if (typeof a !== "number" || typeof b !== "number") throw new Error("gt: numbers only");
  return a - b;
}
