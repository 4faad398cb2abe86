/**
 * strava-auth for Node: the file token store (the CLI's default) and its cross-process lock.
 * @packageDocumentation
 */
export { type ConfigDirOptions, resolveConfigDir, defaultTokenDir } from './config-dir.ts';
export { TOKEN_FILE_VERSION, type FileStoreOptions, FileStore } from './file-store.ts';
export {
  DEFAULT_FILE_LOCK_TIMEOUT_MS,
  DEFAULT_STALE_LOCK_MS,
  type FileLockOptions,
  type FileLockHandle,
  acquireFileLock,
  withFileLock,
} from './file-lock.ts';
export { type UploadFile, readUploadFile } from './read-upload-file.ts';
export { CorruptTokenFileError } from './errors/corrupt-token-file-error.ts';
