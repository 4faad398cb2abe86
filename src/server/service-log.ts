import { remembered } from '../core/remembered.ts';

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
  // Written out by hand rather than through an object for JSON.stringify: the request log is on
  // the token API's hot path. The time string is kept for the millisecond it names, and each
  // field name's JSON for the next line with that name (a line has the same few names).
  let lastMs = Number.NaN;
  let lastTime = '';
  const names = new Map<string, string | null>();
  return (level, message, fields = {}) => {
    const now = clock.now();
    if (now !== lastMs) {
      lastTime = new Date(now).toISOString();
      lastMs = now;
    }
    let line = `{"time":"${lastTime}","level":"${level}","msg":${JSON.stringify(message)}`;
    for (const key in fields) {
      if (!Object.hasOwn(fields, key)) continue;
      const value = fields[key];
      if (value === undefined) continue;
      const name = remembered(names, key, MAX_REMEMBERED_NAMES, fieldName);
      if (name === null) return write(objectLine(lastTime, level, message, fields));
      line += name + (typeof value === 'string' ? JSON.stringify(value) : String(typeof value === 'number' && !Number.isFinite(value) ? null : value));
    }
    write(`${line}}\n`);
  };
}

/** Field names whose JSON {@link jsonLog} keeps (a log has a few dozen). */
const MAX_REMEMBERED_NAMES = 256;

/**
 * How a field name goes into a line (`,"name":`), or null when the line must be written through an
 * object: a field named like a leading key replaces its value in place, and an index-like name
 * goes first.
 */
function fieldName(key: string): string | null {
  return key === 'time' || key === 'level' || key === 'msg' || /^\d/.test(key) ? null : `,${JSON.stringify(key)}:`;
}

/** The line as JSON.stringify writes it from an object (what {@link jsonLog} writes, in the rare cases it cannot by hand). */
function objectLine(time: string, level: LogLevel, message: string, fields: LogFields): string {
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return `${JSON.stringify({ time, level, msg: message, ...defined })}\n`;
}

/** A log that drops everything (library use without a log). */
export const silentLog: ServiceLog = () => {};

/** A writer that gathers lines and hands them on together. */
export interface BatchedWriter {
  write(line: string): void;
  /** Hands on what is gathered now (call before exiting). */
  flush(): void;
}

/**
 * Gathers log lines written in one turn of the event loop and writes them at once: one write
 * (and one redaction pass of the CLI's stderr) per burst instead of one per request, which on
 * the token API's hot path costs more than the rest of the request. A line is out within one
 * event-loop turn; `flush` writes what is left at exit.
 */
export function batchedWriter(write: (text: string) => void, maxBytes = 64 * 1024): BatchedWriter {
  let pending: string[] = [];
  let size = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    write(text);
  };
  return {
    write(line) {
      pending.push(line);
      size += line.length;
      if (size >= maxBytes) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}
