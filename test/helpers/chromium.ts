/**
 * Real headless Chromium for the browser tests, through playwright-core and Debian's Chromium
 * (`apt-get install chromium`; `.ci/run` installs it). Never downloads a browser: a missing binary
 * fails the test with the command that fixes it.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from './cli.ts';

/** Debian's Chromium; CHROMIUM_PATH points elsewhere on other systems. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (git-ignored through test-output/). */
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');

const INSTALL_HINT =
  "The browser tests drive Debian's Chromium through playwright-core and never download a browser. " +
  'Install it with `sudo apt-get install chromium` (CI does this in .ci/run), or set CHROMIUM_PATH to a Chromium binary.';

/** Launches headless Chromium (with `extraArgs`, e.g. host resolver rules), or throws an error that says how to install it. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No Chromium at ${CHROMIUM_PATH}. ${INSTALL_HINT}`);
  try {
    return await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        ...extraArgs,
      ],
      timeout: 15_000,
    });
  } catch (error) {
    throw new Error(`Chromium at ${CHROMIUM_PATH} did not start: ${error instanceof Error ? error.message : String(error)}\n${INSTALL_HINT}`, {
      cause: error,
    });
  }
}

/** A full-page screenshot in test-output/screenshots/; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, name);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Collects what would show up red in the page's devtools: uncaught exceptions, console errors
 * and failed requests. Assert it is empty at the end of a test. The browser's own /favicon.ico
 * requests are left out: neither server has one (a 404), and the CLI's one-shot loopback server
 * has closed by the time Chromium asks (connection refused). Nobody sees either.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  const favicon = (url: string) => new URL(url, 'http://x').pathname === '/favicon.ico';
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const url = message.location().url;
    if (message.type() === 'error' && !favicon(url)) problems.push(`console error: ${message.text()} (${url})`);
  });
  page.on('requestfailed', (request) => {
    if (!favicon(request.url())) problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`);
  });
  return problems;
}
