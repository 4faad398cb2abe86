import { parseArgs } from 'node:util';
import { didYouMean } from './did-you-mean.ts';
import { HELP_FLAG, type CommandSpec, type FlagSpecs, type FlagValues } from './flag-spec.ts';
import { flagWithValue } from './help-text.ts';
import { HelpRequested, UsageError } from './usage-error.ts';

/** What a command line holds once its flags are checked against the command's spec. */
export interface ParsedFlags<F extends FlagSpecs> {
  values: FlagValues<F>;
  positionals: string[];
}

/**
 * Reads `argv` against `spec` with util.parseArgs's tokenizer (short groups, `--flag=value`,
 * `--`), then checks each token ourselves so every mistake is a UsageError (exit 2) in our words:
 * an unknown flag names the command and the closest flag, a missing value names the value, a
 * missing required flag is named with an example.
 * `--help` throws {@link HelpRequested} with the help generated from the same spec.
 */
export function parseFlags<F extends FlagSpecs>(spec: CommandSpec<F>, argv: readonly string[]): ParsedFlags<F> {
  const flags: FlagSpecs = { ...spec.flags, help: HELP_FLAG };
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [name, { type: flag.type, ...(flag.short && { short: flag.short }), ...(flag.multiple && { multiple: true }) }]),
  );
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  const names = Object.keys(flags).map((name) => `--${name}`);
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    if (token.kind !== 'option') continue;
    const flag = flags[token.name];
    if (!flag) throw new UsageError(`unknown flag ${token.rawName} for ${spec.name}${didYouMean(token.rawName, names)}`);
    const shown = flag.short && token.rawName === `-${flag.short}` ? `-${flag.short}` : `--${token.name}`;
    let value: string | boolean;
    if (flag.type === 'boolean') {
      if (token.inlineValue) throw new UsageError(`flag ${shown} takes no value; got ${shown}=${token.value}`);
      value = true;
    } else {
      // A value that looks like a flag was almost certainly meant as one: `--scope --force`.
      if (token.value === undefined || (!token.inlineValue && /^-[^\d]/.test(token.value))) {
        throw new UsageError(`flag ${shown} needs a value (${flag.value ?? 'VALUE'})`);
      }
      value = token.value;
    }
    if (flag.multiple) ((values[token.name] ??= []) as unknown[]).push(value);
    else values[token.name] = value;
  }
  if (values.help) throw new HelpRequested(spec);
  if (!spec.args && positionals.length > 0) {
    throw new UsageError(`${spec.name} takes no arguments; got ${JSON.stringify(positionals[0])}`);
  }
  // An empty value (`--from ""`, often an unset shell variable) counts as missing.
  const missing = Object.entries(spec.flags).flatMap(([name, flag]) =>
    flag.required && (values[name] === undefined || values[name] === '') ? [{ usage: flagWithValue(name, flag), example: `--${name} ${flag.example}` }] : [],
  );
  if (missing.length > 0) {
    throw new UsageError(`${spec.name} needs ${missing.map((flag) => flag.usage).join(' and ')}, e.g. ${missing.map((flag) => flag.example).join(' ')}`);
  }
  delete values.help;
  return { values: values as FlagValues<F>, positionals };
}
