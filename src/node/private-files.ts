/**
 * Files only their owner can read, written so that a crash at any instant leaves the old content
 * or the new one, never a mix. Used by the file store for token files.
 */
import { chmod, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { errnoCode } from './errno-code.ts';

/** Receives a warning meant for the person running the program. */
export type Warn = (message: string) => void;

/** The default warning channel: Node's process warnings (stderr, silenced by `--no-warnings`). */
export const emitWarning: Warn = (message) => process.emitWarning(message, { code: 'STRAVA_AUTH_PERMISSIONS' });

const onWindows = process.platform === 'win32';

/** Quotes a path for a POSIX shell, so a suggested command can be pasted as is. */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`;
}

/**
 * Creates `dir` and any missing parents with mode 0700 whatever the umask (mkdir's mode is
 * filtered by it). Directories that already existed are left alone: the read-side check warns
 * about them instead of changing a directory the user may have set up on purpose.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: 0o700 });
  if (first === undefined || onWindows) return;
  const created = relative(first, dir).split(sep).filter(Boolean);
  let path = first;
  await chmod(path, 0o700);
  for (const part of created) {
    path = join(path, part);
    await chmod(path, 0o700);
  }
}

/**
 * Creates `path` as an empty file with mode 0600 whatever the umask, unless it exists (then it is
 * left alone, like a directory in {@link ensurePrivateDir}). For files another library fills in,
 * such as a SQLite database, which takes its -wal and -shm files' modes from it.
 */
export async function ensurePrivateFile(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return;
    throw error;
  }
  try {
    if (!onWindows) await handle.chmod(0o600);
  } finally {
    await handle.close();
  }
}

/**
 * The warning for a file or directory other users can get at, with the command that fixes it,
 * or undefined when `mode` is private. Windows has no such mode bits, so it never warns there.
 * `holds` says what is at stake (default: Strava tokens; "the Strava client secret" for a profile).
 */
export function permissionWarning(path: string, mode: number, kind: 'file' | 'directory', holds = 'Strava tokens'): string | undefined {
  if (onWindows || (mode & 0o077) === 0) return undefined;
  const wanted = kind === 'file' ? '600' : '700';
  return (
    `strava-auth: the ${kind} ${path} is accessible by other users (mode ${(mode & 0o777).toString(8).padStart(3, '0')}) and holds ${holds}. ` +
    `Fix it with: chmod ${wanted} ${shellQuote(path)}`
  );
}

/**
 * Reads a file that holds secrets (a profile with the client secret, a `.env`), and warns through
 * `warn` with the same sentence and `chmod` fix as for token files when other users can read it.
 * `holds` names what is at stake, or is a function of the text (undefined: nothing secret in it,
 * no warning). Resolves undefined when the file does not exist.
 */
export async function readPrivateFile(
  path: string,
  options: { warn: Warn; holds: string | ((text: string) => string | undefined) },
): Promise<string | undefined> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    throw error;
  }
  try {
    // One handle for the mode and the text, so the warning is about the file that was read.
    const [{ mode }, text] = await Promise.all([handle.stat(), handle.readFile('utf8')]);
    const holds = typeof options.holds === 'string' ? options.holds : options.holds(text);
    const warning = holds === undefined ? undefined : permissionWarning(path, mode, 'file', holds);
    if (warning) options.warn(warning);
    return text;
  } finally {
    await handle.close();
  }
}

/** Where a JSON syntax error is, as line and column; V8's own message quotes the text (secrets). */
export function syntaxErrorPlace(error: unknown, text: string): string {
  const position = /at position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
  if (position === undefined) return '';
  const before = text.slice(0, Number(position)).split('\n');
  return ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}

/** fsync of a directory, so a rename in it survives a power cut. Some systems cannot; that is fine. */
export async function syncDir(dir: string): Promise<void> {
  if (onWindows) return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    if (!['EINVAL', 'EPERM', 'EISDIR', 'EBADF'].includes(errnoCode(error))) throw error;
  } finally {
    await handle.close();
  }
}

/** `text` as a literal inside a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `name` (in the same directory) is a temporary file {@link writeFileAtomic} made for `path`. */
export function isTempFileOf(path: string, name: string): boolean {
  return new RegExp(`^\\.${escapeRegExp(basename(path))}\\.\\d+-[0-9a-f]{12}\\.tmp$`).test(name);
}

/**
 * Replaces `path` with `text` atomically: a temporary file (mode 0600) in the same directory is
 * written and fsynced, renamed over `path`, and the directory is fsynced. A crash before the
 * rename leaves the old file (and a temporary one, cleaned up later); after it, the new file.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const { randomBytes } = await import('node:crypto'); // not at the top: see acquireFileLock
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      if (!onWindows) await handle.chmod(0o600); // exact, whatever the umask
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncDir(dirname(path));
}
