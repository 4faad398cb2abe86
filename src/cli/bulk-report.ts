import { StravaAuthError } from '../core/errors/strava-auth-error.ts';
import type { KeyOutcome, KeyOutcomes } from '../tokens/key-outcomes.ts';
import { errorText } from './error-report.ts';
import type { Io } from './io.ts';
import type { Style } from './style.ts';

/** How a bulk command words each outcome for people: a mark and what happened. */
export type OutcomeWording<Outcome extends string> = Record<Exclude<Outcome, 'failed'>, { mark: (style: Style) => string; text: string }>;

/**
 * Reports the keys of a bulk operation over a store (`tokens migrate`, `tokens reencrypt`): a line
 * per key on stderr as each finishes, for people; one JSON object on stdout with `--json`. Keys
 * and outcomes only: a token is never printed, and errors pass through the run's redactor.
 */
export class BulkReport<Outcome extends string> {
  readonly #io: Io;
  readonly #style: Style;
  readonly #wording: OutcomeWording<Outcome>;
  readonly #json: boolean;

  constructor(options: { io: Io; style: Style; wording: OutcomeWording<Outcome>; json: boolean }) {
    this.#io = options.io;
    this.#style = options.style;
    this.#wording = options.wording;
    this.#json = options.json;
  }

  /** Prints one key's line (not in JSON mode, where everything comes at the end). */
  line(result: KeyOutcome<Outcome | 'failed'>): void {
    if (this.#json) return;
    if (result.outcome === 'failed') {
      this.#io.stderr.write(`${this.#style.red('✗')} ${result.key}: ${errorText(this.#io, result.error)}\n`);
      return;
    }
    const { mark, text } = this.#wording[result.outcome as Exclude<Outcome, 'failed'>];
    this.#io.stderr.write(`${mark(this.#style)} ${result.key}: ${text}\n`);
  }

  /** The closing summary for people, or the JSON object (`fields` first, then counts and keys). */
  finish(outcomes: KeyOutcomes<Outcome | 'failed'>, fields: Record<string, unknown>, summary: string): void {
    if (!this.#json) {
      this.#io.stderr.write(`${summary}\n`);
      return;
    }
    const keys = outcomes.results.map(({ key, outcome, error }) => ({ key, outcome, ...(outcome === 'failed' ? { error: this.#errorJson(error) } : {}) }));
    this.#io.stdout.write(`${JSON.stringify({ ...fields, counts: outcomes.counts, keys })}\n`);
  }

  #errorJson(error: unknown): Record<string, unknown> {
    const json = error instanceof StravaAuthError ? error.toJSON() : { name: error instanceof Error ? error.name : 'Error', message: errorText(this.#io, error) };
    return this.#io.redactor ? this.#io.redactor.redactValue(json) : json;
  }
}

/** `n thing` or `n things`. */
export function count(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`;
}
