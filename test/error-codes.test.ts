/**
 * Every error strava-auth throws carries a code from ERROR_CODES, and the CLI gives every code an
 * exit code. The test walks the exports of every entry point (and the error classes of the CLI,
 * the emulator's control routes and the local servers): an error class without a sample here
 * fails, so a new class cannot slip past the table.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as root from '../src/index.ts';
import * as nodeEntry from '../src/node/index.ts';
import * as sqliteEntry from '../src/sqlite/index.ts';
import * as postgresEntry from '../src/postgres/index.ts';
import * as emulatorEntry from '../src/emulator/index.ts';
import * as serverEntry from '../src/server/index.ts';
import { ERROR_CODES, isStravaAuthErrorCode } from '../src/core/errors/error-codes.ts';
import { StravaAuthError } from '../src/core/errors/strava-auth-error.ts';
import { StravaApiError } from '../src/core/errors/strava-api-error.ts';
import { MissingScopeError } from '../src/core/errors/missing-scope-error.ts';
import { NetworkError } from '../src/core/errors/network-error.ts';
import { EXIT, EXIT_FOR_CODE } from '../src/cli/exit-codes.ts';
import { exitCodeFor } from '../src/cli/error-report.ts';
import { UsageError } from '../src/cli/usage-error.ts';
import { MissingCredentialsError } from '../src/cli/credentials.ts';
import { CorruptProfileError } from '../src/cli/profile.ts';
import { LoginTimeoutError } from '../src/cli/commands/login.ts';
import { RequestRejectedError } from '../src/node/http/request-rejected-error.ts';
import { InvalidControlValueError } from '../src/emulator/control-value.ts';
import { ForwardSecretMissingError } from '../src/server/errors/forward-secret-missing-error.ts';
import { startTestEmulator } from './helpers/emulator.ts';

const api = { status: 400, faults: [] };
const upload = { id: 7, error: null, status: 'Your activity is still being processed.', activity_id: null };

/** One instance of every error class, as the code builds it. */
const samples: Record<string, () => StravaAuthError> = {
  StravaAuthError: () => new root.StravaAuthError('Something failed.', { code: 'strava_error', remedy: 'Try again.' }),
  StravaApiError: () => new root.StravaApiError('Strava refused.', { ...api, code: 'strava_error', remedy: 'Check the request.' }),
  InvalidClientError: () => new root.InvalidClientError('client_secret', api),
  InvalidCodeError: () => new root.InvalidCodeError(api),
  InvalidRefreshTokenError: () => new root.InvalidRefreshTokenError(api),
  InvalidAccessTokenError: () => new root.InvalidAccessTokenError({ ...api, status: 401 }),
  ApplicationError: () => new root.ApplicationError(api),
  AppInactiveError: () => new root.AppInactiveError({ ...api, status: 403 }),
  AthleteCapacityError: () => new root.AthleteCapacityError({ ...api, status: 403 }),
  NotFoundError: () => new root.NotFoundError('GET /activities/{id}', { ...api, status: 404 }),
  CallbackNotVerifiedError: () => new root.CallbackNotVerifiedError(api),
  SubscriptionExistsError: () => new root.SubscriptionExistsError(api),
  InvalidCallbackUrlError: () => new root.InvalidCallbackUrlError('it is not https'),
  StravaServerError: () => new root.StravaServerError({ ...api, status: 502 }),
  RateLimitError: () => new root.RateLimitError({ ...api, status: 429, resetsAt: new Date(0), window: 'short' }),
  MissingScopeError: () => new root.MissingScopeError({ missing: ['activity:write'], granted: ['read'] }),
  InvalidScopeError: () => new root.InvalidScopeError(['activty:write'], root.SCOPES),
  AuthorizationDeniedError: () => new root.AuthorizationDeniedError(),
  StateMismatchError: () => new root.StateMismatchError('mismatch'),
  CallbackError: () => new root.CallbackError('The callback has no code.'),
  MalformedResponseError: () => new root.MalformedResponseError('not JSON', 200),
  NetworkError: () => new root.NetworkError('http://127.0.0.1:2', new Error('ECONNREFUSED')),
  RequestTimeoutError: () => new root.RequestTimeoutError({ origin: 'http://127.0.0.1:2', endpoint: 'GET /athlete', timeoutMs: 10 }),
  ResponseTooLargeError: () => new root.ResponseTooLargeError({ origin: 'http://127.0.0.1:2', endpoint: 'GET /athlete', maxResponseBytes: 10 }),
  NotLoggedInError: () => new root.NotLoggedInError('default'),
  LockTimeoutError: () => new root.LockTimeoutError({ key: 'default', resource: 'a lock', waitedMs: 10 }),
  RefreshHookError: () => new root.RefreshHookError('default', new Error('hook')),
  InvalidTokenKeyError: () => new root.InvalidTokenKeyError('../x'),
  TokensNotSavedError: () => new root.TokensNotSavedError('default', new Error('disk full')),
  StoreUnavailableError: () => new root.StoreUnavailableError({ store: 'a store', problem: 'down', remedy: 'Start it.' }),
  StoreSchemaError: () => new root.StoreSchemaError({ store: 'a store', problem: 'newer', remedy: 'Upgrade.', supportedVersion: 1 }),
  CorruptRecordError: () => new root.CorruptRecordError({ key: 'default', store: 'a store', problem: 'no refresh token' }),
  InvalidEncryptionKeyError: () => new root.InvalidEncryptionKeyError({ source: 'STRAVA_AUTH_ENCRYPTION_KEY', problem: 'too short' }),
  EncryptionKeyMissingError: () => new root.EncryptionKeyMissingError({ key: 'default' }),
  UnknownEncryptionKeyError: () => new root.UnknownEncryptionKeyError({ key: 'default', keyId: 'abcd1234', knownKeyIds: ['ef567890'] }),
  DecryptionFailedError: () => new root.DecryptionFailedError({ key: 'default', problem: 'the tag does not match' }),
  UploadError: () => new root.UploadError({ ...upload, error: 'Improperly formatted data.', status: 'There was an error processing your activity.' }),
  UploadTimeoutError: () => new root.UploadTimeoutError(upload, 10),
  UploadFormatError: () => new root.UploadFormatError('notes.txt'),
  TokenExpiredError: () => new root.TokenExpiredError(0),
  UploadTooLargeError: () => new root.UploadTooLargeError('big.fit', 30, 25),
  WebhookSignatureError: () => new root.WebhookSignatureError('mismatch'),
  CorruptTokenFileError: () => new nodeEntry.CorruptTokenFileError('/tmp/x.json', 'the file is empty'),
  PostgresDriverMissingError: () => new postgresEntry.PostgresDriverMissingError(),
  AuthorizationExpiredError: () => new root.AuthorizationExpiredError(20 * 60_000, 15 * 60_000),
  InvalidPendingLoginError: () => new root.InvalidPendingLoginError('the record was altered'),
  ScopesNotImportedError: () => new root.ScopesNotImportedError({ key: 'default', scopes: ['read'], stored: ['read', 'activity:write'] }),
  ServiceError: () => new serverEntry.ServiceError(400, 'Bad.', { code: 'invalid_request', remedy: 'Fix it.' }),
  UnauthorizedError: () => new serverEntry.UnauthorizedError(),
  AthleteNotFoundError: () => new serverEntry.AthleteNotFoundError(1),
  AthleteGoneError: () => new serverEntry.AthleteGoneError(1, 'athlete_revoked'),
  InvalidRequestError: () => new serverEntry.InvalidRequestError('min_valid is not a number', 'Give seconds.'),
  UpstreamError: () => new serverEntry.UpstreamError(5, new Error('down')),
  // Not exported by an entry point, thrown all the same:
  UsageError: () => new UsageError('Unknown flag --nope.'),
  MissingCredentialsError: () => new MissingCredentialsError('Strava client id (STRAVA_CLIENT_ID)', { cwd: '/tmp' }),
  CorruptProfileError: () => new CorruptProfileError('/tmp/default.json', 'not valid JSON'),
  LoginTimeoutError: () => new LoginTimeoutError(300),
  RequestRejectedError: () => new RequestRejectedError(400, 'target', 'The request target is malformed.'),
  InvalidControlValueError: () => new InvalidControlValueError('advance', 'a number of seconds'),
  ForwardSecretMissingError: () => new ForwardSecretMissingError(),
};

