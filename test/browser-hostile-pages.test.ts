/**
 * What a hostile web page can do to the loopback servers from a real browser (headless Chromium):
 * a page on another origin posting to the emulator's remote control, and a DNS-rebinding page
 * whose name resolves to 127.0.0.1. Both are refused (issue 9).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startLoopbackServer } from '../src/cli/loopback-server.ts';
import { launchChromium } from './helpers/chromium.ts';
import { startTestEmulator } from './helpers/emulator.ts';

/** A name the browser resolves to 127.0.0.1, as a rebinding attacker's DNS would. */
const REBOUND = 'rebound.test';

describe('hostile pages in a real browser (headless Chromium)', { timeout: 30_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium([`--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`]);
  });
  after(() => browser?.close());

  test('a page on another origin cannot move the emulator\'s clock or mint tokens', { timeout: 20_000 }, async (t) => {
    const lines: string[] = [];
    const emu = await startTestEmulator(t, { log: (line) => lines.push(line) });
    const before = emu.clock.now();
    // The attacker's page: a simple (no-preflight) fetch and a form post, as any site can send.
    const page = `<!doctype html><form id="f" method="post" action="${emu.url}/_emulator/tokens" enctype="text/plain">
      <input name='{"scopes":["read"],"x":"' value='"}'></form>
      <script>
        window.sent = fetch('${emu.url}/_emulator/clock', { method: 'POST', mode: 'no-cors', body: '{"advance":3600}' }).then(() => 'sent', String);
      </script>`;
    const attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    t.after(() => attacker.close());
    const context = await browser.newContext();
    t.after(() => context.close());
    const tab = await context.newPage();
    await tab.goto(`http://127.0.0.1:${(attacker.address() as { port: number }).port}/`);
    assert.equal(await tab.evaluate('window.sent'), 'sent');
    const [posted] = await Promise.all([tab.waitForNavigation(), tab.evaluate('document.getElementById("f").submit()')]);
    assert.equal(posted?.status(), 403);
    assert.doesNotMatch(await tab.content(), /access_token/);
    assert.equal(emu.clock.now(), before, 'the clock did not move');
    assert.ok(lines.some((line) => /^POST \/_emulator\/clock 403 /.test(line)), lines.join('\n'));
  });

  test('DNS rebinding: a name resolving to 127.0.0.1 gets 421 from the emulator and from login\'s callback server', { timeout: 20_000 }, async (t) => {
    const emu = await startTestEmulator(t);
    let callbacks = 0;
    const loopback = await startLoopbackServer(0, async () => {
      callbacks++;
      return { status: 200, html: 'ok' };
    });
    t.after(() => loopback.close());
    const context = await browser.newContext();
    t.after(() => context.close());
    const tab = await context.newPage();
    const described = await tab.goto(`http://${REBOUND}:${emu.port}/_emulator`);
    assert.equal(described?.status(), 421);
    assert.doesNotMatch(await tab.content(), new RegExp(emu.clientSecret));
    const callback = await tab.goto(`http://${REBOUND}:${new URL(loopback.redirectUri).port}/callback?code=c&state=s`);
    assert.equal(callback?.status(), 421);
    assert.equal(callbacks, 0, 'the login never saw the request');
    // The same browser on the real address is served.
    assert.equal((await tab.goto(`${emu.url}/_emulator`))?.status(), 200);
  });
});
