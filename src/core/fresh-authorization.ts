/**
 * Which token sets come from an athlete's new authorization (a code exchange), as opposed to a
 * refresh or tokens read back from storage. The token manager stores such a set in place of what
 * it holds, since the athlete may just have granted other scopes; a set rebuilt from data (a
 * seed, a stored record) is not one.
 */
import type { TokenSet } from './token-set.ts';

const FRESH = new WeakSet<TokenSet>();

/** Marks `tokens` as the result of a code exchange; returns them. */
export function markFreshAuthorization(tokens: TokenSet): TokenSet {
  FRESH.add(tokens);
  return tokens;
}

/**
 * Whether `tokens` is the very set a code exchange returned (`oauth.finish`, `exchangeCode`).
 *
 * @example
 * const tokens = await oauth.finish(request, callbackUrl);
 * isFreshAuthorization(tokens); // true
 * isFreshAuthorization(TokenSet.fromData(tokens.toData())); // false
 */
export function isFreshAuthorization(tokens: unknown): boolean {
  return typeof tokens === 'object' && tokens !== null && FRESH.has(tokens as TokenSet);
}
