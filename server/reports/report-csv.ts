import type { DrillReport } from './drill-report.js';
import { csvRow } from './escape.js';
import { at, seqs } from './html-parts.js';

export const REPORT_CSV_HEAD = [
  'drill',
  'kind',
  'id',
  'occurrence',
  'title',
  'role',
  'person',
  'verdict',
  'deadline',
  'done_at',
  'evidence',
  'detail',
] as const;

/**
 * Renders a drill report as CSV, one row per verdict: each occurrence of each step, each rule
 * violation, each grade checkpoint. Cells a spreadsheet would run as a formula are defused
 * (see csvCell). Persons appear by name for staff and not at all for a viewer.
 */
export function reportCsv(r: DrillReport): string {
  const card = r.scorecard;
  const names = new Map(card.persons.map((p) => [p.person, p.name ?? p.person]));
  const who = (ids: readonly string[]) => ids.map((id) => names.get(id) ?? id).join('; ');
  const drill = r.drill.id ?? '';
  const out = [csvRow(REPORT_CSV_HEAD)];
  for (const s of card.steps) {
    if (!s.occurrences.length)
      out.push(csvRow([drill, 'step', s.step, '', s.title, s.role, '', s.verdict, '', '', '', '']));
    for (const o of s.occurrences)
      out.push(
        csvRow([
          drill,
          'step',
          s.step,
          o.n,
          s.title,
          o.role,
          r.audience === 'viewer' ? '' : who(o.persons),
          o.verdict,
          o.deadline === undefined ? '' : at(o.deadline),
          o.doneAt === undefined ? '' : at(o.doneAt),
          seqs(o.evidence),
          o.overridden ? `override by ${o.overridden.by}: ${o.overridden.reason}` : (o.note ?? ''),
        ]),
      );
  }
  for (const rule of card.rules)
    for (const v of rule.violations)
      out.push(
        csvRow([
          drill,
          'violation',
          rule.rule,
          v.n,
          rule.title,
          v.role,
          v.person ? (names.get(v.person) ?? v.person) : '',
          v.overridden ? 'dismissed' : 'violated',
          '',
          at(v.t),
          seqs(v.evidence),
          v.overridden
            ? `${v.message} (dismissed by ${v.overridden.by}: ${v.overridden.reason})`
            : v.message,
        ]),
      );
  for (const g of card.grades)
    out.push(
      csvRow([
        drill,
        'grade',
        `grade-checkpoint-${g.n}`,
        g.n,
        `grade ${g.expected} expected`,
        g.role,
        '',
        g.status,
        at(g.at),
        '',
        seqs(g.evidence),
        g.actual ? `grade ${g.actual} in force` : (g.note ?? ''),
      ]),
    );
  return out.join('');
}
