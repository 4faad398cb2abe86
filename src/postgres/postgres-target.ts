/**
 * How a PostgreSQL store names its database in messages: host, port and database, never the user
 * or password, and a `redact` that removes the password from any text quoted from elsewhere (a
 * driver's message can echo parts of a connection string).
 */
export interface PostgresTarget {
  /** E.g. `postgres://127.0.0.1:5432/app`. */
  readonly label: string;
  redact(text: string): string;
}

/** `user:password@` inside any URL in a text. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;

/** `password=...` in a key/value connection string. */
const PASSWORD_SETTING = /(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi;

interface ConnectionParts {
  connectionString?: unknown;
  host?: unknown;
  port?: unknown;
  database?: unknown;
  password?: unknown;
}

/** The password as the driver sends it; a malformed %-escape is kept as written (the driver sees that too). */
function decodedPassword(password: string): string {
  try {
    return decodeURIComponent(password);
  } catch {
    return password;
  }
}

function fromUrl(text: string): { label: string; secrets: string[] } | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return undefined;
  const secrets = [url.password, decodedPassword(url.password), url.searchParams.get('password') ?? ''].filter(Boolean);
  const host = url.host || (url.searchParams.get('host') ?? 'localhost');
  return { label: `postgres://${host}${url.pathname === '/' ? '' : url.pathname}`, secrets };
}

/** The target of a connection string, or of a pool's options when the store was given a pool. */
export function postgresTarget(parts: ConnectionParts): PostgresTarget {
  const secrets = new Set<string>();
  let label = 'the PostgreSQL database';
  if (typeof parts.connectionString === 'string') {
    const parsed = fromUrl(parts.connectionString);
    if (parsed) {
      label = parsed.label;
      parsed.secrets.forEach((secret) => secrets.add(secret));
    } else {
      for (const match of parts.connectionString.matchAll(PASSWORD_SETTING)) secrets.add(match[2]!.replace(/^'|'$/g, ''));
    }
  } else if (typeof parts.host === 'string') {
    label = `postgres://${parts.host}${parts.port ? `:${String(parts.port)}` : ''}${typeof parts.database === 'string' ? `/${parts.database}` : ''}`;
  }
  if (typeof parts.password === 'string') secrets.add(parts.password);
  // Blanking every occurrence of a one- to three-character password would garble every message.
  const hidden = [...secrets].filter((secret) => secret.length >= 4);
  return {
    label,
    redact: (text) => {
      let out = text.replace(URL_CREDENTIALS, '$1').replace(PASSWORD_SETTING, '$1[redacted]');
      for (const secret of hidden) out = out.split(secret).join('[redacted]');
      return out;
    },
  };
}
