/** Usage and limit of one budget, for the 15-minute and the daily window. */
export interface RateLimitBudget {
  shortLimit: number;
  shortUsage: number;
  dailyLimit: number;
  dailyUsage: number;
}

/** Both budgets as Strava reported them on a response. `read` is absent on older responses. */
export interface RateLimitState {
  overall: RateLimitBudget | undefined;
  read: RateLimitBudget | undefined;
}

/** Anything with a case-insensitive `get`, like the Fetch `Headers` class. */
export interface HeaderSource {
  get(name: string): string | null;
}

function pair(value: string | null): [number, number] | undefined {
  if (value === null) return undefined;
  const parts = value.split(',').map((part) => Number(part.trim()));
  if (parts.length !== 2 || parts.some((n) => !Number.isFinite(n) || n < 0)) return undefined;
  return [parts[0]!, parts[1]!];
}

function budget(headers: HeaderSource, prefix: string): RateLimitBudget | undefined {
  const limit = pair(headers.get(`${prefix}-limit`));
  const usage = pair(headers.get(`${prefix}-usage`));
  if (!limit || !usage) return undefined;
  return { shortLimit: limit[0], dailyLimit: limit[1], shortUsage: usage[0], dailyUsage: usage[1] };
}

/** Normalizes a plain header record (any casing) into something with a case-insensitive `get`. */
export function headerSource(headers: HeaderSource | Record<string, string | string[] | undefined>): HeaderSource {
  if (typeof (headers as HeaderSource).get === 'function') return headers as HeaderSource;
  const lower = new Map<string, string>();
  for (const [key, value] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (value !== undefined) lower.set(key.toLowerCase(), Array.isArray(value) ? value.join(',') : value);
  }
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}

/**
 * Reads `X-RateLimit-Limit/Usage` and `X-ReadRateLimit-Limit/Usage` (`"<15min>,<daily>"`), in any
 * casing and with spaces tolerated. Returns undefined when neither budget is present.
 */
export function parseRateLimitHeaders(headers: HeaderSource | Record<string, string | string[] | undefined>): RateLimitState | undefined {
  const source = headerSource(headers);
  const overall = budget(source, 'x-ratelimit');
  const read = budget(source, 'x-readratelimit');
  return overall || read ? { overall, read } : undefined;
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** When the current 15-minute window ends (:00, :15, :30, :45 of the hour). */
export function nextQuarterHour(nowMs: number): Date {
  return new Date(Math.floor(nowMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS + QUARTER_HOUR_MS);
}

/** When the daily window ends (midnight UTC). */
export function nextUtcMidnight(nowMs: number): Date {
  return new Date(Math.floor(nowMs / DAY_MS) * DAY_MS + DAY_MS);
}

function exhaustedDaily(b: RateLimitBudget | undefined): boolean {
  return b !== undefined && b.dailyUsage >= b.dailyLimit;
}

/**
 * Which window a 429 belongs to and when it resets: the daily one when a daily budget is used up
 * according to the headers, else the 15-minute one.
 */
export function rateLimitReset(state: RateLimitState | undefined, nowMs: number): { window: 'short' | 'daily'; resetsAt: Date } {
  if (state && (exhaustedDaily(state.overall) || exhaustedDaily(state.read))) return { window: 'daily', resetsAt: nextUtcMidnight(nowMs) };
  return { window: 'short', resetsAt: nextQuarterHour(nowMs) };
}
