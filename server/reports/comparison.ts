import { type Scorecard, VERDICT_SEVERITY, type Verdict } from '../domain/scoring/scorecard.js';

/** How this drill did against the previous drill of the same scenario. */
export interface Comparison {
  previous: { id?: string; title: string; startedAt?: string; score: number; pass: boolean };
  scoreDelta: number;
  roles: { role: string; name: string; before?: number; after: number; delta?: number }[];
  /** Steps whose verdict changed, better or worse. */
  steps: { step: string; before: Verdict; after: Verdict; change: 'better' | 'worse' }[];
  /** Rules whose count of violations changed. */
  rules: { rule: string; before: number; after: number }[];
  timings: { metric: string; beforeMs?: number; afterMs?: number }[];
}

const round = (n: number) => Math.round(n * 10) / 10;
const broken = (card: Scorecard, rule: string) =>
  card.rules.find((r) => r.rule === rule)?.violations.filter((v) => !v.overridden).length ?? 0;

const TIMINGS = [
  'timeToAcknowledge',
  'timeToDeclare',
  'timeToRightGrade',
  'timeToFirstExternalNotice',
  'timeToClose',
] as const;

/**
 * Compares a drill's scorecard with the previous drill's of the same scenario: overall and
 * per-role score deltas, the steps whose verdict got better or worse, the rules broken more or
 * less often, and the key timings side by side.
 */
export function compareDrills(
  current: Scorecard,
  previous: { id?: string; title: string; startedAt?: string; card: Scorecard },
): Comparison {
  const before = previous.card;
  const steps: Comparison['steps'] = [];
  for (const s of current.steps) {
    const old = before.steps.find((p) => p.step === s.step);
    if (!old || old.verdict === s.verdict) continue;
    if (old.verdict === 'not_applicable' || s.verdict === 'not_applicable') continue;
    const change = VERDICT_SEVERITY[s.verdict] < VERDICT_SEVERITY[old.verdict] ? 'better' : 'worse';
    steps.push({ step: s.step, before: old.verdict, after: s.verdict, change });
  }
  const ruleIds = [...new Set([...current.rules, ...before.rules].map((r) => r.rule))];
  return {
    previous: {
      id: previous.id,
      title: previous.title,
      startedAt: previous.startedAt,
      score: before.score,
      pass: before.pass,
    },
    scoreDelta: round(current.score - before.score),
    roles: current.roles.map((r) => {
      const old = before.roles.find((p) => p.role === r.role)?.score;
      return {
        role: r.role,
        name: r.name,
        before: old,
        after: r.score,
        delta: old === undefined ? undefined : round(r.score - old),
      };
    }),
    steps,
    rules: ruleIds
      .map((rule) => ({ rule, before: broken(before, rule), after: broken(current, rule) }))
      .filter((r) => r.before !== r.after),
    timings: TIMINGS.map((metric) => ({
      metric,
      beforeMs: before.metrics[metric].ms,
      afterMs: current.metrics[metric].ms,
    })),
  };
}
