import type { Scorecard } from '../domain/scoring/scorecard.js';
import type { DrillReport } from './drill-report.js';
import { escapeHtml as esc } from './escape.js';
import { at, page, pill, section, seqs, table, td, tdHtml, took } from './html-parts.js';
import { followUpSections } from './report-html-follow-up.js';
import { REPORT_CSS } from './report-style.js';
import { timelineSvg } from './timeline-svg.js';

const passPill = (pass: boolean, final: boolean) =>
  pill(pass ? 'pass' : 'fail', `${pass ? 'PASS' : 'FAIL'}${final ? '' : ' (so far)'}`);

/** Role ids to the manual's names for them. */
function roleNames(card: Scorecard): (role: string) => string {
  const names = new Map(card.roles.map((r) => [r.role, r.name]));
  return (role) => names.get(role) ?? role;
}

/** Person ids to names, from the scorecard (empty for a viewer). */
function personNames(card: Scorecard): Map<string, string> {
  return new Map(card.persons.map((p) => [p.person, p.name ?? p.person]));
}

function cover(r: DrillReport): string {
  const card = r.scorecard;
  const { manual, scenario } = r.scoredAgainst;
  const facts = [
    r.drill.team ? `Team <b>${esc(r.drill.team)}</b>` : '',
    r.drill.mode ? `${esc(r.drill.mode === 'surprise' ? 'Surprise' : 'Scheduled')} drill` : '',
    r.drill.startedAt ? `started <b>${esc(r.drill.startedAt)}</b>` : '',
    r.drill.endedAt ? `ended <b>${esc(r.drill.endedAt)}</b>` : '',
    `scored at drill time <b>${at(card.at)}</b>${card.final ? '' : ' (drill still open)'}`,
  ].filter(Boolean);
  return `<header class="cover">
<div>
<p class="kicker">Incident-response drill report</p>
<h1>${esc(r.drill.title)}</h1>
<p class="meta">${facts.join(' · ')}</p>
<p class="meta">Manual <b>${esc(manual.title)}</b> (${esc(manual.id)} v${esc(manual.version)}, ${esc(manual.integrity)}) · Scenario <b>${esc(scenario.title)}</b> (${esc(scenario.id)} v${esc(scenario.version)}, ${esc(scenario.integrity)})</p>
</div>
<div class="scorebox"><div class="score">${esc(String(card.score))}</div><div class="of">out of 100</div>${passPill(card.pass, card.final)}</div>
</header>`;
}

/** The few sentences a reader who reads nothing else should take away. */
function summary(r: DrillReport): string {
  const card = r.scorecard;
  const occurrences = card.steps.flatMap((s) => s.occurrences);
  const count = (v: string) => occurrences.filter((o) => o.verdict === v).length;
  const judged = occurrences.filter((o) => o.verdict !== 'not_applicable').length;
  const violations = card.rules.flatMap((x) => x.violations).filter((v) => !v.overridden);
  const broken = card.rules.filter((x) => x.violations.some((v) => !v.overridden)).length;
  const passing = card.roles.filter((x) => x.pass).map((x) => x.name);
  const failing = card.roles.filter((x) => !x.pass).map((x) => x.name);
  const open = r.improvements.filter((i) => i.status === 'open' || i.status === 'in-progress');
  const points = [
    `${count('on_time')} of ${judged} step occurrences done on time; ${count('late')} late, ${count('missed')} missed, ${count('out_of_order')} out of order${count('pending') ? `, ${count('pending')} pending` : ''}.`,
    `${violations.length} communication-rule violation(s) across ${broken} of ${card.rules.length} rules.`,
    `Roles passing: ${passing.length ? passing.join(', ') : 'none'}${failing.length ? `; not passing: ${failing.join(', ')}` : ''}.`,
    `${open.length} improvement item(s) open of ${r.improvements.length}.`,
    r.comparison
      ? `Score ${r.comparison.scoreDelta >= 0 ? 'up' : 'down'} ${Math.abs(r.comparison.scoreDelta)} points on the previous drill of this scenario (${r.comparison.previous.score}).`
      : '',
  ].filter(Boolean);
  return section(
    'summary',
    'Summary',
    `<ul class="summary">${points.map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`,
  );
}

