import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../server/cli/paths.js';
import type { Drill } from '../../../server/domain/drill.js';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import { scoreDrill } from '../../../server/domain/scoring/score.js';
import type { Scorecard } from '../../../server/domain/scoring/scorecard.js';
import { readLog } from '../../../server/load/log-file.js';
import { drillCalendar } from '../../../server/reports/calendar.js';
import { compareDrills } from '../../../server/reports/comparison.js';
import { buildDrillReport, type DrillReport } from '../../../server/reports/drill-report.js';
import { generateImprovements, mergeImprovements } from '../../../server/reports/improvements.js';
import { renderReport } from '../../../server/reports/render.js';
import { computeTrends, type ScoredDrill } from '../../../server/reports/trends.js';
import { trendsCsv, trendsSvg } from '../../../server/reports/trends-render.js';
import { DrillLibrary } from '../../../server/runtime/drill-library.js';

/**
 * The golden files: fixed logs through the real scorer and the real renderers, with a fixed
 * generation time. `npm run goldens` writes them (write-goldens.ts); the tests only compare.
 */
export const GOLDEN_DIR = join(PROJECT_ROOT, 'test/fixtures/golden');
export const LOG_DIR = join(PROJECT_ROOT, 'test/fixtures/logs');
export const GENERATED_AT = '2026-01-05T09:00:00.000Z';

export interface Fixture {
  drill: Drill;
  perfect: { log: LogEntry[]; card: Scorecard };
  faulty: { log: LogEntry[]; card: Scorecard };
}

async function scored(drill: Drill, library: DrillLibrary, name: string) {
  const { entries, problems } = await readLog(join(LOG_DIR, `${name}.jsonl`));
  if (problems.length) throw new Error(`${name}.jsonl: ${JSON.stringify(problems)}`);
  const resolved = library.resolve('kakao-pangyo-fire');
  const hashes = { manual: resolved?.manual.hash, scenario: resolved?.scenario.hash };
  return { log: entries, card: scoreDrill(drill, entries, { hashes }) };
}

/** The Pangyo-fire drill and its two fixed logs, scored. */
export async function loadFixture(): Promise<Fixture> {
  const library = await DrillLibrary.load([join(PROJECT_ROOT, 'drills')]);
  const resolved = library.resolve('kakao-pangyo-fire');
  if (!resolved) throw new Error('kakao-pangyo-fire is not in drills/');
  return {
    drill: resolved.drill,
    perfect: await scored(resolved.drill, library, 'pangyo-fire-perfect'),
    faulty: await scored(resolved.drill, library, 'pangyo-fire-faulty'),
  };
}

/** The perfect drill's report: nothing to improve, no debrief, first of its scenario. */
export function perfectReport(f: Fixture): DrillReport {
  return buildDrillReport({
    drill: f.drill,
    card: f.perfect.card,
    log: f.perfect.log,
    generatedAt: GENERATED_AT,
    audience: 'staff',
    meta: {
      id: 'drill-perfect',
      title: 'Pangyo fire game day, Q1',
      team: 'Kakao Talk on-call',
      mode: 'at',
      status: 'ended',
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T01:05:00.000Z',
    },
    improvements: generateImprovements(f.drill, f.perfect.card),
  });
}

