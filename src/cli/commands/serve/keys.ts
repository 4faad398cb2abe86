import { join } from 'node:path';
import { generateApiKey } from '../../../server/api-keys.ts';
import { parseCommandArgs } from '../../args.ts';
import { reportError } from '../../error-report.ts';
import { EXIT } from '../../exit-codes.ts';
import type { Io } from '../../io.ts';
import { resolveConfigDir } from '../../../node/config-dir.ts';
import { parseStoreSpec, specSecrets } from '../../store-spec.ts';
import { UsageError } from '../../usage-error.ts';
import { openServiceStore } from './open-service-stores.ts';

const HELP = `Usage: strava-auth serve keys create [--label TEXT] [--db STORE] [--json]
       strava-auth serve keys list [--db STORE] [--json]
       strava-auth serve keys revoke ID [--db STORE]

API keys of the token service, kept in its database as SHA-256 hashes: a key is printed once,
by create, and never again. Every replica sees a new or revoked key at once.

Flags:
      --label TEXT   what the key is for (create; default "api key")
      --db STORE     sqlite:FILE (default <config dir>/serve.db) or postgres://USER@HOST/DB
      --json         print JSON on stdout
`;

/** `strava-auth serve keys ...`. */
export async function keys(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { label: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } }, HELP, true);
  const [action, ...rest] = positionals;
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw new UsageError(action === undefined ? 'serve keys needs create, list or revoke.' : `"${action}" is not a serve keys action; use create, list or revoke.`);
  }
  if (action === 'revoke' ? rest.length !== 1 : rest.length !== 0) {
    throw new UsageError(action === 'revoke' ? 'serve keys revoke takes one key id (see serve keys list).' : `serve keys ${action} takes no arguments.`);
  }
  const spec = parseStoreSpec(values.db ?? `sqlite:${join(resolveConfigDir({ env: io.env }), 'serve.db')}`, io.cwd);
  for (const secret of specSecrets(spec)) io.redactor?.add(secret);
  try {
    const store = await openServiceStore(spec);
    try {
      if (action === 'create') {
        const label = values.label ?? 'api key';
        const { key, record } = await generateApiKey(label, Date.now());
        await store.addApiKey(record);
        io.stdout.write(values.json ? `${JSON.stringify({ id: record.id, key, label })}\n` : `${key}\n`);
        if (!values.json) io.stderr.write(`Created key ${record.id} (${label}). It is shown this once: keep it in your app's secrets.\n`);
        return EXIT.ok;
      }
      if (action === 'list') {
        const list = (await store.listApiKeys()).map(({ id, label, createdAt }) => ({ id, label, created_at: new Date(createdAt).toISOString() }));
        if (values.json) io.stdout.write(`${JSON.stringify(list)}\n`);
        else if (list.length === 0) io.stderr.write('No API keys in this database (keys from STRAVA_AUTH_API_KEYS are not listed).\n');
        else for (const key of list) io.stdout.write(`${key.id}  ${key.created_at}  ${key.label}\n`);
        return EXIT.ok;
      }
      const id = rest[0]!;
      if (!(await store.revokeApiKey(id))) {
        io.stderr.write(`error: no API key has the id "${id.replace(/[^\x20-\x7e]/g, '?')}". Run strava-auth serve keys list to see them.\n`);
        return EXIT.error;
      }
      io.stderr.write(`Revoked key ${id}: every replica refuses it from now on.\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  } catch (error) {
    return reportError(io, error);
  }
}
