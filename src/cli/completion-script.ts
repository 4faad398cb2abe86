/**
 * Shell completion scripts generated from the command specs (the same data as parsing and help):
 * commands, subcommands, flags, and values (scope names, profile names from the config directory,
 * files, fixed lists). bash reads the line itself so `activity:read` is one word whatever
 * COMP_WORDBREAKS says; zsh runs the bash function through bashcompinit; fish gets native rules.
 */
import { SCOPES } from '../core/scopes.ts';
import { HELP_FLAG, type CommandSpec, type FlagCompletion, type FlagSpecs } from './flag-spec.ts';

/** A command as completion sees it: its flags, its subcommands' flags, or both (`serve`, `serve keys`). */
export interface CompletionCommand {
  name: string;
  summary: string;
  flags: FlagSpecs;
  /** What to offer for the command's arguments (not flags). */
  args?: FlagCompletion;
  /** What to offer for a subcommand's first argument, besides its flags. */
  subcommands?: ReadonlyArray<{ name: string; summary: string; flags: FlagSpecs; args?: FlagCompletion }>;
}

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/** Every flag of a command, `--help` included. */
function allFlags(flags: FlagSpecs): FlagSpecs {
  return { ...flags, help: HELP_FLAG };
}

const single = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function bashValues(complete: FlagCompletion | undefined): string {
  if (complete === 'scopes') return '_strava_auth_scopes; return';
  if (complete === 'profiles') return 'COMPREPLY=($(compgen -W "$(_strava_auth_profiles)" -- "$cur")); return';
  if (complete === 'files' || complete === undefined) return 'COMPREPLY=($(compgen -f -- "$cur")); return';
  return `COMPREPLY=($(compgen -W ${single(complete.join(' '))} -- "$cur")); return`;
}

/** `case "$prev"` arms for the flags that take a value. */
function bashValueCases(flags: FlagSpecs, indent: string): string {
  return Object.entries(flags)
    .filter(([, flag]) => flag.type === 'string')
    .map(([name, flag]) => `${indent}${[`--${name}`, ...(flag.short ? [`-${flag.short}`] : [])].join('|')}) ${bashValues(flag.complete)};;`)
    .join('\n');
}

function bashFlagWords(flags: FlagSpecs): string {
  return Object.keys(allFlags(flags))
    .map((name) => `--${name}`)
    .join(' ');
}

