// Every GET afk repeats is a conditional request (contracts/github.md): sent with the
// ETag of the last answer, a 304 is answered from the cache (etag-cache.ts) and GitHub
// does not charge it. Octokit throws a 304 as a RequestError; it is caught here.
//
// ETags are tied to the token and installation tokens rotate hourly, so a stale ETag just
// earns a 200, which refreshes the entry. GitHub's ETag covers the body, not the Link
// header, so only an answer that is one page and not full is cached: a full single page
// (an ascending list one item short of a second page) could stay the same while a second
// page appears, and a list of several pages is read plainly each time.

import type { EtagCache } from "./etag-cache.js";
import type { Result } from "../../ports/result.js";
import type { Octokit } from "./octokit.js";

/** The headers a read is sent with: `if-none-match` when an ETag is cached. */
export type ConditionalHeaders = Record<string, string>;

/** What afk reads of an answer: its body and the two headers that matter here. */
export interface Answer<D> {
  readonly data: D;
  readonly headers: { readonly etag?: string; readonly link?: string };
}

export interface ConditionalReads {
  /** One resource: `send` with the cached ETag, `map` the body (a 304 answers the last mapped value). */
  one<D, T>(key: string, send: (headers: ConditionalHeaders) => Promise<Answer<D>>, map: (data: D) => T): Promise<T>;
  /**
   * A list of `perPage` a page: the first page from `send`, the next ones from the Link
   * header; `items` takes a page's items out of its body, `map` turns them all into the value.
   */
  list<D, I, T>(
    key: string,
    perPage: number,
    send: (headers: ConditionalHeaders) => Promise<Answer<D>>,
    items: (data: D) => readonly I[],
    map: (items: I[]) => T,
  ): Promise<T>;
}

export function isNotModified(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { status?: unknown }).status === 304;
}

export function toNextUrl(link: string | undefined): string | null {
  return /<([^>]+)>;\s*rel="next"/.exec(link ?? "")?.[1] ?? null;
}

/** A read's cache key: its route and parameters (ETags are per URL and per Accept type). */
export function toReadKey(route: string, params: Readonly<Record<string, unknown>>): string {
  return `${route} ${JSON.stringify(params)}`;
}

interface Fresh<T> {
  readonly value: T;
  /** Null when the value must not be answered from the cache later. */
  readonly etag: string | null;
}

export function createConditionalReads(octokit: Octokit, etags: EtagCache): ConditionalReads {
  async function read<T>(key: string, fetch: (headers: ConditionalHeaders) => Promise<Fresh<T>>): Promise<T> {
    const cached = etags.get(key);
    try {
      const fresh = await fetch(cached === undefined ? {} : { "if-none-match": cached.etag });
      if (fresh.etag === null) etags.delete(key);
      else etags.set(key, { etag: fresh.etag, value: fresh.value });
      return fresh.value;
    } catch (error) {
      if (cached !== undefined && isNotModified(error)) return cached.value as T;
      throw error;
    }
  }

  return {
    one: (key, send, map) =>
      read(key, async (headers) => {
        const answer = await send(headers);
        return { value: map(answer.data), etag: answer.headers.etag ?? null };
      }),

    list: (key, perPage, send, items, map) =>
      read(key, async (headers) => {
        const first = await send(headers);
        const all = [...items(first.data)];
        let next = toNextUrl(first.headers.link);
        const cacheable = next === null && all.length < perPage;
        while (next !== null) {
          const page = (await octokit.request(`GET ${next}`)) as Answer<typeof first.data>;
          all.push(...items(page.data));
          next = toNextUrl(page.headers.link);
        }
        return { value: map(all), etag: cacheable ? (first.headers.etag ?? null) : null };
      }),
  };
}

/** Every list afk reads asks for this many items a page (GitHub's most). */
export const LIST_PER_PAGE = 100;

/**
 * A conditional list read of `route` (every page) as a Result: `items` takes a page's
 * items out of its body (typed by the caller: the route is a string here), `map` turns
 * them all into the value. `per_page` is added here.
 */
export type ReadList = <D, I, T>(
  route: `GET ${string}`,
  params: Readonly<Record<string, unknown>>,
  items: (data: D) => readonly I[],
  map: (items: I[]) => T,
) => Promise<Result<T>>;

export function createReadList(
  octokit: Octokit,
  reads: ConditionalReads,
  attempt: <T>(call: () => Promise<T>) => Promise<Result<T>>,
): ReadList {
  return <D, I, T>(
    route: `GET ${string}`,
    params: Readonly<Record<string, unknown>>,
    items: (data: D) => readonly I[],
    map: (items: I[]) => T,
  ): Promise<Result<T>> => {
    const paged = { ...params, per_page: LIST_PER_PAGE };
    return attempt(() =>
      reads.list(
        toReadKey(route, paged),
        LIST_PER_PAGE,
        (headers) => octokit.request(route, { ...paged, headers }) as unknown as Promise<Answer<D>>,
        items,
        map,
      ),
    );
  };
}
