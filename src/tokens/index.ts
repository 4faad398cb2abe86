/**
 * Token storage and the token manager: runtime-agnostic (no Node-only imports), so they run
 * wherever core does. The file store lives in `strava-auth/node`.
 * @packageDocumentation
 */
export * from './token-store.ts';
export * from './stored-tokens.ts';
export * from './memory-store.ts';
export * from './token-manager.ts';
export * from './errors/index.ts';
export * from './token-cipher.ts';
export * from './sealed-secrets.ts';
export * from './aes-gcm-cipher.ts';
export * from './cipher-from-env.ts';
export * from './key-outcomes.ts';
export * from './reencrypt-store.ts';
export * from './copy-tokens.ts';