/** The faulty drill's report, with a facilitator's edit, two debriefs and the comparison. */
export function faultyReport(f: Fixture, audience: 'staff' | 'viewer' = 'staff'): DrillReport {
  const improvements = mergeImprovements(generateImprovements(f.drill, f.faulty.card), [
    {
      id: 'step:open-dashboard',
      owner: 'Park Ji-ho',
      dueDate: '2026-01-20',
      status: 'in-progress',
    },
    {
      id: 'custom:bridge',
      concerns: { kind: 'other', id: '', title: 'Bridge call' },
      observation: 'Nobody posted the bridge number on the secondary messenger.',
      recommendation: 'Pin the bridge number in the channel topic.',
      owner: 'Choi Yuna',
      dueDate: '2026-01-31',
    },
  ]);
  return buildDrillReport({
    drill: f.drill,
    card: f.faulty.card,
    log: f.faulty.log,
    generatedAt: GENERATED_AT,
    audience,
    meta: {
      id: 'drill-faulty',
      title: 'Pangyo fire game day, Q2',
      team: 'Kakao Talk on-call',
      mode: 'surprise',
      status: 'ended',
      startedAt: '2026-04-01T00:00:00.000Z',
      endedAt: '2026-04-01T01:05:00.000Z',
    },
    improvements,
    debriefs: [
      {
        role: 'communicator',
        person: 'Lee Seo-yeon',
        wentWell: 'The fallback announcement went out in seconds.',
        didNotGoWell: 'I posted on the primary messenger out of habit, and forgot the dashboard.',
        submittedAt: '2026-04-01T02:00:00.000Z',
      },
      {
        role: 'operations-lead',
        person: 'Jung Ha-eun',
        wentWell: 'Notices went out on every grade change.',
        didNotGoWell:
          'I promised a recovery time; I should have given the next update time instead.',
        submittedAt: '2026-04-01T02:10:00.000Z',
      },
    ],
    comparison: compareDrills(f.faulty.card, {
      id: 'drill-perfect',
      title: 'Pangyo fire game day, Q1',
      startedAt: '2026-01-01T00:00:00.000Z',
      card: f.perfect.card,
    }),
  });
}

/** The two drills as trends and readiness see them. */
export function scoredDrills(f: Fixture): ScoredDrill[] {
  const base = {
    teamId: 'team-talk',
    scenario: 'kakao-pangyo-fire',
    manual: { id: 'kakao', version: '1.0.0' },
  };
  return [
    {
      ...base,
      id: 'drill-perfect',
      title: 'Pangyo fire game day, Q1',
      startedAt: '2026-01-01T00:00:00.000Z',
      card: f.perfect.card,
      improvements: [],
    },
    {
      ...base,
      id: 'drill-faulty',
      title: 'Pangyo fire game day, Q2',
      startedAt: '2026-04-01T00:00:00.000Z',
      card: f.faulty.card,
      improvements: faultyReport(f).improvements,
    },
  ];
}

/** Every golden file, by name, as the code renders it now. */
export function goldenFiles(f: Fixture): Record<string, string> {
  const files: Record<string, string> = {};
  for (const format of ['html', 'json', 'csv', 'md'] as const) {
    files[`pangyo-fire-perfect.${format}`] = renderReport(perfectReport(f), format);
    files[`pangyo-fire-faulty.${format}`] = renderReport(faultyReport(f), format);
  }
  files['pangyo-fire-faulty-viewer.html'] = renderReport(faultyReport(f, 'viewer'), 'html');
  const trends = computeTrends(scoredDrills(f), { scenario: 'kakao-pangyo-fire' });
  files['trends.csv'] = trendsCsv(trends);
  files['trends.svg'] = trendsSvg(trends);
  files['calendar.ics'] = drillCalendar(
    [
      {
        id: 'drill-q3',
        title: 'Pangyo fire game day, Q3',
        mode: 'at',
        status: 'scheduled',
        dueAt: '2026-07-01T01:00:00.000Z',
        durationMs: 90 * 60_000,
        scenario: 'kakao-pangyo-fire',
        team: 'Kakao Talk on-call',
      },
      {
        id: 'drill-surprise',
        title: 'Unannounced drill',
        mode: 'surprise',
        status: 'scheduled',
        dueAt: '2026-08-12T05:00:00.000Z',
        durationMs: 90 * 60_000,
        scenario: 'kakao-viral-surge',
      },
    ],
    { generatedAt: GENERATED_AT, baseUrl: 'https://firedrill.example' },
  );
  return files;
}