function timings(card: Scorecard): string {
  const m = card.metrics;
  const c = m.updateCadence;
  const cards: [string, string][] = [
    ['Acknowledge', took(m.timeToAcknowledge)],
    ['Declare', took(m.timeToDeclare)],
    ['Right grade', took(m.timeToRightGrade)],
    ['First external notice', took(m.timeToFirstExternalNotice)],
    ['Close', took(m.timeToClose)],
    [
      'External updates',
      `${c.count}${c.maxGapMs === undefined ? '' : ` · max gap ${took({ ms: c.maxGapMs })}`}`,
    ],
  ];
  const body = `<div class="cards keep">${cards.map(([k, v]) => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div></div>`).join('')}</div>
<p class="note">Measured from the moment the fault became visible (drill time ${at(m.timeToDeclare.from.t)}). Evidence: declare ${seqs(m.timeToDeclare.evidence) || '—'}, first notice ${seqs(m.timeToFirstExternalNotice.evidence) || '—'}, close ${seqs(m.timeToClose.evidence) || '—'}${c.meanGapMs === undefined ? '' : `; mean gap between external updates ${took({ ms: c.meanGapMs })}`}.</p>`;
  return section('timings', 'Key timings', body, undefined, { keep: true });
}

function roles(card: Scorecard): string {
  const num = (t: string) => ({ text: t, cls: 'num' });
  const rows = card.roles.map(
    (r) =>
      `<tr data-role="${esc(r.role)}">${td(r.name)}${td(r.score, 'num')}${tdHtml(passPill(r.pass, card.final))}${td(r.counts.on_time, 'num')}${td(r.counts.late, 'num')}${td(r.counts.missed, 'num')}${td(r.counts.out_of_order, 'num')}${td(r.violations, 'num')}${td(r.reasons.join('; ') || '—')}</tr>`,
  );
  return section(
    'roles',
    'Score by role',
    table(
      [
        'role',
        num('score'),
        'result',
        num('on time'),
        num('late'),
        num('missed'),
        num('out of order'),
        num('violations'),
        'why',
      ],
      rows,
      { keep: true },
    ),
    undefined,
    { keep: true },
  );
}

function persons(r: DrillReport): string {
  if (r.audience === 'viewer') return '';
  const card = r.scorecard;
  const rows = card.persons.map(
    (p) =>
      `<tr data-person="${esc(p.person)}">${td(p.name ?? p.person)}${td(roleNames(card)(p.role))}${td(p.score, 'num')}${tdHtml(passPill(p.pass, card.final))}${td(p.counts.on_time, 'num')}${td(p.counts.late + p.counts.missed + p.counts.out_of_order, 'num')}${td(p.violations, 'num')}${td(p.reasons.join('; ') || '—')}</tr>`,
  );
  return section(
    'persons',
    'Score by person',
    table(
      [
        'person',
        'role',
        { text: 'score', cls: 'num' },
        'result',
        { text: 'on time', cls: 'num' },
        { text: 'not on time', cls: 'num' },
        { text: 'violations', cls: 'num' },
        'why',
      ],
      rows,
      { keep: true, empty: 'No persons took part.' },
    ),
    'For facilitators and evaluators only.',
    { keep: true },
  );
}

function steps(card: Scorecard): string {
  const names = personNames(card);
  const role = roleNames(card);
  const rows: string[] = [];
  for (const s of card.steps) {
    const single = s.occurrences.length === 1 ? s.occurrences[0] : undefined;
    const by = (ids: readonly string[]) => ids.map((id) => names.get(id) ?? id).join(', ');
    const override = single?.overridden
      ? ` <span class="note">overridden by ${esc(single.overridden.by)} from ${esc(single.overridden.original)}: ${esc(single.overridden.reason)}</span>`
      : '';
    rows.push(
      `<tr data-step="${esc(s.step)}" data-verdict="${esc(s.verdict)}">${tdHtml(`<span class="id">${esc(s.step)}</span><br>${esc(s.title)}`)}${td(role(s.role))}${td(s.stage)}${tdHtml(pill(s.verdict) + override)}${td(at(single?.deadline))}${td(at(single?.doneAt))}${td(single ? by(single.persons) : s.occurrences.length ? `${s.occurrences.length} occurrences` : '—')}${td(single ? seqs(single.evidence) : '', 'mono')}</tr>`,
    );
    if (single) continue;
    for (const o of s.occurrences) {
      const ov = o.overridden
        ? ` <span class="note">overridden by ${esc(o.overridden.by)}: ${esc(o.overridden.reason)}</span>`
        : '';
      rows.push(
        `<tr class="occurrence" data-occurrence="${esc(s.step)}#${o.n}" data-occurrence-verdict="${esc(o.verdict)}">${td(`#${o.n}`)}${td(role(o.role))}${td('')}${tdHtml(pill(o.verdict) + ov)}${td(at(o.deadline))}${td(at(o.doneAt))}${td(`${by(o.persons)}${o.offPlatform ? ' (off platform)' : ''}`)}${td(seqs(o.evidence), 'mono')}</tr>`,
      );
    }
  }
  return section(
    'steps',
    'Steps of the manual',
    table(['step', 'role', 'stage', 'verdict', 'deadline', 'done', 'by', 'evidence'], rows),
    'Every step the manual asks for, with its verdict. A repeating step shows each occurrence; its verdict is the worst of them. Deadlines are inclusive; evidence numbers are log entries.',
  );
}

function violations(card: Scorecard): string {
  const names = personNames(card);
  const role = roleNames(card);
  const rows = card.rules.flatMap((r) =>
    r.violations.map(
      (v) =>
        `<tr data-rule="${esc(r.rule)}"${v.overridden ? ' data-dismissed="true"' : ''}>${tdHtml(`<span class="id">${esc(r.rule)}</span> #${v.n}<br>${esc(r.title)}`)}${td(role(v.role))}${td(v.person ? (names.get(v.person) ?? v.person) : '—')}${td(at(v.t))}${tdHtml(`${esc(v.message)}${v.overridden ? ` <span class="note">dismissed by ${esc(v.overridden.by)}: ${esc(v.overridden.reason)}</span>` : ''}`)}${td(seqs(v.evidence), 'mono')}</tr>`,
    ),
  );
  const kept = card.rules.filter((r) => r.kept).map((r) => r.rule);
  return section(
    'violations',
    'Communication rule violations',
    `${table(['rule', 'role', 'person', 'at', 'what', 'evidence'], rows, { empty: 'No rule was broken.' })}
