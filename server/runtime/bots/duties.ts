import type { Drill } from '../../domain/drill.js';
import { ms } from '../../domain/duration.js';
import type { Completion } from '../../domain/scoring/anchors.js';
import { anchorOccurrences } from '../../domain/scoring/anchors.js';
import type { ScoringContext } from '../../domain/scoring/context.js';
import { expectedGradeTimeline } from '../../domain/scoring/grades.js';
import { demands, selects } from '../../domain/scoring/rules.js';
import type { StepVerdict } from '../../domain/scoring/scorecard.js';
import type { DraftSpec } from './compose.js';

/** Something a role owes now or soon: what to do, and from when it is due. */
export interface Duty {
  /** Stable name: the same duty keeps its key across decisions. */
  key: string;
  /** Earliest moment to act (the anchor or trigger), before the bot's reaction time. */
  since: number;
  /** Latest moment that still counts as on time, if any. */
  deadline?: number;
  spec: DraftSpec;
  /** The step it fulfils, if it is a step. */
  step?: string;
}

/** What a role sees when deciding: the log judged so far, at the current drill time. */
export interface Situation {
  drill: Drill;
  ctx: ScoringContext;
  steps: StepVerdict[];
  completions: Map<string, Completion[]>;
  now: number;
}

const firstWithEffect = (drill: Drill, effect: string) =>
  drill.manual.actions.find((a) => a.effect === effect)?.id;

/** The grade the scenario expects at `t`, if any yet. */
export function expectedGrade(s: Situation, t: number): string | undefined {
  return expectedGradeTimeline(s.ctx)
    .filter((e) => e.t <= t)
    .at(-1)?.grade;
}

/** Open step occurrences of `role` whose prerequisites are done. */
function stepDuties(s: Situation, role: string): Duty[] {
  const { drill } = s;
  return s.steps.flatMap((verdict) => {
    const step = drill.steps.get(verdict.step);
    if (!step || step.role !== role) return [];
    const waiting = step.after.some((id) => {
      const prereq = s.steps.find((v) => v.step === id);
      return prereq?.verdict !== 'not_applicable' && !(s.completions.get(id)?.length ?? 0);
    });
    if (waiting) return [];
    const anchors = anchorOccurrences(s.ctx, step.anchor, step.role, s.completions);
    return verdict.occurrences.flatMap((occ): Duty[] => {
      // A missed occurrence is still owed: a late participant does it after the deadline.
      if (occ.verdict !== 'pending' && occ.verdict !== 'missed') return [];
      const anchor = anchors.find((a) => a.seq === occ.anchor.seq);
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(step.do.fields ?? {})) fields[k] = [v].flat()[0] ?? '';
      for (const k of step.do.sameAsAnchor ?? []) {
        const value = anchor?.record?.entry.fields[k];
        if (value !== undefined) fields[k] = value;
      }
      const word = step.do.words?.[0];
      return [
        {
          key: `step:${step.id}:${occ.n}`,
          since: occ.anchor.t,
          deadline: occ.deadline,
          step: step.id,
          spec: {
            role,
            action: step.do.action,
            channels: step.do.channel ? [step.do.channel].flat() : undefined,
            to: step.do.to ?? ownerOf(drill, step.do.action, role),
            fields,
            ref: step.do.refAnchor ? occ.anchor.seq : taskRef(s, role, step.do.action),
            text: word ? `${step.title} (${word}).` : `${step.title}.`,
            grade: fields.grade ?? expectedGrade(s, s.now),
          },
        },
      ];
    });
  });
}

/** For an instruction, whom to give the task: the role whose steps answer tasks. */
function ownerOf(drill: Drill, action: string, role: string): string[] | undefined {
  if (drill.actions.get(action)?.effect !== 'instruct') return undefined;
  const owner = drill.manual.steps.find((st) => st.anchor.on === 'task' && st.role !== role)?.role;
  return owner ? [owner] : undefined;
}

/** The task an on-instruction rule wants this action to refer to: the role's latest open task. */
function taskRef(s: Situation, role: string, action: string): number | undefined {
  const ruled = s.drill.manual.rules.some(
    (rule) =>
      rule.kind === 'on-instruction' &&
      selects(rule.select, { entry: { role, action } } as Parameters<typeof selects>[1]),
  );
  if (!ruled) return undefined;
  const tasks = [...s.ctx.state.tasks.values()].filter((t) => t.owner === role);
  return (tasks.find((t) => t.done === undefined) ?? tasks.at(-1))?.seq;
}