function bash(commands: readonly CompletionCommand[]): string {
  const arms: string[] = [];
  for (const command of commands) {
    if (command.subcommands) {
      for (const sub of command.subcommands) {
        const args = sub.args ? `\n      [[ $cur == -* ]] || (( npos )) || { ${bashValues(sub.args)}; }` : '';
        arms.push(`    "${command.name} ${sub.name}")\n      case "$prev" in\n${bashValueCases(sub.flags, '        ')}\n      esac${args}\n      flags=${single(bashFlagWords(sub.flags))};;`);
      }
      // Before a subcommand: its names, or the command's own flags (serve's; a group's --help).
      const own = `      case "$prev" in\n${bashValueCases(command.flags, '        ')}\n      esac`;
      arms.push(`    "${command.name} ")\n${own}\n      [[ $cur == -* ]] || { COMPREPLY=($(compgen -W ${single(command.subcommands.map((s) => s.name).join(' '))} -- "$cur")); return; }\n      flags=${single(bashFlagWords(command.flags))};;`);
      arms.push(`    "${command.name} "*)\n${own}\n      flags=${single(bashFlagWords(command.flags))};;`);
    } else {
      const args = command.args ? `\n      [[ $cur == -* ]] || { ${bashValues(command.args)}; }` : '';
      arms.push(`    "${command.name} "*)\n      case "$prev" in\n${bashValueCases(command.flags, '        ')}\n      esac${args}\n      flags=${single(bashFlagWords(command.flags))};;`);
    }
  }
  const groups = commands.filter((c) => c.subcommands).map((c) => c.name);
  return `# strava-auth completion for bash. Load it with: source <(strava-auth completion bash)
_strava_auth_profiles() {
  local base="\${XDG_CONFIG_HOME:-}"
  [[ $base == /* ]] || base="$HOME/.config"
  local file names=()
  for file in "$base/strava-auth/tokens/"*.json "$base/strava-auth/profiles/"*.json; do
    [[ -e $file ]] || continue
    file="\${file##*/}"
    names+=("\${file%.json}")
  done
  printf '%s\\n' "\${names[@]}" | sort -u
}
_strava_auth_scopes() {
  local prefix="" word="$cur"
  if [[ $cur == *,* ]]; then prefix="\${cur%,*},"; word="\${cur##*,}"; fi
  COMPREPLY=($(compgen -P "$prefix" -W ${single(SCOPES.join(' '))} -- "$word"))
}
_strava_auth_words() {
  # The line up to the cursor, split on spaces: bash would split activity:read at the colon.
  local line
  if [[ -n \${COMP_LINE:-} ]]; then line="\${COMP_LINE:0:\${COMP_POINT:-\${#COMP_LINE}}}"; else line="\${COMP_WORDS[*]:0:COMP_CWORD+1}"; fi
  # zsh (through bashcompinit) runs this too: no indexing, which differs between the two.
  local -a words_
  if [[ -n \${ZSH_VERSION:-} ]]; then eval 'words_=(\${=line})'; else read -ra words_ <<< "$line"; fi
  if [[ $line == *" " ]]; then words_+=(""); fi
  local w prev="" cmd="" sub="" skip=0 k=0 npos=0 count=\${#words_[@]}
  cur=""
  for w in "\${words_[@]}"; do
    k=$((k + 1))
    prev="$cur"
    cur="$w"
    (( k == 1 || k == count )) && continue
    if (( skip )); then skip=0; continue; fi
    case "$w" in
      -p|--profile) skip=1; continue;;
      -*) continue;;
    esac
    if [[ -z $cmd ]]; then cmd="$w"
    elif [[ -z $sub && " ${groups.join(' ')} " == *" $cmd "* ]]; then sub="$w"
    else npos=$((npos + 1))
    fi
  done
  COMPREPLY=()
  if [[ -z $cmd ]]; then
    case "$prev" in -p|--profile) COMPREPLY=($(compgen -W "$(_strava_auth_profiles)" -- "$cur")); return;; esac
    COMPREPLY=($(compgen -W ${single([...commands.map((c) => c.name), 'help', '--profile', '--help', '--version'].join(' '))} -- "$cur"))
    return
  fi
  local flags=""
  case "$cmd $sub" in
${arms.join('\n')}
    "help "*) COMPREPLY=($(compgen -W ${single([...commands.map((c) => c.name), 'exit-codes'].join(' '))} -- "$cur")); return;;
    *) return;;
  esac
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); fi
}
_strava_auth() {
  local cur
  _strava_auth_words
  # bash replaces only the part after the last colon of the word: drop what it keeps. (zsh
  # keeps the word whole, and filters the candidates itself: its compgen does not.)
  if [[ -z \${ZSH_VERSION:-} && $cur == *:* && \${#COMPREPLY[@]} -gt 0 ]]; then
    local keep="\${cur%"\${cur##*:}"}"
    COMPREPLY=("\${COMPREPLY[@]#"$keep"}")
  fi
}
complete -o default -F _strava_auth strava-auth
`;
}

function zsh(commands: readonly CompletionCommand[]): string {
  return `#compdef strava-auth
# strava-auth completion for zsh, through bashcompinit. Load it with: source <(strava-auth completion zsh)
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit -u }
autoload -U +X bashcompinit && bashcompinit
${bash(commands).split('\n').slice(1).join('\n')}`;
}

