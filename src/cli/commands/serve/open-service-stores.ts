import type { PostgresStore } from '../../../postgres/postgres-store.ts';
import type { ServiceStore } from '../../../server/service-store.ts';
import type { TokenStore } from '../../../tokens/token-store.ts';
import { openStore, splitPostgresSchema, type StoreSpec } from '../../store-spec.ts';
import type { TokenCipher } from '../../../tokens/token-cipher.ts';
import { UsageError } from '../../usage-error.ts';

/** The two stores of a service on one database, and how to close both. */
export interface ServiceStores {
  store: TokenStore;
  serviceStore: ServiceStore;
  close(): Promise<void>;
}

/** `--db` must name a database: the service keeps shared state a token directory cannot hold. */
export function assertServiceDatabase(spec: StoreSpec): asserts spec is Exclude<StoreSpec, { kind: 'file' }> {
  if (spec.kind === 'file') {
    throw new UsageError('serve needs a database for --db: sqlite:FILE, or postgres://... for several replicas (a token directory cannot hold the service state).');
  }
}

/** Opens the service state of `spec` alone (for `serve keys`); `warn` receives permission warnings. */
export async function openServiceStore(spec: StoreSpec, warn: (message: string) => void): Promise<ServiceStore> {
  assertServiceDatabase(spec);
  if (spec.kind === 'sqlite') {
    const { SqliteServiceStore } = await import('../../../sqlite/sqlite-service-store.ts');
    const store = new SqliteServiceStore({ path: spec.path, warn });
    await store.open();
    return store;
  }
  const { PostgresServiceStore } = await import('../../../postgres/postgres-service-store.ts');
  // In the token store's schema (`?schema=NAME`, default public).
  const { connectionString, schema } = splitPostgresSchema(spec);
  const store = PostgresServiceStore.fromConnectionString(connectionString, { schema });
  await store.open();
  return store;
}

/** Opens the token store and the service state of `spec` (same database). */
export async function openServiceStores(spec: StoreSpec, options: { cipher: TokenCipher | undefined; warn: (message: string) => void }): Promise<ServiceStores> {
  assertServiceDatabase(spec);
  const tokens = await openStore(spec, options);
  let serviceStore: ServiceStore;
  try {
    // Opened now, so an unreachable database or a newer schema stops start-up. Either store creates
    // a missing schema. SqliteStore is already open; PostgresStore would open on first use.
    if (spec.kind === 'postgres') await (tokens.store as PostgresStore).open();
    // The token store, open on the same file, has warned about its modes already.
    serviceStore = await openServiceStore(spec, () => {});
  } catch (error) {
    await tokens.close();
    throw error;
  }
  return {
    store: tokens.store,
    serviceStore,
    close: async () => {
      await serviceStore.close().catch(() => {});
      await tokens.close().catch(() => {});
    },
  };
}
