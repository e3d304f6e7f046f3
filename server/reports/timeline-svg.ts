import { formatOffset } from '../domain/duration.js';
import { escapeHtml as esc } from './escape.js';
import type { MarkKind, Timeline } from './timeline.js';

const LANE_H = 34;
const LABEL_W = 130;
const PLOT_W = 820;
const TOP = 26;
const BOTTOM = 30;

const TICK_STEPS = [60_000, 5 * 60_000, 10 * 60_000, 15 * 60_000, 30 * 60_000, 60 * 60_000];

/** A tick every 1, 5, 10, 15, 30 or 60 minutes: whichever gives at most ten ticks. */
function tickStep(durationMs: number): number {
  return TICK_STEPS.find((s) => durationMs / s <= 10) ?? 2 * 60 * 60_000;
}

function shape(kind: MarkKind, x: number, y: number): string {
  const p = (n: number) => n.toFixed(1);
  if (kind === 'inject')
    return `<path class="inject" d="M${p(x)} ${p(y - 7)}L${p(x + 6)} ${p(y)}L${p(x)} ${p(y + 7)}L${p(x - 6)} ${p(y)}Z"/>`;
  if (kind === 'violation')
    return `<path class="violation" d="M${p(x)} ${p(y - 8)}L${p(x + 7)} ${p(y + 6)}L${p(x - 7)} ${p(y + 6)}Z"/>`;
  return `<circle class="${kind}" cx="${p(x)}" cy="${p(y)}" r="4.5"/>`;
}

/**
 * The drill's timeline as a self-contained SVG: one lane per role, drill time across, injects
 * as diamonds, actions as dots (hollow when recorded off the platform), violations as red
 * triangles. Every label is escaped, and each mark carries a <title> for its tooltip.
 */
export function timelineSvg(timeline: Timeline): string {
  const width = LABEL_W + PLOT_W + 20;
  const height = TOP + timeline.lanes.length * LANE_H + BOTTOM;
  const x = (t: number) => LABEL_W + (t / timeline.durationMs) * PLOT_W;
  const laneY = new Map(timeline.lanes.map((l, i) => [l.role, TOP + i * LANE_H + LANE_H / 2]));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    '<title>Drill timeline: one lane per role</title>',
    '<style>.inject{fill:#2f6fb0}.action{fill:#2d8a4e}.off-platform{fill:#fff;stroke:#2d8a4e;stroke-width:2}.violation{fill:#c0392b}.lane{fill:#f4f6f8}.grid{stroke:#d5dae0;stroke-width:1}.axis{fill:#5a6470;font-size:10px}</style>',
  ];
  timeline.lanes.forEach((lane, i) => {
    const y = TOP + i * LANE_H;
    if (i % 2 === 0)
      out.push(`<rect class="lane" x="0" y="${y}" width="${width}" height="${LANE_H}"/>`);
    out.push(
      `<text x="8" y="${y + LANE_H / 2 + 4}" font-weight="bold" fill="#1f2933">${esc(lane.name)}</text>`,
    );
  });
  const step = tickStep(timeline.durationMs);
  for (let t = 0; t <= timeline.durationMs; t += step) {
    const tx = x(t).toFixed(1);
    out.push(
      `<line class="grid" x1="${tx}" y1="${TOP - 4}" x2="${tx}" y2="${height - BOTTOM}"/>`,
      `<text class="axis" x="${tx}" y="${height - BOTTOM + 14}" text-anchor="middle">${formatOffset(t).slice(0, 5)}</text>`,
    );
  }
  out.push(
    `<text class="axis" x="${LABEL_W}" y="14">drill time (hh:mm)</text>`,
    `<g class="legend" transform="translate(${LABEL_W + PLOT_W - 330} 8)">`,
    shape('inject', 0, 6),
    '<text class="axis" x="10" y="10">inject</text>',
    shape('action', 60, 6),
    '<text class="axis" x="70" y="10">action</text>',
    shape('off-platform', 125, 6),
    '<text class="axis" x="135" y="10">off platform</text>',
    shape('violation', 215, 6),
    '<text class="axis" x="225" y="10">rule violation</text>',
    '</g>',
  );
  for (const mark of timeline.marks) {
    const y = laneY.get(mark.lane);
    if (y === undefined) continue;
    // Not `data-rule`: that attribute marks the violation rows of the HTML report only.
    const rule = mark.rule ? ` data-mark-rule="${esc(mark.rule)}"` : '';
    out.push(
      `<g data-seq="${mark.seq}"${rule}>${shape(mark.kind, x(mark.t), y)}<title>${esc(`${formatOffset(mark.t)} #${mark.seq} ${mark.label}`)}</title></g>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
