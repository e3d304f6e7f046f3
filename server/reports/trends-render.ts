import { csvRow, escapeHtml as esc } from './escape.js';
import type { TrendPoint, Trends } from './trends.js';

const W = 720;
const H = 260;
const PAD = { left: 48, right: 44, top: 44, bottom: 52 };

/** A top for the y axis that splits into four round steps (1, 2, 2.5 or 5 times a power of ten). */
function niceTop(max: number): number {
  const raw = Math.max(max, 1e-9) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((x) => x >= raw) ?? raw;
  return step * 4;
}
const tickLabel = (v: number) => String(Math.round(v * 10) / 10);

interface Series {
  name: string;
  cls: string;
  values: (number | undefined)[];
}

/** A line chart of series over the drills (one x position per drill), as standalone SVG. */
function lineChart(
  title: string,
  unit: string,
  points: readonly TrendPoint[],
  series: Series[],
  max?: number,
): string {
  const all = series.flatMap((s) => s.values).filter((v): v is number => v !== undefined);
  const top = max ?? niceTop(Math.max(1, ...all));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) =>
    PAD.left + (points.length < 2 ? plotW / 2 : (i / (points.length - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="trend" role="img" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    // The lines are stroked only; dots and legend keys are filled. An inline SVG's style applies
    // to the whole HTML page it sits in, so every rule names its element.
    '<style>.grid{stroke:#d5dae0}.axis{fill:#5a6470}path.s0{stroke:#1d4e89}path.s1{stroke:#c77700}circle.s0,rect.s0{fill:#1d4e89}circle.s1,rect.s1{fill:#c77700}path.s0,path.s1{fill:none;stroke-width:2}</style>',
    `<text x="${PAD.left}" y="18" font-weight="bold" fill="#1f2933">${esc(title)}</text>`,
  ];
  for (let k = 0; k <= 4; k++) {
    const v = (top / 4) * k;
    out.push(
      `<line class="grid" x1="${PAD.left}" y1="${y(v).toFixed(1)}" x2="${W - PAD.right}" y2="${y(v).toFixed(1)}"/>`,
      `<text class="axis" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${tickLabel(v)}</text>`,
    );
  }
  out.push(`<text class="axis" x="8" y="${PAD.top - 12}">${esc(unit)}</text>`);
  points.forEach((p, i) => {
    out.push(
      `<text class="axis" x="${x(i).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${esc(p.startedAt.slice(0, 10))}</text>`,
    );
  });
  series.forEach((s, k) => {
    const pts = s.values
      .map((v, i) => (v === undefined ? undefined : ([x(i), y(v)] as const)))
      .filter((p): p is readonly [number, number] => p !== undefined);
    if (pts.length > 1)
      out.push(
        `<path class="s${k}" d="${pts.map(([px, py], i) => `${i ? 'L' : 'M'}${px.toFixed(1)} ${py.toFixed(1)}`).join('')}"/>`,
      );
    s.values.forEach((v, i) => {
      if (v === undefined) return;
      out.push(
        `<circle class="s${k}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5"><title>${esc(`${points[i]?.title ?? ''} (${points[i]?.startedAt ?? ''}): ${s.name} ${Math.round(v * 10) / 10}`)}</title></circle>`,
      );
    });
    out.push(
      `<rect class="s${k}" x="${PAD.left + k * 200}" y="${H - 18}" width="10" height="10"/><text class="axis" x="${PAD.left + k * 200 + 14}" y="${H - 9}">${esc(s.name)}</text>`,
    );
  });
  if (!points.length)
    out.push(
      `<text class="axis" x="${W / 2}" y="${H / 2}" text-anchor="middle">no finished drills match</text>`,
    );
  out.push('</svg>');
  return out.join('\n');
}

const minutes = (ms: number | undefined) => (ms === undefined ? undefined : ms / 60_000);

/** The score over time, as an SVG line chart (0 to 100). */
export function scoreChartSvg(trends: Trends): string {
  const who = trends.filter.role ? ` (${trends.filter.role})` : '';
  return lineChart(
    `Score over time${who}`,
    'score',
    trends.points,
    [{ name: `score${who}`, cls: 's0', values: trends.points.map((p) => p.score) }],
    100,
  );
}

/** Time to declare and to the first external notice over time, in minutes, as an SVG chart. */
export function timingChartSvg(trends: Trends): string {
  return lineChart('Time to declare and to first external notice', 'minutes', trends.points, [
    {
      name: 'time to declare',
      cls: 's0',
      values: trends.points.map((p) => minutes(p.timeToDeclareMs)),
    },
    {
      name: 'time to first external notice',
      cls: 's1',
      values: trends.points.map((p) => minutes(p.timeToFirstExternalNoticeMs)),
    },
  ]);
}

/** Both trend charts in one SVG document, stacked. */
export function trendsSvg(trends: Trends): string {
  const inner = (svg: string, dy: number) =>
    svg.replace('<svg xmlns="http://www.w3.org/2000/svg"', `<svg y="${dy}"`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${2 * H}" width="${W}" height="${2 * H}">`,
    inner(scoreChartSvg(trends), 0),
    inner(timingChartSvg(trends), H),
    '</svg>',
    '',
  ].join('\n');
}

/** Trends as CSV: one row per drill, then the steps and rules most often missed. */
export function trendsCsv(trends: Trends): string {
  const out = [
    csvRow([
      'section',
      'drill',
      'title',
      'started_at',
      'score',
      'pass',
      'time_to_declare_s',
      'time_to_first_external_notice_s',
    ]),
  ];
  const s = (ms?: number) => (ms === undefined ? undefined : Math.round(ms / 1000));
  for (const p of trends.points)
    out.push(
      csvRow([
        'drill',
        p.drill,
        p.title,
        p.startedAt,
        p.score,
        p.pass,
        s(p.timeToDeclareMs),
        s(p.timeToFirstExternalNoticeMs),
      ]),
    );
  out.push(
    csvRow([]),
    csvRow(['section', 'step', 'title', 'role', 'drills', 'missed', 'late', 'out_of_order']),
  );
  for (const m of trends.steps)
    out.push(csvRow(['step', m.step, m.title, m.role, m.drills, m.missed, m.late, m.outOfOrder]));
  out.push(csvRow([]), csvRow(['section', 'rule', 'title', 'drills_broken', 'violations']));
  for (const r of trends.rules) out.push(csvRow(['rule', r.rule, r.title, r.drills, r.violations]));
  return out.join('');
}
