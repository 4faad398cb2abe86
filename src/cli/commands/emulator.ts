import { runEmulatorCommand } from '../../emulator/index.ts';
import type { Command } from '../main.ts';

export const command: Command = {
  summary: 'Run the built-in Strava emulator on 127.0.0.1',
  run: (argv, io) => runEmulatorCommand(argv, io),
};
