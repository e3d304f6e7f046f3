import type { Drill } from '../domain/drill.js';
import { formatDuration, formatOffset } from '../domain/duration.js';
import type { Scorecard, StepVerdict } from '../domain/scoring/scorecard.js';
import { FAILED_VERDICTS, type ImprovementItem, type ImprovementStatus } from './drill-report.js';

/** What a rule of each kind asks people to do better, in after-action words. */
const RULE_ADVICE: Record<string, string> = {
  channel:
    'Rehearse the channel plan: which channel carries what while the primary is down. Pin it in the role checklists.',
  'only-roles':
    'Restate who may do this; route such messages through the role that owns them, and say so in the role briefing.',
  'on-instruction':
    'Operators act on a Control Tower instruction: make asking for one, and giving one, a habit in the next drill.',
  'acknowledge-within':
    'Acknowledge every task as soon as it arrives, even before the work starts; consider a paging tool that forces it.',
  cadence:
    'Agree the update rhythm before the incident: a timer or a named person for external updates.',
  'required-fields': 'Use the message template so that every required field is filled.',
  'forbidden-content':
    'Review the external-notice wording guide: no promised resolution times; give the next update time instead.',
  relay: 'Make the relay explicit: who passes what on to whom, and within how long.',
};

const STEP_ADVICE: Record<string, string> = {
  missed:
    'Walk the role through this step in the debrief and add it to the role checklist; check the manual says clearly who does it and when.',
  late: 'Find what delayed it (waiting on someone, unclear trigger, tooling) and remove that; rehearse the step against the clock.',
  out_of_order:
    'Make the prerequisite visible: the step was done before what must come first; check the manual orders them clearly.',
};

function stepObservation(drill: Drill, s: StepVerdict): { text: string; evidence: number[] } {
  const role = drill.roles.get(s.role)?.name ?? s.role;
  const bad = s.occurrences.filter((o) => FAILED_VERDICTS.has(o.verdict));
  const parts = bad.map((o) => {
    const n = s.occurrences.length > 1 ? ` (occurrence ${o.n})` : '';
    if (o.verdict === 'missed')
      return `never done${o.deadline === undefined ? '' : `, due by ${formatOffset(o.deadline)}`}${n}`;
    if (o.verdict === 'late' && o.doneAt !== undefined && o.deadline !== undefined)
      return `done ${formatDuration(o.doneAt - o.deadline)} late at ${formatOffset(o.doneAt)}${n}`;
    return `${o.verdict.replace(/_/g, ' ')}${n}`;
  });
  return {
    text: `${role}: "${s.title}" was ${s.verdict.replace(/_/g, ' ')} — ${parts.join('; ')}.`,
    evidence: [...new Set(bad.flatMap((o) => o.evidence))].sort((a, b) => a - b),
  };
}

/**
 * The improvement items a drill's verdicts call for, in the after-action style: one per step
 * not done as the manual asks (missed, late, out of order), one per rule broken, one per grade
 * checkpoint wrong. Each says what was seen, what it concerns, and a first recommendation; a
 * facilitator then edits owner, due date, status and wording. Overridden verdicts are left out.
 */
export function generateImprovements(drill: Drill, card: Scorecard): ImprovementItem[] {
  const items: ImprovementItem[] = [];
  for (const s of card.steps) {
    if (!FAILED_VERDICTS.has(s.verdict)) continue;
    const seen = stepObservation(drill, s);
    items.push({
      id: `step:${s.step}`,
      concerns: { kind: 'step', id: s.step, title: s.title },
      observation: seen.text,
      recommendation: STEP_ADVICE[s.verdict] ?? '',
      status: 'open',
      evidence: seen.evidence,
      generated: true,
    });
  }
  for (const r of card.rules) {
    const kept = r.violations.filter((v) => !v.overridden);
    if (!kept.length) continue;
    const roles = [...new Set(kept.map((v) => drill.roles.get(v.role)?.name ?? v.role))];
    const first = kept[0];
    items.push({
      id: `rule:${r.rule}`,
      concerns: { kind: 'rule', id: r.rule, title: r.title },
      observation: `"${r.title}" was broken ${kept.length} time(s), by ${roles.join(', ')}; first at ${formatOffset(first?.t ?? 0)}: ${first?.message ?? ''}.`,
      recommendation: RULE_ADVICE[r.kind] ?? 'Review this rule with the roles that broke it.',
      status: 'open',
      evidence: [...new Set(kept.flatMap((v) => v.evidence))].sort((a, b) => a - b),
      generated: true,
    });
  }
  for (const g of card.grades) {
    if (g.status !== 'wrong') continue;
    items.push({
      id: `grade:${g.n}`,
      concerns: { kind: 'grade', id: `grade-checkpoint-${g.n}`, title: `grade checkpoint ${g.n}` },
      observation: `At ${formatOffset(g.at)} grade ${g.expected} was expected, but ${g.actual ? `grade ${g.actual} was` : 'no grade was'} in force.`,
      recommendation:
        'Go through the grade definitions with the Control Tower: impact on the service and scope decide the grade, and it changes as they do.',
      status: 'open',
      evidence: g.evidence,
      generated: true,
    });
  }
  return items;
}

/** A facilitator's edit of an item, as stored in the catalogue. */
export interface ImprovementEdit {
  id: string;
  concerns?: ImprovementItem['concerns'];
  observation?: string;
  recommendation?: string;
  owner?: string;
  dueDate?: string;
  status?: ImprovementStatus;
}

/**
 * The items of a drill: the generated ones with the facilitator's edits laid over them, then
 * the items a facilitator added by hand. An edit for an item no longer generated (the verdict
 * was overridden since) is kept, as the facilitator wrote it.
 */
export function mergeImprovements(
  generated: readonly ImprovementItem[],
  edits: readonly ImprovementEdit[],
): ImprovementItem[] {
  const byId = new Map(edits.map((e) => [e.id, e]));
  const merged = generated.map((item): ImprovementItem => {
    const edit = byId.get(item.id);
    if (!edit) return item;
    byId.delete(item.id);
    return { ...item, ...definedOnly(edit), generated: false };
  });
  for (const edit of byId.values())
    merged.push({
      concerns: edit.concerns ?? { kind: 'other', id: '', title: '' },
      observation: '',
      recommendation: '',
      status: 'open',
      evidence: [],
      ...definedOnly(edit),
      id: edit.id,
      generated: false,
    });
  return merged;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
