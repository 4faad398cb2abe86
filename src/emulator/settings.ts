/**
 * Settings a test may change while the emulator runs, and their validation (shared by the
 * `Emulator` object, the control routes and the `emulator` command).
 */
import { isScope } from '../core/scopes.ts';
import type { ConsentPolicy, RotationPolicy } from './types.ts';

/** The run-time settings of one emulator. */
export interface EmulatorSettings {
  /** The emulated athlete's answer to the consent page, given in advance; null shows the page. */
  consent: ConsentPolicy | null;
  rotateRefreshTokens: RotationPolicy;
}

/**
 * Checks a policy from code or from a control request's JSON. Returns it (or null, meaning "show
 * the HTML page"); throws an Error saying what is wrong otherwise.
 */
export function validateConsentPolicy(value: unknown): ConsentPolicy | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('A consent policy must be an object or null.');
  const { policy, untick, athleteId } = value as Record<string, unknown>;
  if (policy !== 'approve' && policy !== 'deny') throw new Error('consent.policy must be "approve" or "deny".');
  if (untick !== undefined) {
    if (!Array.isArray(untick) || !untick.every((s) => typeof s === 'string' && isScope(s))) {
      throw new Error('consent.untick must be a list of valid Strava scopes.');
    }
  }
  if (athleteId !== undefined && !(Number.isSafeInteger(athleteId) && (athleteId as number) > 0)) {
    throw new Error('consent.athleteId must be a positive integer.');
  }
  return {
    policy,
    ...(untick !== undefined && { untick: [...(untick as string[])] }),
    ...(athleteId !== undefined && { athleteId: athleteId as number }),
  };
}

const ROTATION_POLICIES: readonly string[] = ['always', 'never', 'when-access-renewed'];

/** Checks a refresh-token rotation policy; throws on anything else. */
export function validateRotationPolicy(value: unknown): RotationPolicy {
  if (typeof value !== 'string' || !ROTATION_POLICIES.includes(value)) {
    throw new Error(`rotateRefreshTokens must be one of ${ROTATION_POLICIES.join(', ')}.`);
  }
  return value as RotationPolicy;
}
