import type { ImprovementItem } from './drill-report.js';
import {
  type RuleBreaks,
  ruleBreaks,
  type ScoredDrill,
  type StepMisses,
  stepMisses,
} from './trends.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A person on the roster, as readiness needs them. */
export interface RosterPerson {
  id: string;
  name: string;
}

export interface RoleHistory {
  role: string;
  drills: number;
  lastDrill: string;
  lastAt: string;
  lastScore: number;
  lastPass: boolean;
}

export interface Readiness {
  generatedAt: string;
  windowDays: number;
  /** Per person: each role they drilled, how often, when last and how they scored then. */
  persons: { person: string; name: string; roles: RoleHistory[] }[];
  /** Per role: who has not drilled it within the window (never, or last drilled before it). */
  roles: {
    role: string;
    name: string;
    notWithin: { person: string; name: string; lastAt?: string }[];
  }[];
  /** Per manual version: the steps and rules most often missed, candidates to clarify. */
  manuals: {
    manual: string;
    version: string;
    drills: number;
    steps: StepMisses[];
    rules: RuleBreaks[];
  }[];
  /** Improvement items still open or in progress, across drills, soonest due first. */
  openItems: (ImprovementItem & { drill: string; drillTitle: string; overdue: boolean })[];
}

/**
 * Readiness across drills: who has drilled which role, when and how they scored; who has not
 * drilled a role within `windowDays` of `now` ("who has not been Control Tower in 90 days");
 * per manual version the steps and rules most often missed; and the open improvement items
 * with owners and due dates. Only people on the roster count (bots are not people). Pure: `now`
 * is given.
 */
export function computeReadiness(
  drills: readonly ScoredDrill[],
  people: readonly RosterPerson[],
  roles: readonly { id: string; name: string }[],
  options: { now: string; windowDays?: number },
): Readiness {
  const windowDays = options.windowDays ?? 90;
  const since = Date.parse(options.now) - windowDays * DAY_MS;
  const ordered = [...drills].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const roster = new Map(people.map((p) => [p.id, p]));
  const history = new Map<string, Map<string, RoleHistory>>();
  for (const d of ordered)
    for (const p of d.card.persons) {
      if (!roster.has(p.person)) continue;
      const mine = history.get(p.person) ?? new Map<string, RoleHistory>();
      const h = mine.get(p.role);
      mine.set(p.role, {
        role: p.role,
        drills: (h?.drills ?? 0) + 1,
        lastDrill: d.id,
        lastAt: d.startedAt,
        lastScore: p.score,
        lastPass: p.pass,
      });
      history.set(p.person, mine);
    }
  const persons = people
    .map((p) => ({
      person: p.id,
      name: p.name,
      roles: [...(history.get(p.id)?.values() ?? [])].sort((a, b) => a.role.localeCompare(b.role)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const byRole = roles.map((role) => ({
    role: role.id,
    name: role.name,
    notWithin: persons
      .map((p) => ({
        person: p.person,
        name: p.name,
        lastAt: p.roles.find((r) => r.role === role.id)?.lastAt,
      }))
      .filter((p) => p.lastAt === undefined || Date.parse(p.lastAt) < since),
  }));
  const versions = new Map<string, ScoredDrill[]>();
  for (const d of ordered) {
    const key = `${d.manual.id}@${d.manual.version}`;
    versions.set(key, [...(versions.get(key) ?? []), d]);
  }
  const manuals = [...versions.values()].map((ds) => ({
    manual: ds[0]?.manual.id ?? '',
    version: ds[0]?.manual.version ?? '',
    drills: ds.length,
    steps: stepMisses(ds),
    rules: ruleBreaks(ds),
  }));
  const today = options.now.slice(0, 10);
  const openItems = ordered
    .flatMap((d) =>
      d.improvements
        .filter((i) => i.status === 'open' || i.status === 'in-progress')
        .map((i) => ({
          ...i,
          drill: d.id,
          drillTitle: d.title,
          overdue: i.dueDate !== undefined && i.dueDate < today,
        })),
    )
    .sort(
      (a, b) =>
        (a.dueDate ?? '9999').localeCompare(b.dueDate ?? '9999') ||
        a.drill.localeCompare(b.drill) ||
        a.id.localeCompare(b.id),
    );
  return { generatedAt: options.now, windowDays, persons, roles: byRole, manuals, openItems };
}
