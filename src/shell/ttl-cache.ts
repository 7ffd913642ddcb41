// A small cache whose entries expire after a fixed time (e.g. collaborator roles,
// cached for a few minutes so a burst of labels costs one permission call). Bounded.

import { BoundedMap } from "../core/common/bounded-map.js";

export class TtlCache<T> {
  readonly #entries: BoundedMap<string, { readonly value: T; readonly expiresAt: number }>;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: () => number,
    maxEntries = 5_000,
  ) {
    this.#entries = new BoundedMap(maxEntries);
  }

  get(key: string): T | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: T): void {
    this.#entries.set(key, { value, expiresAt: this.clock() + this.ttlMs });
  }
}
