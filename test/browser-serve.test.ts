/**
 * Connecting to `strava-auth serve` as an athlete does it, in real headless Chromium: /connect,
 * the emulator's consent page, and the service's page after the callback. Screenshots go to
 * test-output/screenshots/serve-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, pageProblems, screenshot } from './helpers/chromium.ts';
import { startTestEmulator } from './helpers/emulator.ts';
import { startTestService } from './helpers/serve.ts';

const WRITE_LABEL = 'Upload activities and edit the ones you own';

async function visibleText(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim();
}

describe('connecting to the token service in a real browser (headless Chromium)', { timeout: 40_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser?.close());

  async function open(t: TestContext) {
    const emu = await startTestEmulator(t);
    const svc = await startTestService(t, emu);
    const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
    t.after(() => context.close());
    const page = await context.newPage();
    page.setDefaultTimeout(5_000);
    return { emu, svc, page, problems: pageProblems(page) };
  }

  /** Clicks a consent button and waits for the service's callback page. */
  async function answer(page: Page, serviceUrl: string, button: 'Authorize' | 'Cancel') {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${serviceUrl}/callback`)),
      page.getByRole('button', { name: button, exact: true }).click(),
    ]);
    await page.waitForLoadState('load');
    return response;
  }

  test('untick activity:write: the page names the athlete, the grant, the missing scope; its link asks again and completes it', async (t) => {
    const { svc, page, problems } = await open(t);
    await page.goto(`${svc.url}/connect?scope=activity:read_all,activity:write`);
    await page.getByText(WRITE_LABEL).click();
    const landed = await answer(page, svc.url, 'Authorize');
    assert.equal(landed.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Connected, with fewer permissions' }).waitFor();
    assert.match(await visibleText(page), /Marta Lindqvist \(athlete 1\) is connected with read activity:read_all\. Not granted: activity:write\./);
    await screenshot(page, 'serve-connected-missing-scope.png');
    assert.deepEqual((await (await svc.api('/v1/athletes/1')).json()).scopes, ['read', 'activity:read_all']);

    // The link asks again; this time everything is granted.
    await page.getByRole('link', { name: 'Grant the missing permissions' }).click();
    await page.getByRole('button', { name: 'Authorize', exact: true }).waitFor();
    const again = await answer(page, svc.url, 'Authorize');
    assert.equal(again.status(), 200);
    await page.getByRole('heading', { level: 1, name: 'Connected to Strava' }).waitFor();
    assert.match(await visibleText(page), /is connected with read activity:read_all activity:write\./);
    await screenshot(page, 'serve-connected.png');
    assert.deepEqual((await (await svc.api('/v1/athletes/1')).json()).scopes, ['read', 'activity:read_all', 'activity:write']);
    assert.deepEqual(problems, []);
  });

  test('Cancel: a page that says nothing was stored, with a way to connect again', async (t) => {
    const { svc, page, problems } = await open(t);
    await page.goto(`${svc.url}/connect?scope=activity:read_all`);
    const landed = await answer(page, svc.url, 'Cancel');
    assert.equal(landed.status(), 403);
    await page.getByRole('heading', { level: 1, name: 'You declined' }).waitFor();
    assert.match(await visibleText(page), /nothing was stored/);
    assert.equal(await page.getByRole('link', { name: 'Connect again' }).isVisible(), true);
    await screenshot(page, 'serve-declined.png');
    assert.equal((await svc.api('/v1/athletes/1')).status, 404);
    assert.deepEqual(problems.filter((p) => !p.includes('403')), []);
  });

  test('reloading the callback page (a reused state): refused with a clear page, the connection stays', async (t) => {
    const { svc, page } = await open(t);
    await page.goto(`${svc.url}/connect?scope=read`);
    await answer(page, svc.url, 'Authorize');
    const reloaded = await page.reload();
    assert.equal(reloaded?.status(), 400);
    await page.getByRole('heading', { level: 1, name: 'This link is not valid' }).waitFor();
    assert.match(await visibleText(page), /already used \(a link works once\)\. Nothing was stored\./);
    await screenshot(page, 'serve-reused-state.png');
    assert.equal((await svc.api('/v1/athletes/1/token')).status, 200);
  });
});
