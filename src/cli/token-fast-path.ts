/**
 * `strava-auth token` before the CLI loads: bin/strava-auth.js asks this module first and starts
 * the full CLI only when it cannot answer. It answers the everyday case alone: a valid token file
 * (plaintext, or sealed under STRAVA_AUTH_ENCRYPTION_KEY) of a private file in a private directory,
 * no invalid mark, more than the margin left. Anything else (no file, within the margin, an
 * invalid mark, a damaged file, open permissions, old keys in a rotation, a malformed or wrong key,
 * Windows) goes to the full CLI, which reads the same file again and refreshes, warns or reports.
 *
 * Start-up time is the point (measured on a ~25 ms `node -e 0`), so: no static import of a
 * built-in (an ESM `import` of node:fs alone costs ~3 ms; `process.getBuiltinModule` does not), no
 * module of our own (each costs ~0.5-1 ms; base64url loads for sealed files only), no process.stdout
 * (a stream loads ~40 modules; the token goes out with one write(2)), and node:crypto only when the
 * file is sealed.
 */
// What this file mirrors from the library (the key rule, the scopes, the record checks, the margin,
// the sealed format and its variables) is pinned by test/cli-token-fast-path.test.ts, which checks
// its answers against FileStore's and the full CLI's.

type Env = Readonly<Record<string, string | undefined>>;
type Fs = typeof import('node:fs');

/** The token file formats FileStore writes (see TOKEN_FILE_VERSION in src/node/file-store.ts). */
const PLAINTEXT_FILE_VERSION = 1;
const SEALED_FILE_VERSION = 2;
/** DEFAULT_MARGIN_SECONDS (src/tokens/margin.ts). */
const MARGIN_SECONDS = 300;
/** assertTokenKey's rule (src/tokens/stored-tokens.ts). */
const KEY_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** SCOPES (src/core/scopes.ts). */
const SCOPES: readonly unknown[] = ['read', 'read_all', 'profile:read_all', 'profile:write', 'activity:read', 'activity:read_all', 'activity:write'];
/** What src/tokens/token-cipher.ts and aes-gcm-cipher.ts define. */
const KEY_VARIABLE = 'STRAVA_AUTH_ENCRYPTION_KEY';
const OLD_KEYS_VARIABLE = 'STRAVA_AUTH_ENCRYPTION_OLD_KEYS';
const SEALED_PREFIX = 'enc:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** describeStoredTokensProblem's checks as one yes/no (what is wrong is the full CLI's to say). */
function isValidRecord(tokens: unknown, updatedAt: unknown): tokens is Tokens {
  if (!isObject(tokens) || typeof updatedAt !== 'number' || !Number.isFinite(updatedAt)) return false;
  const { accessToken, refreshToken, expiresAt, scopes, athlete, tokenType } = tokens;
  return (
    typeof accessToken === 'string' &&
    accessToken !== '' &&
    typeof refreshToken === 'string' &&
    refreshToken !== '' &&
    typeof expiresAt === 'number' &&
    Number.isFinite(expiresAt) &&
    Array.isArray(scopes) &&
    scopes.every((scope) => SCOPES.includes(scope)) &&
    (athlete === undefined || (isObject(athlete) && typeof athlete.id === 'number')) &&
    (tokenType === undefined || tokenType === 'Bearer')
  );
}

/** The profile of `token [--emulator] [-p|--profile NAME]`; undefined for anything else (`--help`, `--profile=x`). */
function profileOf(argv: readonly string[], env: Env): string | undefined {
  let flag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--emulator') continue;
    if ((arg === '--profile' || arg === '-p') && next !== undefined && !next.startsWith('-')) flag = argv[++i];
    else return undefined;
  }
  const name = flag ?? env.STRAVA_PROFILE ?? 'default';
  return KEY_PATTERN.test(name) ? name : undefined;
}

/** resolveConfigDir's answer, when it is `$XDG_CONFIG_HOME` or `$HOME` (os.homedir() reads `$HOME` first). */
function configDirOf(env: Env): string | undefined {
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg?.startsWith('/')) return `${xdg}/strava-auth`;
  return env.HOME ? `${env.HOME}/.config/strava-auth` : undefined;
}

