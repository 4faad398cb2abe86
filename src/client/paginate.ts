/**
 * Page-numbered lists (`page`, `per_page`) as an async iterator. The list ends at the first
 * EMPTY page, never at a short one: Strava cuts a page first and removes Only You activities
 * afterwards, so a page may hold fewer than `per_page` items while more follow (protocol
 * section 7). With `concurrency` > 1 several pages are in flight at once (a sliding window),
 * never more than the rate-limit budget still allows, and items still come out in page order.
 */

/** Strava's largest page. */
export const MAX_PER_PAGE = 200;

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** Items per page, 1 to 200 (default 200: fewest requests). */
  perPage?: number;
  /** Pages in flight at once (default 1). Bounded by the remaining rate-limit budget. */
  concurrency?: number;
  /** The first page (default 1). */
  startPage?: number;
  /**
   * Called for each page in order, when its items are about to be yielded; the final empty page
   * is reported with count 0. For progress output.
   */
  onPage?: (page: number, count: number) => void;
}

/** Where pages come from. */
export interface PageSource<T> {
  fetch(page: number, perPage: number): Promise<T[]>;
  /**
   * Requests the rate limits still allow, or undefined when unknown (no response yet). Pages in
   * flight are not yet counted in it, so they are kept at or below it.
   */
  remainingBudget(): number | undefined;
}

type Settled<T> = { ok: true; items: T[] } | { ok: false; error: unknown };

function checkOptions(options: PaginateOptions): { perPage: number; concurrency: number; startPage: number } {
  const { perPage = MAX_PER_PAGE, concurrency = 1, startPage = 1 } = options;
  if (!(Number.isSafeInteger(perPage) && perPage >= 1 && perPage <= MAX_PER_PAGE)) {
    throw new RangeError(`perPage must be an integer from 1 to ${MAX_PER_PAGE} (Strava's largest page).`);
  }
  if (!(Number.isSafeInteger(concurrency) && concurrency >= 1)) throw new RangeError('concurrency must be a positive integer.');
  if (!(Number.isSafeInteger(startPage) && startPage >= 1)) throw new RangeError('startPage must be a positive integer.');
  return { perPage, concurrency, startPage };
}

/**
 * Yields every item of every page, in order, until the first empty page.
 *
 * @example
 * for await (const activity of paginate(source, { concurrency: 4 })) console.log(activity.name);
 */
export async function* paginate<T>(source: PageSource<T>, options: PaginateOptions = {}): AsyncGenerator<T, void, undefined> {
  const { perPage, concurrency, startPage } = checkOptions(options);
  const inFlight = new Map<number, Promise<Settled<T>>>();
  let nextToSend = startPage;
  let nextToYield = startPage;
  let answered = false;

  // Before the first answer the budget is unknown: one page alone, which also serves the many
  // lists that fit on one page. After that, as many as the budget and `concurrency` allow.
  const allowed = (): number => {
    if (!answered) return 1;
    const remaining = source.remainingBudget();
    return remaining === undefined ? concurrency : Math.max(1, Math.min(concurrency, remaining));
  };

  try {
    for (;;) {
      while (inFlight.size < allowed()) {
        const page = nextToSend++;
        inFlight.set(
          page,
          source.fetch(page, perPage).then(
            (items): Settled<T> => ({ ok: true, items }),
            (error: unknown): Settled<T> => ({ ok: false, error }),
          ),
        );
      }
      const result = await inFlight.get(nextToYield)!;
      inFlight.delete(nextToYield);
      answered = true;
      if (!result.ok) throw result.error;
      options.onPage?.(nextToYield, result.items.length);
      if (result.items.length === 0) return;
      nextToYield++;
      yield* result.items;
    }
  } finally {
    // Pages sent past the end (or before an error, or a `break`) are awaited, so no request
    // outlives the loop; their results are dropped.
    await Promise.all(inFlight.values());
  }
}
