import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { formatTable, medianOfRuns, metric, writeResults } from '../../../bench/lib/results.js';
import { median, percentile } from '../../../bench/lib/stats.js';

describe('bench results', () => {
  it('computes the ratio to the baseline and whether the target is met', () => {
    const m = metric('fanout_p99_ms', 6, 'ms', 4, { op: '<=', value: 10 });
    expect(m).to.include({
      name: 'fanout_p99_ms',
      value: 6,
      unit: 'ms',
      baseline: 4,
      ratio: 1.5,
      pass: true,
    });
    expect(
      metric('durable_actions_per_s', 9_000, 'actions/s', 300, { op: '>=', value: 10_000 }).pass,
    ).to.equal(false);
    expect(metric('x', 1, 'ms', null, { op: '<=', value: 2 }).ratio).to.equal(null);
    expect(metric('x', Number.NaN, 'ms', 1, { op: '<=', value: 2 }).pass).to.equal(false);
  });

  it('takes the median value and baseline of each metric across runs', () => {
    const target = { op: '<=' as const, value: 10 };
    const runs = [3, 9, 5].map((v, i) => [metric('a', v, 'ms', i + 1, target)]);
    const [a] = medianOfRuns(runs);
    expect(a).to.include({ value: 5, baseline: 2, ratio: 2.5, pass: true });
  });

  it('writes results.json as one object per metric with the fields the issue names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-results-'));
    try {
      const file = join(dir, 'results.json');
      await writeResults(file, [
        metric('rss_mb_2000_sockets', 150, 'MB', 100, { op: '<=', value: 200 }),
      ]);
      const written = JSON.parse(await readFile(file, 'utf8'));
      expect(written).to.be.an('array').with.length(1);
      expect(written[0]).to.have.all.keys(
        'name',
        'value',
        'unit',
        'baseline',
        'ratio',
        'target',
        'pass',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints one row a metric with PASS or MISS', () => {
    const table = formatTable([
      metric('score_100k_ms', 250, 'ms', 100, { op: '<=', value: 200 }),
      metric('fanout_p99_ms', 5, 'ms', 4, { op: '<=', value: 10 }),
    ]);
    const lines = table.split('\n');
    expect(lines).to.have.length(4);
    expect(lines[2]).to.match(/^score_100k_ms\s+250\s+ms\s+100\s+2\.50\s+<= 200\s+MISS$/);
    expect(lines[3]).to.match(/PASS$/);
  });

  it('takes nearest-rank percentiles and medians', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 99)).to.equal(99);
    expect(percentile(samples, 100)).to.equal(100);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
    expect(Number.isNaN(percentile([], 50))).to.equal(true);
  });
});