/** The file's text when it and its directory are private (else FileStore warns: the full CLI does). */
function readPrivate(fs: Fs, dir: string, path: string): string | undefined {
  const fd = fs.openSync(path, 'r');
  try {
    if ((fs.fstatSync(fd).mode & 0o077) !== 0) return undefined;
    if ((fs.statSync(dir).mode & 0o077) !== 0) return undefined;
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The current key from the environment, as cipherFromEnv reads it: null when none is set, undefined
 * when the full CLI must decide (old keys given, or a key that is not 32 bytes of base64).
 */
async function keyOf(env: Env): Promise<Uint8Array | null | undefined> {
  if ((env[OLD_KEYS_VARIABLE] ?? '').split(',').some((key) => key.trim() !== '')) return undefined;
  const current = env[KEY_VARIABLE]?.trim();
  if (!current) return null;
  const key = (await import('../core/base64url.ts')).base64ToBytes(current);
  return key?.length === KEY_BYTES ? key : undefined;
}

/**
 * AesGcmCipher.open with node:crypto (synchronous, and lighter to load than WebCrypto): the same
 * `enc:v1:<key id>:<iv>:<ciphertext+tag>` text, the same key id (SHA-256 prefix), the profile
 * bound as additional data. Undefined when it does not open (the full CLI says why).
 */
async function openSealed(sealed: string, key: Uint8Array, profile: string): Promise<{ accessToken: unknown; refreshToken: unknown } | undefined> {
  const parts = sealed.slice(SEALED_PREFIX.length).split(':');
  if (parts.length !== 3) return undefined;
  const { base64ToBytes } = await import('../core/base64url.ts');
  const iv = base64ToBytes(parts[1]!);
  const body = base64ToBytes(parts[2]!);
  if (iv?.length !== IV_BYTES || body === undefined || body.length < TAG_BYTES) return undefined;
  const crypto = process.getBuiltinModule('node:crypto');
  if (crypto.createHash('sha256').update(key).digest('hex').slice(0, 8) !== parts[0]) return undefined;
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(profile, 'utf8'));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  const plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
  return JSON.parse(plaintext) as { accessToken: unknown; refreshToken: unknown };
}

/**
 * The access token `strava-auth token ARGV` would print without refreshing, or undefined when only
 * the full CLI can answer. Never throws: whatever goes wrong is the full CLI's to report.
 */
export async function freshToken(argv: readonly string[], env: Env, now: number = Date.now()): Promise<string | undefined> {
  try {
    const fs = process.getBuiltinModule?.('node:fs');
    const profile = profileOf(argv, env);
    const configDir = configDirOf(env);
    if (!fs || process.platform === 'win32' || profile === undefined || configDir === undefined) return undefined;
    const key = await keyOf(env);
    if (key === undefined) return undefined;
    const dir = `${configDir}/tokens`;
    const text = readPrivate(fs, dir, `${dir}/${profile}.json`);
    if (text === undefined) return undefined;
    const { version, tokens, secrets, invalid, updatedAt } = JSON.parse(text) as Record<string, unknown>;
    // An invalid mark means exit 3 with the login command, said by the full CLI.
    if (invalid !== undefined) return undefined;
    let record = tokens;
    if (version === SEALED_FILE_VERSION) {
      if (key === null || typeof secrets !== 'string' || !secrets.startsWith(SEALED_PREFIX) || !isObject(tokens)) return undefined;
      const opened = await openSealed(secrets, key, profile);
      record = { ...tokens, accessToken: opened?.accessToken, refreshToken: opened?.refreshToken };
    } else if (version !== PLAINTEXT_FILE_VERSION) {
      return undefined;
    }
    if (!isValidRecord(record, updatedAt)) return undefined;
    return record.expiresAt - Math.floor(now / 1000) > MARGIN_SECONDS ? record.accessToken : undefined;
  } catch {
    return undefined;
  }
}

/** Writes all of `text` to stdout with write(2); a non-blocking stdout that is full gets the stream. */
function writeStdout(fs: Fs, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let written = 0;
  try {
    while (written < bytes.length) written += fs.writeSync(1, bytes, written);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    process.stdout.write(bytes.subarray(written));
  }
}

/** Prints the fresh token of `token ARGV` and returns true, or returns false: run the full CLI. */
export async function printFreshToken(argv: readonly string[], env: Env): Promise<boolean> {
  const token = await freshToken(argv, env);
  if (token === undefined) return false;
  writeStdout(process.getBuiltinModule('node:fs'), `${token}\n`);
  return true;
}