/** Every exported class that extends StravaAuthError (or is it), by entry point. */
function exportedErrorClasses(): Array<[string, Function]> {
  const found: Array<[string, Function]> = [];
  for (const module of [root, nodeEntry, sqliteEntry, postgresEntry, emulatorEntry, serverEntry]) {
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'function' && (value === StravaAuthError || value.prototype instanceof StravaAuthError)) found.push([name, value]);
    }
  }
  return found;
}

describe('error codes', () => {
  test('every exported error class has a sample here, and its instances carry a code from ERROR_CODES', () => {
    const classes = exportedErrorClasses();
    assert.ok(classes.length >= 40, `found ${classes.length} error classes`);
    for (const [name, type] of classes) {
      const make = samples[name];
      assert.ok(make, `${name} is exported but has no sample in test/error-codes.test.ts`);
      const error = make();
      assert.ok(error instanceof type, `the sample of ${name} is one`);
      assert.ok(isStravaAuthErrorCode(error.code), `${name}: ${error.code} is in ERROR_CODES`);
    }
  });

  test('every sample (CLI, emulator and server errors too) has a code the CLI maps to an exit code', () => {
    for (const [name, make] of Object.entries(samples)) {
      const error = make();
      assert.ok(error instanceof StravaAuthError, name);
      assert.ok(isStravaAuthErrorCode(error.code), `${name}: ${error.code}`);
      assert.ok(Object.values(EXIT).includes(exitCodeFor(error)), `${name} -> ${exitCodeFor(error)}`);
    }
  });

  test('the table is well formed: each code is its own value, and each has an exit code', () => {
    for (const [key, value] of Object.entries(ERROR_CODES)) assert.equal(value, key);
    assert.deepEqual(Object.keys(EXIT_FOR_CODE).sort(), Object.keys(ERROR_CODES).sort());
    assert.equal(isStravaAuthErrorCode('toString'), false, 'inherited names are not codes');
  });

  test('exit codes: 1 only for bugs; user mistakes 2, refusals 7, network 6', () => {
    const exit = (name: string) => exitCodeFor(samples[name]!());
    assert.deepEqual(
      Object.fromEntries(['UsageError', 'InvalidScopeError', 'UploadFormatError', 'MissingCredentialsError', 'CorruptProfileError', 'EncryptionKeyMissingError'].map((n) => [n, exit(n)])),
      { UsageError: 2, InvalidScopeError: 2, UploadFormatError: 2, MissingCredentialsError: 2, CorruptProfileError: 2, EncryptionKeyMissingError: 2 },
    );
    assert.deepEqual([exit('InvalidClientError'), exit('NotFoundError'), exit('StravaApiError')], [7, 7, 7]);
    assert.deepEqual([exit('NetworkError'), exit('RequestTimeoutError'), exit('StravaServerError')], [6, 6, 6]);
    assert.deepEqual([exit('MissingScopeError'), exit('InvalidRefreshTokenError'), exit('RateLimitError'), exit('LoginTimeoutError')], [4, 3, 5, 130]);
    assert.equal(exitCodeFor(new TypeError('a bug')), 1);
    const mapped = Object.entries(EXIT_FOR_CODE).filter(([, code]) => code === EXIT.error).map(([name]) => name);
    assert.deepEqual(mapped, ['on_refresh_failed'], "only an app's own hook failing is a bug");
  });
});

