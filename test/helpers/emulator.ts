/**
 * Helpers for tests that talk real HTTP to the emulator: start one per test with a frozen clock,
 * walk the authorize step, call the token endpoint in any body encoding, read the consent form.
 */
import type { TestContext } from 'node:test';
import { ManualClock } from '../../src/core/clock.ts';
import { startEmulator, type Emulator, type EmulatorOptions, type TokenResponse } from '../../src/emulator/index.ts';

/** A redirect URI inside the default callback domain. */
export const REDIRECT_URI = 'http://localhost:8080/callback';

/** Starts an emulator with a frozen clock, closed when the test ends. */
export async function startTestEmulator(t: TestContext, options: EmulatorOptions = {}): Promise<Emulator> {
  const emu = await startEmulator({ clock: new ManualClock({ frozen: true }), ...options });
  t.after(() => emu.close());
  return emu;
}

/**
 * The authorize URL with sensible defaults; a parameter set to `undefined` is left out.
 * `path` picks the web or mobile endpoint.
 */
export function authorizeUrl(
  emu: Emulator,
  params: Record<string, string | undefined> = {},
  path = '/oauth/authorize',
): string {
  const merged: Record<string, string | undefined> = {
    client_id: String(emu.clientId),
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    ...params,
  };
  const query = Object.entries(merged)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value).replace(/%2C/g, ',').replace(/%3A/g, ':')}`)
    .join('&');
  return `${emu.url}${path}?${query}`;
}

/** GET the authorize URL without following the redirect. */
export function authorize(emu: Emulator, params: Record<string, string | undefined> = {}, path?: string): Promise<Response> {
  return fetch(authorizeUrl(emu, params, path), { redirect: 'manual' });
}

/** The query Strava appended to the redirect of a 302. */
export function redirectQuery(response: Response): URLSearchParams {
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`Expected a 302 with a Location, got ${response.status}.`);
  return new URL(location).searchParams;
}

/** A code for `scope`, approved by the consent policy (left set afterwards). */
export async function obtainCode(emu: Emulator, scope = 'read', extra: Record<string, string | undefined> = {}): Promise<string> {
  emu.setConsent({ policy: 'approve' });
  const code = redirectQuery(await authorize(emu, { scope, ...extra })).get('code');
  if (!code) throw new Error('No code in the redirect.');
  return code;
}

/** How to encode token-endpoint parameters. */
export type Encoding = 'form' | 'json' | 'multipart' | 'query';

/** POST to the token endpoint (or another path) with the parameters encoded as asked. */
export async function postParams(
  emu: Emulator,
  params: Record<string, string>,
  options: { encoding?: Encoding; path?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; text: string; body: any; headers: Headers }> {
  const { encoding = 'form', path = '/oauth/token', headers = {} } = options;
  let url = `${emu.url}${path}`;
  let body: BodyInit | undefined;
  if (encoding === 'form') body = new URLSearchParams(params);
  if (encoding === 'json') {
    body = JSON.stringify(params);
    headers['content-type'] = 'application/json';
  }
  if (encoding === 'multipart') {
    const form = new FormData();
    for (const [key, value] of Object.entries(params)) form.set(key, value);
    body = form;
  }
  if (encoding === 'query') url += `?${new URLSearchParams(params)}`;
  const response = await fetch(url, { method: 'POST', headers, ...(body !== undefined && { body }) });
  const text = await response.text();
  return { status: response.status, text, body: text ? JSON.parse(text) : null, headers: response.headers };
}

/** The client credentials of the default app as token-endpoint parameters. */
export function credentials(emu: Emulator): Record<string, string> {
  return { client_id: String(emu.clientId), client_secret: emu.clientSecret };
}

/** Authorize (policy approve) and exchange the code: a full login. */
export async function login(emu: Emulator, scope = 'read'): Promise<TokenResponse> {
  const code = await obtainCode(emu, scope);
  const response = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code });
  if (response.status !== 200) throw new Error(`Code exchange failed: ${response.status} ${response.text}`);
  return response.body as TokenResponse;
}

/** POST grant_type=refresh_token for the default app. */
export function refresh(emu: Emulator, refreshToken: string): ReturnType<typeof postParams> {
  return postParams(emu, { ...credentials(emu), grant_type: 'refresh_token', refresh_token: refreshToken });
}

/** Asks the emulator who `token` speaks for: 200 with athleteId/clientId/scopes/expiresAt, or Strava's 401. */
export async function introspect(emu: Emulator, token: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${emu.url}/_emulator/introspect`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

/** Strava's error body with one entry, for deepEqual. */
export function stravaError(message: string, resource: string, field: string, code: string): unknown {
  return { message, errors: [{ resource, field, code }] };
}

/** The parts of an HTML form a browser would use, read with regular expressions (the page is ours). */
export interface ParsedForm {
  method: string;
  action: string;
  hidden: Record<string, string>;
  checkboxes: Array<{ name: string | null; value: string | null; checked: boolean; disabled: boolean; label: string }>;
  buttons: Array<{ name: string; value: string; text: string }>;
}

/** Reads the consent page's form. */
export function parseForm(html: string): ParsedForm {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error('No form in the page.');
  const attrs = (tag: string): Record<string, string> =>
    Object.fromEntries(
      [...tag.matchAll(/([\w-]+)(?:="([^"]*)")?/g)].map((m) => [m[1]!.toLowerCase(), decodeEntities(m[2] ?? '')]),
    );
  const formAttrs = attrs(form[1]!);
  const inner = form[2]!;
  const hidden: Record<string, string> = {};
  for (const [, tag] of inner.matchAll(/<input\b([^>]*)>/gi)) {
    const a = attrs(tag!);
    if (a.type === 'hidden' && a.name) hidden[a.name] = a.value ?? '';
  }
  const checkboxes: ParsedForm['checkboxes'] = [];
  for (const [, label] of inner.matchAll(/<label\b[^>]*>([\s\S]*?)<\/label>/gi)) {
    const input = /<input\b([^>]*)>/i.exec(label!);
    if (!input) continue;
    const a = attrs(input[1]!);
    if (a.type !== 'checkbox') continue;
    checkboxes.push({
      name: a.name ?? null,
      value: a.value ?? null,
      checked: 'checked' in a,
      disabled: 'disabled' in a,
      label: label!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim(),
    });
  }
  const buttons = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].map(([, tag, text]) => {
    const a = attrs(tag!);
    return { name: a.name ?? '', value: a.value ?? '', text: text!.trim() };
  });
  return { method: (formAttrs.method ?? 'get').toLowerCase(), action: formAttrs.action ?? '', hidden, checkboxes, buttons };
}

function decodeEntities(text: string): string {
  return text.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}

/** Submits a parsed form the way a browser would: hidden fields, ticked named boxes, the clicked button. */
export function submitForm(
  emu: Emulator,
  form: ParsedForm,
  button: string,
  untick: string[] = [],
): Promise<Response> {
  const body = new URLSearchParams(form.hidden);
  for (const box of form.checkboxes) {
    if (box.name && box.checked && !box.disabled && !untick.includes(box.value ?? '')) body.append(box.name, box.value ?? 'on');
  }
  const clicked = form.buttons.find((b) => b.text === button);
  if (!clicked) throw new Error(`No button "${button}".`);
  body.append(clicked.name, clicked.value);
  return fetch(new URL(form.action, emu.url), { method: form.method.toUpperCase(), body, redirect: 'manual' });
}
