// The knobs every in-memory twin shares (STYLE: "a value and a failure knob per call",
// habit 14: "calls fail half-way"). A twin runs each port call through `Knobs.run`,
// which records it and lets a test, per method (or "*" for all of a twin's methods):
// - `fail`: answer a failure instead; the world is not touched;
// - `failAfterApply`: apply the call, then answer a failure (GitHub applied the write
//   and the answer timed out: real systems fail between two calls);
// - `value`: answer this value instead; the world is not touched (a system that says
//   yes and does nothing, or a read that shows what the test wants);
// - `hold`: the call waits until the test releases it (a slow system). A held call
//   reads and acts on the world as it is at release, as a server does when it answers.
//
// Every knob covers a window of calls: `nth` (1 = the next matching call after the knob
// is set) and `times` (default 1; `Infinity` for every one), optionally only calls whose
// arguments match `when`. A knob counts every matching call, including calls another
// knob answered: "the 3rd call from now" means the 3rd. The first effect knob set wins.
// No timers: everything settles in microtasks, so tests stay fast and deterministic.

import { failure, ok, type ErrorCategory, type PortError, type Result, type System } from "../../ports/result.js";

/** The twins' default clock when a test passes none: a fixed instant, never the real time. */
export const TWIN_EPOCH_MS = Date.UTC(2026, 0, 1);

export type CallKind = "read" | "write";

/** A category (a realistic error for the twin's system is made up), `timeout` (transient, no status), or an exact error. */
export type FailureSpec = ErrorCategory | "timeout" | PortError;

export interface KnobWindow {
  /** The first matching call the knob applies to, counted from when it is set (1 = the next). */
  readonly nth?: number;
  /** How many matching calls in a row it applies to; default 1, `Infinity` for all. */
  readonly times?: number;
  /** Only calls whose arguments match count. */
  readonly when?: (args: readonly unknown[]) => boolean;
}

export interface CallRecord {
  /** 1-based order among all calls to this twin. */
  readonly seq: number;
  readonly method: string;
  readonly args: readonly unknown[];
  readonly kind: CallKind;
  /** What a knob did to the call. */
  injected: "fail" | "fail-after-apply" | "value" | null;
  held: boolean;
  /** True when the twin acted on its world (and the world's own answer was a success). */
  applied: boolean;
  /** The answer; undefined while the call is held. */
  result: Result<unknown> | undefined;
}

export interface Hold {
  /** Lets every call waiting on this hold go on; later calls are no longer held. */
  release(): void;
  /** Calls waiting now. */
  readonly waiting: number;
  /** Resolves once at least one call waits here. */
  arrived(): Promise<void>;
}

/** The success value of a port method, for `value`. */
export type ValueOf<F> = F extends (...args: never[]) => Promise<Result<infer T>> ? T : never;

/** The method names of a port that answer a Result. */
export type ResultMethods<Api> = {
  [K in keyof Api]: Api[K] extends (...args: never[]) => Promise<Result<unknown>> ? K : never;
}[keyof Api] &
  string;

type Effect =
  | { readonly kind: "fail"; readonly error: PortError }
  | { readonly kind: "fail-after-apply"; readonly error: PortError }
  | { readonly kind: "value"; readonly value: unknown };

interface Gate {
  readonly kind: "hold";
  released: boolean;
  waiting: number;
  readonly opened: Promise<void>;
  readonly open: () => void;
  readonly arrivals: (() => void)[];
}

interface Rule {
  readonly method: string;
  readonly from: number;
  readonly until: number;
  readonly when: ((args: readonly unknown[]) => boolean) | null;
  seen: number;
  readonly effect: Effect | Gate;
}

/** What a realistic failure of each category looks like per system, beyond its category. */
type Extra = Partial<Pick<PortError, "status" | "detail" | "retryAfterMs" | "traceId">>;
const GENERIC: Readonly<Record<ErrorCategory, Extra>> = {
  "rate-limited": { status: 429, retryAfterMs: 60_000 },
  "not-found": { status: 404 },
  transient: { status: 503 },
  unauthorized: { status: 401 },
  "invalid-response": { status: 200, detail: "the body does not match the contract" },
  rejected: { status: 422 },
};
const BY_SYSTEM: Readonly<Partial<Record<System, Partial<Record<ErrorCategory, Extra>>>>> = {
  // GitHub's secondary limits answer 403 with a retry-after.
  github: { "rate-limited": { status: 403, retryAfterMs: 60_000, detail: "secondary rate limit" } },
  t3: {
    rejected: { status: 500, detail: "EnvironmentInternalError", traceId: "trace-injected" },
    unauthorized: { status: 401, detail: "EnvironmentAuthInvalidError" },
  },
  // Slack answers most failures with HTTP 200 and an `error` code.
  slack: {
    rejected: { status: 200, detail: "invalid_arguments" },
    "not-found": { status: 200, detail: "channel_not_found" },
    unauthorized: { status: 200, detail: "invalid_auth" },
    transient: { status: 200, detail: "internal_error" },
    "rate-limited": { status: 429, detail: "ratelimited", retryAfterMs: 30_000 },
  },
  kubernetes: { unauthorized: { status: 403, detail: "Forbidden" }, "not-found": { status: 404, detail: "NotFound" } },
};

