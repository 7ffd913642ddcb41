// Each webhook delivery is handled once (contracts/github.md, "Delivery"): an id is
// marked done only after its work succeeded, so a failed delivery stays redeliverable;
// a redelivery that arrives while the first is still running shares its outcome.

import type { DeliveryLog } from "./delivery-log.js";

export type DedupOutcome = "handled" | "already-handled" | "shared";

export class DeliveryDedup {
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #done: DeliveryLog;

  constructor(done: DeliveryLog) {
    this.#done = done;
  }

  /** Runs `work` unless this delivery id was handled or is being handled; a failure rejects. */
  async once(id: string, work: () => Promise<void>): Promise<DedupOutcome> {
    if (this.#done.has(id)) return "already-handled";
    const running = this.#inFlight.get(id);
    if (running !== undefined) {
      await running;
      return "shared";
    }
    const handled = work().then(() => this.#done.markDone(id));
    this.#inFlight.set(id, handled);
    try {
      await handled;
      return "handled";
    } finally {
      this.#inFlight.delete(id);
    }
  }
}
