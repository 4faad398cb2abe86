/**
 * The one path-template matcher, as the scope table and the emulator's router both use it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scopesForEndpoint } from '../src/core/endpoint-scopes.ts';
import { matchPathTemplate } from '../src/core/path-template.ts';
import { Router } from '../src/emulator/router.ts';

test('a template matches segment by segment: {name} one non-empty segment, decoded; the rest literally', () => {
  assert.deepEqual(matchPathTemplate('/activities/{id}/streams', '/activities/42/streams'), { id: '42' });
  assert.deepEqual(matchPathTemplate('/gear/{id}', '/gear/b%2012'), { id: 'b 12' });
  assert.deepEqual(matchPathTemplate('/athlete', '/athlete'), {});
  assert.equal(matchPathTemplate('/activities/{id}', '/activities/'), null, 'an empty segment is no id');
  assert.equal(matchPathTemplate('/activities/{id}', '/activities/42/laps'), null, 'more segments');
  assert.equal(matchPathTemplate('/activities/{id}', '/activitiez/42'), null, 'a literal differs');
  assert.equal(matchPathTemplate('/gear/{id}', '/gear/%E0%A4%A'), null, 'a malformed escape matches nothing');
});

test('the scope table and the emulator router read the same paths the same way', () => {
  const router = new Router();
  router.add('GET', '/activities/{id}', () => ({ status: 200 }) as never);
  for (const path of ['/activities/42', '/activities/', '/activities/%E0%A4%A', '/activities/42/x']) {
    const routed = router.match('GET', path).kind === 'found';
    const ruled = scopesForEndpoint('GET', path)?.path === '/activities/{id}';
    assert.equal(ruled, routed, path);
  }
});
