import { join } from 'node:path';
import { generateApiKey } from '../../../server/api-keys.ts';
import type { CommandDeps } from '../../command.ts';
import { reportError } from '../../error-report.ts';
import { EXIT } from '../../exit-codes.ts';
import { jsonFlag, type CommandSpec, type FlagValues } from '../../flag-spec.ts';
import { parseFlags } from '../../parse-flags.ts';
import { resolveConfigDir } from '../../../node/config-dir.ts';
import { parseStoreSpec, specSecrets } from '../../store-spec.ts';
import { styleFor } from '../../style.ts';
import { UsageError } from '../../usage-error.ts';
import { openServiceStore } from './open-service-stores.ts';

export const spec = {
  name: 'serve keys',
  args: 'create|list|revoke [ID]',
  complete: ['create', 'list', 'revoke'],
  description: `API keys of the token service, kept in its database as SHA-256 hashes: a key is printed once,
by create, and never again. Every replica sees a new key at once, and a revoked one at once on
PostgreSQL (within serve --cache-ms on SQLite, or behind a pooler in transaction mode).`,
  flags: {
    label: { type: 'string', value: 'TEXT', description: 'what the key is for (create; default "api key")' },
    db: { type: 'string', value: 'STORE', description: 'sqlite:FILE (default <config dir>/serve.db) or postgres://USER@HOST/DB', complete: 'files' },
    json: jsonFlag('print JSON on stdout'),
  },
  more: `Examples:
  strava-auth serve keys create --label backend
  strava-auth serve keys list --json
  strava-auth serve keys revoke 3f2a9c1b7d04`,
} as const satisfies CommandSpec;

/** What `serve keys` was asked. */
export interface KeysOptions extends FlagValues<typeof spec.flags> {
  action: 'create' | 'list' | 'revoke';
  id: string | undefined;
}

/** `serve keys`'s command line to its options. */
export function parse(argv: string[]): KeysOptions {
  const { values, positionals } = parseFlags(spec, argv);
  const [action, ...rest] = positionals;
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw new UsageError(action === undefined ? 'serve keys needs create, list or revoke.' : `"${action}" is not a serve keys action; use create, list or revoke.`);
  }
  if (action === 'revoke' ? rest.length !== 1 : rest.length !== 0) {
    throw new UsageError(action === 'revoke' ? 'serve keys revoke takes one key id (see serve keys list).' : `serve keys ${action} takes no arguments.`);
  }
  return { ...values, action, id: rest[0] };
}

/** `strava-auth serve keys ...`. */
async function run(values: KeysOptions, { io }: CommandDeps): Promise<number> {
  const { action } = values;
  const spec = parseStoreSpec(values.db ?? `sqlite:${join(resolveConfigDir({ env: io.env }), 'serve.db')}`, io.cwd);
  for (const secret of specSecrets(spec)) io.redactor?.add(secret);
  try {
    const style = styleFor(io);
    const store = await openServiceStore(spec, (message) => io.stderr.write(`${style.yellow('warning:')} ${message}\n`));
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
      const id = values.id!;
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

export const keysCommand = { spec, parse, run };
