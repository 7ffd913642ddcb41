// A Map that forgets its oldest entries beyond a size: what afk keeps in memory about
// deliveries, ETags, roles and Slack events must stay flat however long it runs.
// A Map iterates in insertion order, so the first keys are the oldest; `set` (and a
// `get` with `refresh`) moves a key to the young end.

export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`maxEntries must be ≥ 1, got ${maxEntries}`);
    this.#maxEntries = maxEntries;
  }

  /** The value, or undefined. With `refresh`, the key becomes the youngest (least recently used goes first). */
  get(key: K, refresh = false): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined && refresh) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Drops every entry `stale` says is stale (e.g. finished runs past their time). */
  prune(stale: (value: V, key: K) => boolean): void {
    for (const [key, value] of this.#entries) if (stale(value, key)) this.#entries.delete(key);
  }

  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  get size(): number {
    return this.#entries.size;
  }
}
