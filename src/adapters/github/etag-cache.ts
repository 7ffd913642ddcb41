// Conditional requests for the reads the sweep repeats (contracts/github.md): a 304 does
// not count against the rate limit. The cache keeps each URL's last ETag with the facts
// mapped from that answer, in memory, bounded, the least recently used out first.

export interface EtagEntry {
  readonly etag: string;
  /** The mapped facts of the response that carried the ETag. */
  readonly value: unknown;
}

/** Request URL → its last ETag and mapped value. In memory, bounded, least recently used out first. */
export interface EtagCache {
  get(url: string): EtagEntry | undefined;
  set(url: string, entry: EtagEntry): void;
  delete(url: string): void;
}

export const ETAG_CACHE_MAX_ENTRIES = 1_000;

export function createEtagCache(maxEntries = ETAG_CACHE_MAX_ENTRIES): EtagCache {
  const entries = new Map<string, EtagEntry>();
  return {
    get: (url) => {
      const entry = entries.get(url);
      if (entry === undefined) return undefined;
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      entries.delete(url);
      entries.set(url, entry);
      return entry;
    },
    set: (url, entry) => {
      entries.delete(url);
      entries.set(url, entry);
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(oldest);
      }
    },
    delete: (url) => {
      entries.delete(url);
    },
  };
}
