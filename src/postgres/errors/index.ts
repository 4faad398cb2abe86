export * from './postgres-driver-missing-error.ts';