describe('every Strava API error is a StravaApiError', () => {
  test('MissingScopeError, found in preflight or answered by Strava (401), is a StravaApiError with status and faults', async (t) => {
    const emu = await startTestEmulator(t);
    const token = emu.issueTokens({ scopes: ['read'] }).access_token;
    const base = { tokens: token, apiBaseUrl: `${emu.url}/api/v3`, clock: emu.clock };
    const preflight = await new root.StravaClient({ ...base, scopes: 'read' }).listActivities().catch((e: unknown) => e);
    const answered = await new root.StravaClient(base).listActivities().catch((e: unknown) => e);
    for (const error of [preflight, answered]) {
      assert.ok(error instanceof MissingScopeError);
      assert.ok(error instanceof StravaApiError);
      assert.equal(error.status, 401);
    }
    assert.deepEqual([(preflight as MissingScopeError).preflight, (preflight as MissingScopeError).faults], [true, []]);
    assert.equal((answered as MissingScopeError).preflight, false);
    assert.deepEqual((answered as MissingScopeError).faults, [{ resource: 'AccessToken', field: 'activity:read_permission', code: 'missing' }]);
    assert.deepEqual(emu.stats().calls, { 'GET /api/v3/athlete/activities': 1 }, 'the preflight sent nothing');
  });

  test('NetworkError is not one: it never got an answer', () => {
    assert.equal(samples.NetworkError!() instanceof StravaApiError, false);
    assert.ok(samples.NetworkError!() instanceof NetworkError);
  });
});
