import { StravaAuthError } from '../../core/errors/strava-auth-error.ts';

/**
 * `importTokens` was given tokens granting scopes the stored, still usable tokens lack, and was
 * not told which set is newer. Keeping the stored set would drop the new grant without a word,
 * so nothing is changed and this is thrown instead.
 */
export class ScopesNotImportedError extends StravaAuthError {
  readonly key: string;
  /** Scopes the given tokens grant and the stored ones do not. */
  readonly scopes: readonly string[];
  /** Scopes of the stored tokens, which were kept. */
  readonly stored: readonly string[];

  constructor(options: { key: string; scopes: readonly string[]; stored: readonly string[] }) {
    const list = (scopes: readonly string[]) => (scopes.length > 0 ? scopes.join(', ') : 'none listed');
    super(`The store already holds usable tokens for "${options.key}" (scopes: ${list(options.stored)}); the tokens given also grant ${list(options.scopes)}, which would be lost, so nothing was stored.`, {
      code: 'scopes_not_imported',
      remedy:
        'If the given tokens are the newer ones (a new login), import them with { replace: true } (tokens straight from oauth.finish replace by themselves); if the stored ones are newer, leave the seed out.',
    });
    this.key = options.key;
    this.scopes = [...options.scopes];
    this.stored = [...options.stored];
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), key: this.key, scopes: this.scopes, stored: this.stored };
  }
}
