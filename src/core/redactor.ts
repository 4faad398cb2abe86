/**
 * One way to keep secrets out of everything strava-auth prints or throws. A {@link Redactor}
 * holds the secrets one request (or one CLI run) has seen and replaces them, in every encoding
 * they travel in, by `[redacted]`. There is no global registry: whoever sends a secret builds
 * the redactor and hands it on (to the error context, to the CLI's output), so two library users
 * in one process never see each other's secrets.
 */
import { bytesToBase64 } from './base64url.ts';

/** What a secret is replaced by. */
export const REDACTED = '[redacted]';

/**
 * Shorter values are not registered: redacting "read" or "1234" would mangle ordinary text, and
 * no credential Strava issues is that short.
 */
const MIN_SECRET_LENGTH = 4;

/** Redacting is repeated while it still finds something; a bound keeps it linear in practice. */
const MAX_PASSES = 4;

type Encoder = (text: string) => string;

const hex = (code: number, width: number) => code.toString(16).padStart(width, '0');

/** The ways a value is written when a server or proxy echoes it back: in a URL, a form, JSON. */
const ENCODERS: readonly Encoder[] = [
  encodeURIComponent,
  (text) => new URLSearchParams({ x: text }).toString().slice(2),
  (text) => JSON.stringify(text).slice(1, -1),
  // JSON with non-ASCII escaped (Python's json.dumps, many proxies).
  (text) => JSON.stringify(text).slice(1, -1).replace(/[\u007f-\uffff]/g, (c) => `\\u${hex(c.charCodeAt(0), 4)}`),
  // Percent escapes in lower case (%2b rather than %2B).
  (text) => encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
];

/** A secret as written, and every encoding of it (two levels deep: JSON of a URL-encoded body, say). */
function variantsOf(secret: string): string[] {
  const out = new Set([secret]);
  // encodeURIComponent throws on a lone surrogate: such a secret simply has no URI form.
  const apply = (encode: Encoder, text: string) => {
    try {
      return encode(text);
    } catch {
      return undefined;
    }
  };
  for (const first of ENCODERS) {
    const once = apply(first, secret);
    if (once === undefined) continue;
    out.add(once);
    for (const second of ENCODERS) {
      const twice = apply(second, once);
      if (twice !== undefined) out.add(twice);
    }
  }
  return [...out];
}

/**
 * Knows secrets and takes them out of text.
 *
 * @example
 * const redactor = new Redactor([refreshToken, clientSecret]).addBasic(clientId, clientSecret);
 * redactor.redact(`echo: ${refreshToken}`); // 'echo: [redacted]'
 */
export class Redactor {
  readonly #secrets = new Set<string>();
  /** Every encoding of every secret, longest first: worked out on the first redact after a change, not per add (most redactors never redact). */
  #sorted: string[] | undefined;

  constructor(secrets: Iterable<string | undefined | null> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Registers a secret (an empty or very short value is ignored). Returns this, for chaining. */
  add(secret: string | undefined | null): this {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || this.#secrets.has(secret)) return this;
    this.#secrets.add(secret);
    this.#sorted = undefined;
    return this;
  }

  /** HTTP Basic credentials: `base64(id:secret)` (with and without padding, and base64url), and the secret. */
  addBasic(id: string | number, secret: string): this {
    this.add(secret);
    const pair = `${id}:${secret}`;
    const encodings = [bytesToBase64(new TextEncoder().encode(pair))];
    // btoa's Latin-1 reading differs from UTF-8 for characters above 0x7f; either may be sent.
    if (/^[\u0000-\u00ff]*$/.test(pair)) encodings.push(btoa(pair));
    for (const encoded of encodings) {
      const unpadded = encoded.replace(/=+$/, '');
      this.add(encoded).add(unpadded).add(unpadded.replace(/\+/g, '-').replace(/\//g, '_'));
    }
    return this;
  }

  /** The userinfo of a URL (`user:password@`), as written and decoded; a URL without one adds nothing. */
  addUrl(url: string | URL | undefined): this {
    if (url === undefined || url === '') return this;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return this;
    }
    const { username, password } = parsed;
    const decode = (text: string) => {
      try {
        return decodeURIComponent(text);
      } catch {
        return text;
      }
    };
    for (const [user, pass] of [
      [username, password],
      [decode(username), decode(password)],
    ] as const) {
      if (pass) this.add(`${user}:${pass}`).add(pass);
      if (user) this.add(user);
    }
    return this;
  }

  /** Every secret of `other` as well (undefined adds nothing). */
  merge(other: Redactor | undefined): this {
    if (other) for (const secret of other.#secrets) this.add(secret);
    return this;
  }

  /** A copy that can learn more secrets without changing this one. */
  copy(): Redactor {
    return new Redactor().merge(this);
  }

  /** How many secrets are known. */
  get size(): number {
    return this.#secrets.size;
  }

  /**
   * `text` with every known secret, in any of its encodings, replaced by `[redacted]`. Overlapping
   * occurrences are replaced as one.
   */
  redact(text: string): string {
    if (this.#secrets.size === 0 || text === '') return text;
    const sorted = this.#variants();
    let out = text;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const next = this.#replaceOnce(out, sorted);
      if (next === out) break;
      out = next;
    }
    return out;
  }

  /** A JSON-like value with every string in it redacted (for faults, toJSON output). */
  redactValue<T>(value: T): T {
    if (typeof value === 'string') return this.redact(value) as T;
    if (Array.isArray(value)) return value.map((item) => this.redactValue(item)) as T;
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.redact(key), this.redactValue(item)])) as T;
    }
    return value;
  }

  #variants(): string[] {
    if (this.#sorted) return this.#sorted;
    const variants = new Set<string>();
    for (const secret of this.#secrets) for (const variant of variantsOf(secret)) if (variant.length >= MIN_SECRET_LENGTH) variants.add(variant);
    this.#sorted = [...variants].sort((a, b) => b.length - a.length);
    return this.#sorted;
  }

  #replaceOnce(text: string, variants: readonly string[]): string {
    const ranges: Array<[number, number]> = [];
    for (const variant of variants) {
      for (let at = text.indexOf(variant); at !== -1; at = text.indexOf(variant, at + 1)) ranges.push([at, at + variant.length]);
    }
    if (ranges.length === 0) return text;
    ranges.sort((a, b) => a[0] - b[0]);
    let out = '';
    let cursor = 0;
    for (let i = 0; i < ranges.length; ) {
      const start = ranges[i]![0];
      let end = ranges[i]![1];
      for (i++; i < ranges.length && ranges[i]![0] <= end; i++) end = Math.max(end, ranges[i]![1]);
      out += `${text.slice(cursor, start)}${REDACTED}`;
      cursor = end;
    }
    return out + text.slice(cursor);
  }

  /** Never prints what it holds. */
  toJSON(): string {
    return `Redactor(${this.size} secrets)`;
  }
}
