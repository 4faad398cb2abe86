import type { Redactor } from '../core/redactor.ts';
import { FileStore, type FileStoreOptions } from '../node/file-store.ts';
import type { LockedTokens, LockOptions, StoredTokens } from '../tokens/token-store.ts';

/**
 * The CLI's token store: a FileStore that tells the run's redactor every token it reads or
 * writes, so no output of the run can carry one (except `token`, which prints it on purpose).
 */
export class SessionStore extends FileStore {
  readonly #redactor: Redactor;

  constructor(options: FileStoreOptions & { redactor: Redactor }) {
    super(options);
    this.#redactor = options.redactor;
  }

  override async get(key: string): Promise<StoredTokens | undefined> {
    return this.#learn(await super.get(key));
  }

  override withLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>, options?: LockOptions): Promise<T> {
    return super.withLock(
      key,
      (locked) =>
        fn({
          key: locked.key,
          get: async () => this.#learn(await locked.get()),
          set: (value) => locked.set(this.#learn(value)!),
        }),
      options,
    );
  }

  #learn(record: StoredTokens | undefined): StoredTokens | undefined {
    if (record) this.#redactor.add(record.tokens.accessToken).add(record.tokens.refreshToken);
    return record;
  }
}
