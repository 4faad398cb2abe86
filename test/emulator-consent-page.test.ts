/**
 * The HTML consent page, used the way a browser would: read the form out of the page, tick or
 * untick boxes, press a button, follow nothing (the redirect is the answer).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  authorize,
  credentials,
  parseForm,
  postParams,
  REDIRECT_URI,
  redirectQuery,
  startTestEmulator,
  submitForm,
} from './helpers/emulator.ts';

async function consentPage(t: Parameters<typeof startTestEmulator>[0], scope: string, state = 'st') {
  const emu = await startTestEmulator(t);
  const response = await authorize(emu, { scope, state });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
  const html = await response.text();
  return { emu, html, form: parseForm(html) };
}

test('the page names the app and the signed-in athlete', async (t) => {
  const { emu, html } = await consentPage(t, 'activity:read');
  assert.match(html, new RegExp(`Authorize Emulator app ${emu.clientId} to connect to Strava`));
  assert.match(html, /Signed in as <strong>Marta Lindqvist<\/strong> \(athlete 1\)/);
  assert.match(html, /<html lang="en">/);
});

test('one ticked, labelled box per requested scope; read is required and cannot be unticked', async (t) => {
  const { form } = await consentPage(t, 'activity:read_all,profile:write');
  assert.deepEqual(
    form.checkboxes.map(({ name, value, checked, disabled }) => ({ name, value, checked, disabled })),
    [
      { name: null, value: null, checked: true, disabled: true },
      { name: 'scope', value: 'activity:read_all', checked: true, disabled: false },
      { name: 'scope', value: 'profile:write', checked: true, disabled: false },
    ],
  );
  assert.match(form.checkboxes[0]!.label, /public profile \(required\)/);
  assert.match(form.checkboxes[1]!.label, /activity:read_all/);
});

test('every box has a label tied to it by for/id', async (t) => {
  const { html } = await consentPage(t, 'activity:read,activity:write');
  const ids = [...html.matchAll(/<input type="checkbox" id="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(ids.length, 3);
  for (const id of ids) assert.match(html, new RegExp(`<label for="${id}">`));
});

test('the form posts only a server-side request id, and offers Authorize and Cancel', async (t) => {
  const { form } = await consentPage(t, 'activity:read');
  assert.equal(form.method, 'post');
  assert.equal(form.action, '/oauth/accept');
  assert.deepEqual(Object.keys(form.hidden), ['request_id']);
  assert.match(form.hidden.request_id!, /^[0-9a-f]{32}$/);
  assert.deepEqual(form.buttons.map((b) => b.text), ['Authorize', 'Cancel']);
});

test('Authorize redirects with state, a code and the granted scopes; the code exchanges', async (t) => {
  const { emu, form } = await consentPage(t, 'activity:read_all', 'page-state');
  const query = redirectQuery(await submitForm(emu, form, 'Authorize'));
  assert.equal(query.get('state'), 'page-state');
  assert.equal(query.get('scope'), 'read,activity:read_all');
  const exchange = await postParams(emu, { ...credentials(emu), grant_type: 'authorization_code', code: query.get('code')! });
  assert.equal(exchange.status, 200);
  assert.equal(exchange.body.athlete.id, 1);
});

test('a box unticked on the page is not granted', async (t) => {
  const { emu, form } = await consentPage(t, 'activity:read_all,activity:write,profile:read_all');
  const query = redirectQuery(await submitForm(emu, form, 'Authorize', ['activity:write']));
  assert.equal(query.get('scope'), 'read,activity:read_all,profile:read_all');
});

test('unticking everything still grants read', async (t) => {
  const { emu, form } = await consentPage(t, 'activity:read,activity:write');
  const query = redirectQuery(await submitForm(emu, form, 'Authorize', ['activity:read', 'activity:write']));
  assert.equal(query.get('scope'), 'read');
});

test('Cancel redirects with state and error=access_denied', async (t) => {
  const { emu, form } = await consentPage(t, 'activity:read', 'cancel-me');
  const response = await submitForm(emu, form, 'Cancel');
  assert.equal(response.headers.get('location'), `${REDIRECT_URI}?state=cancel-me&error=access_denied`);
});

test('a tampered form cannot add a scope that was not requested', async (t) => {
  const { emu, form } = await consentPage(t, 'activity:read');
  const body = new URLSearchParams({ request_id: form.hidden.request_id!, decision: 'approve' });
  body.append('scope', 'activity:read');
  body.append('scope', 'activity:write');
  const response = await fetch(`${emu.url}/oauth/accept`, { method: 'POST', body, redirect: 'manual' });
  assert.equal(redirectQuery(response).get('scope'), 'read,activity:read');
});

test('a form can be answered once; a second post gets an "expired" page', async (t) => {
  const { emu, form } = await consentPage(t, 'activity:read');
  assert.equal((await submitForm(emu, form, 'Authorize')).status, 302);
  const again = await submitForm(emu, form, 'Authorize');
  assert.equal(again.status, 400);
  assert.match(await again.text(), /expired or was already answered/);
});

test('shown pages are counted', async (t) => {
  const { emu } = await consentPage(t, 'read');
  await authorize(emu, { scope: 'read', approval_prompt: 'force' });
  assert.equal(emu.stats().consentPagesShown, 2);
});
