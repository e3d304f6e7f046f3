import { formatDuration, formatOffset } from '../domain/duration.js';
import type { Metric, Metrics, Scorecard } from '../domain/scoring/scorecard.js';

/** Renders a scorecard as JSON: the documented, versioned format. */
export function scorecardJson(card: Scorecard): string {
  return `${JSON.stringify(card, null, 2)}\n`;
}

const time = (t: number | undefined) => (t === undefined ? '—' : formatOffset(t));
const took = (m: Metric) => (m.ms === undefined ? 'never' : formatDuration(m.ms));
const passText = (pass: boolean, final: boolean) =>
  `${pass ? 'PASS' : 'FAIL'}${final ? '' : ' (so far)'}`;

export interface Table {
  head: string[];
  rows: string[][];
}

/** The key timings as one table row (shared with the drill report's Markdown). */
export function keyTimings(m: Metrics): Table {
  return {
    head: [
      'acknowledge',
      'declare',
      'right grade',
      'first external notice',
      'close',
      'external updates',
    ],
    rows: [
      [
        took(m.timeToAcknowledge),
        took(m.timeToDeclare),
        took(m.timeToRightGrade),
        took(m.timeToFirstExternalNotice),
        took(m.timeToClose),
        `${m.updateCadence.count}${m.updateCadence.maxGapMs === undefined ? '' : `, longest gap ${formatDuration(m.updateCadence.maxGapMs)}`}`,
      ],
    ],
  };
}

function sections(card: Scorecard): { title: string; table: Table }[] {
  const m = card.metrics;
  return [
    {
      title: 'Roles',
      table: {
        head: [
          'role',
          'score',
          'result',
          'on time',
          'late',
          'missed',
          'out of order',
          'violations',
          'why',
        ],
        rows: card.roles.map((r) => [
          r.name,
          String(r.score),
          passText(r.pass, card.final),
          String(r.counts.on_time),
          String(r.counts.late),
          String(r.counts.missed),
          String(r.counts.out_of_order),
          String(r.violations),
          r.reasons.join('; '),
        ]),
      },
    },
    {
      title: 'Steps',
      table: {
        head: ['step', 'role', 'verdict', 'deadline', 'done', 'evidence'],
        rows: card.steps.flatMap((s) =>
          s.occurrences.length
            ? s.occurrences.map((o) => [
                s.occurrences.length > 1 ? `${s.step} #${o.n}` : s.step,
                s.role,
                o.overridden ? `${o.verdict} (override: ${o.overridden.reason})` : o.verdict,
                time(o.deadline),
                time(o.doneAt),
                o.evidence.map((e) => `#${e}`).join(' '),
              ])
            : [[s.step, s.role, s.verdict, '—', '—', '']],
        ),
      },
    },
    {
      title: 'Rule violations',
      table: {
        head: ['rule', 'role', 'at', 'what', 'evidence'],
        rows: card.rules.flatMap((r) =>
          r.violations.map((v) => [
            `${r.rule} #${v.n}`,
            v.role,
            time(v.t),
            v.overridden ? `${v.message} (dismissed: ${v.overridden.reason})` : v.message,
            v.evidence.map((e) => `#${e}`).join(' '),
          ]),
        ),
      },
    },
    {
      title: 'Grade checkpoints',
      table: {
        head: ['#', 'at', 'expected', 'actual', 'result'],
        rows: card.grades.map((g) => [
          String(g.n),
          time(g.at),
          g.expected,
          g.actual ?? '—',
          g.status,
        ]),
      },
    },
    { title: 'Key timings (from the fault becoming visible)', table: keyTimings(m) },
  ];
}

function header(card: Scorecard): string[] {
  return [
    `Score ${card.score} — ${passText(card.pass, card.final)}`,
    `Manual ${card.manual.id} ${card.manual.version} (${card.manual.integrity}), scenario ${card.scenario.id} ${card.scenario.version} (${card.scenario.integrity}), at ${time(card.at)}`,
  ];
}

/** Renders a scorecard as Markdown tables that paste into a wiki or a ticket. */
export function scorecardMarkdown(card: Scorecard): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [`# Drill score`, '', ...header(card).map((l) => `${l}  `)];
  for (const { title, table } of sections(card)) {
    lines.push('', `## ${title}`, '');
    if (!table.rows.length) {
      lines.push('None.');
      continue;
    }
    lines.push(`| ${table.head.join(' | ')} |`, `|${table.head.map(() => '---').join('|')}|`);
    for (const row of table.rows) lines.push(`| ${row.map(cell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Renders a scorecard as aligned plain text for a terminal. */
export function scorecardText(card: Scorecard): string {
  const lines = [...header(card)];
  for (const { title, table } of sections(card)) {
    lines.push('', title);
    if (!table.rows.length) {
      lines.push('  none');
      continue;
    }
    const all = [table.head, ...table.rows];
    const widths = table.head.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
    for (const row of all)
      lines.push(
        `  ${row
          .map((c, i) => c.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** Renders in the named format. */
export function renderScorecard(card: Scorecard, format: 'json' | 'md' | 'text'): string {
  if (format === 'json') return scorecardJson(card);
  return format === 'md' ? scorecardMarkdown(card) : scorecardText(card);
}
