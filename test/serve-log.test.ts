/** The service's structured log: one JSON object per line, batched per event-loop turn. */
import assert from 'node:assert/strict';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { test } from 'node:test';
import fc from 'fast-check';
import { batchedWriter, jsonLog } from '../src/server/service-log.ts';

test('jsonLog: time, level, msg, then the fields; undefined fields left out', () => {
  const lines: string[] = [];
  const log = jsonLog((line) => lines.push(line), { now: () => Date.UTC(2026, 10, 30, 12) });
  log('warn', 'refused', { athlete_id: 7, code: 'x', missing: undefined });
  assert.deepEqual(lines, ['{"time":"2026-11-30T12:00:00.000Z","level":"warn","msg":"refused","athlete_id":7,"code":"x"}\n']);
});

test('jsonLog writes exactly what JSON.stringify writes of the object (time, level, msg, then the defined fields)', () => {
  const value = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined));
  const key = fc.oneof(fc.string(), fc.constantFrom('time', 'level', 'msg', '0', '12', 'route', '__proto__'));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.string(), fc.dictionary(key, value), (now, message, fields) => {
      const lines: string[] = [];
      jsonLog((line) => lines.push(line), { now: () => now })('info', message, fields);
      const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
      assert.deepEqual(lines, [`${JSON.stringify({ time: new Date(now).toISOString(), level: 'info', msg: message, ...defined })}\n`]);
    }),
  );
});

test('batchedWriter: lines of one turn go out in one write, in order; flush writes the rest; a full batch goes at once', async () => {
  const writes: string[] = [];
  const writer = batchedWriter((text) => writes.push(text), 10);
  writer.write('a\n');
  writer.write('b\n');
  assert.deepEqual(writes, []);
  await nextTurn();
  assert.deepEqual(writes, ['a\nb\n']);
  writer.write('c\n');
  writer.flush();
  assert.deepEqual(writes, ['a\nb\n', 'c\n']);
  writer.write('0123456789\n');
  assert.deepEqual(writes.at(-1), '0123456789\n', 'over maxBytes: written at once');
  await nextTurn();
  assert.equal(writes.length, 3, 'nothing left to write');
});
