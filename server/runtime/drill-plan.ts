import type { DrillRecord } from '../store/catalogue-schema.js';
import type { ResolvedDrill } from './drill-library.js';
import { DrillInputError } from './drill-runner.js';
import type { Random } from './random.js';
import { drawSurpriseMoment } from './schedule-policy.js';

/** What a facilitator asks for when scheduling a drill. */
export interface DrillRequest {
  title?: string;
  scenario: string;
  mode: 'at' | 'now' | 'surprise';
  at?: string;
  window?: { from: string; to: string };
  allowedHours?: DrillRecord['allowedHours'];
  blackoutDates?: string[];
  lateStartMinutes?: number;
  timeScale?: number;
  teamId?: string;
  assignments: { role: string; personId?: string; bot?: boolean }[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The catalogue record of a drill a facilitator asked for, before anything is stored: its
 * roles and people checked against the manual and the roster, and its start (now, at a time,
 * or a surprise moment drawn in the window). Throws a DrillInputError naming the field.
 */
export function planDrill(
  request: DrillRequest,
  context: {
    id: string;
    resolved: ResolvedDrill;
    /** Ids of the people on the roster. */
    people: ReadonlySet<string>;
    now: number;
    random: Random;
    by?: string;
  },
): DrillRecord {
  const { drill, manual, scenario } = context.resolved;
  for (const [i, a] of request.assignments.entries())
    if (!drill.roles.has(a.role))
      throw new DrillInputError('unknown-role', `assignments[${i}].role: unknown role '${a.role}'`);
  for (const [i, a] of request.assignments.entries())
    if (a.personId && !context.people.has(a.personId))
      throw new DrillInputError(
        'unknown-person',
        `assignments[${i}].personId: unknown person '${a.personId}'`,
      );
  return {
    id: context.id,
    title: request.title ?? scenario.value.title,
    manual: { id: manual.value.id, version: manual.value.version, hash: manual.hash },
    scenario: { id: scenario.value.id, version: scenario.value.version, hash: scenario.hash },
    teamId: request.teamId,
    mode: request.mode,
    dueAt: iso(dueAt(request, context.now, context.random)),
    window: request.window,
    allowedHours: request.allowedHours,
    blackoutDates: request.blackoutDates ?? [],
    lateStartMinutes: request.lateStartMinutes ?? 15,
    timeScale: request.timeScale ?? 1,
    status: 'scheduled',
    assignments: request.assignments.map((a) => ({
      role: a.role,
      personId: a.personId,
      bot: a.bot ?? !a.personId,
    })),
    createdBy: context.by,
    createdAt: iso(context.now),
  };
}

/** When the drill is to start, in wall ms. */
function dueAt(request: DrillRequest, now: number, random: Random): number {
  if (request.mode === 'now') return now;
  if (request.mode === 'at') {
    const at = Date.parse(request.at ?? '');
    if (Number.isNaN(at))
      throw new DrillInputError('bad-time', "at: a start time (ISO 8601) is needed for mode 'at'");
    return at;
  }
  const from = Date.parse(request.window?.from ?? '');
  const to = Date.parse(request.window?.to ?? '');
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from)
    throw new DrillInputError(
      'bad-window',
      'window: a surprise drill needs a window { from, to } with from before to',
    );
  const drawn = drawSurpriseMoment({
    window: { from: Math.max(from, now), to },
    allowedHours: request.allowedHours,
    blackoutDates: request.blackoutDates ?? [],
    random,
  });
  if (!drawn.ok) throw new DrillInputError('no-moment', `window: ${drawn.reason}`);
  return drawn.at;
}
