// Malformed input for the forged-and-malformed suites (issue 8): a valid payload with one
// field afk relies on broken (deleted, or given a value of another type), and noise
// sprinkled elsewhere: prototype-pollution keys, deep nesting, megabyte strings, hostile
// unicode. Because one field afk needs is always broken, a correct afk ignores every
// such payload: any side effect is a bug, not the generator's luck.

import fc from "fast-check";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Path = readonly (string | number)[];

/** Keys that reach `Object.prototype` when code copies or merges objects carelessly. */
export const POLLUTING_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];
const MB = 1024 * 1024;
export const GITHUB_READ_KEYS = [
  "label",
  "sender",
  "installation",
  "full_name",
  "id",
  "number",
  "context",
  "target_url",
];
/** What Bolt reads of a body to route it (helpers.getTypeAndConversation, App.processEvent) and afk of an event. */
export const SLACK_READ_KEYS = [
  "event",
  "item",
  "channel",
  "channel_id",
  "user",
  "actions",
  "command",
  "name",
  "view",
  "response_url",
  "response_urls",
  "authorizations",
  "is_enterprise_install",
  "team_id",
  "enterprise_id",
  "message",
  "previous_message",
  "assistant_thread",
  "subtype",
  "thread_ts",
  "function_data",
];

/** JSON keeps `__proto__` as an own key only when it is defined, never when assigned. */
function withKey(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** `depth` objects (or arrays) inside each other: what a recursive reader chokes on. */
export function deeplyNested(depth: number, asArrays = false): Json {
  let value: Json = "bottom";
  for (let level = 0; level < depth; level += 1) value = asArrays ? [value] : { a: value };
  return value;
}

/** An object whose own keys are the polluting names, each holding an object that would pollute. */
export function pollutingObject(): Json {
  const target: Record<string, unknown> = {};
  for (const key of POLLUTING_KEYS) withKey(target, key, { polluted: true, isAdmin: true, login: "attacker" });
  return target as Json;
}

const hostileText = fc.constantFrom(
  "\u0000nul",
  "\u202Eevil-rtl",
  "line\u2028separator",
  "😀🚀👩‍👩‍👧‍👦",
  "\uD800lone-surrogate",
  "<script>alert(1)</script>",
  "{{constructor.constructor('return process')()}}",
  "../../../../etc/passwd",
  "%s%n%x",
);

/** Strings from a few bytes to megabytes, in every unicode plane. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 3, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom(1, 2).map((mb) => "é".repeat((mb * MB) / 2)) },
);

/** Any JSON value, the strange ones weighted up. */
export const anyValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -0, "", [], {}) },
  { weight: 3, arbitrary: anyText },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 3_000 }).map((depth) => deeplyNested(depth)) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 3_000 }).map((depth) => deeplyNested(depth, true)) },
  { weight: 1, arbitrary: fc.constant(null).map(() => pollutingObject()) },
);

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isSafeInteger(value) && value > 0 ? "id" : "number";
  return typeof value;
}

/** A value of another kind than `original` (a positive integer id stays "wrong" as any other number). */
export function aWrongValue(original: unknown): fc.Arbitrary<Json> {
  const kind = kindOf(original);
  const sameKindWrong = kind === "id" ? fc.constantFrom<Json>(0, -3, 2.5, 2 ** 60) : fc.constant<Json>(null);
  return fc.oneof(
    anyValue.filter((value) => kindOf(value) !== kind && kindOf(value) !== "null"),
    sameKindWrong,
  );
}

export function readPath(root: unknown, path: Path): unknown {
  let here = root;
  for (const key of path) here = (here as Record<string | number, unknown> | null | undefined)?.[key];
  return here;
}

/** Sets (or, with `undefined`, deletes) the value at `path` in place. */
export function writePath(root: Json, path: Path, value: Json | undefined): void {
  const parent = readPath(root, path.slice(0, -1)) as Record<string | number, unknown> | null;
  const key = path.at(-1);
  if (parent === null || typeof parent !== "object" || key === undefined) return;
  if (value === undefined) delete parent[key];
  else withKey(parent as Record<string, unknown>, String(key), value);
}

export interface Breakage {
  /** The field afk relies on that is broken. */
  readonly path: Path;
  /** Deleted when undefined. */
  readonly value: Json | undefined;
}

/** Breaks one of the `required` paths of `base`: deleted, or a value of another kind. */
export function aBreakage(base: Json, required: readonly Path[]): fc.Arbitrary<Breakage> {
  return fc.constantFrom(...required).chain((path) =>
    fc.oneof(
      fc.constant<Breakage>({ path, value: undefined }),
      aWrongValue(readPath(base, path)).map((value): Breakage => ({ path, value })),
    ),
  );
}

export interface Noise {
  /** Where the noise goes: a path to an object of the payload (the root when empty). */
  readonly at: Path;
  readonly key: string;
  readonly value: Json;
}

/** Extra keys anywhere: polluting names, field names afk or its libraries read, and odd ones, holding any value. */
export function aNoise(
  objectPaths: readonly Path[],
  readKeys: readonly string[] = GITHUB_READ_KEYS,
): fc.Arbitrary<Noise> {
  const key = fc.oneof(
    fc.constantFrom(...POLLUTING_KEYS),
    fc.constantFrom(...readKeys),
    fc.string({ unit: "binary", maxLength: 12 }),
  );
  return fc.record({ at: fc.constantFrom(...objectPaths), key, value: anyValue });
}

/** Every path (below `maxDepth`) of `root` that holds a plain object, the root included. */
export function objectPaths(root: Json, maxDepth = 3): Path[] {
  const found: Path[] = [];
  const walk = (value: Json, path: Path): void => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    found.push(path);
    if (path.length >= maxDepth) return;
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key]);
  };
  walk(root, []);
  return found;
}

/** `base` with the breakage applied, then the noise (noise never repairs the broken field). */
export function toMalformed(base: Json, breakage: Breakage, noise: readonly Noise[]): Json {
  const payload = structuredClone(base);
  for (const { at, key, value } of noise) {
    const target = readPath(payload, at);
    if (target !== null && typeof target === "object" && !Array.isArray(target))
      withKey(target as Record<string, unknown>, key, value);
  }
  writePath(payload, breakage.path, breakage.value);
  return payload;
}
