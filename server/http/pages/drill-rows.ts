import { type StoredScoreDeps, storedCard } from '../../runtime/stored-score.js';
import type { DrillRecord } from '../../store/catalogue-schema.js';

/** One drill as the overview lists it. */
export interface DrillRow {
  id: string;
  title: string;
  scenario: string;
  mode: DrillRecord['mode'];
  status: DrillRecord['status'];
  /** When it starts, started or was due; absent for a surprise drill a non-facilitator sees. */
  when?: string;
  window?: { from: string; to: string };
  score?: number;
  pass?: boolean;
}

const UPCOMING = new Set(['scheduled']);
const RUNNING = new Set(['running', 'paused', 'stopped']);

/**
 * The overview's three lists: upcoming (soonest first), running, and past (latest first) with
 * the score of each finished drill, computed from its stored log.
 */
export async function drillRows(
  drills: readonly DrillRecord[],
  deps: StoredScoreDeps,
  role: string,
): Promise<{ upcoming: DrillRow[]; running: DrillRow[]; past: DrillRow[] }> {
  const rows = await Promise.all(
    drills
      .filter((d) => !d.archivedAt)
      .map(async (d): Promise<DrillRow> => {
        const secret = d.mode === 'surprise' && d.status === 'scheduled' && role !== 'facilitator';
        const row: DrillRow = {
          id: d.id,
          title: d.title,
          scenario: deps.library.scenarios.get(d.scenario.id)?.value.title ?? d.scenario.id,
          mode: d.mode,
          status: d.status,
          when: secret ? undefined : (d.startedAt ?? d.dueAt),
          window: d.window,
        };
        if (d.status === 'ended' || d.status === 'aborted') {
          const scored = await storedCard(deps, d);
          if (!('missing' in scored)) {
            row.score = scored.card.score;
            row.pass = scored.card.pass;
          }
        }
        return row;
      }),
  );
  const by = (a: DrillRow, b: DrillRow) => (a.when ?? '').localeCompare(b.when ?? '');
  return {
    upcoming: rows.filter((r) => UPCOMING.has(r.status)).sort(by),
    running: rows.filter((r) => RUNNING.has(r.status)).sort(by),
    past: rows
      .filter((r) => !UPCOMING.has(r.status) && !RUNNING.has(r.status))
      .sort((a, b) => by(b, a)),
  };
}
