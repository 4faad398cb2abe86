/**
 * Default safety margin: an access token with less left than this is refreshed first. In a file of
 * its own so the CLI's `token` fast path can read it without loading the token manager.
 */
export const DEFAULT_MARGIN_SECONDS = 300;
