import { EXIT_CODES_POINTER } from './exit-codes.ts';
import { HELP_FLAG, type CommandSpec, type FlagSpec } from './flag-spec.ts';

const WIDTH = 100;

/** `--scope LIST` (or `--force`): how a flag is written, with its value's name. */
export function flagWithValue(name: string, flag: FlagSpec): string {
  return flag.type === 'string' ? `--${name} ${flag.value ?? 'VALUE'}` : `--${name}`;
}

/** The usage line: every flag, the required ones without brackets, repeatable ones with `...`. */
export function usageLine(spec: CommandSpec): string {
  const parts = [`strava-auth ${spec.name}`];
  if (spec.subcommands) parts.push('<subcommand> [flags]');
  if (spec.args) parts.push(spec.args);
  for (const [name, flag] of Object.entries(spec.flags)) {
    const text = `${flagWithValue(name, flag)}${flag.multiple ? ' ...' : ''}`;
    parts.push(flag.required ? text : `[${text}]`);
  }
  return `Usage: ${parts.join(' ')}`;
}

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** Two columns: names on the left, descriptions wrapped on the right. */
export function table(rows: ReadonlyArray<readonly [string, string]>, indent = 2): string {
  const left = Math.max(...rows.map(([name]) => name.length));
  const pad = ' '.repeat(indent + left + 2);
  return rows
    .map(([name, text]) => {
      const [first = '', ...rest] = wrap(text, Math.max(40, WIDTH - pad.length));
      return [`${' '.repeat(indent)}${name.padEnd(left)}  ${first}`.trimEnd(), ...rest.map((line) => `${pad}${line}`)].join('\n');
    })
    .join('\n');
}

/** The flag table: `-s, --scope LIST   what it does`, --help last. */
export function flagTable(spec: CommandSpec): string {
  const entries = [...Object.entries(spec.flags), ['help', HELP_FLAG] as const];
  return table(entries.map(([name, flag]) => [`${flag.short ? `-${flag.short}, ` : '    '}${flagWithValue(name, flag)}`, flag.description]));
}

/** A command's whole help, generated from its spec: usage, what it does, flags, the rest. */
export function helpText(spec: CommandSpec): string {
  const sections = [usageLine(spec), spec.description.trim()];
  if (spec.subcommands) {
    sections.push(`Subcommands:\n${table(spec.subcommands)}\n\nRun strava-auth ${spec.name} <subcommand> --help for its flags.`);
  }
  sections.push(`Flags:\n${flagTable(spec)}`);
  if (spec.more) sections.push(spec.more.trim());
  sections.push(EXIT_CODES_POINTER);
  return `${sections.join('\n\n')}\n`;
}
