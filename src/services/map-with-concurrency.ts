/**
 * `work` applied to every item with at most `limit` (at least 1) calls in flight, results in the items' order.
 * `work` should settle its own failures: a rejection rejects the map at once, while calls already started go on.
 * @example const answers = await mapWithConcurrency(cases, 4, (testCase) => run(testCase));
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  }
  const workers = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, () => worker()));
  return results;
}
