import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** Where to look for the user's configuration directory; both default to this process's. */
export interface ConfigDirOptions {
  env?: Readonly<Record<string, string | undefined>>;
  homedir?: string;
}

/**
 * strava-auth's configuration directory: `$XDG_CONFIG_HOME/strava-auth`, falling back to
 * `~/.config/strava-auth` (also on macOS and Windows, so one path works in every doc). A relative
 * `XDG_CONFIG_HOME` is ignored, as the XDG Base Directory spec requires.
 *
 * @example
 * resolveConfigDir({ env: { XDG_CONFIG_HOME: '/tmp/cfg' } }); // '/tmp/cfg/strava-auth'
 */
export function resolveConfigDir(options: ConfigDirOptions = {}): string {
  const xdg = (options.env ?? process.env).XDG_CONFIG_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'strava-auth');
  return join(options.homedir ?? homedir(), '.config', 'strava-auth');
}

/** Where {@link FileStore} keeps token files by default: `<config dir>/tokens`. */
export function defaultTokenDir(options: ConfigDirOptions = {}): string {
  return join(resolveConfigDir(options), 'tokens');
}
