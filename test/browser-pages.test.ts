/**
 * The login as a person does it, in real headless Chromium: `strava-auth login --no-browser`
 * prints the authorize URL, the browser opens it, the athlete answers the emulator's consent page,
 * and Strava's redirect lands on the CLI's loopback page. Screenshots go to test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, pageProblems, screenshot } from './helpers/chromium.ts';
import { cliSandbox, type CliRun } from './helpers/cli.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const SCOPES = 'activity:read_all,activity:write';

const LABELS = {
  read: 'View data about your public profile (required)',
  'activity:read_all': 'View data about all your activities, including Only You and privacy zones',
  'activity:write': 'Upload activities and edit the ones you own',
};

/**
 * An emulator with no consent policy (the HTML page shows), the real CLI waiting on its loopback
 * server, and a fresh browser page. Returns the authorize URL the CLI printed.
 */
async function startLogin(t: TestContext, browser: Browser) {
  const emu = await startTestEmulator(t);
  const cli = await cliSandbox(t, {
    STRAVA_BASE_URL: emu.url,
    STRAVA_CLIENT_ID: String(emu.clientId),
    STRAVA_CLIENT_SECRET: emu.clientSecret,
  });
  const run = cli.start(['login', '--no-browser', '--scope', SCOPES]);
  const authorizeUrl = await printedUrl(run);
  const loopback = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri')!);

  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  t.after(() => context.close());
  const page = await context.newPage();
  page.setDefaultTimeout(5_000);
  const problems = pageProblems(page);
  return { emu, run, page, problems, authorizeUrl, loopback };
}

/** The URL `login --no-browser` prints on a line of its own; fails if the CLI exits first. */
async function printedUrl(run: CliRun): Promise<string> {
  const stderr = await run.waitForStderr(/paste the address/);
  return /^ {2}(http\S+)$/m.exec(stderr)![1]!;
}

/** Clicks `button` and waits for the page that Strava's redirect lands on at the loopback server. */
async function answerConsent(page: Page, button: 'Authorize' | 'Cancel', loopback: URL) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().startsWith(`${loopback.origin}${loopback.pathname}`)),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

