import type { Drill } from '../domain/drill.js';
import { nextDue } from '../domain/engine/due.js';
import { reduce, startState } from '../domain/engine/reduce.js';
import { LogEntry, type NewEntry } from '../domain/schema/log.js';
import { buildContext } from '../domain/scoring/context.js';
import { judgeSteps } from '../domain/scoring/steps.js';
import { type BotOptions, botPerson, decide } from './bots/bot.js';
import type { Fault } from './bots/faults.js';

export interface SimulateOptions {
  seed: number;
  faults?: readonly Fault[];
  /** Content hashes recorded in the log so that scoring can verify the files. */
  hashes?: { manual?: string; scenario?: string };
  /** Wall-clock moment the simulated drill starts (ISO 8601, UTC); stamps each entry's `at`. */
  startWall?: string;
  drillId?: string;
  /** Safety stop: a scenario that never ends is an error, not a hang. */
  maxEntries?: number;
  /** The person each role's bot plays (default `bot-<role>`), e.g. people of a seeded team. */
  persons?: Record<string, { person: string; name?: string }>;
}

const DEFAULT_START = '2026-01-01T00:00:00.000Z';

/**
 * Runs a whole drill in virtual time with a bot in every role: time jumps from one thing to the
 * next (an inject falling due, a bot's reaction), so a 90-minute drill takes milliseconds.
 * Returns the log; the same drill and options always give the same log.
 */
export function simulate(drill: Drill, options: SimulateOptions): LogEntry[] {
  const roles = drill.manual.roles.map((r) => r.id);
  const bots: BotOptions = { seed: options.seed, faults: options.faults ?? [] };
  const personOf = (role: string) => options.persons?.[role] ?? { person: botPerson(role) };
  const startMs = Date.parse(options.startWall ?? DEFAULT_START);
  const maxEntries = options.maxEntries ?? 20_000;
  const log: LogEntry[] = [];
  let state = startState(drill);
  let now = 0;
  const append = (input: NewEntry, t: number) => {
    const entry = LogEntry.parse({
      ...input,
      seq: log.length + 1,
      t,
      at: new Date(startMs + t).toISOString(),
    });
    log.push(entry);
    state = reduce(drill, state, entry).state;
  };
  append(
    {
      type: 'drill-started',
      drill: options.drillId,
      manual: { id: drill.manual.id, version: drill.manual.version, hash: options.hashes?.manual },
      scenario: {
        id: drill.scenario.id,
        version: drill.scenario.version,
        hash: options.hashes?.scenario,
      },
      seed: options.seed,
      participants: roles.map((role) => ({
        ...personOf(role),
        role,
        bot: options.persons?.[role] ? undefined : true,
      })),
    },
    0,
  );
  while (state.status !== 'ended') {
    if (log.length > maxEntries)
      throw new Error(`simulation passed ${maxEntries} entries without ending`);
    const ctx = buildContext(drill, log, now);
    const judged = judgeSteps(ctx);
    const situation = { drill, ctx, steps: judged.steps, completions: judged.completions, now };
    const decisions = roles.map((role) => decide(situation, role, bots));
    const ready = decisions.flatMap((d) => d.actions);
    if (ready.length) {
      for (const draft of ready)
        append({ type: 'action', ...draft, person: personOf(draft.role).person }, now);
      continue;
    }
    const wake = Math.min(...decisions.map((d) => d.wakeAt ?? Number.POSITIVE_INFINITY));
    const due = nextDue(drill, state);
    if (due && due.t <= wake) {
      now = Math.max(now, due.t);
      append(due.entry, now);
    } else if (Number.isFinite(wake)) now = wake;
    else throw new Error('simulation stalled: nothing due and no bot waiting');
  }
  return log;
}
