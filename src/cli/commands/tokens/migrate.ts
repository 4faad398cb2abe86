import { copyTokens, type CopyOutcome } from '../../../tokens/copy-tokens.ts';
import type { Command, CommandDeps } from '../../command.ts';
import { jsonFlag, type CommandSpec, type FlagValues } from '../../flag-spec.ts';
import { parseFlags } from '../../parse-flags.ts';
import { BulkReport, count, type OutcomeWording } from '../../bulk-report.ts';
import { EXIT } from '../../exit-codes.ts';
import type { Io } from '../../io.ts';
import { describeStoreSpec, parseStoreSpec, sameStore, STORE_SPEC_HELP, type StoreSpec } from '../../store-spec.ts';
import { styleFor } from '../../style.ts';
import { UsageError } from '../../usage-error.ts';
import { withStores } from '../../with-stores.ts';

export const spec = {
  name: 'tokens migrate',
  description: `Copies every record (profile or athlete) of one token store into another: from the CLI's files
into a database, or from unencrypted files into encrypted ones. Each key is copied while holding
the source's lock for it, so a refresh running elsewhere is never lost mid-copy. A record that is
newer in the target is kept (and reported); running the command again copies only what changed.
Both stores use STRAVA_AUTH_ENCRYPTION_KEY when it is set: the target is written encrypted.
Exits 0 when every key was copied, was already there, or is newer in the target; 1 when some
key failed (each failure is reported with its reason).`,
  flags: {
    from: { type: 'string', required: true, example: '~/.config/strava-auth/tokens', value: 'STORE', description: 'where the tokens are now', complete: 'files' },
    to: { type: 'string', required: true, example: 'sqlite:tokens.db', value: 'STORE', description: 'where they go', complete: 'files' },
    json: jsonFlag('print one JSON object (keys and outcomes; never a token)'),
  },
  more: STORE_SPEC_HELP,
} as const satisfies CommandSpec;

export interface MigrateOptions extends FlagValues<typeof spec.flags> {
  source: StoreSpec;
  target: StoreSpec;
}

/** `tokens migrate`'s command line to its options: both stores named and different. */
export function parse(argv: string[], io: Io): MigrateOptions {
  const { values } = parseFlags(spec, argv);
  const source = parseStoreSpec(values.from, io.cwd);
  const target = parseStoreSpec(values.to, io.cwd);
  if (sameStore(source, target)) throw new UsageError(`--from and --to name the same store (${describeStoreSpec(source)}).`);
  return { ...values, source, target };
}

const WORDING: OutcomeWording<CopyOutcome> = {
  copied: { mark: (s) => s.green('✓'), text: 'copied' },
  unchanged: { mark: (s) => s.dim('='), text: 'already the same in the target' },
  targetNewer: { mark: (s) => s.yellow('!'), text: "kept the target's record, which is newer than the source's" },
  gone: { mark: (s) => s.dim('-'), text: 'deleted from the source meanwhile; nothing to copy' },
};

/** `strava-auth tokens migrate`. */
async function run(values: MigrateOptions, { io }: CommandDeps): Promise<number> {
  const { source: from, target: to } = values;
  return withStores(io, [from, to], async ({ stores: [source, target] }) => {
    const report = new BulkReport<CopyOutcome>({ io, style: styleFor(io), wording: WORDING, json: values.json ?? false });
    const outcomes = await copyTokens({ from: source!, to: target!, onResult: (result) => report.line(result) });
    const { copied, unchanged, targetNewer, gone, failed } = outcomes.counts;
    const others = [
      unchanged && `${unchanged} already the same`,
      targetNewer && `${targetNewer} kept (newer in the target)`,
      gone && `${gone} deleted meanwhile`,
      failed && `${failed} failed`,
    ].filter(Boolean);
    report.finish(
      outcomes,
      { from: describeStoreSpec(from), to: describeStoreSpec(to) },
      outcomes.results.length === 0
        ? `${describeStoreSpec(from)} holds no tokens; nothing to copy.`
        : `Copied ${count(copied, 'record')} from ${describeStoreSpec(from)} to ${describeStoreSpec(to)}${others.length ? `; ${others.join(', ')}` : ''}.`,
    );
    return failed ? EXIT.error : EXIT.ok;
  });
}

export const command: Command<MigrateOptions> = { spec, parse, run };
