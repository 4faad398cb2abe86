/**
 * strava-auth for Node: the file token store (the CLI's default) and its cross-process lock.
 * @packageDocumentation
 */
export * from './config-dir.ts';
export * from './file-store.ts';
export * from './file-lock.ts';
export * from './read-upload-file.ts';
export * from './errors/index.ts';
