/**
 * Fault injection for the API routes: added latency, 5xx answers, dropped connections and 429
 * bursts, each limited to matching requests and (except latency) to a number of them. Controlled
 * in-process through `emu.faults` and from other processes through `/_emulator/faults`.
 */
import type { FaultController, FaultSpec } from './types.ts';

/** What the faults decided for one request. */
export interface FaultPlan {
  latencyMs: number;
  /** Answer this status without handling the request. */
  status5xx?: number;
  /** Answer 429 as if the 15-minute budget were used up. */
  rateLimited: boolean;
  /** Handle the request, then destroy the connection without answering. */
  drop: boolean;
}

/** Checks a fault from code or from a control request; throws an Error saying what is wrong. */
export function validateFault(value: unknown): FaultSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('A fault must be an object.');
  const v = value as Record<string, unknown>;
  const known = ['match', 'latencyMs', 'status5xx', 'drop', 'rateLimitBurst'];
  const unknown = Object.keys(v).filter((key) => !known.includes(key));
  if (unknown.length > 0) throw new Error(`Unknown fault field(s): ${unknown.join(', ')}; known: ${known.join(', ')}.`);
  if (v.match !== undefined && (typeof v.match !== 'string' || !/^[A-Z]+ (\*|\/\S*)$/.test(v.match))) {
    throw new Error('fault.match must look like "GET /athlete/activities" or "POST *".');
  }
  if (v.latencyMs !== undefined && !(typeof v.latencyMs === 'number' && v.latencyMs >= 0 && v.latencyMs <= 60_000)) {
    throw new Error('fault.latencyMs must be a number of ms from 0 to 60000.');
  }
  const counted = (name: string): void => {
    const c = v[name] as { count?: unknown } | undefined;
    if (c === undefined) return;
    if (typeof c !== 'object' || c === null || !(Number.isSafeInteger(c.count) && (c.count as number) >= 0)) {
      throw new Error(`fault.${name} must be {"count": <non-negative integer>}.`);
    }
  };
  counted('status5xx');
  counted('drop');
  counted('rateLimitBurst');
  const status = (v.status5xx as { status?: unknown } | undefined)?.status;
  if (status !== undefined && !(Number.isSafeInteger(status) && (status as number) >= 500 && (status as number) <= 599)) {
    throw new Error('fault.status5xx.status must be from 500 to 599.');
  }
  return structuredClone(v) as FaultSpec;
}

/** `GET /api/v3/athlete` → `GET /athlete`. */
function normalizeMatch(match: string): string {
  return match.replace(/^([A-Z]+) \/api\/v3(?=\/)/, '$1 ');
}

/** The faults in force. */
export class Faults implements FaultController {
  #faults: FaultSpec[] = [];

  set(faults: FaultSpec | FaultSpec[]): void {
    this.#faults = (Array.isArray(faults) ? faults : [faults]).map(validateFault);
  }

  add(fault: FaultSpec): void {
    this.#faults.push(validateFault(fault));
  }

  clear(): void {
    this.#faults = [];
  }

  list(): FaultSpec[] {
    return structuredClone(this.#faults);
  }

  /**
   * The faults for one request to `method` + `template` (e.g. `/api/v3/activities/{id}`), using up
   * one count of each counted fault that applies. Latencies of several matching faults add up.
   */
  take(method: string, template: string): FaultPlan {
    const route = normalizeMatch(`${method} ${template}`);
    const plan: FaultPlan = { latencyMs: 0, rateLimited: false, drop: false };
    for (const fault of this.#faults) {
      const match = fault.match === undefined ? undefined : normalizeMatch(fault.match);
      if (match !== undefined && match !== route && match !== `${method} *`) continue;
      plan.latencyMs += fault.latencyMs ?? 0;
      if (!plan.rateLimited && plan.status5xx === undefined && fault.rateLimitBurst && fault.rateLimitBurst.count > 0) {
        fault.rateLimitBurst.count--;
        plan.rateLimited = true;
      }
      if (!plan.rateLimited && plan.status5xx === undefined && fault.status5xx && fault.status5xx.count > 0) {
        fault.status5xx.count--;
        plan.status5xx = fault.status5xx.status ?? 503;
      }
      if (!plan.drop && !plan.rateLimited && plan.status5xx === undefined && fault.drop && fault.drop.count > 0) {
        fault.drop.count--;
        plan.drop = true;
      }
    }
    return plan;
  }
}
