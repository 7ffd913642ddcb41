// Sequential round trips, from the fakes' request logs: a round trip is sequential to
// another when it starts after that one ended. The longest such chain among the requests
// a piece of work made is its critical path: the number of round trips it waited for one
// after the other, however many went in parallel beside them.

export interface Span {
  readonly startedAt: number;
  readonly endedAt: number | null;
}

/** The longest chain of spans, each starting after the previous one ended (spans never answered are left out). */
export function longestChain<T extends Span>(spans: readonly T[]): T[] {
  const done = spans
    .filter((span): span is T & { endedAt: number } => span.endedAt !== null)
    .sort((a, b) => a.endedAt - b.endedAt);
  const best: { length: number; previous: number }[] = [];
  for (let i = 0; i < done.length; i += 1) {
    let length = 1;
    let previous = -1;
    for (let j = 0; j < i; j += 1) {
      const candidate = best[j]?.length ?? 0;
      if ((done[j]?.endedAt ?? Infinity) <= (done[i]?.startedAt ?? 0) && candidate + 1 > length) {
        length = candidate + 1;
        previous = j;
      }
    }
    best.push({ length, previous });
  }
  let at = best.reduce((top, entry, i) => (entry.length > (best[top]?.length ?? 0) ? i : top), 0);
  const chain: T[] = [];
  while (at >= 0 && done[at] !== undefined) {
    chain.unshift(done[at] as T);
    at = best[at]?.previous ?? -1;
  }
  return chain;
}

/** A request's route with ids, shas, names and query values taken out, e.g. `GET /repos/:o/:r/issues/:n/comments`. */
export function toRoute(method: string, path: string): string {
  const [pathname = "", query = ""] = path.split("?");
  const route = pathname
    .replace(/^\/repos\/[^/]+\/[^/]+/, "/repos/:o/:r")
    .replace(/\/labels\/[^/]+$/, "/labels/:name")
    .replace(/\/collaborators\/[^/]+\//, "/collaborators/:user/")
    .replace(/\/contents\/.+$/, "/contents/:path")
    .replace(/\/[0-9a-f]{40}(?=\/|$)/g, "/:sha")
    .replace(/\/threads\/[^/]+$/, "/threads/:id")
    .replace(/\/\d+(?=\/|$)/g, "/:n");
  const keys = query === "" ? "" : `?${[...new URLSearchParams(query).keys()].sort().join("&")}`;
  return `${method} ${route}${keys}`;
}
