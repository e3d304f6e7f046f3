import { ms } from '../duration.js';
import { momentOf, type ScoringContext } from './context.js';
import type { GradeCheckpoint } from './scorecard.js';

/** When each expected grade took effect in this run: a fixed offset, or when its inject came. */
export function expectedGradeTimeline(
  ctx: ScoringContext,
): { t: number; seq?: number; grade: string }[] {
  return ctx.drill.scenario.expectedGrades
    .flatMap((expected) => {
      if (expected.at !== undefined) return [{ t: ms(expected.at), grade: expected.grade }];
      const inject = ctx.injects.find((i) => i.inject === expected.afterInject && !i.adHoc);
      return inject ? [{ t: inject.t, seq: inject.seq, grade: expected.grade }] : [];
    })
    .sort((a, b) => a.t - b.t);
}

/**
 * Grade checkpoints: `tolerance` after each expected grade takes effect, the grade set by the
 * grading authority must equal it. A checkpoint overtaken by the next expected change before it
 * falls due is not applicable; one that falls after the drill ended is not applicable either.
 */
export function judgeGrades(ctx: ScoringContext): GradeCheckpoint[] {
  const { authority, tolerance } = ctx.drill.manual.grading;
  const timeline = expectedGradeTimeline(ctx);
  return timeline.map((expected, i): GradeCheckpoint => {
    const at = expected.t + ms(tolerance);
    const base = { n: i + 1, at, expected: expected.grade, role: authority };
    const next = timeline[i + 1];
    if (next && next.t <= at)
      return {
        ...base,
        status: 'not_applicable',
        evidence: [],
        note: 'overtaken by the next expected grade',
      };
    if (at > ctx.horizon)
      return ctx.ended
        ? { ...base, status: 'not_applicable', evidence: [], note: 'the drill ended first' }
        : { ...base, status: 'pending', evidence: [] };
    const inForce = ctx.gradeAt({ t: at, seq: Number.MAX_SAFE_INTEGER });
    const actual = inForce?.entry.fields.grade;
    return {
      ...base,
      actual,
      status: actual === expected.grade ? 'right' : 'wrong',
      evidence: inForce ? [momentOf(inForce).seq] : [],
    };
  });
}
