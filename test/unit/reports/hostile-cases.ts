import { SaxesParser } from 'saxes';
import { compileDrill } from '../../../server/domain/drill.js';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import { scoreDrill } from '../../../server/domain/scoring/score.js';
import { buildDrillReport, type DrillReport } from '../../../server/reports/drill-report.js';
import { generateImprovements, mergeImprovements } from '../../../server/reports/improvements.js';
import { loadFixture } from './golden-cases.js';

/*
 * Reports whose every free-text field holds hostile text, for the escaping tests (unit and
 * browser).
 */

/** What an attacker types into a free-text field, tagged with the field so we can find it. */
export const hostile = (field: string) =>
  `${field}:<script>alert(1)</script>"><img src=x onerror=alert(2)>]]><!--'<svg onload=alert(3)>\u0007&amp;`;

/** Throws unless `xml` is well-formed XML (saxes is a strict, conformant parser). */
export function parseXml(xml: string): number {
  const parser = new SaxesParser();
  let elements = 0;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', () => {
    elements++;
  });
  parser.write(xml).close();
  return elements;
}

/** Every SVG element in an HTML page, as text. */
export const svgsIn = (html: string) => html.match(/<svg[\s\S]*?<\/svg>\n?(?=<\/div>)/g) ?? [];

/** A report in which every free-text field holds hostile text. */
export async function hostileReport(audience: 'staff' | 'viewer' = 'staff'): Promise<DrillReport> {
  const f = await loadFixture();
  const manual = structuredClone(f.drill.manual);
  manual.title = hostile('manual.title');
  for (const r of manual.roles) r.name = hostile(`role.${r.id}`);
  for (const s of manual.steps) s.title = hostile(`step.${s.id}`);
  for (const r of manual.rules) r.title = hostile(`rule.${r.id}`);
  const scenario = structuredClone(f.drill.scenario);
  scenario.title = hostile('scenario.title');
  for (const i of scenario.injects) i.title = hostile(`inject.${i.id}`);
  const drill = compileDrill(manual, scenario);
  const log: LogEntry[] = structuredClone(f.faulty.log).map((e) => {
    if (e.type === 'drill-started')
      e.participants = e.participants.map((p) => ({ ...p, name: hostile(`person.${p.role}`) }));
    if (e.type === 'action') e.text = hostile(`action.${e.seq}`);
    return e;
  });
  const last = log.at(-1) as LogEntry;
  const extra: LogEntry[] = [
    {
      seq: last.seq + 1,
      t: last.t,
      type: 'note',
      by: hostile('note.by'),
      text: hostile('note.text'),
    },
    {
      seq: last.seq + 2,
      t: last.t,
      type: 'override',
      by: hostile('override.by'),
      reason: hostile('override.reason'),
      target: { step: 'report-failure', verdict: 'on_time' },
    },
    {
      seq: last.seq + 3,
      t: 600_000,
      type: 'action',
      role: 'operator',
      action: 'acknowledge',
      fields: {},
      text: hostile('offplatform.text'),
      recordedBy: hostile('offplatform.by'),
      medium: hostile('offplatform.medium'),
    },
    {
      seq: last.seq + 4,
      t: 700_000,
      type: 'inject-delivered',
      inject: 'ad-hoc-1',
      adHoc: { to: ['operator'], title: hostile('adhoc.title'), text: hostile('adhoc.text') },
    },
  ];
  const card = scoreDrill(drill, [...log.slice(0, -1), ...extra, last]);
  return buildDrillReport({
    drill,
    card,
    log: [...log.slice(0, -1), ...extra, last],
    generatedAt: hostile('generatedAt'),
    audience,
    meta: {
      id: hostile('drill.id'),
      title: hostile('drill.title'),
      team: hostile('team'),
      startedAt: hostile('startedAt'),
    },
    improvements: mergeImprovements(generateImprovements(drill, card), [
      {
        id: 'step:open-dashboard',
        owner: hostile('owner'),
        recommendation: hostile('recommendation'),
      },
      {
        id: 'custom:x',
        observation: hostile('observation'),
        concerns: { kind: 'other', id: hostile('concerns.id'), title: hostile('concerns.title') },
      },
    ]),
    debriefs: [
      {
        role: 'operator',
        person: hostile('debrief.person'),
        wentWell: hostile('wentWell'),
        didNotGoWell: hostile('didNotGoWell'),
        submittedAt: '2026-04-01T02:00:00.000Z',
      },
    ],
  });
}
