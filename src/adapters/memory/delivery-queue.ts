// What a twin sends afk unasked (GitHub's webhooks, Slack's events), held in a queue so
// the test decides when each delivery arrives, in which order, and which are lost
// (contracts/github.md: echoes "arrive after the API call returns, in no guaranteed
// order with other deliveries"; "webhooks are lost"). Nothing is delivered until the
// test flushes: a twin never calls afk from inside a port call.

export interface Delivery<P = Record<string, unknown>> {
  /** GitHub's `X-GitHub-Delivery` (the same on a redelivery), Slack's `event_id`. */
  readonly id: string;
  /** The event name: `issues`, `issue_comment`, `push`, `message`… */
  readonly name: string;
  readonly payload: P;
}

export type Listener<D> = (delivery: D) => unknown;

/** Which pending delivery goes next: first in, last in, or a choice over all pending ones. */
export type DeliveryOrder<D> = "fifo" | "lifo" | ((pending: readonly D[]) => number);

export interface FlushOptions {
  /** False delivers only what is pending now; true (default) also what the deliveries cause. */
  readonly untilQuiet?: boolean;
  /** A guard against an echo loop: flushing more than this many throws. Default 10,000. */
  readonly maxDeliveries?: number;
}

export interface FlushReport<D> {
  readonly delivered: readonly D[];
  /** Deliveries a listener threw on (or rejected): GitHub records them as failed. */
  readonly failed: readonly { readonly delivery: D; readonly error: unknown }[];
}

/** A deterministic pick among pending deliveries (mulberry32), for seeded reordering. */
export function seededOrder<D>(seed: number): (pending: readonly D[]) => number {
  let state = seed >>> 0;
  return (pending) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    return Math.floor(unit * pending.length);
  };
}

export class DeliveryQueue<D extends Delivery<unknown>> {
  #pending: D[] = [];
  readonly #listeners = new Set<Listener<D>>();
  readonly #onAttempt: (delivery: D, ok: boolean) => void;
  order: DeliveryOrder<D> = "fifo";

  /** `onAttempt` hears every delivery attempt and whether afk took it (a 2xx). */
  constructor(onAttempt: (delivery: D, ok: boolean) => void = () => undefined) {
    this.#onAttempt = onAttempt;
  }

  get pending(): readonly D[] {
    return this.#pending;
  }

  subscribe(listener: Listener<D>): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  push(delivery: D): void {
    this.#pending.push(delivery);
  }

  /** Removes the pending deliveries that match (all by default) and returns them. */
  take(filter: (delivery: D) => boolean = () => true): D[] {
    const taken = this.#pending.filter(filter);
    this.#pending = this.#pending.filter((delivery) => !filter(delivery));
    return taken;
  }

  /** Delivers pending deliveries one at a time to every listener, awaiting each. */
  async flush(options: FlushOptions = {}): Promise<FlushReport<D>> {
    const max = options.maxDeliveries ?? 10_000;
    const delivered: D[] = [];
    const failed: { delivery: D; error: unknown }[] = [];
    let budget = options.untilQuiet === false ? this.#pending.length : Infinity;
    while (this.#pending.length > 0 && budget > 0) {
      if (delivered.length >= max) throw new Error(`more than ${max} deliveries in one flush: an echo loop?`);
      const delivery = this.#next();
      budget -= 1;
      delivered.push(delivery);
      const error = await this.deliver(delivery);
      if (error !== null) failed.push({ delivery, error: error.cause });
    }
    return { delivered, failed };
  }

  /** Hands one delivery to the listeners now; the listener's failure, if any. */
  async deliver(delivery: D): Promise<{ readonly cause: unknown } | null> {
    for (const listener of this.#listeners) {
      try {
        await listener(delivery);
      } catch (cause) {
        // The app answered 500: GitHub records a failed delivery, which can be redelivered.
        this.#onAttempt(delivery, false);
        return { cause };
      }
    }
    this.#onAttempt(delivery, true);
    return null;
  }

  #next(): D {
    const order = this.order;
    const index = order === "fifo" ? 0 : order === "lifo" ? this.#pending.length - 1 : order(this.#pending);
    const [delivery] = this.#pending.splice(Math.min(Math.max(index, 0), this.#pending.length - 1), 1);
    if (delivery === undefined) throw new Error("unreachable: no pending delivery");
    return delivery;
  }
}
