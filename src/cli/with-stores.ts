import type { TokenCipher } from '../tokens/token-cipher.ts';
import type { TokenStore } from '../tokens/token-store.ts';
import { cipherFromEnv } from '../tokens/cipher-from-env.ts';
import { reportError } from './error-report.ts';
import type { Io } from './io.ts';
import { openStore, specSecrets, type OpenedStore, type StoreSpec } from './store-spec.ts';
import { styleFor } from './style.ts';

/** What the body of a store command gets. */
export interface StoresContext {
  stores: TokenStore[];
  /** The cipher from STRAVA_AUTH_ENCRYPTION_KEY (and _OLD_KEYS), undefined when no key is set. */
  cipher: TokenCipher | undefined;
}

/**
 * Runs a command's body over the stores the specs name, each opened with the cipher the
 * environment asks for: any error becomes one sentence on stderr and its exit code (database
 * passwords join the run's redactor first, so they are never printed), and every store opened is closed however the body ends.
 */
export async function withStores(io: Io, specs: readonly StoreSpec[], body: (context: StoresContext) => Promise<number>): Promise<number> {
  for (const secret of specs.flatMap(specSecrets)) io.redactor?.add(secret);
  const style = styleFor(io);
  const warn = (message: string) => io.stderr.write(`${style.yellow('warning:')} ${message}\n`);
  const opened: OpenedStore[] = [];
  try {
    const cipher = await cipherFromEnv(io.env);
    for (const spec of specs) opened.push(await openStore(spec, { cipher, warn }));
    return await body({ stores: opened.map(({ store }) => store), cipher });
  } catch (error) {
    return reportError(io, error);
  } finally {
    await Promise.all(opened.map((store) => store.close().catch(() => {})));
  }
}
