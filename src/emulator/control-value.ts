/**
 * Numbers that arrive in control requests (`/_emulator/...`) and in the `Emulator` object's
 * setters: finite and inside a range, or refused naming the field. Unchecked, `{"advance": 1e308}`
 * moved the clock past what a Date can hold and every later `expires_at` became null.
 */
import { StravaAuthError } from '../core/errors/strava-auth-error.ts';

/** A control value out of range or of the wrong type; the control routes answer it 400 naming `field`. */
export class InvalidControlValueError extends StravaAuthError {
  /** The value at fault, e.g. `advance` or `rateLimits.overall`. */
  readonly field: string;

  constructor(field: string, rule: string) {
    super(`${field} must be ${rule}.`, {
      code: 'invalid_control_value',
      remedy: `Send ${field} within that range.`,
    });
    this.field = field;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), field: this.field };
  }
}

/** The range of one control number. */
export interface NumberRange {
  min: number;
  max: number;
  /** Whole numbers only (counts, ids, limits). */
  integer?: boolean;
}

/** `value` as a number inside `range`; throws {@link InvalidControlValueError} naming `field` otherwise. */
export function checkNumber(value: unknown, field: string, range: NumberRange): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= range.min && value <= range.max && (!range.integer || Number.isInteger(value));
  if (!ok) throw new InvalidControlValueError(field, `${range.integer ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`);
  return value;
}
