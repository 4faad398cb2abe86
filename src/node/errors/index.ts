export * from './corrupt-token-file-error.ts';
