// Conditional requests for the reads afk repeats (contracts/github.md): a 304 does not
// count against the rate limit. The cache keeps each read's last ETag with the facts
// mapped from that answer, in memory, bounded in entries and in bytes, the least recently
// used out first.

export interface EtagEntry {
  readonly etag: string;
  /** The mapped facts of the response that carried the ETag (JSON-like). */
  readonly value: unknown;
}

/** Read → its last ETag and mapped value. In memory, bounded, least recently used out first. */
export interface EtagCache {
  get(key: string): EtagEntry | undefined;
  set(key: string, entry: EtagEntry): void;
  delete(key: string): void;
  /** How many entries and (roughly) how many bytes it holds now. */
  readonly size: { readonly entries: number; readonly bytes: number };
}

/** Enough for every repeated read of 100 runs in flight over 100 repos, several times over. */
export const ETAG_CACHE_MAX_ENTRIES = 4_000;
/** The mapped values are small (facts, not GitHub's answers); a list of long issue bodies is the big case. */
export const ETAG_CACHE_MAX_BYTES = 4 * 1024 * 1024;

/** The bytes an entry holds, roughly: its key, ETag and value as JSON. */
function toBytes(key: string, entry: EtagEntry): number {
  return Buffer.byteLength(key) + Buffer.byteLength(entry.etag) + Buffer.byteLength(JSON.stringify(entry.value) ?? "");
}

export function createEtagCache(maxEntries = ETAG_CACHE_MAX_ENTRIES, maxBytes = ETAG_CACHE_MAX_BYTES): EtagCache {
  const entries = new Map<string, { readonly entry: EtagEntry; readonly bytes: number }>();
  let bytes = 0;
  const remove = (key: string): void => {
    const held = entries.get(key);
    if (held === undefined) return;
    entries.delete(key);
    bytes -= held.bytes;
  };
  return {
    get: (key) => {
      const held = entries.get(key);
      if (held === undefined) return undefined;
      // Re-inserting moves the entry to the young end of the Map's insertion order.
      entries.delete(key);
      entries.set(key, held);
      return held.entry;
    },
    set: (key, entry) => {
      remove(key);
      const size = toBytes(key, entry);
      // An answer bigger than the whole budget is read plainly every time rather than evict everything.
      if (size > maxBytes) return;
      entries.set(key, { entry, bytes: size });
      bytes += size;
      for (const oldest of entries.keys()) {
        if (entries.size <= maxEntries && bytes <= maxBytes) break;
        remove(oldest);
      }
    },
    delete: remove,
    get size() {
      return { entries: entries.size, bytes };
    },
  };
}
