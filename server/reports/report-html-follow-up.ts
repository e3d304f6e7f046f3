import { formatDuration } from '../domain/duration.js';
import type { DrillReport } from './drill-report.js';
import { escapeHtml as esc } from './escape.js';
import { at, pill, section, seqs, table, td, tdHtml } from './html-parts.js';

/** The evaluator's record: actions recorded off the platform, overrides, notes. */
function evaluator(r: DrillReport): string {
  const e = r.scorecard.evaluator;
  const off = e.offPlatform.map(
    (o) =>
      `<tr>${td(at(o.t))}${td(o.role)}${td(o.action)}${td(o.medium ?? '—')}${td(o.by)}${td(`#${o.seq}`, 'mono')}</tr>`,
  );
  const overrides = e.overrides.map(
    (o) => `<tr>${td(o.target)}${td(o.by)}${td(o.reason)}${td(`#${o.seq}`, 'mono')}</tr>`,
  );
  const notes = e.notes.map(
    (n) => `<tr>${td(at(n.t))}${td(n.by)}${td(n.text)}${td(`#${n.seq}`, 'mono')}</tr>`,
  );
  return section(
    'evaluator',
    'Evaluator record',
    `<h3>Actions recorded off the platform</h3>
${table(['at', 'role', 'action', 'medium', 'recorded by', 'entry'], off, { keep: true })}
<h3>Overrides</h3>
${table(['target', 'by', 'reason', 'entry'], overrides, { keep: true, empty: 'No verdict was overridden.' })}
<h3>Notes</h3>
${table(['at', 'by', 'note', 'entry'], notes, { empty: 'No notes.' })}`,
  );
}

function decisions(r: DrillReport): string {
  const names = new Map(r.scorecard.persons.map((p) => [p.person, p.name ?? p.person]));
  const rows = r.scorecard.decisions.map(
    (d) =>
      `<tr>${td(at(d.t))}${td(d.role)}${td(d.person ? (names.get(d.person) ?? d.person) : '—')}${td(d.text)}${td(`#${d.seq}`, 'mono')}</tr>`,
  );
  return section(
    'decisions',
    'Decision log',
    table(['at', 'role', 'by', 'decision', 'entry'], rows, { empty: 'No decisions recorded.' }),
  );
}

function improvements(r: DrillReport): string {
  const rows = r.improvements.map(
    (i) =>
      `<tr data-improvement="${esc(i.id)}">${tdHtml(`${esc(i.concerns.kind)} <span class="id">${esc(i.concerns.id)}</span><br>${esc(i.concerns.title)}`)}${td(i.observation)}${td(i.recommendation)}${r.audience === 'viewer' ? '' : td(i.owner ?? 'unassigned')}${td(i.dueDate ?? '—')}${tdHtml(pill(i.status))}${td(seqs(i.evidence), 'mono')}</tr>`,
  );
  const head = ['concerns', 'observation', 'recommendation', 'owner', 'due', 'status', 'evidence'];
  return section(
    'improvements',
    'Improvement items',
    table(r.audience === 'viewer' ? head.filter((h) => h !== 'owner') : head, rows, {
      empty: 'Nothing to improve: every step on time, every rule kept.',
    }),
    'After-action items drawn from the verdicts, then reviewed by the facilitator.',
  );
}

function debriefs(r: DrillReport): string {
  const roles = new Map(r.scorecard.roles.map((x) => [x.role, x.name]));
  if (!r.debriefs.length)
    return section(
      'debrief',
      'Debrief',
      '<p class="none">No participant has answered the debrief yet.</p>',
    );
  const blocks = r.debriefs.map(
    (
      d,
    ) => `<div class="debrief"><h3>${esc(d.person ? `${d.person} · ${roles.get(d.role) ?? d.role}` : (roles.get(d.role) ?? d.role))}</h3>
<p class="note">What went well</p><blockquote>${esc(d.wentWell || '—')}</blockquote>
<p class="note">What did not go well</p><blockquote>${esc(d.didNotGoWell || '—')}</blockquote></div>`,
  );
  return section('debrief', 'Debrief', blocks.join('\n'), "The participants' own words.");
}

const TIMING_NAMES: Record<string, string> = {
  timeToAcknowledge: 'time to acknowledge',
  timeToDeclare: 'time to declare',
  timeToRightGrade: 'time to the right grade',
  timeToFirstExternalNotice: 'time to first external notice',
  timeToClose: 'time to close',
};

const signed = (n: number | undefined) =>
  n === undefined ? '—' : n > 0 ? `+${n}` : n === 0 ? '±0' : String(n);
const dur = (ms: number | undefined) => (ms === undefined ? 'never' : formatDuration(ms));

function comparison(r: DrillReport): string {
  const c = r.comparison;
  if (!c)
    return section(
      'comparison',
      'Compared with the previous drill',
      '<p class="none">This is the first drill of this scenario.</p>',
    );
  const p = c.previous;
  const roles = c.roles.map(
    (x) =>
      `<tr>${td(x.name)}${td(x.before ?? '—', 'num')}${td(x.after, 'num')}${tdHtml(`<span class="${(x.delta ?? 0) > 0 ? 'better' : (x.delta ?? 0) < 0 ? 'worse' : ''}">${esc(signed(x.delta))}</span>`, 'num')}</tr>`,
  );
  const steps = c.steps.map(
    (s) =>
      `<tr>${td(s.step, 'id')}${tdHtml(pill(s.before))}${tdHtml(pill(s.after))}${tdHtml(`<span class="${s.change}">${s.change}</span>`)}</tr>`,
  );
  const rules = c.rules.map(
    (x) => `<tr>${td(x.rule, 'id')}${td(x.before, 'num')}${td(x.after, 'num')}</tr>`,
  );
  const timings = c.timings.map(
    (t) =>
      `<tr>${td(TIMING_NAMES[t.metric] ?? t.metric)}${td(dur(t.beforeMs))}${td(dur(t.afterMs))}</tr>`,
  );
  return section(
    'comparison',
    'Compared with the previous drill',
    `<p class="meta">Previous: <b>${esc(p.title)}</b>${p.startedAt ? ` (${esc(p.startedAt)})` : ''}, score ${esc(String(p.score))} ${p.pass ? 'PASS' : 'FAIL'}. Overall change: <b>${esc(signed(c.scoreDelta))}</b>.</p>
${table(['role', { text: 'before', cls: 'num' }, { text: 'now', cls: 'num' }, { text: 'change', cls: 'num' }], roles, { keep: true })}
<h3>Steps whose verdict changed</h3>
${table(['step', 'before', 'now', 'change'], steps, { keep: true, empty: 'No step changed verdict.' })}
<h3>Rules broken more or less often</h3>
${table(['rule', { text: 'before', cls: 'num' }, { text: 'now', cls: 'num' }], rules, { keep: true, empty: 'No change.' })}
<h3>Key timings</h3>
${table(['timing', 'before', 'now'], timings, { keep: true })}`,
  );
}

/** The sections after the verdicts: evaluator record, decisions, follow-up and comparison. */
export function followUpSections(r: DrillReport): string[] {
  return [evaluator(r), decisions(r), improvements(r), debriefs(r), comparison(r)];
}
