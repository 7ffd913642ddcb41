// Webhook deliveries that were handled successfully, so a redelivery (same
// X-GitHub-Delivery id) is not handled twice. An id is recorded only after its work
// succeeded: a failed delivery must stay redeliverable (contracts/github.md).
// Bounded: GitHub redelivers for 3 days at most, and the sweep heals anything older.

export const DELIVERY_LOG_MAX = 10_000;

export class DeliveryLog {
  readonly #done = new Set<string>();
  readonly #max: number;

  constructor(max = DELIVERY_LOG_MAX) {
    this.#max = max;
  }

  has(id: string): boolean {
    return this.#done.has(id);
  }

  markDone(id: string): void {
    this.#done.delete(id);
    this.#done.add(id);
    // A Set iterates in insertion order: the first entries are the oldest.
    for (const oldest of this.#done) {
      if (this.#done.size <= this.#max) break;
      this.#done.delete(oldest);
    }
  }

  get size(): number {
    return this.#done.size;
  }
}