/** The error a twin answers for a failure spec, as the system's adapter would report it. */
export function toInjectedError(system: System, spec: FailureSpec, method: string): PortError {
  if (typeof spec === "object") return spec;
  if (spec === "timeout") {
    return errorOf(failure(system, "transient", `${method}: no answer within the deadline`, { detail: "timeout" }));
  }
  const extra = { ...GENERIC[spec], ...BY_SYSTEM[system]?.[spec] };
  const why = extra.detail === undefined ? "" : ` (${extra.detail})`;
  return errorOf(failure(system, spec, `${method}: injected ${spec} failure${why}`, extra));
}

function errorOf(result: Result<never>): PortError {
  if (result.ok) throw new Error("unreachable: failure() made a success");
  return result.error;
}

export class Knobs<Api> {
  readonly #system: System;
  readonly #writes: ReadonlySet<string>;
  #rules: Rule[] = [];
  readonly #calls: CallRecord[] = [];

  constructor(system: System, writes: readonly ResultMethods<Api>[]) {
    this.#system = system;
    this.#writes = new Set(writes);
  }

  /** Every call made to the twin, in order. */
  get calls(): readonly CallRecord[] {
    return this.#calls;
  }

  /** How many calls were made, to one method or all, of one kind or both. */
  count(method?: ResultMethods<Api>, kind?: CallKind): number {
    return this.#calls.filter(
      (call) => (method === undefined || call.method === method) && (kind === undefined || call.kind === kind),
    ).length;
  }

  /** The write calls that changed the twin's world. */
  writes(): readonly CallRecord[] {
    return this.#calls.filter((call) => call.kind === "write" && call.applied);
  }

  fail(method: ResultMethods<Api> | "*", spec: FailureSpec, window: KnobWindow = {}): void {
    this.#add(method, window, { kind: "fail", error: toInjectedError(this.#system, spec, method) });
  }

  failAfterApply(method: ResultMethods<Api> | "*", spec: FailureSpec, window: KnobWindow = {}): void {
    this.#add(method, window, { kind: "fail-after-apply", error: toInjectedError(this.#system, spec, method) });
  }

  value<K extends ResultMethods<Api>>(method: K, value: ValueOf<Api[K]>, window: KnobWindow = {}): void {
    this.#add(method, window, { kind: "value", value });
  }

  hold(method: ResultMethods<Api> | "*", window: KnobWindow = { times: Infinity }): Hold {
    let open = (): void => undefined;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const gate: Gate = { kind: "hold", released: false, waiting: 0, opened, open, arrivals: [] };
    this.#add(method, window, gate);
    return {
      release: () => {
        gate.released = true;
        gate.open();
      },
      get waiting() {
        return gate.waiting;
      },
      arrived: () =>
        gate.waiting > 0 ? Promise.resolve() : new Promise<void>((resolve) => gate.arrivals.push(resolve)),
    };
  }

  /** Removes every knob and releases every hold. */
  clear(): void {
    for (const rule of this.#rules) if (rule.effect.kind === "hold") rule.effect.open();
    this.#rules = [];
  }

  /**
   * One port call: recorded, passed through the knobs, and `apply` run against the world
   * unless a knob answers instead. `apply` returns the world's own answer.
   */
  async run<T>(method: ResultMethods<Api>, args: readonly unknown[], apply: () => Result<T>): Promise<Result<T>> {
    const record: CallRecord = {
      seq: this.#calls.length + 1,
      method,
      args,
      kind: this.#writes.has(method) ? "write" : "read",
      injected: null,
      held: false,
      applied: false,
      result: undefined,
    };
    this.#calls.push(record);
    const { effect, gates } = this.#match(method, args);
    for (const gate of gates) {
      record.held = true;
      gate.waiting += 1;
      for (const arrived of gate.arrivals.splice(0)) arrived();
      await gate.opened;
      gate.waiting -= 1;
    }
    const result = this.#answer(effect, record, apply);
    record.result = result;
    return result;
  }

  #answer<T>(effect: Effect | null, record: CallRecord, apply: () => Result<T>): Result<T> {
    if (effect === null) {
      const own = apply();
      record.applied = own.ok;
      return own;
    }
    record.injected = effect.kind;
    switch (effect.kind) {
      case "value":
        return ok(effect.value as T);
      case "fail":
        return { ok: false, error: effect.error };
      case "fail-after-apply":
        record.applied = apply().ok;
        return { ok: false, error: effect.error };
    }
  }

  #add(method: string, window: KnobWindow, effect: Effect | Gate): void {
    const nth = window.nth ?? 1;
    const times = window.times ?? 1;
    if (!Number.isInteger(nth) || nth < 1) throw new Error(`knob ${method}: nth is a positive integer`);
    if (!(times >= 1)) throw new Error(`knob ${method}: times is at least 1`);
    this.#rules.push({ method, from: nth, until: nth + times, when: window.when ?? null, seen: 0, effect });
  }

  #match(method: string, args: readonly unknown[]): { effect: Effect | null; gates: Gate[] } {
    let effect: Effect | null = null;
    const gates: Gate[] = [];
    for (const rule of this.#rules) {
      if (rule.method !== "*" && rule.method !== method) continue;
      if (rule.when !== null && !rule.when(args)) continue;
      rule.seen += 1;
      if (rule.seen < rule.from || rule.seen >= rule.until) continue;
      if (rule.effect.kind === "hold") {
        if (!rule.effect.released) gates.push(rule.effect);
      } else {
        effect ??= rule.effect;
      }
    }
    // Spent knobs go, so a long model run does not drag thousands of them along; a hold
    // stays until released, so that `clear` can still release what waits on it.
    this.#rules = this.#rules.filter((rule) =>
      rule.effect.kind === "hold" ? !rule.effect.released : rule.seen + 1 < rule.until,
    );
    return { effect, gates };
  }
}
