import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/ipc.js';
import { formatTable, type Metric, medianOfRuns, writeResults } from './lib/results.js';
import { drift } from './suites/drift.js';
import { durable } from './suites/durable.js';
import { fanout } from './suites/fanout.js';
import { scoring } from './suites/scoring.js';
import { startup } from './suites/startup.js';

/**
 * `npm run bench [-- --quick] [-- --only fanout,durable]`: runs every benchmark beside its bare
 * baseline, prints a table and writes bench/results.json. The full run repeats the whole set
 * five times and reports each metric's median; --quick runs a smaller set once.
 */
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? new Set((argv[onlyAt + 1] ?? '').split(',')) : undefined;
const suites = { fanout, durable, drift, scoring, startup };
const runs = quick ? 1 : 5;

/**
 * Runs a suite, and once more if it fails: on a shared tree a server may die of someone's
 * half-made change between two runs. A second failure stops the run.
 */
async function retryOnce<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    process.stderr.write(`${name} failed, trying once more: ${String(error)}\n`);
    return run();
  }
}

const started = performance.now();
const all: Metric[][] = [];
for (let run = 1; run <= runs; run++) {
  const metrics: Metric[] = [];
  for (const [name, suite] of Object.entries(suites)) {
    if (only && !only.has(name)) continue;
    const t = performance.now();
    metrics.push(...(await retryOnce(name, () => suite({ quick }))));
    process.stderr.write(
      `run ${run}/${runs}: ${name} ${((performance.now() - t) / 1000).toFixed(1)} s\n`,
    );
  }
  all.push(metrics);
}
const metrics = medianOfRuns(all);
await writeResults(join(ROOT, 'bench', 'results.json'), metrics);
console.log(formatTable(metrics));
console.log('');
for (const m of metrics) console.log(`${m.name}: ${m.note ?? ''}`);
console.log('');
console.log(
  `${quick ? 'quick' : `full (median of ${runs} runs)`} in ${((performance.now() - started) / 1000).toFixed(0)} s on ${new Date().toISOString()}; Node ${process.version}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, load average before the table ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
