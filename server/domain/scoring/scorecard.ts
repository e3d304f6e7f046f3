/** Version of the scorecard JSON; bump when a field changes meaning or disappears. */
export const SCORECARD_VERSION = 1;

export type Verdict = 'on_time' | 'late' | 'missed' | 'out_of_order' | 'not_applicable' | 'pending';

/** Worst first: a repeating step takes the worst verdict of its occurrences. */
export const VERDICT_SEVERITY: Record<Verdict, number> = {
  out_of_order: 5,
  missed: 4,
  late: 3,
  pending: 2,
  on_time: 1,
  not_applicable: 0,
};

export interface Override {
  by: string;
  reason: string;
  seq: number;
  /** The verdict before the override (or `violated` for a dismissed violation). */
  original: string;
}

/** One occurrence of a step: its anchor, deadline, and what was done. */
export interface Occurrence {
  n: number;
  anchor: { t: number; seq?: number };
  /** Absolute drill time of the deadline (inclusive); absent when there is none. */
  deadline?: number;
  doneAt?: number;
  verdict: Verdict;
  /** Log sequence numbers that justify the verdict. */
  evidence: number[];
  role: string;
  persons: string[];
  /** Set when the action was recorded by an evaluator from off the platform. */
  offPlatform?: boolean;
  note?: string;
  overridden?: Override;
}

export interface StepVerdict {
  step: string;
  title: string;
  stage: string;
  role: string;
  weight: number;
  repeat: 'once' | 'each';
  verdict: Verdict;
  occurrences: Occurrence[];
}

export interface Violation {
  n: number;
  t: number;
  role: string;
  person?: string;
  evidence: number[];
  message: string;
  overridden?: Override;
}

export interface RuleResult {
  rule: string;
  title: string;
  kind: string;
  kept: boolean;
  violations: Violation[];
}

export interface GradeCheckpoint {
  n: number;
  /** When the right grade had to be in force (expected change + tolerance). */
  at: number;
  expected: string;
  actual?: string;
  status: 'right' | 'wrong' | 'pending' | 'not_applicable';
  role: string;
  evidence: number[];
  note?: string;
}

export type VerdictCounts = Record<Verdict, number>;

export interface RoleScore {
  role: string;
  name: string;
  score: number;
  pass: boolean;
  counts: VerdictCounts;
  violations: number;
  checkpointsWrong: number;
  /** Why the role did not pass, in the words of its pass rule. */
  reasons: string[];
}

export interface PersonScore extends Omit<RoleScore, 'name'> {
  person: string;
  name?: string;
}

export interface Metric {
  /** Milliseconds from the reference moment, or undefined when it never happened. */
  ms?: number;
  from: { t: number; seq?: number };
  evidence: number[];
}

export interface Metrics {
  timeToAcknowledge: Metric;
  timeToDeclare: Metric;
  timeToRightGrade: Metric;
  timeToFirstExternalNotice: Metric;
  timeToClose: Metric;
  updateCadence: { count: number; meanGapMs?: number; maxGapMs?: number; evidence: number[] };
}

export type Integrity = 'verified' | 'mismatch' | 'unverified';

export interface Scorecard {
  version: number;
  drill?: string;
  manual: { id: string; version: string; hash?: string; integrity: Integrity };
  scenario: { id: string; version: string; hash?: string; integrity: Integrity };
  /** Drill time the scorecard is computed at. */
  at: number;
  /** True once the drill has ended: no verdict can change any more. */
  final: boolean;
  score: number;
  pass: boolean;
  roles: RoleScore[];
  persons: PersonScore[];
  steps: StepVerdict[];
  rules: RuleResult[];
  grades: GradeCheckpoint[];
  metrics: Metrics;
  evaluator: {
    offPlatform: {
      seq: number;
      t: number;
      role: string;
      action: string;
      by: string;
      medium?: string;
    }[];
    overrides: { seq: number; by: string; reason: string; target: string }[];
    notes: { seq: number; t: number; by: string; text: string }[];
  };
  decisions: { seq: number; t: number; role: string; person?: string; text: string }[];
}
