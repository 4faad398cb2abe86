import { EMULATOR_FLAGS, emulatorOptions, serveEmulator, type EmulatorCommandOptions } from '../../emulator/command.ts';
import type { Command } from '../command.ts';
import type { CommandSpec } from '../flag-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { UsageError } from '../usage-error.ts';

export const spec = {
  name: 'emulator',
  description: `Runs a local Strava (OAuth and API v3 endpoints) on 127.0.0.1 until Ctrl+C. Point other tools at
it with the export line it prints; strava-auth's own commands can use --emulator instead.`,
  flags: EMULATOR_FLAGS,
} as const satisfies CommandSpec;

export const command: Command<EmulatorCommandOptions> = {
  spec,
  parse(argv) {
    const { values } = parseFlags(spec, argv);
    try {
      return emulatorOptions(values);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  },
  run: (options, { io, signal }) => serveEmulator(options, { stdout: io.stdout, stderr: io.stderr, ...(signal && { signal }) }),
};
