/**
 * `api --paginate`: every page of a list, printed as one JSON array, or with `--jq` one result
 * stream (the filter runs on each page's array as it arrives, as gh does). `per_page` and `page`
 * given as fields are honoured: they set the page size and the first page.
 */
import { MAX_PER_PAGE } from '../../client/paginate.ts';
import type { QueryValue } from '../../client/request-options.ts';
import type { StravaClient } from '../../client/strava-client.ts';
import { formatJson } from '../api-client.ts';
import { UsageError } from '../usage-error.ts';
import { runJq } from './jq.ts';

/** Strava's largest page, and what --paginate asks for unless told otherwise. */

/** What one `--paginate` run needs. */
export interface PaginateRun {
  client: StravaClient;
  path: string;
  query: Record<string, string>;
  jq: string | undefined;
  pretty: boolean;
  /** stdout: the array, or jq's output page by page. */
  write(text: string): void;
  /** stderr: one progress line per page. */
  progress(page: number, count: number, total: number): void;
}

/** `per_page` (1 to 200) and `page` (from 1) taken out of the query for the pager. */
export function pageFields(query: Record<string, string>): { perPage: number; startPage: number; rest: Record<string, string> } {
  const { per_page: perPageText, page: pageText, ...rest } = query;
  const whole = (name: string, text: string | undefined, fallback: number, max: number): number => {
    if (text === undefined) return fallback;
    const n = /^\d{1,9}$/.test(text) ? Number(text) : NaN;
    if (!(n >= 1 && n <= max)) throw new UsageError(`--paginate: ${name} must be a whole number from 1 to ${max}; got ${JSON.stringify(text)}.`);
    return n;
  };
  return { perPage: whole('per_page', perPageText, MAX_PER_PAGE, MAX_PER_PAGE), startPage: whole('page', pageText, 1, 1_000_000_000), rest };
}

/** Walks the pages and writes the output; returns the number of items. */
export async function paginateOutput(run: PaginateRun): Promise<number> {
  const { perPage, startPage, rest } = pageFields(run.query);
  const all: unknown[] = [];
  let page: unknown[] = [];
  let pending: { page: number; count: number } | undefined;
  let total = 0;
  const finishPage = async () => {
    if (!pending) return;
    run.progress(pending.page, pending.count, total);
    if (run.jq !== undefined) run.write(await runJq(JSON.stringify(page), run.jq, { pretty: run.pretty }));
    page = [];
    pending = undefined;
  };
  const pages = run.client.paginate(run.path, {
    query: rest as Record<string, QueryValue>,
    perPage,
    startPage,
    onPage: (n, count) => {
      total += count;
      pending = { page: n, count };
    },
  });
  for await (const item of pages) {
    // onPage announced this item's page just before its first item.
    page.push(item);
    if (run.jq === undefined) all.push(item);
    if (pending && page.length === pending.count) await finishPage();
  }
  if (run.jq === undefined) run.write(formatJson(all, run.pretty));
  return total;
}
