import type { ActionRecord } from '../engine/state.js';
import { byMoment, firstAfter, type Moment, momentOf, type ScoringContext } from './context.js';
import { expectedGradeTimeline } from './grades.js';
import type { Metric, Metrics } from './scorecard.js';

/**
 * Key timings, measured from the first inject that made the fault visible (or from the start
 * when no inject did): acknowledge, declare, right grade, first external notice, close; and the
 * cadence of external notices between the declaration and the close.
 */
export function measure(ctx: ScoringContext): Metrics {
  const fault = ctx.injects.find((i) => i.flags.includes('fault-visible'));
  const from = fault ? { t: fault.t, seq: fault.seq } : { t: 0, seq: ctx.state.startSeq ?? 0 };
  // Each effect's delivered actions are in time order: the first after `from` is found by
  // binary search, not by walking every action of a long log.
  const first = (effect: string) => {
    const list = ctx.deliveredWith(effect);
    return list[firstAfter(list, from)];
  };
  const metric = (record: ActionRecord | undefined): Metric => ({
    ms: record ? record.entry.t - from.t : undefined,
    from,
    evidence: record ? [record.entry.seq] : [],
  });
  const declared = first('declare');
  const closed = first('close');
  const windowStart = declared ? momentOf(declared) : from;
  const allNotices = ctx.deliveredWith('external-notice');
  const notices = allNotices
    .slice(firstAfter(allNotices, from))
    .filter(
      (r) =>
        byMoment(momentOf(r), windowStart) >= 0 &&
        (!closed || byMoment(momentOf(r), momentOf(closed)) <= 0),
    );
  const gaps = notices.map(
    (r, i) => r.entry.t - (i === 0 ? windowStart.t : (notices[i - 1]?.entry.t ?? 0)),
  );
  return {
    timeToAcknowledge: metric(first('acknowledge')),
    timeToDeclare: metric(declared),
    timeToRightGrade: rightGrade(ctx, from),
    timeToFirstExternalNotice: metric(first('external-notice')),
    timeToClose: metric(closed),
    updateCadence: {
      count: notices.length,
      meanGapMs: gaps.length
        ? Math.round(gaps.reduce((a, b) => a + b, 0) / gaps.length)
        : undefined,
      maxGapMs: gaps.length ? Math.max(...gaps) : undefined,
      evidence: notices.map((r) => r.entry.seq),
    },
  };
}

/**
 * The first moment after `from` when the grade in force equals the grade the scenario expects
 * then: at a grade change, or when the expectation moves to the grade already set.
 */
function rightGrade(ctx: ScoringContext, from: Moment): Metric {
  const timeline = expectedGradeTimeline(ctx);
  const expectedAt = (t: number) => timeline.filter((e) => e.t <= t).at(-1)?.grade;
  const moments = [
    ...ctx.gradeChanges.map(momentOf),
    ...timeline.map((e) => ({ t: e.t, seq: e.seq ?? 0 })),
  ]
    .filter((m) => byMoment(m, from) >= 0)
    .sort(byMoment);
  for (const moment of moments) {
    const inForce = ctx.gradeAt(moment);
    const grade = inForce?.entry.fields.grade;
    if (inForce && grade === expectedAt(moment.t))
      return { ms: moment.t - from.t, from, evidence: [inForce.entry.seq] };
  }
  return { from, evidence: [] };
}
