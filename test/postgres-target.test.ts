/** How the PostgreSQL store names its database in messages: host, port, database; never a password. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { postgresTarget } from '../src/postgres/postgres-target.ts';

const cases: Array<{ name: string; parts: Parameters<typeof postgresTarget>[0]; label: string; password: string }> = [
  { name: 'a URL with user and password', parts: { connectionString: 'postgres://app:pw-SECRET@db.internal:6543/tokens?sslmode=require' }, label: 'postgres://db.internal:6543/tokens', password: 'pw-SECRET' },
  { name: 'a postgresql: URL with a percent-encoded password', parts: { connectionString: 'postgresql://app:pw%2FSECRET@db.internal/tokens' }, label: 'postgres://db.internal/tokens', password: 'pw/SECRET' },
  { name: 'a socket given as the host parameter', parts: { connectionString: 'postgres:///tokens?host=/var/run/postgresql&password=pw-SECRET' }, label: 'postgres:///var/run/postgresql/tokens', password: 'pw-SECRET' },
  { name: "a pool's options", parts: { host: 'db.internal', port: 5432, database: 'tokens', password: 'pw-SECRET' }, label: 'postgres://db.internal:5432/tokens', password: 'pw-SECRET' },
  { name: 'a key/value string', parts: { connectionString: "host=db.internal password='pw-SECRET' dbname=tokens" }, label: 'the PostgreSQL database', password: 'pw-SECRET' },
];

for (const { name, parts, label, password } of cases) {
  test(`${name}: labelled ${label}, and the password is redacted from any text`, () => {
    const target = postgresTarget(parts);
    assert.equal(target.label, label);
    const quoted = `connect failed: ${String(parts.connectionString ?? '')} (${password}, ${encodeURIComponent(password)})`;
    const redacted = target.redact(quoted);
    assert.doesNotMatch(redacted, /SECRET/, redacted);
  });
}

test('any user:password@ in a quoted URL is removed, even of another database', () => {
  assert.equal(postgresTarget({}).redact('at postgres://u:p@other:5432/x'), 'at postgres://other:5432/x');
});

test('a password with a malformed %-escape is no URIError: the target is named and the password, as written, redacted', () => {
  const target = postgresTarget({ connectionString: 'postgres://app:pw%zzSECRET@db.internal/tokens' });
  assert.equal(target.label, 'postgres://db.internal/tokens');
  assert.equal(target.redact('password authentication failed (pw%zzSECRET)'), 'password authentication failed ([redacted])');
});
