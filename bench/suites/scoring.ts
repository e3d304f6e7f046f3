import { startChild } from '../lib/ipc.js';
import { type Metric, metric } from '../lib/results.js';
import { SERVER_CPU, stopAll, tempDir } from './common.js';

/** Scoring a 100k- and a 200k-entry log read from its file, warm medians, beside a bare fold. */
export async function scoring(options: { quick: boolean }): Promise<Metric[]> {
  const runs = options.quick ? 2 : 5;
  const data = await tempDir('scoring');
  // The logs are written by one process and scored by a fresh one: a server scoring a log has
  // not just built 300,000 entries and encoded them, and the writer's heap is not the scorer's.
  const writer = await startChild('log-writer', 'load/scoring.ts', { cpu: SERVER_CPU });
  try {
    await writer.call('prepare', { dir: data.dir, sizes: [100_000, 200_000] });
  } finally {
    await stopAll(writer);
  }
  const child = await startChild('scorer', 'load/scoring.ts', { cpu: SERVER_CPU });
  try {
    await child.call('load', { dir: data.dir });
    type Timed = {
      scoredMs: number;
      bareMs: number;
      keptMs: number;
      readMs: number;
      afterOneMs: number;
      afterThreeMs: number;
      runsMs: number[];
      warmUp: number;
      steps: number;
    };
    const small = await child.call<Timed>('time', { size: 100_000, runs });
    const large = await child.call<Timed>('time', { size: 200_000, runs });
    return [
      metric(
        'score_100k_ms',
        small.scoredMs,
        'ms',
        small.bareMs,
        { op: '<=', value: 200 },
        `read a 100,000-entry log from its file (parsed and validated) and score it, warm median of ${runs} after ${small.warmUp} untimed runs (as timed before the seventh round, runs 4-6: ${small.afterThreeMs.toFixed(0)} ms; before the sixth, runs 2-4: ${small.afterOneMs.toFixed(0)} ms; every run from start, in ms: ${small.runsMs.map((ms) => ms.toFixed(0)).join(', ')}); baseline: JSON.parse each line and fold a count; for reference, JSON.parse keeping every entry (no checks, no scoring) took ${small.keptMs.toFixed(0)} ms and the store's read alone (parsed and checked, not scored) ${small.readMs.toFixed(0)} ms`,
      ),
      metric(
        'score_scaling_ratio',
        large.scoredMs / small.scoredMs,
        'x',
        large.bareMs / small.bareMs,
        { op: '<=', value: 2.3 },
        `warm median for 200k (${large.scoredMs.toFixed(0)} ms) / for 100k; baseline: the bare fold's own 200k/100k ratio`,
      ),
    ];
  } finally {
    await stopAll(child);
    await data.remove();
  }
}
