import type { Drill } from '../domain/drill.js';
import type { LogEntry } from '../domain/schema/log.js';
import { scoreDrill } from '../domain/scoring/score.js';
import type { Scorecard } from '../domain/scoring/scorecard.js';
import type { DrillRecord } from '../store/catalogue-schema.js';
import type { EventLogStore } from '../store/store.js';
import type { DrillLibrary } from './drill-library.js';
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

/**
 * Scores a stored drill against the manual and scenario versions it was scheduled on (checking
 * the log's hashes against them), at its drill clock's now while it runs; `{ missing }` when the
 * library no longer has its scenario or the drill has no log yet. The scorecard API, the
 * reports and the drills overview all score through here.
 */
export async function scoreStored(
  deps: StoredScoreDeps,
  record: DrillRecord,
): Promise<StoredScore | { missing: 'scenario' | 'log' }> {
  const resolved = deps.library.resolveRecord(record);
  if (!resolved) return { missing: 'scenario' };
  const { entries } = await deps.logs.read(record.id);
  if (!entries.length) return { missing: 'log' };
  const card = scoreDrill(resolved.drill, entries, {
    at: deps.service.runner(record.id)?.clock.now(),
    hashes: { manual: resolved.manual.hash, scenario: resolved.scenario.hash },
  });
  return { drill: resolved.drill, log: entries, card };
}
