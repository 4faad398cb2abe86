/**
 * Every athlete's activities. An athlete's list is seeded on first use (deterministically, so it
 * need not be persisted), newest first; created and uploaded activities join it. What the API
 * changed (created activities, edits of seeded ones) and the next id are in {@link snapshot}, so
 * a state file keeps them across runs and ids never repeat.
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

/** What a state file keeps of the activities: the next id, and every created or edited activity. */
export interface ActivityStoreSnapshot {
  nextId: number;
  records: ActivityRecord[];
}

/** Created activities get ids below the seeded range (which starts at 10,000,000,000). */
const FIRST_CREATED_ID = 9_000_000_001;

/** Activities of all athletes, by athlete and by id. */
export class ActivityStore {
  readonly #lists = new Map<number, ActivityRecord[]>();
  readonly #byId = new Map<number, ActivityRecord>();
  readonly #settings: SeedSettings;
  readonly #athlete: (id: number) => SummaryAthlete | undefined;
  readonly #onChange: () => void;
  /** Created and edited activities by id: what {@link snapshot} keeps. */
  readonly #changed = new Map<number, ActivityRecord>();
  #nextId = FIRST_CREATED_ID;

  /**
   * `athlete(id)` gives the athlete whose activities are seeded; unknown athletes have none.
   * `onChange` runs after every change worth persisting.
   */
  constructor(settings: SeedSettings, athlete: (id: number) => SummaryAthlete | undefined, onChange: () => void = () => {}) {
    this.#settings = settings;
    this.#athlete = athlete;
    this.#onChange = onChange;
  }

  /** Notes that an API call changed `activity` (an edit), so it is kept across runs. */
  changed(activity: ActivityRecord): void {
    this.#changed.set(activity.id, activity);
    this.#onChange();
  }

  /** The created and edited activities, and the next id (live records: serialize at once). */
  snapshot(): ActivityStoreSnapshot {
    return { nextId: this.#nextId, records: [...this.#changed.values()] };
  }

  /**
   * Replaces everything with a snapshot. Lists are seeded again on first use, with the saved
   * records in place of the seeded ones they edited and the created ones inserted.
   */
  restore(snapshot: ActivityStoreSnapshot): void {
    this.#lists.clear();
    this.#byId.clear();
    this.#changed.clear();
    this.#nextId = Math.max(FIRST_CREATED_ID, snapshot.nextId);
    for (const record of snapshot.records) {
      this.#changed.set(record.id, record);
      if (seededOwner(record.id) === undefined) this.#byId.set(record.id, record);
    }
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
    for (const [id, record] of this.#changed) if (record.athleteId === athleteId) this.#changed.delete(id);
    this.#onChange();
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
    insertByStart(this.#list(activity.athleteId), activity);
    this.#byId.set(activity.id, activity);
    this.changed(activity);
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
    // What earlier runs changed: edits replace their seeded activity, created ones join the list.
    for (const record of this.#changed.values()) {
      if (record.athleteId !== athleteId) continue;
      const at = list.findIndex((a) => a.id === record.id);
      if (at >= 0) list[at] = record;
      else if (seededOwner(record.id) === undefined) insertByStart(list, record);
      else continue; // an edit of an activity this seed no longer makes
      this.#byId.set(record.id, record);
    }
    return list;
  }
}

/** Inserts `activity` into a newest-first list. */
function insertByStart(list: ActivityRecord[], activity: ActivityRecord): void {
  const at = list.findIndex((a) => a.startMs < activity.startMs);
  list.splice(at < 0 ? list.length : at, 0, activity);
}
