import { compileDrill, type Drill } from '../drill.js';
import type { LogEntry, NoteEntry, OverrideEntry, StartedEntry } from '../schema/log.js';
import type { Manual, PassRule } from '../schema/manual.js';
import type { Scenario } from '../schema/scenario.js';
import { buildContext, type ScoringContext } from './context.js';
import { judgeGrades } from './grades.js';
import { measure } from './metrics.js';
import { judgeRules } from './rules.js';
import {
  type GradeCheckpoint,
  type Integrity,
  type PersonScore,
  type RoleScore,
  type RuleResult,
  SCORECARD_VERSION,
  type Scorecard,
  type StepVerdict,
  type Verdict,
  type VerdictCounts,
  type Violation,
} from './scorecard.js';
import { judgeSteps, worst } from './steps.js';

export interface ScoreOptions {
  /** Drill time to score at; default: the last entry. Verdicts whose deadline lies ahead are `pending`. */
  at?: number;
  /** Content hashes of the manual and scenario given, to check against the log's. */
  hashes?: { manual?: string; scenario?: string };
}

/**
 * Scores a drill log against a manual and a scenario: every step, rule and grade checkpoint
 * with its evidence, key timings, and per-role, per-person and overall scores with pass/fail.
 * Pure and deterministic: the same inputs give the same scorecard.
 */
export function score(
  manual: Manual,
  scenario: Scenario,
  log: readonly LogEntry[],
  options: ScoreOptions = {},
): Scorecard {
  return scoreDrill(compileDrill(manual, scenario), log, options);
}

/** Like score(), for a drill already compiled. */
export function scoreDrill(
  drill: Drill,
  log: readonly LogEntry[],
  options: ScoreOptions = {},
): Scorecard {
  const ctx = buildContext(drill, log, options.at);
  const judged = judgeSteps(ctx);
  const { overrides, notes, started } = annotations(ctx.entries);
  const steps = applyStepOverrides(judged.steps, overrides);
  const rules = applyRuleOverrides(judgeRules(ctx, judged.completions), overrides);
  const grades = judgeGrades(ctx);
  const violations = rules.flatMap((r) => r.violations).filter((v) => !v.overridden);
  const { manual } = drill;

  const roles = manual.roles.map((role): RoleScore => {
    const mine = steps.filter((s) => s.role === role.id);
    const theirs = violations.filter((v) => v.role === role.id);
    const wrong = grades.filter((g) => g.role === role.id && g.status === 'wrong').length;
    return {
      role: role.id,
      name: role.name,
      ...judge(manual, role.id, mine.map(stepCredit), theirs, wrong),
    };
  });
  const persons = personsOf(ctx).map(({ person, role, name }): PersonScore => {
    const mine = steps.flatMap((s) => {
      const charged = s.occurrences.filter((o) => o.persons.includes(person)).map((o) => o.verdict);
      return s.role === role && charged.length
        ? [{ weight: s.weight, verdict: worst(charged) }]
        : [];
    });
    const theirs = violations.filter((v) => v.person === person);
    const wrong = grades.filter((g) => g.role === role && g.status === 'wrong').length;
    return { person, name, role, ...judge(manual, role, mine, theirs, wrong) };
  });
  const wrongGrades = grades.filter((g) => g.status === 'wrong').length;
  const overall = points(manual, steps.map(stepCredit), violations.length, wrongGrades);
  const policy = manual.scoring.pass.overall;
  const pass = overall >= policy.minScore && (!policy.allRolesPass || roles.every((r) => r.pass));

  return {
    version: SCORECARD_VERSION,
    drill: started?.drill,
    manual: {
      id: manual.id,
      version: manual.version,
      hash: options.hashes?.manual,
      integrity: integrity(started?.manual, manual.id, options.hashes?.manual),
    },
    scenario: {
      id: drill.scenario.id,
      version: drill.scenario.version,
      hash: options.hashes?.scenario,
      integrity: integrity(started?.scenario, drill.scenario.id, options.hashes?.scenario),
    },
    at: ctx.horizon,
    final: ctx.ended,
    score: overall,
    pass,
    roles,
    persons,
    steps,
    rules,
    grades,
    metrics: measure(ctx),
    evaluator: evaluatorEntries(ctx, overrides, notes),
    decisions: ctx.deliveredWith('decision').map((r) => ({
      seq: r.entry.seq,
      t: r.entry.t,
      role: r.entry.role,
      person: r.entry.person,
      text: r.entry.text ?? Object.values(r.entry.fields).join(' '),
    })),
  };
}

interface Credit {
  weight: number;
  verdict: Verdict;
}
const stepCredit = (s: StepVerdict): Credit => ({ weight: s.weight, verdict: s.verdict });

/** 0–100: weighted credit of judged steps, less penalties; steps not yet judged leave the sum. */
function points(
  manual: Manual,
  credits: readonly Credit[],
  violations: number,
  wrongGrades: number,
) {
  const { credit, violationPenalty, checkpointPenalty } = manual.scoring;
  const value: Partial<Record<Verdict, number>> = {
    on_time: credit.onTime,
    late: credit.late,
    missed: 0,
    out_of_order: 0,
  };
  const judged = credits.filter((c) => value[c.verdict] !== undefined);
  const total = judged.reduce((sum, c) => sum + c.weight, 0);
  const earned = judged.reduce((sum, c) => sum + c.weight * (value[c.verdict] ?? 0), 0);
  const base = total === 0 ? 100 : (100 * earned) / total;
  const result = base - violationPenalty * violations - checkpointPenalty * wrongGrades;
  return Math.max(0, Math.round(result * 10) / 10);
}

