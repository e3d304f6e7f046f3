import type { Scorecard } from '../domain/scoring/scorecard.js';
import type { ImprovementItem } from './drill-report.js';

/** A finished drill with its scorecard: the unit trends and readiness are computed over. */
export interface ScoredDrill {
  id: string;
  title: string;
  teamId?: string;
  scenario: string;
  manual: { id: string; version: string };
  /** ISO 8601; drills are ordered by it. */
  startedAt: string;
  card: Scorecard;
  improvements: ImprovementItem[];
}

export interface TrendFilter {
  team?: string;
  scenario?: string;
  role?: string;
}

export interface TrendPoint {
  drill: string;
  title: string;
  startedAt: string;
  /** The drill's overall score, or the role's when the filter names a role. */
  score: number;
  pass: boolean;
  timeToDeclareMs?: number;
  timeToFirstExternalNoticeMs?: number;
}

/** How often a step was not done as the manual asks, over a set of drills. */
export interface StepMisses {
  step: string;
  title: string;
  role: string;
  drills: number;
  missed: number;
  late: number;
  outOfOrder: number;
}

/** How often a rule was broken, over a set of drills. */
export interface RuleBreaks {
  rule: string;
  title: string;
  drills: number;
  violations: number;
}

export interface Trends {
  filter: TrendFilter;
  points: TrendPoint[];
  steps: StepMisses[];
  rules: RuleBreaks[];
}

/** The drills a filter keeps, oldest first. */
export function filterDrills(drills: readonly ScoredDrill[], filter: TrendFilter): ScoredDrill[] {
  return drills
    .filter(
      (d) =>
        (!filter.team || d.teamId === filter.team) &&
        (!filter.scenario || d.scenario === filter.scenario),
    )
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
}

/**
 * Steps most often not done as asked over `drills` (one count per drill: the step's verdict),
 * worst first: missed, then late, then out of order; only steps that failed at least once.
 */
export function stepMisses(drills: readonly ScoredDrill[], role?: string): StepMisses[] {
  const by = new Map<string, StepMisses>();
  for (const d of drills)
    for (const s of d.card.steps) {
      if (role && s.role !== role) continue;
      if (s.verdict === 'not_applicable') continue;
      const m = by.get(s.step) ?? {
        step: s.step,
        title: s.title,
        role: s.role,
        drills: 0,
        missed: 0,
        late: 0,
        outOfOrder: 0,
      };
      m.drills++;
      if (s.verdict === 'missed') m.missed++;
      else if (s.verdict === 'late') m.late++;
      else if (s.verdict === 'out_of_order') m.outOfOrder++;
      by.set(s.step, m);
    }
  return [...by.values()]
    .filter((m) => m.missed + m.late + m.outOfOrder > 0)
    .sort(
      (a, b) =>
        b.missed - a.missed ||
        b.late + b.outOfOrder - (a.late + a.outOfOrder) ||
        a.step.localeCompare(b.step),
    );
}

/** Rules most often broken over `drills` (violations not dismissed), most violations first. */
export function ruleBreaks(drills: readonly ScoredDrill[], role?: string): RuleBreaks[] {
  const by = new Map<string, RuleBreaks>();
  for (const d of drills)
    for (const r of d.card.rules) {
      const kept = r.violations.filter((v) => !v.overridden && (!role || v.role === role));
      if (!kept.length) continue;
      const b = by.get(r.rule) ?? { rule: r.rule, title: r.title, drills: 0, violations: 0 };
      b.drills++;
      b.violations += kept.length;
      by.set(r.rule, b);
    }
  return [...by.values()].sort(
    (a, b) => b.drills - a.drills || b.violations - a.violations || a.rule.localeCompare(b.rule),
  );
}

/**
 * Trends over the drills a filter keeps: the score over time (the role's score when a role is
 * named), time to declare and to the first external notice over time, and the steps and rules
 * most often missed. Pure: the drills are handed in.
 */
export function computeTrends(drills: readonly ScoredDrill[], filter: TrendFilter = {}): Trends {
  const kept = filterDrills(drills, filter);
  const points = kept.map((d): TrendPoint => {
    const role = filter.role ? d.card.roles.find((r) => r.role === filter.role) : undefined;
    return {
      drill: d.id,
      title: d.title,
      startedAt: d.startedAt,
      score: role ? role.score : d.card.score,
      pass: role ? role.pass : d.card.pass,
      timeToDeclareMs: d.card.metrics.timeToDeclare.ms,
      timeToFirstExternalNoticeMs: d.card.metrics.timeToFirstExternalNotice.ms,
    };
  });
  return {
    filter,
    points,
    steps: stepMisses(kept, filter.role),
    rules: ruleBreaks(kept, filter.role),
  };
}
