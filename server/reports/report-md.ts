import type { DrillReport } from './drill-report.js';
import { mdCell } from './escape.js';
import { at, seqs } from './html-parts.js';
import { keyTimings } from './summary.js';

function mdTable(head: string[], rows: (string | number)[][], empty = 'None.'): string[] {
  if (!rows.length) return [empty];
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map((c) => mdCell(String(c))).join(' | ')} |`),
  ];
}

const result = (pass: boolean, final: boolean) =>
  `${pass ? 'PASS' : 'FAIL'}${final ? '' : ' (so far)'}`;
const signed = (n: number | undefined) => (n === undefined ? '—' : n > 0 ? `+${n}` : String(n));

/**
 * Renders a drill report as Markdown that pastes into a wiki page or a ticket: a summary, then
 * one table per section. Free text is made inert (HTML escaped, pipes and line breaks flattened).
 */
export function reportMarkdown(r: DrillReport): string {
  const card = r.scorecard;
  const timings = keyTimings(card.metrics);
  const names = new Map(card.persons.map((p) => [p.person, p.name ?? p.person]));
  const who = (id?: string) => (id ? (names.get(id) ?? id) : '—');
  const { manual, scenario } = r.scoredAgainst;
  const staff = r.audience !== 'viewer';
  const L: string[] = [
    `# Drill report: ${mdCell(r.drill.title)}`,
    '',
    `**Score ${card.score} — ${result(card.pass, card.final)}**  `,
    `Manual ${mdCell(manual.id)} v${mdCell(manual.version)} (${manual.integrity}), scenario ${mdCell(scenario.id)} v${mdCell(scenario.version)} (${scenario.integrity}); scored at drill time ${at(card.at)}  `,
    ...(r.drill.startedAt
      ? [
          `Started ${mdCell(r.drill.startedAt)}${r.drill.endedAt ? `, ended ${mdCell(r.drill.endedAt)}` : ''}  `,
        ]
      : []),
    `Generated ${mdCell(r.generatedAt)}${staff ? '' : ' (viewer copy: persons left out)'}`,
    '',
    '## Key timings',
    '',
    ...mdTable(timings.head, timings.rows),
    '',
    '## Score by role',
    '',
    ...mdTable(
      ['role', 'score', 'result', 'on time', 'late', 'missed', 'out of order', 'violations', 'why'],
      card.roles.map((x) => [
        x.name,
        x.score,
        result(x.pass, card.final),
        x.counts.on_time,
        x.counts.late,
        x.counts.missed,
        x.counts.out_of_order,
        x.violations,
        x.reasons.join('; ') || '—',
      ]),
    ),
  ];
  if (staff)
    L.push(
      '',
      '## Score by person',
      '',
      ...mdTable(
        ['person', 'role', 'score', 'result', 'violations', 'why'],
        card.persons.map((p) => [
          p.name ?? p.person,
          p.role,
          p.score,
          result(p.pass, card.final),
          p.violations,
          p.reasons.join('; ') || '—',
        ]),
      ),
    );
  L.push(
    '',
    '## Steps',
    '',
    ...mdTable(
      ['step', 'role', 'verdict', 'deadline', 'done', 'evidence'],
      card.steps.flatMap((s) =>
        s.occurrences.length
          ? s.occurrences.map((o) => [
              s.occurrences.length > 1 ? `${s.step} #${o.n}` : s.step,
              o.role,
              o.overridden
                ? `${o.verdict} (override by ${o.overridden.by}: ${o.overridden.reason})`
                : o.verdict,
              at(o.deadline),
              at(o.doneAt),
              seqs(o.evidence),
            ])
          : [[s.step, s.role, s.verdict, '—', '—', '']],
      ),
    ),
  );
  L.push(
    '',
    '## Rule violations',
    '',
    ...mdTable(
      ['rule', 'role', 'person', 'at', 'what', 'evidence'],
      card.rules.flatMap((x) =>
        x.violations.map((v) => [
          `${x.rule} #${v.n}`,
          v.role,
          who(v.person),
          at(v.t),
          v.overridden
            ? `${v.message} (dismissed by ${v.overridden.by}: ${v.overridden.reason})`
            : v.message,
          seqs(v.evidence),
        ]),
      ),
      'No rule was broken.',
    ),
  );
  L.push(
    '',
    '## Grade checkpoints',
    '',
    ...mdTable(
      ['#', 'by', 'expected', 'in force', 'result', 'evidence'],
      card.grades.map((g) => [
        g.n,
        at(g.at),
        g.expected,
        g.actual ?? '—',
        g.status,
        seqs(g.evidence),
      ]),
    ),
  );
  const e = card.evaluator;
  L.push(
    '',
    '## Evaluator record',
    '',
    ...mdTable(
      ['entry', 'kind', 'by', 'what'],
      [
        ...e.offPlatform.map((o) => [
          `#${o.seq}`,
          'off platform',
          o.by,
          `${at(o.t)} ${o.role} ${o.action}${o.medium ? ` (${o.medium})` : ''}`,
        ]),
        ...e.overrides.map((o) => [`#${o.seq}`, 'override', o.by, `${o.target}: ${o.reason}`]),
        ...e.notes.map((n) => [`#${n.seq}`, 'note', n.by, `${at(n.t)} ${n.text}`]),
      ],
    ),
  );
  L.push(
    '',
    '## Decision log',
    '',
    ...mdTable(
      ['at', 'role', 'by', 'decision', 'entry'],
      card.decisions.map((d) => [at(d.t), d.role, who(d.person), d.text, `#${d.seq}`]),
    ),
  );
  L.push(
    '',
    '## Improvement items',
    '',
    ...mdTable(
      ['concerns', 'observation', 'recommendation', ...(staff ? ['owner'] : []), 'due', 'status'],
      r.improvements.map((i) => [
        `${i.concerns.kind} ${i.concerns.id}`,
        i.observation,
        i.recommendation,
        ...(staff ? [i.owner ?? 'unassigned'] : []),
        i.dueDate ?? '—',
        i.status,
      ]),
      'Nothing to improve.',
    ),
  );
  L.push(
    '',
    '## Debrief',
    '',
    ...mdTable(
      ['who', 'what went well', 'what did not go well'],
      r.debriefs.map((d) => [
        d.person ? `${d.person} (${d.role})` : d.role,
        d.wentWell,
        d.didNotGoWell,
      ]),
      'No debrief answers yet.',
    ),
  );
  const c = r.comparison;
  L.push('', '## Compared with the previous drill', '');
  if (!c) L.push('This is the first drill of this scenario.');
  else
    L.push(
      `Previous: ${mdCell(c.previous.title)}${c.previous.startedAt ? ` (${mdCell(c.previous.startedAt)})` : ''}, score ${c.previous.score}; change ${signed(c.scoreDelta)}.`,
      '',
      ...mdTable(
        ['role', 'before', 'now', 'change'],
        c.roles.map((x) => [x.name, x.before ?? '—', x.after, signed(x.delta)]),
      ),
      '',
      ...mdTable(
        ['step', 'before', 'now', 'change'],
        c.steps.map((s) => [s.step, s.before, s.after, s.change]),
        'No step changed verdict.',
      ),
    );
  return `${L.join('\n')}\n`;
}
