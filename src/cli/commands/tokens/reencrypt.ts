import { join } from 'node:path';
import { resolveConfigDir } from '../../../node/config-dir.ts';
import { reencryptStore, type ReencryptOutcome } from '../../../tokens/reencrypt-store.ts';
import { ENCRYPTION_KEY_VARIABLE, OLD_ENCRYPTION_KEYS_VARIABLE } from '../../../tokens/token-cipher.ts';
import type { Command, CommandDeps } from '../../command.ts';
import { jsonFlag, type CommandSpec, type FlagValues } from '../../flag-spec.ts';
import { parseFlags } from '../../parse-flags.ts';
import { BulkReport, count, type OutcomeWording } from '../../bulk-report.ts';
import { EXIT } from '../../exit-codes.ts';
import { describeStoreSpec, parseStoreSpec, STORE_SPEC_HELP } from '../../store-spec.ts';
import { styleFor } from '../../style.ts';
import { UsageError } from '../../usage-error.ts';
import { withStores } from '../../with-stores.ts';

export const spec = {
  name: 'tokens reencrypt',
  description: `Rewrites every record of a token store encrypted with ${ENCRYPTION_KEY_VARIABLE}: records sealed
with a key listed in ${OLD_ENCRYPTION_KEYS_VARIABLE} and unencrypted records alike. Rotating a key:
1. set ${ENCRYPTION_KEY_VARIABLE} to the new key and ${OLD_ENCRYPTION_KEYS_VARIABLE} to the old one
   (everything keeps working: old records stay readable, new writes use the new key);
2. run strava-auth tokens reencrypt;
3. once it reports no failure, remove the old key from ${OLD_ENCRYPTION_KEYS_VARIABLE}.
Exits 0 when every record was rewritten, 1 when some failed (each is reported with its reason),
2 when ${ENCRYPTION_KEY_VARIABLE} is not set.`,
  flags: {
    store: { type: 'string', value: 'STORE', description: "the store to rewrite (default: the CLI's own token files)", complete: 'files' },
    json: jsonFlag('print one JSON object (keys and outcomes; never a token)'),
  },
  more: STORE_SPEC_HELP,
} as const satisfies CommandSpec;

export type ReencryptOptions = FlagValues<typeof spec.flags>;

const WORDING: OutcomeWording<ReencryptOutcome> = {
  rewritten: { mark: (s) => s.green('✓'), text: 'encrypted with the current key' },
  gone: { mark: (s) => s.dim('-'), text: 'deleted meanwhile; nothing to rewrite' },
};

/** `strava-auth tokens reencrypt`. */
async function run(values: ReencryptOptions, { io }: CommandDeps): Promise<number> {
  const spec = parseStoreSpec(values.store ?? join(resolveConfigDir({ env: io.env }), 'tokens'), io.cwd);
  return withStores(io, [spec], async ({ stores: [store], cipher }) => {
    if (!cipher) throw new UsageError(`tokens reencrypt encrypts with ${ENCRYPTION_KEY_VARIABLE}, which is not set.`);
    const report = new BulkReport<ReencryptOutcome>({ io, style: styleFor(io), wording: WORDING, json: values.json ?? false });
    const outcomes = await reencryptStore(store!, { onResult: (result) => report.line(result) });
    const { rewritten, failed } = outcomes.counts;
    const where = describeStoreSpec(spec);
    report.finish(
      outcomes,
      { store: where, keyId: cipher.currentKeyId },
      outcomes.results.length === 0
        ? `${where} holds no tokens; nothing to rewrite.`
        : `Encrypted ${count(rewritten, 'record')} in ${where} with key ${cipher.currentKeyId}` +
            (failed ? `; ${failed} failed, so keep the old keys until they are fixed.` : `. Old keys are no longer needed for this store.`),
    );
    return failed ? EXIT.error : EXIT.ok;
  });
}

export const command: Command<ReencryptOptions> = { spec, parse: (argv) => parseFlags(spec, argv).values, run };
