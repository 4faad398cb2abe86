/**
 * Request and outcome counters, so a test or a bench can assert "exactly one refresh happened"
 * or "no refresh was attempted with a dead token".
 */
import type { EmulatorStats } from './types.ts';

type Counter = Exclude<keyof EmulatorStats, 'calls' | 'grants'>;

/** Mutable counters behind {@link EmulatorStats}. */
export class StatsRecorder {
  #stats: EmulatorStats = emptyStats();

  /** Counts one request to a route, keyed like `POST /oauth/token`. */
  call(method: string, pathTemplate: string): void {
    const key = `${method} ${pathTemplate}`;
    this.#stats.calls[key] = (this.#stats.calls[key] ?? 0) + 1;
  }

  /** Counts one successful token-endpoint answer. */
  grant(type: keyof EmulatorStats['grants']): void {
    this.#stats.grants[type]++;
  }

  /** Counts one occurrence of an outcome. */
  count(counter: Counter): void {
    this.#stats[counter]++;
  }

  /** A copy, safe to keep and compare. */
  snapshot(): EmulatorStats {
    return structuredClone(this.#stats);
  }

  reset(): void {
    this.#stats = emptyStats();
  }
}

function emptyStats(): EmulatorStats {
  return {
    calls: {},
    grants: { authorization_code: 0, refresh_token: 0 },
    rejectedRefreshTokens: 0,
    rejectedCodes: 0,
    refreshesWithSameAccessToken: 0,
    consentPagesShown: 0,
    notFound: 0,
  };
}
