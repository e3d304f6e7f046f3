import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Drill } from '../../server/domain/drill.js';
import { nextDue } from '../../server/domain/engine/due.js';
import { reduce, startState } from '../../server/domain/engine/reduce.js';
import { LogEntry } from '../../server/domain/schema/log.js';
import { DrillLibrary } from '../../server/runtime/drill-library.js';
import { parseLogBytes } from '../../server/store/event-log-file.js';
import { ROOT } from '../lib/ipc.js';
import { type Metric, metric } from '../lib/results.js';
import { percentile } from '../lib/stats.js';
import { liveDrills, ROLES, SCENARIO, stopAll } from './common.js';

const DRILLS = 50;

/** The drill times at which the scenario's injects fall due if nobody acts (up to `horizon`). */
export function dueSchedule(drill: Drill, horizon: number): number[] {
  const started = LogEntry.parse({
    type: 'drill-started',
    seq: 1,
    t: 0,
    manual: { id: drill.manual.id, version: drill.manual.version },
    scenario: { id: drill.scenario.id, version: drill.scenario.version },
  });
  let state = reduce(drill, startState(drill), started).state;
  const times: number[] = [];
  for (let seq = 2; ; seq++) {
    const due = nextDue(drill, state);
    if (due?.entry.type !== 'inject-delivered' || due.t > horizon) return times;
    times.push(due.t);
    state = reduce(drill, state, LogEntry.parse({ ...due.entry, seq, t: due.t })).state;
  }
}

async function pangyo(): Promise<Drill> {
  const library = await DrillLibrary.load([join(ROOT, 'drills')]);
  const resolved = library.resolve(SCENARIO);
  if (!resolved) throw new Error(`no scenario ${SCENARIO}`);
  return resolved.drill;
}

/**
 * How late each scheduled inject was, in wall ms: its drill time against the time it fell due
 * (replaying the log, so conditional injects count too), over the drill clock's scale. Only
 * injects written between `from` and `to` (wall) count.
 */
export async function injectLateness(
  logFiles: readonly string[],
  scale: number,
  window: { from: number; to: number },
): Promise<number[]> {
  const drill = await pangyo();
  const lateness: number[] = [];
  for (const file of logFiles) {
    const { entries } = parseLogBytes(file, await readFile(file));
    let state = startState(drill);
    for (const entry of entries) {
      if (entry.type === 'inject-delivered' && !entry.adHoc) {
        const due = nextDue(drill, state);
        const at = Date.parse(entry.at ?? '');
        if (
          due?.entry.type === 'inject-delivered' &&
          due.entry.inject === entry.inject &&
          at >= window.from &&
          at <= window.to
        )
          lateness.push((entry.t - due.t) / scale);
      }
      state = reduce(drill, state, entry).state;
    }
  }
  return lateness;
}

/**
 * Scheduler drift: 50 live drills on scaled drill clocks while 200 participants keep actions
 * flowing (each waits 100 ms after its ack); p99 inject lateness beside bare setTimeouts set
 * in the same server process for the same moments, timed the same way (Date.now).
 */
export async function drift(options: { quick: boolean }): Promise<Metric[]> {
  // At 240x the Pangyo fire's timed injects (2, 6, 10, 12 and 20 min) fall within 5 s.
  const scale = options.quick ? 240 : 120;
  const durationMs = options.quick ? 5_500 : 10_500;
  const { server, load, drills, dataDir, stop } = await liveDrills('drift', {
    count: DRILLS,
    roles: [...ROLES],
    timeScale: scale,
  });
  try {
    const offsetsMs = dueSchedule(await pangyo(), durationMs * scale).map((t) => t / scale);
    await server.call('probeStart', { starts: drills.map((d) => d.startWall), offsetsMs });
    const from = Date.now() + 300;
    const loop = await load.call<{ perSecond: number; errors: number }>('loop', {
      durationMs,
      warmupMs: 300,
      thinkMs: 100,
      channel: 'secondary-messenger',
    });
    const to = Date.now();
    const bare = (await server.call<{ target: number; late: number }[]>('probeStop'))
      .filter((b) => b.target >= from && b.target <= to)
      .map((b) => b.late);
    await server.call('endAll', { drillIds: drills.map((d) => d.id) });
    await stopAll(server);
    const lateness = await injectLateness(
      drills.map((d) => join(dataDir, 'drills', `${d.id}.jsonl`)),
      scale,
      { from, to },
    );
    const early = lateness.filter((l) => l < 0).length;
    const p99 = percentile(lateness, 99);
    const bareP99 = percentile(bare, 99);
    const m = metric(
      'scheduler_drift_ratio',
      p99 / bareP99,
      'x',
      1,
      { op: '<=', value: 1.5 },
      `p99 inject lateness ${p99.toFixed(2)} ms over ${lateness.length} injects (${early} early) in 50 drills at ${scale}x with ~${Math.round(loop.perSecond)} actions/s flowing; bare setTimeout p99 ${bareP99.toFixed(2)} ms over ${bare.length} timers (${bare.filter((l) => l < 0).length} early), set in the same process for the same moments`,
    );
    // An inject that fires early fails the metric whatever the ratio.
    return [{ ...m, pass: m.pass && early === 0 && lateness.length > 0 }];
  } finally {
    await stop();
  }
}
