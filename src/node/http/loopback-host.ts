/** The names a loopback server answers to; anything else in Host is DNS rebinding or a mistake. */
const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Whether a Host header names this loopback server: `127.0.0.1`, `localhost` or `[::1]` with the
 * server's own port (case-insensitive, a trailing dot on localhost allowed). A page on
 * `http://evil.example:PORT` that rebinds its name to 127.0.0.1 sends `Host: evil.example:PORT`,
 * and is refused.
 */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const match = /^(\[::1\]|[a-z0-9.]+):(\d{1,5})$/i.exec(host.trim());
  if (!match) return false;
  const name = match[1]!.toLowerCase().replace(/^localhost\.$/, 'localhost');
  return LOOPBACK_NAMES.includes(name) && Number(match[2]) === port;
}

/** The origins (`http://127.0.0.1:PORT`, ...) of a loopback server on `port`. */
export function loopbackOrigins(port: number): string[] {
  return LOOPBACK_NAMES.map((name) => `http://${name}:${port}`);
}
