import { csvRow, escapeHtml as esc } from './escape.js';
import { page, pill, section, table, td, tdHtml } from './html-parts.js';
import type { Readiness } from './readiness.js';
import { REPORT_CSS } from './report-style.js';
import type { RuleBreaks, StepMisses, Trends } from './trends.js';
import { scoreChartSvg, timingChartSvg } from './trends-render.js';

const num = (text: string) => ({ text, cls: 'num' });
const day = (iso?: string) => (iso ? iso.slice(0, 10) : 'never');

function missesTable(steps: readonly StepMisses[]): string {
  return table(
    ['step', 'role', num('drills'), num('missed'), num('late'), num('out of order')],
    steps.map(
      (s) =>
        `<tr>${tdHtml(`<span class="id">${esc(s.step)}</span><br>${esc(s.title)}`)}${td(s.role)}${td(s.drills, 'num')}${td(s.missed, 'num')}${td(s.late, 'num')}${td(s.outOfOrder, 'num')}</tr>`,
    ),
    { empty: 'Every step was done as the manual asks.' },
  );
}

function breaksTable(rules: readonly RuleBreaks[]): string {
  return table(
    ['rule', num('drills broken in'), num('violations')],
    rules.map(
      (r) =>
        `<tr>${tdHtml(`<span class="id">${esc(r.rule)}</span><br>${esc(r.title)}`)}${td(r.drills, 'num')}${td(r.violations, 'num')}</tr>`,
    ),
    { empty: 'No rule was broken.' },
  );
}

/** Trends as a printable page: the two charts, then the steps and rules most often missed. */
export function trendsHtml(trends: Trends, generatedAt: string): string {
  const f = trends.filter;
  const scope = [
    f.team ? `team ${f.team}` : '',
    f.scenario ? `scenario ${f.scenario}` : '',
    f.role ? `role ${f.role}` : '',
  ].filter(Boolean);
  const body = [
    `<header class="cover"><div><p class="kicker">Drill trends</p><h1>${esc(scope.length ? scope.join(' · ') : 'All finished drills')}</h1><p class="meta">${trends.points.length} finished drill(s) · generated ${esc(generatedAt)}</p></div></header>`,
    section(
      'charts',
      'Over time',
      `<div class="timeline-wrap">${scoreChartSvg(trends)}</div><div class="timeline-wrap">${timingChartSvg(trends)}</div>`,
    ),
    section('steps', 'Steps most often not done as asked', missesTable(trends.steps)),
    section('rules', 'Rules most often broken', breaksTable(trends.rules)),
  ];
  return page('Drill trends', REPORT_CSS, body.join('\n'));
}

/** Readiness as a printable page: who is due to drill which role, misses, open items. */
export function readinessHtml(r: Readiness): string {
  const roles = r.roles.map(
    (role) =>
      `<tr data-role="${esc(role.role)}">${td(role.name)}${td(role.notWithin.length, 'num')}${td(role.notWithin.map((p) => `${p.name} (${day(p.lastAt)})`).join(', ') || '—')}</tr>`,
  );
  const persons = r.persons.flatMap((p) =>
    p.roles.length
      ? p.roles.map(
          (h, i) =>
            `<tr>${td(i ? '' : p.name)}${td(h.role)}${td(h.drills, 'num')}${td(day(h.lastAt))}${td(h.lastScore, 'num')}${tdHtml(pill(h.lastPass ? 'pass' : 'fail', h.lastPass ? 'PASS' : 'FAIL'))}</tr>`,
        )
      : [`<tr>${td(p.name)}${td('—')}${td(0, 'num')}${td('never')}${td('—')}${td('')}</tr>`],
  );
  const manuals = r.manuals.map(
    (m) =>
      `<h3>${esc(m.manual)} v${esc(m.version)} · ${m.drills} drill(s)</h3>${missesTable(m.steps)}${breaksTable(m.rules)}`,
  );
  const items = r.openItems.map(
    (i) =>
      `<tr${i.overdue ? ' data-overdue="true"' : ''}>${td(i.drillTitle)}${tdHtml(`${esc(i.concerns.kind)} <span class="id">${esc(i.concerns.id)}</span>`)}${td(i.observation)}${td(i.owner ?? 'unassigned')}${tdHtml(i.overdue ? pill('fail', `${i.dueDate} overdue`) : esc(i.dueDate ?? '—'))}${tdHtml(pill(i.status))}</tr>`,
  );
  const body = [
    `<header class="cover"><div><p class="kicker">Drill readiness</p><h1>Who is ready for which role</h1><p class="meta">Window ${r.windowDays} days · generated ${esc(r.generatedAt)} · for facilitators and evaluators</p></div></header>`,
    section(
      'roles',
      `Not drilled within ${r.windowDays} days`,
      table(['role', num('people'), 'who (last drilled)'], roles, { keep: true }),
    ),
    section(
      'persons',
      'Who drilled which role',
      table(['person', 'role', num('drills'), 'last', num('last score'), 'result'], persons, {
        empty: 'Nobody on the roster.',
      }),
    ),
    section(
      'manuals',
      'Most often missed, per manual version',
      manuals.join('\n') || '<p class="none">No finished drills.</p>',
      'Candidates to clarify in the manual.',
    ),
    section(
      'open-items',
      'Open improvement items',
      table(['drill', 'concerns', 'observation', 'owner', 'due', 'status'], items, {
        empty: 'No open improvement items.',
      }),
    ),
  ];
  return page('Drill readiness', REPORT_CSS, body.join('\n'));
}

/** Readiness as CSV: one row per person and role drilled, then one per open improvement item. */
export function readinessCsv(r: Readiness): string {
  const out = [
    csvRow([
      'section',
      'person',
      'name',
      'role',
      'drills',
      'last_drill',
      'last_at',
      'last_score',
      'last_pass',
    ]),
  ];
  for (const p of r.persons)
    for (const h of p.roles)
      out.push(
        csvRow([
          'drilled',
          p.person,
          p.name,
          h.role,
          h.drills,
          h.lastDrill,
          h.lastAt,
          h.lastScore,
          h.lastPass,
        ]),
      );
  out.push(csvRow([]), csvRow(['section', 'role', 'person', 'name', 'last_at']));
  for (const role of r.roles)
    for (const p of role.notWithin)
      out.push(csvRow(['not-within', role.role, p.person, p.name, p.lastAt]));
  out.push(
    csvRow([]),
    csvRow(['section', 'drill', 'item', 'observation', 'owner', 'due', 'overdue', 'status']),
  );
  for (const i of r.openItems)
    out.push(
      csvRow(['open-item', i.drill, i.id, i.observation, i.owner, i.dueDate, i.overdue, i.status]),
    );
  return out.join('');
}