/** The page's visible text, whitespace collapsed. */
async function visibleText(page: Page): Promise<string> {
  return (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim();
}

describe('login in a real browser (headless Chromium)', { timeout: 30_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(() => browser?.close());

  test('consent page: untick activity:write, Authorize; the loopback page says what was granted; exit 4', { timeout: 20_000 }, async (t) => {
    const { emu, run, page, problems, authorizeUrl, loopback } = await startLogin(t, browser);

    const consent = await page.goto(authorizeUrl);
    assert.equal(consent?.status(), 200);
    assert.equal(new URL(page.url()).origin, new URL(emu.url).origin, 'the consent page is served by the emulator');

    // Who asks, and for whom.
    await page.getByRole('heading', { level: 1, name: `Authorize Emulator app ${emu.clientId} to connect to Strava` }).waitFor();
    assert.match(await visibleText(page), /Signed in as Marta Lindqvist \(athlete 1\)\./);

    // One checkbox per requested scope, all ticked; read required and disabled.
    const group = page.getByRole('group', { name: `Emulator app ${emu.clientId} will be able to:` });
    const boxes = group.getByRole('checkbox');
    assert.equal(await boxes.count(), 3, 'read + the two requested scopes');
    const read = group.getByRole('checkbox', { name: LABELS.read });
    const readAll = group.getByRole('checkbox', { name: LABELS['activity:read_all'] });
    const write = group.getByRole('checkbox', { name: LABELS['activity:write'] });
    assert.equal(await read.isChecked(), true);
    assert.equal(await read.isDisabled(), true, 'read cannot be unticked');
    for (const box of [readAll, write]) {
      assert.equal(await box.isChecked(), true);
      assert.equal(await box.isEnabled(), true);
    }
    // The scope's own name is on the page next to its label.
    for (const scope of ['read', 'activity:read_all', 'activity:write']) {
      assert.equal(await group.getByText(scope, { exact: true }).isVisible(), true, `${scope} shown`);
    }

    // Basic accessibility: every checkbox has a label that names it, a title, a language.
    const a11y = await page.evaluate(() => ({
      lang: document.documentElement.lang,
      title: document.title,
      boxes: [...document.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].map((box) => ({
        id: box.id,
        labels: box.labels?.length ?? 0,
        labelText: box.labels?.[0]?.textContent?.trim() ?? '',
        describedBy: box.getAttribute('aria-describedby'),
        scope: box.value === 'on' ? 'read' : box.value,
      })),
    }));
    assert.equal(a11y.lang, 'en');
    assert.match(a11y.title, /\S/);
    assert.equal(a11y.boxes.length, 3);
    for (const box of a11y.boxes) {
      assert.equal(box.labels, 1, `checkbox #${box.id} has a <label>`);
      assert.match(box.labelText, /\S/, `checkbox #${box.id}'s label has text`);
      // The scope's name is part of the label, so a screen reader hears it once, not again as a description.
      assert.equal(box.labelText.split(box.scope).length - 1, 1, `#${box.id}'s label names ${box.scope} once`);
      assert.equal(box.describedBy, null);
    }

    // Untick activity:write by clicking its label text, as a person would.
    await group.getByText(LABELS['activity:write']).click();
    assert.equal(await write.isChecked(), false, 'clicking the label unticks the box');
    assert.equal(await readAll.isChecked(), true);
    await screenshot(page, 'consent.png');

    const landed = await answerConsent(page, 'Authorize', loopback);
    assert.equal(landed.status(), 200);
    assert.equal(new URL(page.url()).origin, loopback.origin, 'Strava redirected the browser to the CLI');
    assert.equal(new URL(page.url()).searchParams.get('scope'), 'read,activity:read_all');
    await page.getByRole('heading', { level: 1, name: 'You are logged in' }).waitFor();
    const text = await visibleText(page);
    assert.match(text, /Logged in as Marta Lindqvist \(athlete 1\) with read activity:read_all\./);
    assert.match(text, /Not granted: activity:write\. The terminal says what that means and how to fix it\./);
    assert.match(text, /You can close this tab and go back to the terminal\./);
    assert.match(await page.title(), /You are logged in/);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await screenshot(page, 'loopback-success.png');

    const result = await run.done;
    assert.equal(result.code, 4, result.stderr);
    assert.match(result.stderr, /Granted scopes: read, activity:read_all$/m);
    assert.match(result.stderr, /The athlete did not grant activity:write/);
    assert.match(result.stderr, /To grant it, run: strava-auth login --scope read,activity:read_all,activity:write --force/);
    assert.equal(emu.stats().grants.authorization_code, 1);
    assert.deepEqual(problems, []);
  });

  test('consent page: Cancel; the loopback page says the login failed; exit 3', { timeout: 20_000 }, async (t) => {
    const { emu, run, page, problems, authorizeUrl, loopback } = await startLogin(t, browser);

    await page.goto(authorizeUrl);
    await page.getByRole('button', { name: 'Authorize', exact: true }).waitFor();
    const landed = await answerConsent(page, 'Cancel', loopback);
    assert.equal(landed.status(), 400);
    assert.equal(new URL(page.url()).origin, loopback.origin);
    assert.equal(new URL(page.url()).searchParams.get('error'), 'access_denied');
    await page.getByRole('heading', { level: 1, name: 'Login failed' }).waitFor();
    const text = await visibleText(page);
    assert.match(text, /declined the authorization/);
    assert.match(text, /The terminal shows the same message\. You can close this tab\./);
    await screenshot(page, 'loopback-denied.png');

    const result = await run.done;
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /error: The athlete declined the authorization on Strava's consent page\./);
    assert.equal(emu.stats().grants.authorization_code ?? 0, 0, 'no code was exchanged');
    // The loopback page's own 400 is the only "error" the browser saw.
    assert.deepEqual(
      problems.filter((p) => !(p.includes('status of 400') && p.includes(`(${landed.url()})`))),
      [],
    );
  });
});