function judge(
  manual: Manual,
  role: string,
  credits: Credit[],
  violations: Violation[],
  wrongGrades: number,
) {
  const rule: PassRule = { ...manual.scoring.pass.default, ...manual.scoring.pass.roles[role] };
  const counts = countVerdicts(credits.map((c) => c.verdict));
  const value = points(manual, credits, violations.length, wrongGrades);
  const reasons = [
    value < rule.minScore && `score ${value} below ${rule.minScore}`,
    counts.late > rule.maxLate && `${counts.late} late (at most ${rule.maxLate})`,
    counts.missed > rule.maxMissed && `${counts.missed} missed (at most ${rule.maxMissed})`,
    counts.out_of_order > rule.maxOutOfOrder &&
      `${counts.out_of_order} out of order (at most ${rule.maxOutOfOrder})`,
    violations.length > rule.maxViolations &&
      `${violations.length} rule violation(s) (at most ${rule.maxViolations})`,
    rule.gradeCheckpoints && wrongGrades > 0 && `${wrongGrades} grade checkpoint(s) wrong`,
  ].filter((r): r is string => Boolean(r));
  return {
    score: value,
    pass: reasons.length === 0,
    counts,
    violations: violations.length,
    checkpointsWrong: wrongGrades,
    reasons,
  };
}

function countVerdicts(verdicts: readonly Verdict[]): VerdictCounts {
  const counts: VerdictCounts = {
    on_time: 0,
    late: 0,
    missed: 0,
    out_of_order: 0,
    not_applicable: 0,
    pending: 0,
  };
  for (const v of verdicts) counts[v] += 1;
  return counts;
}

function personsOf(ctx: ScoringContext) {
  const people = new Map<string, { person: string; role: string; name?: string }>();
  for (const p of ctx.state.participants)
    people.set(p.person, { person: p.person, role: p.role, name: p.name });
  for (const a of ctx.actions)
    if (a.entry.person && !people.has(a.entry.person))
      people.set(a.entry.person, { person: a.entry.person, role: a.entry.role });
  return [...people.values()].sort(
    (a, b) => a.role.localeCompare(b.role) || a.person.localeCompare(b.person),
  );
}

function applyStepOverrides(
  steps: StepVerdict[],
  overrides: readonly OverrideEntry[],
): StepVerdict[] {
  return steps.map((step) => {
    const mine = overrides.filter((o) => 'step' in o.target && o.target.step === step.step);
    if (!mine.length) return step;
    let { verdict, occurrences } = step;
    for (const o of mine) {
      if (!('step' in o.target)) continue;
      const target = o.target;
      const stamp = (original: string) => ({ by: o.by, reason: o.reason, seq: o.seq, original });
      occurrences = occurrences.map((occ) =>
        target.occurrence === undefined || target.occurrence === occ.n
          ? { ...occ, verdict: target.verdict, overridden: stamp(occ.verdict) }
          : occ,
      );
      verdict = occurrences.length ? worst(occurrences.map((occ) => occ.verdict)) : target.verdict;
    }
    return { ...step, verdict, occurrences };
  });
}

function applyRuleOverrides(
  rules: RuleResult[],
  overrides: readonly OverrideEntry[],
): RuleResult[] {
  return rules.map((rule) => {
    const mine = overrides.filter((o) => 'rule' in o.target && o.target.rule === rule.rule);
    if (!mine.length) return rule;
    const violations = rule.violations.map((v) => {
      const o = mine.find((m) => 'violation' in m.target && m.target.violation === v.n);
      return o
        ? { ...v, overridden: { by: o.by, reason: o.reason, seq: o.seq, original: 'violated' } }
        : v;
    });
    return { ...rule, violations, kept: violations.every((v) => v.overridden) };
  });
}

function integrity(
  logged: StartedEntry['manual'] | undefined,
  id: string,
  hash: string | undefined,
): Integrity {
  if (logged && logged.id !== id) return 'mismatch';
  if (!logged?.hash || !hash) return 'unverified';
  return logged.hash === hash ? 'verified' : 'mismatch';
}

/** The log's overrides, notes and start entry: one walk over a log that may be long. */
function annotations(entries: readonly LogEntry[]) {
  const overrides: OverrideEntry[] = [];
  const notes: NoteEntry[] = [];
  let started: StartedEntry | undefined;
  for (const e of entries) {
    if (e.type === 'override') overrides.push(e);
    else if (e.type === 'note') notes.push(e);
    else if (e.type === 'drill-started') started ??= e;
  }
  return { overrides, notes, started };
}

function evaluatorEntries(
  ctx: ScoringContext,
  overrides: readonly OverrideEntry[],
  notes: readonly NoteEntry[],
): Scorecard['evaluator'] {
  const offPlatform: Scorecard['evaluator']['offPlatform'] = [];
  for (const a of ctx.actions)
    if (a.entry.recordedBy)
      offPlatform.push({
        seq: a.entry.seq,
        t: a.entry.t,
        role: a.entry.role,
        action: a.entry.action,
        by: a.entry.recordedBy,
        medium: a.entry.medium,
      });
  return {
    offPlatform,
    overrides: overrides.map((o) => ({
      seq: o.seq,
      by: o.by,
      reason: o.reason,
      target:
        'step' in o.target
          ? `step ${o.target.step}${o.target.occurrence ? ` #${o.target.occurrence}` : ''} → ${o.target.verdict}`
          : `rule ${o.target.rule} violation ${o.target.violation} → kept`,
    })),
    notes: notes.map((e) => ({ seq: e.seq, t: e.t, by: e.by, text: e.text })),
  };
}

export type { GradeCheckpoint };
