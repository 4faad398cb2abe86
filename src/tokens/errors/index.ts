export * from './not-logged-in-error.ts';
export * from './lock-timeout-error.ts';
export * from './refresh-hook-error.ts';
export * from './invalid-token-key-error.ts';
export * from './tokens-not-saved-error.ts';
export * from './store-unavailable-error.ts';
export * from './store-schema-error.ts';
export * from './corrupt-record-error.ts';
