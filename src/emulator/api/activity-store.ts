/**
 * Every athlete's activities. An athlete's list is seeded on first use (deterministically, so it
 * need not be persisted), newest first; created and uploaded activities join it.
 */
import type { SummaryAthlete } from '../types.ts';
import { visibleTo, type ActivityRecord } from './activity-record.ts';
import { MAX_SEEDED_ACTIVITIES, seedActivities, seededOwner } from './activity-seed.ts';

/** Default number of seeded activities per athlete. */
export const DEFAULT_ACTIVITIES_PER_ATHLETE = 600;

/** What `GET /athlete/activities` reads. */
export interface ListQuery {
  viewerId: number;
  /** Token has `activity:read_all`: Only You activities are included. */
  canReadAll: boolean;
  page: number;
  perPage: number;
  /** Epoch seconds: only activities starting before / after. */
  before?: number;
  after?: number;
}

/** The seeding settings in force. */
export interface SeedSettings {
  perAthlete: number;
  seed: number;
  anchorMs: number;
}

/** Activities of all athletes, by athlete and by id. */
export class ActivityStore {
  readonly #lists = new Map<number, ActivityRecord[]>();
  readonly #byId = new Map<number, ActivityRecord>();
  readonly #settings: SeedSettings;
  readonly #athlete: (id: number) => SummaryAthlete | undefined;
  /** Created activities get ids below the seeded range (which starts at 10,000,000,000). */
  #nextId = 9_000_000_001;

  /** `athlete(id)` gives the athlete whose activities are seeded; unknown athletes have none. */
  constructor(settings: SeedSettings, athlete: (id: number) => SummaryAthlete | undefined) {
    this.#settings = settings;
    this.#athlete = athlete;
  }

  /** The athlete's activities, newest first (seeded on first use). */
  of(athleteId: number): readonly ActivityRecord[] {
    return this.#list(athleteId);
  }

  /** Replaces the athlete's activities with `count` freshly seeded ones. */
  reseed(athleteId: number, count: number): void {
    if (!(Number.isSafeInteger(count) && count >= 0 && count <= MAX_SEEDED_ACTIVITIES)) {
      throw new Error(`An athlete can be seeded with 0 to ${MAX_SEEDED_ACTIVITIES} activities.`);
    }
    for (const old of this.#lists.get(athleteId) ?? []) this.#byId.delete(old.id);
    this.#lists.delete(athleteId);
    this.#seed(athleteId, count);
  }

  /** The activity with `id`; a seeded id seeds its athlete's list first. */
  get(id: number): ActivityRecord | undefined {
    const known = this.#byId.get(id);
    if (known) return known;
    const owner = seededOwner(id);
    if (owner === undefined || this.#lists.has(owner)) return undefined;
    this.#list(owner);
    return this.#byId.get(id);
  }

  /**
   * One page of the list, the way Strava pages it: the page is cut from the athlete's whole list
   * first and Only You activities are removed afterwards, so a token without
   * `activity:read_all` gets short pages while more follow (protocol section 7).
   */
  page(query: ListQuery): ActivityRecord[] {
    const all = this.#list(query.viewerId).filter(
      (a) => (query.before === undefined || a.startMs < query.before * 1000) && (query.after === undefined || a.startMs > query.after * 1000),
    );
    const start = (query.page - 1) * query.perPage;
    return all.slice(start, start + query.perPage).filter((a) => visibleTo(a, query.viewerId, query.canReadAll));
  }

  /** Adds a new activity (manual or from an upload) and returns it with its id. */
  add(fields: Omit<ActivityRecord, 'id'>): ActivityRecord {
    const activity: ActivityRecord = { ...fields, id: this.#nextId++ };
    const list = this.#list(activity.athleteId);
    const at = list.findIndex((a) => a.startMs < activity.startMs);
    list.splice(at < 0 ? list.length : at, 0, activity);
    this.#byId.set(activity.id, activity);
    return activity;
  }

  #list(athleteId: number): ActivityRecord[] {
    return this.#lists.get(athleteId) ?? this.#seed(athleteId, this.#settings.perAthlete);
  }

  #seed(athleteId: number, count: number): ActivityRecord[] {
    const athlete = this.#athlete(athleteId);
    const list = athlete ? seedActivities(athlete, count, this.#settings) : [];
    this.#lists.set(athleteId, list);
    for (const activity of list) this.#byId.set(activity.id, activity);
    return list;
  }
}
