import type { Upload } from '../../client/models.ts';
import type { UploadDataType } from '../../client/upload-data-type.ts';
import { escapeControlCharacters } from '../../core/terminal-text.ts';
import { readUploadFile } from '../../node/read-upload-file.ts';
import { parseCommandArgs } from '../args.ts';
import { clientFor, formatJson } from '../api-client.ts';
import { UsageError } from '../usage-error.ts';
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts';
import type { Command } from '../main.ts';
import { withSession } from '../with-session.ts';

const HELP = `Usage: strava-auth upload FILE [--name NAME] [--description TEXT] [--type TYPE] [--json]

Uploads an activity file (FIT, GPX or TCX, optionally gzipped) and waits until Strava has turned
it into an activity, with a progress line on stderr. Prints the new activity's id on stdout.
Needs the activity:write scope (strava-auth login --scope activity:write).

Flags:
      --name NAME          the activity's name (default: Strava picks one, e.g. "Morning Ride")
      --description TEXT   its description
      --type TYPE          fit, fit.gz, gpx, gpx.gz, tcx or tcx.gz (default: from the file name)
      --trainer            recorded on a trainer
      --commute            a commute
      --external-id ID     your own identifier for the upload
      --poll-interval SECS seconds between checks while Strava processes the file (default 2,
                           at least 1: Strava asks for no more than one a second)
      --no-wait            print the upload id and return without waiting for processing
      --json               print Strava's final upload object as JSON instead of the id
  -p, --profile NAME       profile whose token to use (default: $STRAVA_PROFILE or "default")
      --emulator           upload to the built-in emulator

Example:
  strava-auth upload Morning_Ride.fit --name "Morning Ride"

${EXIT_CODES_HELP}
`;

export const command: Command = {
  summary: 'Upload a FIT, GPX or TCX file and wait for the activity',
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      {
        name: { type: 'string' },
        description: { type: 'string' },
        type: { type: 'string' },
        trainer: { type: 'boolean' },
        commute: { type: 'boolean' },
        'external-id': { type: 'string' },
        'no-wait': { type: 'boolean' },
        'poll-interval': { type: 'string' },
        json: { type: 'boolean' },
      },
      HELP,
      true,
    );
    if (positionals.length !== 1) throw new UsageError('upload takes one FILE, e.g. strava-auth upload Morning_Ride.fit');
    const pollSeconds = values['poll-interval'] === undefined ? 2 : Number(values['poll-interval']);
    if (!(pollSeconds >= 1)) throw new UsageError(`--poll-interval takes seconds, at least 1; got "${values['poll-interval']}".`);
    return withSession(io, values, async (session) => {
      try {
        const file = await readUploadFile(positionals[0]!, values.type as UploadDataType | undefined);
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
          io.stderr.write(`error: ${positionals[0]} does not exist.\n`);
          return EXIT.usage;
        }
        throw error;
      }
    });
  },
};
