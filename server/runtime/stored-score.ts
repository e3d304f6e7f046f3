import type { Drill } from '../domain/drill.js';
import type { LogEntry } from '../domain/schema/log.js';
import { scoreDrill } from '../domain/scoring/score.js';
import type { Scorecard } from '../domain/scoring/scorecard.js';
import { deepFreeze } from '../store/catalogue-memory.js';
import type { DrillRecord } from '../store/catalogue-schema.js';
import type { EventLogStore } from '../store/store.js';
import type { DrillLibrary, ResolvedDrill } from './drill-library.js';
import type { DrillRunner } from './drill-runner.js';

/** A stored drill scored: its compiled drill, its log and its scorecard. */
export interface StoredScore {
  drill: Drill;
  log: LogEntry[];
  card: Scorecard;
}

export interface StoredScoreDeps {
  library: DrillLibrary;
  logs: EventLogStore;
  service: { runner(drillId: string): DrillRunner | undefined };
}

type Missing = { missing: 'scenario' | 'log' };

/** How many scorecards each log store keeps; the least recently used goes first. */
export const CACHED_CARDS = 2_000;

interface Cached {
  key: string;
  card: Scorecard;
}

/**
 * Scorecards of drills no runner holds (ended, aborted, archived, or stopped with its runner
 * gone), per log store, by drill id. An entry is used only while its key still matches: the
 * log's stamp (which changes with every append, a hot-wash note or override included) and the
 * hashes of the manual and scenario versions it is scored against. Cards are frozen: every
 * reader shares one.
 */
const caches = new WeakMap<EventLogStore, Map<string, Cached>>();

function cacheOf(logs: EventLogStore): Map<string, Cached> {
  let cache = caches.get(logs);
  if (!cache) {
    cache = new Map();
    caches.set(logs, cache);
  }
  return cache;
}

/** Where a cached card would be looked up, or undefined when the score must not be cached. */
async function cacheKey(
  deps: StoredScoreDeps,
  record: DrillRecord,
  hashes: { manual: string; scenario: string },
): Promise<string | undefined> {
  // A live drill is scored at its clock's now: a new answer every time.
  if (deps.service.runner(record.id) || !deps.logs.stamp) return undefined;
  const stamp = await deps.logs.stamp(record.id);
  return stamp === undefined ? undefined : `${stamp}|${hashes.manual}|${hashes.scenario}`;
}

function remember(cache: Map<string, Cached>, id: string, key: string, card: Scorecard) {
  cache.delete(id);
  cache.set(id, { key, card: deepFreeze(card) });
  if (cache.size > CACHED_CARDS) cache.delete(cache.keys().next().value as string);
}

function recall(cache: Map<string, Cached>, id: string, key: string): Scorecard | undefined {
  const hit = cache.get(id);
  if (hit?.key !== key) return undefined;
  cache.delete(id);
  cache.set(id, hit);
  return hit.card;
}

/** A stored drill resolved to the versions it runs on, with its cache key and cached card. */
interface Looked {
  resolved: ResolvedDrill;
  hashes: { manual: string; scenario: string };
  key?: string;
  card?: Scorecard;
}

async function lookUp(deps: StoredScoreDeps, record: DrillRecord): Promise<Looked | Missing> {
  const resolved = deps.library.resolveRecord(record);
  if (!resolved) return { missing: 'scenario' };
  const hashes = { manual: resolved.manual.hash, scenario: resolved.scenario.hash };
  // The stamp is taken before the log is read: an append in between makes the key stale, not
  // the card.
  const key = await cacheKey(deps, record, hashes);
  const card = key === undefined ? undefined : recall(cacheOf(deps.logs), record.id, key);
  return { resolved, hashes, key, card };
}

/** Reads the drill's entries and scores them, unless the cache had the card. */
async function scoreLooked(
  deps: StoredScoreDeps,
  record: DrillRecord,
  { resolved, hashes, key, card }: Looked,
): Promise<StoredScore | Missing> {
  // A live drill's runner holds every entry its log file does: no need to read and parse it.
  const runner = deps.service.runner(record.id);
  const entries = runner ? [...runner.entries] : (await deps.logs.read(record.id)).entries;
  if (!entries.length) return { missing: 'log' };
  if (!card) {
    card = scoreDrill(resolved.drill, entries, { at: runner?.clock.now(), hashes });
    if (key !== undefined) remember(cacheOf(deps.logs), record.id, key, card);
  }
  return { drill: resolved.drill, log: entries, card };
}

/**
 * Scores a stored drill against the manual and scenario versions it was scheduled on (checking
 * the log's hashes against them), at its drill clock's now and from its runner's entries while
 * it runs (from its file otherwise); `{ missing }` when the library no longer has its scenario
 * or the drill has no log yet. The reports score through here (they need the log too); the
 * scorecard is taken from the cache when it still holds.
 */
export async function scoreStored(
  deps: StoredScoreDeps,
  record: DrillRecord,
): Promise<StoredScore | Missing> {
  const looked = await lookUp(deps, record);
  return 'missing' in looked ? looked : scoreLooked(deps, record, looked);
}

/**
 * The scorecard of a stored drill, as scoreStored gives it, without reading the log when the
 * cache still holds the card: the scorecard API, the drills overview, trends and readiness.
 */
export async function storedCard(
  deps: StoredScoreDeps,
  record: DrillRecord,
): Promise<{ drill: Drill; card: Scorecard } | Missing> {
  const looked = await lookUp(deps, record);
  if ('missing' in looked) return looked;
  if (looked.card) return { drill: looked.resolved.drill, card: looked.card };
  const scored = await scoreLooked(deps, record, looked);
  return 'missing' in scored ? scored : { drill: scored.drill, card: scored.card };
}