function fishValues(complete: FlagCompletion | undefined): string {
  if (complete === 'scopes') return ` -x -a ${single(SCOPES.join(' '))}`;
  if (complete === 'profiles') return ' -x -a "(__strava_auth_profiles)"';
  if (complete === 'files') return ' -r -F';
  if (complete === undefined) return ' -x';
  return ` -x -a ${single(complete.join(' '))}`;
}

function fishFlags(condition: string, flags: FlagSpecs): string[] {
  return Object.entries(allFlags(flags)).map(
    ([name, flag]) =>
      `complete -c strava-auth -n ${single(condition)} -l ${name}${flag.short ? ` -s ${flag.short}` : ''}${flag.type === 'string' ? fishValues(flag.complete) : ''} -d ${single(flag.description)}`,
  );
}

function fish(commands: readonly CompletionCommand[]): string {
  const names = commands.map((c) => c.name).join(' ');
  const lines = [
    '# strava-auth completion for fish. Load it with: strava-auth completion fish | source',
    'function __strava_auth_profiles',
    '    set -l base $XDG_CONFIG_HOME',
    '    string match -q "/*" -- $base; or set base $HOME/.config',
    '    for file in $base/strava-auth/tokens/*.json $base/strava-auth/profiles/*.json',
    '        basename $file .json',
    '    end | sort -u',
    'end',
    'complete -c strava-auth -f',
    `complete -c strava-auth -n ${single(`not __fish_seen_subcommand_from ${names} help`)} -s p -l profile -x -a "(__strava_auth_profiles)" -d 'profile to use'`,
    `complete -c strava-auth -n ${single(`not __fish_seen_subcommand_from ${names} help`)} -a help -d 'help on a command, or on exit-codes'`,
    `complete -c strava-auth -n ${single('__fish_seen_subcommand_from help')} -a ${single(`${names} exit-codes`)}`,
  ];
  for (const command of commands) {
    lines.push(`complete -c strava-auth -n ${single(`not __fish_seen_subcommand_from ${names} help`)} -a ${command.name} -d ${single(command.summary)}`);
    if (command.subcommands) {
      const subs = command.subcommands.map((s) => s.name).join(' ');
      const beforeSub = `__fish_seen_subcommand_from ${command.name}; and not __fish_seen_subcommand_from ${subs}`;
      lines.push(...fishFlags(beforeSub, command.flags));
      for (const sub of command.subcommands) {
        const inSub = `__fish_seen_subcommand_from ${command.name}; and __fish_seen_subcommand_from ${sub.name}`;
        lines.push(`complete -c strava-auth -n ${single(beforeSub)} -a ${sub.name} -d ${single(sub.summary)}`);
        lines.push(...fishFlags(inSub, sub.flags));
        if (Array.isArray(sub.args)) lines.push(`complete -c strava-auth -n ${single(`${inSub}; and not __fish_seen_subcommand_from ${sub.args.join(' ')}`)}${fishValues(sub.args)}`);
        else if (sub.args) lines.push(`complete -c strava-auth -n ${single(inSub)}${fishValues(sub.args)}`);
      }
    } else {
      lines.push(...fishFlags(`__fish_seen_subcommand_from ${command.name}`, command.flags));
      if (command.args) lines.push(`complete -c strava-auth -n ${single(`__fish_seen_subcommand_from ${command.name}`)}${fishValues(command.args)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, commands: readonly CompletionCommand[]): string {
  return shell === 'bash' ? bash(commands) : shell === 'zsh' ? zsh(commands) : fish(commands);
}

/** A spec's subcommands with their loaded specs, for {@link CompletionCommand}. */
export function completionCommand(name: string, summary: string, spec: CommandSpec, subs?: ReadonlyArray<readonly [CommandSpec, string]>): CompletionCommand {
  return {
    name,
    summary,
    flags: spec.flags,
    ...(spec.complete && { args: spec.complete }),
    ...(subs && {
      subcommands: subs.map(([sub, subSummary]) => ({ name: sub.name.split(' ').pop()!, summary: subSummary, flags: sub.flags, ...(sub.complete && { args: sub.complete }) })),
    }),
  };
}
