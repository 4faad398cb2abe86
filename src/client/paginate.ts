/**
 * Page-numbered lists (`page`, `per_page`) as an async iterator. The list ends at the first
 * EMPTY page, never at a short one: Strava cuts a page first and removes Only You activities
 * afterwards, so a page may hold fewer than `per_page` items while more follow (protocol
 * section 7). Items always come out in page order, and never more pages are in flight than the
 * rate-limit budget still allows.
 *
 * Pages are requested as a sliding window of consecutive pages. A number `concurrency` sends
 * the first page alone (it tells the budget, and many lists fit on it), then keeps that many in
 * flight. `'auto'` is for whole histories: it sends {@link AUTO_MAX_IN_FLIGHT} pages at once from
 * the start (3,200 activities in one round trip instead of 16), keeps that many in flight while
 * pages come back, and stops sending at the first page that answers empty. The price is the pages
 * sent past the end: up to 15 requests, so a short list (an `after=` sync) is better served by
 * the default.
 */

/** Strava's largest page. */
export const MAX_PER_PAGE = 200;

/**
 * The pages `concurrency: 'auto'` keeps in flight, and sends at once before any response has
 * reported the budget (Strava's smallest read window is 100 requests).
 */
export const AUTO_MAX_IN_FLIGHT = 16;

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** Items per page, 1 to 200 (default 200: fewest requests). */
  perPage?: number;
  /**
   * Pages in flight at once (default 1), or `'auto'`: {@link AUTO_MAX_IN_FLIGHT} from the first
   * request on, for whole histories. Always bounded by the remaining rate-limit budget once known.
   */
  concurrency?: number | 'auto';
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
  /** One page; `stop` aborts once the list no longer needs it (it ended, failed or was left). */
  fetch(page: number, perPage: number, stop: AbortSignal): Promise<T[]>;
  /**
   * Requests the rate limits still allow, or undefined when unknown (no response yet). Pages in
   * flight are not yet counted in it, so they are kept at or below it.
   */
  remainingBudget(): number | undefined;
}

type Settled<T> = { ok: true; items: T[] } | { ok: false; error: unknown };

function checkOptions(options: PaginateOptions): { perPage: number; concurrency: number | 'auto'; startPage: number } {
  const { perPage = MAX_PER_PAGE, concurrency = 1, startPage = 1 } = options;
  if (!(Number.isSafeInteger(perPage) && perPage >= 1 && perPage <= MAX_PER_PAGE)) {
    throw new RangeError(`perPage must be an integer from 1 to ${MAX_PER_PAGE} (Strava's largest page).`);
  }
  if (!(concurrency === 'auto' || (Number.isSafeInteger(concurrency) && concurrency >= 1))) {
    throw new RangeError("concurrency must be a positive integer or 'auto'.");
  }
  if (!(Number.isSafeInteger(startPage) && startPage >= 1)) throw new RangeError('startPage must be a positive integer.');
  return { perPage, concurrency, startPage };
}

/**
 * Yields every item of every page, in order, until the first empty page.
 *
 * @example
 * for await (const activity of paginate(source, { concurrency: 'auto' })) console.log(activity.name);
 */
export async function* paginate<T>(source: PageSource<T>, options: PaginateOptions = {}): AsyncGenerator<T, void, undefined> {
  const { perPage, concurrency, startPage } = checkOptions(options);
  const auto = concurrency === 'auto';
  const maxInFlight = auto ? AUTO_MAX_IN_FLIGHT : concurrency;

  const inFlight = new Map<number, Promise<void>>();
  const stop = new AbortController();
  const answers = new Map<number, Settled<T>>();
  let nextToSend = startPage;
  let nextToYield = startPage;
  let lowestEmpty = Infinity;
  /** The highest page answered with items: the last page sent exactly when that one had items. */
  let highestWithItems = 0;
  let answered = false;
  let wake: () => void = () => {};

  const send = (page: number): void => {
    const settled = source.fetch(page, perPage, stop.signal).then(
      (items): Settled<T> => ({ ok: true, items }),
      (error: unknown): Settled<T> => ({ ok: false, error }),
    );
    inFlight.set(
      page,
      settled.then((result) => {
        inFlight.delete(page);
        answers.set(page, result);
        answered = true;
        if (result.ok && result.items.length === 0) lowestEmpty = Math.min(lowestEmpty, page);
        if (result.ok && result.items.length > 0) highestWithItems = Math.max(highestWithItems, page);
        wake();
      }),
    );
  };

  // Before the first answer the budget is unknown: a number `concurrency` sends one page alone
  // (which also serves the many lists that fit on one page); 'auto' its whole window. After
  // that, as many as the budget and the bound allow. Answers not yet yielded count against the
  // bound too (it also bounds memory), but only requests in flight against the budget, which
  // already counts the answered ones.
  const room = (): number => {
    const remaining = source.remainingBudget();
    const byBound = (answered || auto ? maxInFlight : 1) - inFlight.size - answers.size;
    return remaining === undefined ? byBound : Math.min(byBound, Math.max(1, remaining) - inFlight.size);
  };

  try {
    for (;;) {
      // Never past a page known to be empty: the list ends there. 'auto' sends in batches, the
      // next once the last page of the previous one came back with items (the list goes on), so
      // at most one batch goes past the end.
      if (!auto || nextToSend === startPage || highestWithItems === nextToSend - 1) {
        for (let free = room(); free > 0 && nextToSend < lowestEmpty; free--) send(nextToSend++);
      }
      const result = answers.get(nextToYield);
      if (!result) {
        // Woken by any answer, not only the next page's: it frees room in the window and may
        // show where the list ends.
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      answers.delete(nextToYield);
      if (!result.ok) throw result.error;
      options.onPage?.(nextToYield, result.items.length);
      if (result.items.length === 0) return;
      nextToYield++;
      yield* result.items;
    }
  } finally {
    // Pages sent past the end (or before an error, or a `break`) are cancelled and awaited, so
    // no request outlives the loop nor keeps it waiting (say for a rate-limit window); their
    // results are dropped.
    stop.abort();
    await Promise.all(inFlight.values());
  }
}
