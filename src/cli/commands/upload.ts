import type { Upload } from '../../client/models.ts';
import type { UploadDataType } from '../../client/upload-data-type.ts';
import { escapeControlCharacters } from '../../core/terminal-text.ts';
import { readUploadFile } from '../../node/read-upload-file.ts';
import { clientFor, formatJson } from '../api-client.ts';
import type { Command } from '../command.ts';
import { EXIT } from '../exit-codes.ts';
import { emulatorFlag, jsonFlag, profileFlag, type CommandSpec, type FlagValues } from '../flag-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { UsageError } from '../usage-error.ts';
import { withSession } from '../with-session.ts';

export const spec = {
  name: 'upload',
  args: 'FILE',
  complete: 'files',
  description: `Uploads an activity file (FIT, GPX or TCX, optionally gzipped) and waits until Strava has turned
it into an activity, with a progress line on stderr. Prints the new activity's id on stdout.
Needs the activity:write scope (strava-auth login --scope activity:write).`,
  flags: {
    name: { type: 'string', value: 'NAME', description: 'the activity\'s name (default: Strava picks one, e.g. "Morning Ride")' },
    description: { type: 'string', value: 'TEXT', description: 'its description' },
    type: { type: 'string', value: 'TYPE', description: 'fit, fit.gz, gpx, gpx.gz, tcx or tcx.gz (default: from the file name)', complete: ['fit', 'fit.gz', 'gpx', 'gpx.gz', 'tcx', 'tcx.gz'] },
    trainer: { type: 'boolean', description: 'recorded on a trainer' },
    commute: { type: 'boolean', description: 'a commute' },
    'external-id': { type: 'string', value: 'ID', description: 'your own identifier for the upload' },
    'poll-interval': {
      type: 'string',
      value: 'SECS',
      description: 'seconds between checks while Strava processes the file (default 2, at least 1: Strava asks for no more than one a second)',
    },
    'no-wait': { type: 'boolean', description: 'print the upload id and return without waiting for processing' },
    json: jsonFlag("print Strava's final upload object as JSON instead of the id"),
    profile: profileFlag('profile whose token to use'),
    emulator: emulatorFlag('upload to the built-in emulator'),
  },
  more: `Example:
  strava-auth upload Morning_Ride.fit --name "Morning Ride"`,
} as const satisfies CommandSpec;

/** What `upload` was asked: the file and its flags, checked before anything is sent. */
export interface UploadOptions extends FlagValues<typeof spec.flags> {
  file: string;
  pollSeconds: number;
}

/** `upload`'s command line to its options. */
export function parse(argv: string[]): UploadOptions {
  const { values, positionals } = parseFlags(spec, argv);
  if (positionals.length !== 1) throw new UsageError('upload takes one FILE, e.g. strava-auth upload Morning_Ride.fit');
  const pollSeconds = values['poll-interval'] === undefined ? 2 : Number(values['poll-interval']);
  if (!(pollSeconds >= 1)) throw new UsageError(`--poll-interval takes seconds, at least 1; got "${values['poll-interval']}".`);
  return { ...values, file: positionals[0]!, pollSeconds };
}

export const command: Command<UploadOptions> = {
  spec,
  parse,
  run: (values, deps) =>
    withSession(deps, values, async (session) => {
      const { io } = session;
      const { pollSeconds } = values;
      try {
        const file = await readUploadFile(values.file, values.type as UploadDataType | undefined);
        const client = await clientFor(session);
        const tty = Boolean(io.stderr.isTTY);
        let last = '';
        const progress = (upload: Upload) => {
          const line = escapeControlCharacters(`${file.filename}: ${upload.error ?? upload.status}`);
          if (line === last) return;
          last = line;
          io.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
        };
        const input = {
          ...file,
          ...(values.name !== undefined && { name: values.name }),
          ...(values.description !== undefined && { description: values.description }),
          ...(values.trainer && { trainer: true }),
          ...(values.commute && { commute: true }),
          ...(values['external-id'] !== undefined && { externalId: values['external-id'] }),
        };
        const upload = values['no-wait']
          ? await client.createUpload(input).then((u) => (progress(u), u))
          : await client.uploadActivity(input, { onProgress: progress, pollIntervalMs: pollSeconds * 1000 });
        if (tty) io.stderr.write('\n');
        if (values.json) io.stdout.write(formatJson(upload, Boolean(io.stdout.isTTY)));
        else io.stdout.write(`${values['no-wait'] ? upload.id : upload.activity_id}\n`);
        if (!values['no-wait']) io.stderr.write(`${session.style.green('✓')} Uploaded as activity ${upload.activity_id}.\n`);
        return EXIT.ok;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          io.stderr.write(`error: ${values.file} does not exist.\n`);
          return EXIT.usage;
        }
        throw error;
      }
    }),
};
