import { ms } from '../duration.js';
import type { ActionRecord } from '../engine/state.js';
import type { Step } from '../schema/manual.js';
import { type AnchorOccurrence, anchorOccurrences, type Completion } from './anchors.js';
import { byMoment, firstAfter, momentOf, type ScoringContext } from './context.js';
import { type Occurrence, type StepVerdict, VERDICT_SEVERITY, type Verdict } from './scorecard.js';

/** Whether an action does what a step asks, leaving aside the anchor. */
function matchesStep(step: Step, record: ActionRecord): boolean {
  const { entry } = record;
  const want = step.do;
  if (entry.role !== step.role || entry.action !== want.action) return false;
  const channel = entry.channel ?? '';
  if (
    want.channel &&
    !(Array.isArray(want.channel) ? want.channel.includes(channel) : want.channel === channel)
  )
    return false;
  if (want.to?.some((role) => !record.recipients.includes(role))) return false;
  if (want.fields)
    for (const [field, values] of Object.entries(want.fields)) {
      const value = entry.fields[field] ?? '';
      if (!(Array.isArray(values) ? values.includes(value) : values === value)) return false;
    }
  if (want.words) {
    const said = [entry.text ?? '', ...Object.values(entry.fields)].join('\n').toLowerCase();
    if (!want.words.some((word) => said.includes(word.toLowerCase()))) return false;
  }
  return true;
}

/** Whether an action answers this particular occurrence of the step's anchor. */
function matchesOccurrence(step: Step, record: ActionRecord, anchor: AnchorOccurrence): boolean {
  const { entry } = record;
  if (step.do.refAnchor && entry.ref !== anchor.seq) return false;
  for (const field of step.do.sameAsAnchor ?? [])
    if (!anchor.record || entry.fields[field] !== anchor.record.entry.fields[field]) return false;
  return true;
}

function applies(ctx: ScoringContext, step: Step, anchor: AnchorOccurrence): string | undefined {
  const only = step.onlyIf;
  if (!only) return undefined;
  if (only.situations && !only.situations.includes(ctx.drill.scenario.situation))
    return `applies only in situations ${only.situations.join(', ')}`;
  if (only.channelDown && ctx.channelStateAt(only.channelDown, anchor) !== 'down')
    return `applies only while ${only.channelDown} is down`;
  const grade = ctx.gradeAt(anchor)?.entry.fields.grade;
  if (only.grades && (!grade || !only.grades.includes(grade)))
    return `applies only at grades ${only.grades.join(', ')}`;
  return undefined;
}

/** Steps in an order where every step comes after the steps it anchors on or requires. */
function dependencyOrder(steps: readonly Step[]): Step[] {
  const byId = new Map(steps.map((s) => [s.id, s]));
  const done = new Set<string>();
  const order: Step[] = [];
  const visit = (step: Step) => {
    if (done.has(step.id)) return;
    done.add(step.id);
    for (const dep of [...step.after, ...(step.anchor.step ? [step.anchor.step] : [])]) {
      const next = byId.get(dep);
      if (next) visit(next);
    }
    order.push(step);
  };
  steps.forEach(visit);
  return order;
}

/**
 * Judges every step of the manual against the log: one verdict per occurrence of its anchor.
 * Also returns each step's completions, which rules may anchor on.
 */
export function judgeSteps(ctx: ScoringContext): {
  steps: StepVerdict[];
  completions: Map<string, Completion[]>;
} {
  const completions = new Map<string, Completion[]>();
  const verdicts = new Map<string, StepVerdict>();
  for (const step of dependencyOrder(ctx.drill.manual.steps)) {
    const result = judgeStep(ctx, step, completions, verdicts);
    verdicts.set(step.id, result.verdict);
    completions.set(step.id, result.completions);
  }
  const steps = ctx.drill.manual.steps.map((step) => verdicts.get(step.id) as StepVerdict);
  return { steps, completions };
}

