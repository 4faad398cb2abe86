export * from './upload-error.ts';
export * from './upload-timeout-error.ts';
export * from './upload-format-error.ts';
export * from './token-expired-error.ts';
export * from './upload-too-large-error.ts';
