/**
 * The public API is a contract: api-report/*.api.md lists every export of every entry point. A
 * change to the surface without `npm run api-report` fails here with the names that moved, so an
 * export is never added or dropped unseen. The report is checked against the built modules too
 * (what `import('strava-auth')` really gives), and no file an entry point reaches re-exports with
 * `export *` (which would publish whatever its source adds).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPORT_DIR, collectExports, entryPoints, renderReport, reportFileName } from '../scripts/api-report.ts';

const entries = entryPoints();
const exportsByEntry = collectExports(entries);

/** The lines only one side has, as `- ` (committed) and `+ ` (the code now). */
function lineDiff(committed: string, current: string): string {
  const before = committed.split('\n');
  const after = current.split('\n');
  const gone = before.filter((line) => !after.includes(line)).map((line) => `  committed: ${line}`);
  const added = after.filter((line) => !before.includes(line)).map((line) => `  the code:  ${line}`);
  return [...gone, ...added].join('\n');
}

describe('the API report (api-report/*.api.md)', () => {
  for (const entry of entries) {
    test(`${entry.specifier}: the committed report lists exactly what the entry point exports`, () => {
      const file = join(REPORT_DIR, reportFileName(entry));
      const current = renderReport(entry, exportsByEntry.get(entry)!);
      const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
      assert.ok(
        committed === current,
        `The public API of ${entry.specifier} changed; if that is intended, run \`npm run api-report\` and commit the report.\n${lineDiff(committed, current)}`,
      );
    });
  }

  test('no report is left for an entry point that is gone', () => {
    const expected = entries.map(reportFileName).sort();
    assert.deepEqual(readdirSync(REPORT_DIR).sort(), expected);
  });

  for (const entry of entries) {
    test(`${entry.specifier}: the built module's runtime exports are the report's values`, async () => {
      const runtime = Object.keys(await import(pathToFileURL(entry.built).href)).sort();
      const values = exportsByEntry
        .get(entry)!
        .filter((e) => /\b(class|function|const|enum)\b/.test(e.kind))
        .map((e) => e.name)
        .sort();
      assert.deepEqual(runtime, values);
    });
  }

  test('the internals named in issue 12 are not exported', () => {
    const root = exportsByEntry.get(entries.find((e) => e.specifier === 'strava-auth')!)!.map((e) => e.name);
    const internals = ['send', 'joinUrl', 'headerSource', 'withRetry', 'realSleep', 'prepareRequest', 'uploadForm', 'importableToData', 'fetchBounded'];
    assert.deepEqual(internals.filter((name) => root.includes(name)), []);
  });

  test('no file an entry point reaches re-exports with export *', () => {
    const seen = new Set<string>();
    const offenders: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      if (/^\s*export\s+(type\s+)?\*/m.test(text)) offenders.push(file);
      for (const [, specifier] of text.matchAll(/^\s*export\s[^;]*?\sfrom\s+'(\.[^']+)'/gms)) visit(resolve(dirname(file), specifier!));
    };
    for (const entry of entries) visit(entry.source);
    assert.ok(seen.size > entries.length, 'the walk followed the re-exports');
    assert.deepEqual(offenders, []);
  });
});