function judgeStep(
  ctx: ScoringContext,
  step: Step,
  completions: ReadonlyMap<string, readonly Completion[]>,
  verdicts: ReadonlyMap<string, StepVerdict>,
): { verdict: StepVerdict; completions: Completion[] } {
  const all = anchorOccurrences(ctx, step.anchor, step.role, completions);
  const anchors = step.repeat === 'once' ? all.slice(0, 1) : all;
  // Every delivered action of the step's kind by its role, in time order; whether each does
  // what the step asks is worked out only when a search reaches it, once (a long log has
  // thousands of messages, and an occurrence is usually answered by one of the first after it).
  const list = ctx.deliveredBy(step.role, step.do.action);
  const known = new Uint8Array(list.length);
  const isCandidate = (i: number) => {
    if (known[i] === 0) known[i] = matchesStep(step, list[i] as ActionRecord) ? 1 : 2;
    return known[i] === 1;
  };
  const prerequisites = step.after.filter((id) => verdicts.get(id)?.verdict !== 'not_applicable');
  const unmetAt = (record: ActionRecord) =>
    prerequisites.find(
      (id) => !(completions.get(id) ?? []).some((c) => byMoment(c, momentOf(record)) <= 0),
    );
  const used = new Set<ActionRecord>();
  const done: Completion[] = [];
  const occurrences = anchors.map((anchor, index): Occurrence => {
    const base = { n: index + 1, anchor: { t: anchor.t, seq: anchor.seq }, role: step.role };
    const persons = anchor.task?.ownerPerson ? [anchor.task.ownerPerson] : ctx.personsOf(step.role);
    const reason = applies(ctx, step, anchor);
    if (reason)
      return {
        ...base,
        verdict: 'not_applicable',
        evidence: [anchor.seq],
        persons: [],
        note: reason,
      };
    const deadline = step.within === 'task' ? anchor.task?.deadline : anchor.t + ms(step.within);
    const fits = (record: ActionRecord) =>
      !used.has(record) && matchesOccurrence(step, record, anchor);
    const action = firstCandidate(list, firstAfter(list, anchor), isCandidate, fits);
    if (!action) {
      // Done only before its anchor, and before a prerequisite: out of order, not missed.
      const early =
        step.repeat === 'once'
          ? firstCandidate(list, 0, isCandidate, (record) => fits(record) && unmetAt(record))
          : undefined;
      if (early) {
        done.push({ ...momentOf(early), record: early });
        return {
          ...base,
          deadline,
          doneAt: early.entry.t,
          verdict: 'out_of_order',
          evidence: [anchor.seq, early.entry.seq],
          persons: personOf(early, persons),
          offPlatform: early.entry.recordedBy ? true : undefined,
          note: `done before prerequisite '${unmetAt(early)}'`,
        };
      }
      const open = !ctx.ended && (deadline === undefined || ctx.at <= deadline);
      return {
        ...base,
        deadline,
        verdict: open ? 'pending' : 'missed',
        evidence: [anchor.seq],
        persons,
      };
    }
    used.add(action);
    done.push({ ...momentOf(action), record: action });
    const unmet = unmetAt(action);
    const verdict: Verdict = unmet
      ? 'out_of_order'
      : deadline === undefined || action.entry.t <= deadline
        ? 'on_time'
        : 'late';
    return {
      ...base,
      deadline,
      doneAt: action.entry.t,
      verdict,
      evidence: [anchor.seq, action.entry.seq],
      persons: personOf(action, persons),
      offPlatform: action.entry.recordedBy ? true : undefined,
      note: unmet ? `done before prerequisite '${unmet}'` : undefined,
    };
  });
  const verdict: Verdict = anchors.length
    ? worst(occurrences.map((o) => o.verdict))
    : ctx.ended
      ? 'not_applicable'
      : 'pending';
  return {
    verdict: {
      step: step.id,
      title: step.title,
      stage: step.stage,
      role: step.role,
      weight: step.weight,
      repeat: step.repeat,
      verdict,
      occurrences,
    },
    completions: done.sort(byMoment),
  };
}

/** The first record from index `from` on that is a candidate and passes `test`. */
function firstCandidate(
  list: readonly ActionRecord[],
  from: number,
  isCandidate: (i: number) => boolean,
  test: (record: ActionRecord) => unknown,
): ActionRecord | undefined {
  for (let i = from; i < list.length; i++) {
    const record = list[i] as ActionRecord;
    if (isCandidate(i) && test(record)) return record;
  }
  return undefined;
}

function personOf(record: ActionRecord, fallback: string[]): string[] {
  return record.entry.person ? [record.entry.person] : fallback;
}

/** The worst of several verdicts (see VERDICT_SEVERITY). */
export function worst(verdicts: readonly Verdict[]): Verdict {
  return verdicts.reduce<Verdict>(
    (a, b) => (VERDICT_SEVERITY[b] > VERDICT_SEVERITY[a] ? b : a),
    'not_applicable',
  );
}
