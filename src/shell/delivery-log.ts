// Webhook deliveries that were handled successfully, so a redelivery (same
// X-GitHub-Delivery id) is not handled twice. An id is recorded only after its work
// succeeded: a failed delivery must stay redeliverable (contracts/github.md).
// Bounded: GitHub redelivers for 3 days at most, and the sweep heals anything older.

import { BoundedMap } from "../core/common/bounded-map.js";

export const DELIVERY_LOG_MAX = 10_000;

export class DeliveryLog {
  readonly #done: BoundedMap<string, true>;

  constructor(max = DELIVERY_LOG_MAX) {
    this.#done = new BoundedMap(max);
  }

  has(id: string): boolean {
    return this.#done.has(id);
  }

  markDone(id: string): void {
    this.#done.set(id, true);
  }

  get size(): number {
    return this.#done.size;
  }
}
