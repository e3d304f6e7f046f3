import type { Drill } from '../domain/drill.js';
import type { LogEntry } from '../domain/schema/log.js';
import { withoutPersons } from '../domain/scoring/redact.js';
import type { Scorecard, Verdict } from '../domain/scoring/scorecard.js';
import type { Comparison } from './comparison.js';
import { buildTimeline, type Timeline } from './timeline.js';

/**
 * Version of the drill report JSON (docs/reports.md). Bump when a field changes meaning or
 * disappears; adding a field does not bump it.
 */
export const REPORT_VERSION = 1;

export type Audience = 'staff' | 'viewer';

export const IMPROVEMENT_STATUSES = ['open', 'in-progress', 'done', 'dropped'] as const;
export type ImprovementStatus = (typeof IMPROVEMENT_STATUSES)[number];

/** An after-action improvement item: generated from a verdict, then edited by a facilitator. */
export interface ImprovementItem {
  /** Stable within the drill: `step:<id>`, `rule:<id>`, `grade:<n>` or `custom:<id>`. */
  id: string;
  concerns: { kind: 'step' | 'rule' | 'grade' | 'other'; id: string; title: string };
  observation: string;
  recommendation: string;
  /** Whoever the facilitator typed in: a person's name, so viewers never see it. */
  owner?: string;
  /** `YYYY-MM-DD`. */
  dueDate?: string;
  status: ImprovementStatus;
  /** Log entries the observation rests on. */
  evidence: number[];
  /** True when no one has edited the generated item yet. */
  generated: boolean;
}

/** A participant's own debrief answers. */
export interface DebriefAnswer {
  role: string;
  /** The person's name; absent for viewers and for links without a person. */
  person?: string;
  wentWell: string;
  didNotGoWell: string;
  submittedAt: string;
}

/** What the catalogue knows about the drill besides its log. */
export interface ReportDrillMeta {
  id?: string;
  title: string;
  team?: string;
  mode?: 'at' | 'now' | 'surprise';
  status?: string;
  startedAt?: string;
  endedAt?: string;
}

export interface DrillReport {
  reportVersion: number;
  /** Given by the caller (never read from a clock), so the same inputs give the same bytes. */
  generatedAt: string;
  audience: Audience;
  drill: ReportDrillMeta;
  scoredAgainst: {
    manual: { id: string; title: string; version: string; hash?: string; integrity: string };
    scenario: { id: string; title: string; version: string; hash?: string; integrity: string };
  };
  /** For a viewer: without persons (see withoutPersons). */
  scorecard: Scorecard;
  timeline: Timeline;
  improvements: ImprovementItem[];
  debriefs: DebriefAnswer[];
  comparison?: Comparison;
}

export interface ReportInput {
  drill: Drill;
  card: Scorecard;
  log: readonly LogEntry[];
  generatedAt: string;
  audience: Audience;
  meta?: Partial<ReportDrillMeta>;
  improvements?: readonly ImprovementItem[];
  debriefs?: readonly DebriefAnswer[];
  comparison?: Comparison;
}

/** Verdicts that need an improvement item: the step was not done as the manual asks. */
export const FAILED_VERDICTS: ReadonlySet<Verdict> = new Set(['missed', 'late', 'out_of_order']);

/**
 * Assembles everything a drill report shows from the scorecard and its companions. Pure: the
 * generation time is an input. For a viewer the persons are removed everywhere: per-person
 * scores, persons on occurrences, violations and decisions, debrief authors and improvement
 * owners (docs/reports.md, "Who sees what").
 */
export function buildDrillReport(input: ReportInput): DrillReport {
  const viewer = input.audience === 'viewer';
  const card = viewer ? withoutPersons(input.card) : input.card;
  const { manual, scenario } = input.drill;
  return {
    reportVersion: REPORT_VERSION,
    generatedAt: input.generatedAt,
    audience: input.audience,
    drill: { title: scenario.title, ...input.meta, id: input.meta?.id ?? card.drill },
    scoredAgainst: {
      manual: { ...card.manual, title: manual.title },
      scenario: { ...card.scenario, title: scenario.title },
    },
    scorecard: card,
    timeline: buildTimeline(input.drill, card, input.log, { persons: !viewer }),
    improvements: (input.improvements ?? []).map((item) =>
      viewer ? { ...item, owner: undefined } : item,
    ),
    debriefs: (input.debriefs ?? []).map((d) => (viewer ? { ...d, person: undefined } : d)),
    comparison: input.comparison,
  };
}
