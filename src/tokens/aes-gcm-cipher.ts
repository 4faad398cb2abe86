import { base64ToBytes, bytesToBase64Url } from '../core/base64url.ts';
import { DecryptionFailedError } from './errors/decryption-failed-error.ts';
import { InvalidEncryptionKeyError } from './errors/invalid-encryption-key-error.ts';
import { UnknownEncryptionKeyError } from './errors/unknown-encryption-key-error.ts';
import { SEALED_PREFIX, type TokenCipher } from './token-cipher.ts';

/** One key of an {@link AesGcmCipher}. */
export interface EncryptionKey {
  /** 32 random bytes, raw or as base64 (standard or URL-safe) text. */
  key: Uint8Array | string;
  /** The id written into sealed text (default: the first 8 hex digits of the key's SHA-256). */
  id?: string;
  /** Where the key came from, named in errors (default `the "key" option` / `the "oldKeys" option (key N)`). */
  source?: string;
}

/** Options of {@link AesGcmCipher.create}. */
export interface AesGcmCipherOptions {
  /** The current key: every new write is sealed with it. */
  key: Uint8Array | string | EncryptionKey;
  /** Retired keys: records sealed with them stay readable; nothing new is sealed with them. */
  oldKeys?: ReadonlyArray<Uint8Array | string | EncryptionKey>;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Opened values kept, so the hot read path (the same record read again and again) skips WebCrypto. */
const OPENED_CACHE_SIZE = 256;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

function toRawKey(input: Uint8Array | string, source: string): Uint8Array {
  const bytes = typeof input === 'string' ? base64ToBytes(input.trim()) : input;
  if (bytes === undefined) throw new InvalidEncryptionKeyError({ source, problem: 'it is not base64' });
  if (bytes.length !== KEY_BYTES) throw new InvalidEncryptionKeyError({ source, problem: `it is ${bytes.length} bytes long, not ${KEY_BYTES}` });
  return bytes;
}

/** A key's default id: the first 8 hex digits of its SHA-256 (names the key, reveals nothing of it). */
async function keyIdOf(raw: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', raw as Uint8Array<ArrayBuffer>));
  return [...digest.slice(0, 4)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

interface ImportedKey {
  id: string;
  key: CryptoKey;
  raw: Uint8Array;
  source: string;
}

async function importKey(input: Uint8Array | string | EncryptionKey, defaultSource: string): Promise<ImportedKey> {
  const spec: EncryptionKey = typeof input === 'string' || input instanceof Uint8Array ? { key: input } : input;
  const source = spec.source ?? defaultSource;
  const raw = toRawKey(spec.key, source);
  if (spec.id !== undefined && !KEY_ID.test(spec.id)) {
    throw new InvalidEncryptionKeyError({ source, problem: 'its id must be 1 to 64 letters, digits, "_" or "-"' });
  }
  const id = spec.id ?? (await keyIdOf(raw));
  const key = await subtle().importKey('raw', raw as Uint8Array<ArrayBuffer>, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  return { id, key, raw, source };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * AES-256-GCM encryption at rest on WebCrypto (Node, Deno, Bun, browsers, edge workers). Each seal
 * draws a fresh random 96-bit IV and binds the record's key as additional data, so a sealed value
 * moved onto another record does not open. Text: `enc:v1:<keyId>:<iv b64url>:<ciphertext b64url>`.
 *
 * Keys rotate: the current key seals every write, old keys still open what they sealed, and
 * `reencryptStore` rewrites a store under the current key so old keys can then be dropped.
 *
 * @example
 * const cipher = await AesGcmCipher.create({ key: process.env.TOKEN_KEY!, oldKeys: [previousKey] });
 * const store = new FileStore({ cipher });
 */
export class AesGcmCipher implements TokenCipher {
  readonly currentKeyId: string;
  readonly #keys: ReadonlyMap<string, CryptoKey>;
  readonly #opened = new Map<string, string>();

  private constructor(currentKeyId: string, keys: ReadonlyMap<string, CryptoKey>) {
    this.currentKeyId = currentKeyId;
    this.#keys = keys;
  }

  /**
   * Checks and imports the keys once (imported keys are cached for the cipher's life). Throws
   * `InvalidEncryptionKeyError` naming the option for a key that is not 32 bytes of base64, or
   * for two different keys with the same id.
   */
  static async create(options: AesGcmCipherOptions): Promise<AesGcmCipher> {
    const current = await importKey(options.key, 'the "key" option');
    const old = await Promise.all((options.oldKeys ?? []).map((key, i) => importKey(key, `the "oldKeys" option (key ${i + 1})`)));
    const keys = new Map<string, ImportedKey>();
    for (const imported of [current, ...old]) {
      const known = keys.get(imported.id);
      if (known && !sameBytes(known.raw, imported.raw)) {
        throw new InvalidEncryptionKeyError({ source: imported.source, problem: `its id ${imported.id} is already the id of another key` });
      }
      // The same key given twice (current and old, mid-rotation) is simply one key.
      if (!known) keys.set(imported.id, imported);
    }
    return new AesGcmCipher(current.id, new Map([...keys].map(([id, { key }]) => [id, key])));
  }

  /** The ids of every key this cipher opens, the current one first. */
  get keyIds(): readonly string[] {
    return [...this.#keys.keys()];
  }

  async seal(plaintext: string, context: string): Promise<string> {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const sealed = await subtle().encrypt(
      { name: 'AES-GCM', iv, additionalData: encoder.encode(context) },
      this.#keys.get(this.currentKeyId)!,
      encoder.encode(plaintext),
    );
    const text = `${SEALED_PREFIX}${this.currentKeyId}:${bytesToBase64Url(iv)}:${bytesToBase64Url(new Uint8Array(sealed))}`;
    this.#remember(`${context}\n${text}`, plaintext);
    return text;
  }

  async open(sealed: string, context: string): Promise<string> {
    const cacheKey = `${context}\n${sealed}`;
    const cached = this.#opened.get(cacheKey);
    if (cached !== undefined) return cached;
    const parts = sealed.startsWith(SEALED_PREFIX) ? sealed.slice(SEALED_PREFIX.length).split(':') : [];
    const [keyId, ivText, bodyText] = parts;
    if (parts.length !== 3 || !keyId) throw new DecryptionFailedError({ key: context, keyId, problem: 'the text is not in the enc:v1:<key id>:<iv>:<ciphertext> format' });
    const key = this.#keys.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError({ key: context, keyId, knownKeyIds: this.keyIds });
    const iv = base64ToBytes(ivText!);
    const body = base64ToBytes(bodyText!);
    if (iv?.length !== IV_BYTES || body === undefined || body.length < TAG_BYTES) {
      throw new DecryptionFailedError({ key: context, keyId, problem: 'the text is truncated or damaged' });
    }
    let opened: ArrayBuffer;
    try {
      opened = await subtle().decrypt({ name: 'AES-GCM', iv: iv as Uint8Array<ArrayBuffer>, additionalData: encoder.encode(context) }, key, body as Uint8Array<ArrayBuffer>);
    } catch {
      throw new DecryptionFailedError({
        key: context,
        keyId,
        problem: 'it does not authenticate (a different key under that id, changed text, or text copied from another record)',
      });
    }
    const plaintext = decoder.decode(opened);
    this.#remember(cacheKey, plaintext);
    return plaintext;
  }

  #remember(cacheKey: string, plaintext: string): void {
    if (this.#opened.size >= OPENED_CACHE_SIZE) this.#opened.delete(this.#opened.keys().next().value!);
    this.#opened.set(cacheKey, plaintext);
  }
}
