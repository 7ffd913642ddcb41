// Work over a list with at most `limit` items under way at once, answers in the list's
// order. Start-up reads GitHub this way: in parallel, so that 1,000 runs are back in the
// index in seconds, and a few at a time, so that GitHub never sees a burst from afk
// (its secondary rate limits punish many concurrent requests).

export async function mapAtMost<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const at = next;
      next += 1;
      results[at] = await work(items[at] as T, at);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