<p class="note">Rules kept: ${kept.length ? kept.map((k) => `<span class="id">${esc(k)}</span>`).join(', ') : 'none'}.</p>`,
  );
}

function grades(card: Scorecard): string {
  const rows = card.grades.map(
    (g) =>
      `<tr>${td(g.n, 'num')}${td(at(g.at))}${td(g.expected)}${td(g.actual ?? '—')}${tdHtml(pill(g.status))}${td(g.note ?? '')}${td(seqs(g.evidence), 'mono')}</tr>`,
  );
  return section(
    'grades',
    'Grade checkpoints',
    table(['#', 'by', 'expected', 'in force', 'result', 'note', 'evidence'], rows, {
      keep: true,
      empty: 'The scenario sets no expected grade.',
    }),
    undefined,
    { keep: true },
  );
}

/**
 * Renders a drill report as one self-contained, printable HTML page. Each step row carries
 * `data-step` and `data-verdict` and each violation row `data-rule` (the contract the browser
 * tests read). All free text is escaped.
 */
export function reportHtml(r: DrillReport): string {
  const card = r.scorecard;
  const body = [
    cover(r),
    summary(r),
    timings(card),
    roles(card),
    persons(r),
    section(
      'timeline',
      'Timeline',
      `<div class="timeline-wrap">${timelineSvg(r.timeline)}</div>`,
      'One lane per role: injects delivered to the role, its actions, and the rule violations charged to it.',
    ),
    steps(card),
    violations(card),
    grades(card),
    ...followUpSections(r),
    `<footer>Report format v${r.reportVersion}, scorecard v${card.version} · generated ${esc(r.generatedAt)} · manual hash <span class="mono">${esc(r.scoredAgainst.manual.hash ?? 'none')}</span> · scenario hash <span class="mono">${esc(r.scoredAgainst.scenario.hash ?? 'none')}</span>${r.audience === 'viewer' ? ' · viewer copy: persons left out' : ''}</footer>`,
  ].filter(Boolean);
  return page(`Drill report: ${r.drill.title}`, REPORT_CSS, body.join('\n'));
}
