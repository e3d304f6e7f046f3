import { writeFile } from 'node:fs/promises';
import { median } from './stats.js';

/** A target: the value must be at most (`<=`) or at least (`>=`) this. */
export interface Target {
  op: '<=' | '>=';
  value: number;
}

/** One measured figure, as results.json records it. */
export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** The bare library's figure in the same run, in the same unit as `value` (null: none). */
  baseline: number | null;
  /** value / baseline (null without a baseline). */
  ratio: number | null;
  target: Target;
  pass: boolean;
  /** What the value and its baseline are, in a sentence. */
  note?: string;
}

/** Builds a metric, computing its ratio and whether it meets its target. */
export function metric(
  name: string,
  value: number,
  unit: string,
  baseline: number | null,
  target: Target,
  note?: string,
): Metric {
  const ratio = baseline === null || !baseline ? null : round(value / baseline);
  const pass =
    Number.isFinite(value) && (target.op === '<=' ? value <= target.value : value >= target.value);
  return {
    name,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio,
    target,
    pass,
    note,
  };
}

const round = (n: number) => (Number.isFinite(n) ? Math.round(n * 1000) / 1000 : n);

/**
 * Combines repeated runs of the same metrics: the median value and the median baseline of each,
 * in the order of the first run. A metric missing from a run is left out of that run's median.
 */
export function medianOfRuns(runs: readonly (readonly Metric[])[]): Metric[] {
  const first = runs[0] ?? [];
  return first.map((m) => {
    const same = runs.flatMap((run) => run.filter((x) => x.name === m.name));
    const baselines = same.flatMap((x) => (x.baseline === null ? [] : [x.baseline]));
    return metric(
      m.name,
      median(same.map((x) => x.value)),
      m.unit,
      baselines.length ? median(baselines) : null,
      m.target,
      m.note,
    );
  });
}

const fmt = (n: number | null) =>
  n === null
    ? '—'
    : Math.abs(n) >= 100
      ? n.toFixed(0)
      : Math.abs(n) >= 10
        ? n.toFixed(1)
        : n.toFixed(2);

/** The metrics as a plain-text table, one row each, with a PASS/MISS column. */
export function formatTable(metrics: readonly Metric[]): string {
  const header = ['metric', 'value', 'unit', 'baseline', 'ratio', 'target', 'result'];
  const rows = metrics.map((m) => [
    m.name,
    fmt(m.value),
    m.unit,
    fmt(m.baseline),
    fmt(m.ratio),
    `${m.target.op} ${m.target.value}`,
    m.pass ? 'PASS' : 'MISS',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((r) => (r[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) =>
        i === 0 || i === 2 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number),
      )
      .join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Writes results.json: an array with one object per metric. */
export async function writeResults(file: string, metrics: readonly Metric[]): Promise<void> {
  await writeFile(file, `${JSON.stringify(metrics, null, 2)}\n`);
}
