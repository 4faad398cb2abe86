import type { Command } from '../command.ts';
import { COMMANDS, isGroup } from '../command-table.ts';
import { completionCommand, completionScript, SHELLS, type CompletionCommand, type Shell } from '../completion-script.ts';
import { didYouMean } from '../did-you-mean.ts';
import { EXIT } from '../exit-codes.ts';
import type { CommandSpec } from '../flag-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { UsageError } from '../usage-error.ts';

export const spec = {
  name: 'completion',
  args: 'bash|zsh|fish',
  complete: ['bash', 'zsh', 'fish'],
  description: `Prints a completion script for your shell: commands, flags, profile names (from the token
directory) and scope names.`,
  flags: {},
  more: `Load it:
  bash   source <(strava-auth completion bash)          (e.g. in ~/.bashrc)
  zsh    source <(strava-auth completion zsh)           (e.g. in ~/.zshrc)
  fish   strava-auth completion fish | source           (or save it in ~/.config/fish/completions/strava-auth.fish)`,
} as const satisfies CommandSpec;

/** Every command's spec, loaded (completion is the one place that needs them all). */
export async function completionCommands(): Promise<CompletionCommand[]> {
  return Promise.all(
    Object.entries(COMMANDS).map(async ([name, entry]) => {
        const loaded = await entry.load();
        if (!isGroup(loaded)) {
          const nested = loaded.nested && (await Promise.all(loaded.nested.map(async ([, summary, load]) => [await load(), summary] as [CommandSpec, string])));
          return completionCommand(name, entry.summary, loaded.spec, nested);
        }
        const subs = await Promise.all(
          (loaded.spec.subcommands ?? []).map(async ([sub, summary]) => [(await loaded.subcommands[sub]!()).spec, summary] as [CommandSpec, string]),
        );
        return completionCommand(name, entry.summary, loaded.spec, subs);
      }),
  );
}

export const command: Command<{ shell: Shell }> = {
  spec,
  parse(argv) {
    const { positionals } = parseFlags(spec, argv);
    const [shell, ...extra] = positionals;
    if (shell === undefined || extra.length > 0) throw new UsageError('completion takes one shell: bash, zsh or fish');
    if (!(SHELLS as readonly string[]).includes(shell)) throw new UsageError(`completion knows bash, zsh and fish, not "${shell}"${didYouMean(shell, SHELLS)}`);
    return { shell: shell as Shell };
  },
  async run({ shell }, { io }) {
    io.stdout.write(completionScript(shell, await completionCommands()));
    return EXIT.ok;
  },
};
