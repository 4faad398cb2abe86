/** Helpers for paging tests: collect an iterator, and count the requests in flight at once. */
import type { FetchLike } from '../../src/core/http.ts';

/** Every item of an async iterable, in order. */
export async function collect<T>(iterator: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterator) items.push(item);
  return items;
}

/** A fetch that tracks how many requests are in flight at once, and how many were sent. */
export function concurrencyMeter(): { fetch: FetchLike; max: () => number; total: () => number } {
  let current = 0;
  let max = 0;
  let total = 0;
  return {
    fetch: async (input, init) => {
      total++;
      max = Math.max(max, ++current);
      try {
        return await fetch(input, init);
      } finally {
        current--;
      }
    },
    max: () => max,
    total: () => total,
  };
}