/** Acknowledgements, relays, cadence updates and grade corrections the rules ask of `role`. */
function ruleDuties(s: Situation, role: string): Duty[] {
  const { drill, ctx } = s;
  const duties: Duty[] = [];
  for (const rule of drill.manual.rules) {
    if (rule.kind === 'acknowledge-within') {
      const acknowledge = firstWithEffect(drill, 'acknowledge');
      if (!acknowledge) continue;
      for (const demand of demands(ctx, rule.trigger, 'recipients')) {
        if (!demand.roles.includes(role)) continue;
        const answered = ctx.actions.some(
          (a) => a.effect === 'acknowledge' && a.entry.role === role && a.entry.ref === demand.seq,
        );
        if (answered) continue;
        const from = demand.record?.entry.role;
        duties.push({
          key: `ack:${demand.seq}`,
          since: demand.t,
          deadline: demand.t + ms(rule.within),
          spec: {
            role,
            action: acknowledge,
            ref: demand.seq,
            to: from ? [from] : undefined,
            text: `Acknowledged #${demand.seq}.`,
          },
        });
      }
    }
    if (rule.kind === 'relay') {
      const via =
        rule.via?.[0] ??
        firstWithEffect(drill, 'share-status') ??
        firstWithEffect(drill, 'message');
      if (!via) continue;
      for (const demand of demands(ctx, rule.trigger)) {
        if (demand.roles[0] !== role || role === rule.to) continue;
        const value = rule.sameField ? demand.record?.entry.fields[rule.sameField] : undefined;
        const relayed = ctx.delivered.some(
          (r) =>
            r.entry.seq >= demand.seq &&
            r.entry.role !== rule.to &&
            r.recipients.includes(rule.to) &&
            (!rule.via || rule.via.includes(r.entry.action)) &&
            (!rule.sameField || r.entry.fields[rule.sameField] === value),
        );
        if (relayed) continue;
        duties.push({
          key: `relay:${rule.id}:${demand.seq}`,
          since: demand.t,
          deadline: demand.t + ms(rule.within),
          spec: {
            role,
            action: via,
            to: [rule.to],
            fields: rule.sameField && value !== undefined ? { [rule.sameField]: value } : {},
            text: `Passing on #${demand.seq}.`,
            grade: value,
          },
        });
      }
    }
    if (rule.kind === 'cadence' && rule.role === role && !ctx.ended) {
      const from = anchorOccurrences(ctx, rule.from, undefined, s.completions)[0];
      const until =
        from &&
        anchorOccurrences(ctx, rule.until, undefined, s.completions).find(
          (o) => o.t >= from.t && o.seq > from.seq,
        );
      const action = rule.select.actions?.[0];
      if (!from || until || !action) continue;
      const last = ctx.delivered
        .filter((r) => r.entry.role === role && selects(rule.select, r) && r.entry.seq > from.seq)
        .at(-1);
      const since = Math.max(from.t, last?.entry.t ?? from.t);
      const every = ms(rule.every);
      duties.push({
        key: `cadence:${rule.id}:${last?.entry.seq ?? from.seq}`,
        since: since + Math.floor(every * 0.6),
        deadline: since + every,
        spec: { role, action, text: 'Update: the response is ongoing; next update to follow.' },
      });
    }
  }
  const grade = gradeDuty(s, role);
  if (grade) duties.push(grade);
  return duties;
}

/** The grading authority keeps the grade right once it has set one. */
function gradeDuty(s: Situation, role: string): Duty | undefined {
  const { drill, ctx } = s;
  if (role !== drill.manual.grading.authority || ctx.state.grade === undefined) return undefined;
  const expected = expectedGradeTimeline(ctx)
    .filter((e) => e.t <= s.now)
    .at(-1);
  const setGrade = firstWithEffect(drill, 'set-grade');
  if (!expected || !setGrade || expected.grade === ctx.state.grade) return undefined;
  return {
    key: `grade:${expected.t}`,
    since: expected.t,
    deadline: expected.t + ms(drill.manual.grading.tolerance),
    spec: {
      role,
      action: setGrade,
      fields: { grade: expected.grade },
      grade: expected.grade,
      text: `Grade now ${expected.grade}.`,
    },
  };
}

/** Everything `role` owes in this situation. */
export function dutiesOf(s: Situation, role: string): Duty[] {
  return [...stepDuties(s, role), ...ruleDuties(s, role)];
}
