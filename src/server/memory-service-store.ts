import type { ApiKeyRecord, AthleteStatus, PendingLogin, ServiceStore } from './service-store.ts';

/** A {@link ServiceStore} in this process's memory: for tests and a single replica that may forget. */
export class MemoryServiceStore implements ServiceStore {
  readonly #pending = new Map<string, PendingLogin>();
  readonly #keys = new Map<string, ApiKeyRecord>();
  readonly #statuses = new Map<number, AthleteStatus>();
  readonly #events = new Set<string>();

  async putPendingLogin(state: string, login: PendingLogin, max: number): Promise<boolean> {
    let live = 0;
    for (const [key, pending] of this.#pending) {
      if (pending.expiresAt < login.createdAt) this.#pending.delete(key);
      else if (key !== state) live++;
    }
    if (live >= max) return false;
    this.#pending.set(state, { ...login, scopes: [...login.scopes] });
    return true;
  }

  async takePendingLogin(state: string): Promise<PendingLogin | undefined> {
    const login = this.#pending.get(state);
    this.#pending.delete(state);
    return login;
  }

  async addApiKey(key: ApiKeyRecord): Promise<void> {
    this.#keys.set(key.id, { ...key });
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return [...this.#keys.values()].map((key) => ({ ...key })).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async hasApiKeyHash(hash: string): Promise<boolean> {
    for (const key of this.#keys.values()) if (key.hash === hash) return true;
    return false;
  }

  async revokeApiKey(id: string): Promise<boolean> {
    return this.#keys.delete(id);
  }

  async getAthleteStatus(athleteId: number): Promise<AthleteStatus | undefined> {
    const status = this.#statuses.get(athleteId);
    return status && { ...status };
  }

  async setAthleteStatus(athleteId: number, status: AthleteStatus): Promise<void> {
    this.#statuses.set(athleteId, { ...status });
  }

  async clearAthleteStatus(athleteId: number): Promise<void> {
    this.#statuses.delete(athleteId);
  }

  async listAthleteStatuses(): Promise<Array<{ athleteId: number } & AthleteStatus>> {
    return [...this.#statuses.entries()].sort(([a], [b]) => a - b).map(([athleteId, status]) => ({ athleteId, ...status }));
  }

  async recordEventOnce(eventKey: string): Promise<boolean> {
    if (this.#events.has(eventKey)) return false;
    this.#events.add(eventKey);
    return true;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}
