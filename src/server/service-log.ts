/** Levels of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Fields of a log line: ids, routes, statuses, durations, error codes. Never a token or a key. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

/** Where the service writes its structured log. */
export type ServiceLog = (level: LogLevel, message: string, fields?: LogFields) => void;

/**
 * One JSON object per line (`time`, `level`, `msg`, then the fields), for stderr and any log
 * collector. Callers pass only ids and outcomes; error text comes from StravaAuthError messages,
 * which never hold secrets.
 */
export function jsonLog(write: (line: string) => void, clock: { now(): number } = { now: () => Date.now() }): ServiceLog {
  return (level, message, fields = {}) => {
    const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    write(`${JSON.stringify({ time: new Date(clock.now()).toISOString(), level, msg: message, ...defined })}\n`);
  };
}

/** A log that drops everything (library use without a log). */
export const silentLog: ServiceLog = () => {};
