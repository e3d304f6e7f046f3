import type { Drill } from '../drill.js';
import { fold } from '../engine/reduce.js';
import type { ActionRecord, DeliveredInject, DrillState } from '../engine/state.js';
import type { LogEntry } from '../schema/log.js';

/** A moment in the log: drill time, and the sequence number that breaks ties. */
export interface Moment {
  t: number;
  seq: number;
}

/** Orders by time, then by sequence number. */
export const byMoment = (a: Moment, b: Moment) => a.t - b.t || a.seq - b.seq;
export const momentOf = (record: ActionRecord): Moment => ({
  t: record.entry.t,
  seq: record.entry.seq,
});
export const notAfter = (a: Moment, b: Moment) => byMoment(a, b) <= 0;

/** Everything the scoring needs, derived once from the log. */
export interface ScoringContext {
  drill: Drill;
  entries: LogEntry[];
  /** Drill time the scorecard is computed at. */
  at: number;
  ended: boolean;
  /** The end of the drill, or `at` while it runs: nothing after it counts. */
  horizon: number;
  endSeq?: number;
  state: DrillState;
  /** All actions in time order, delivered or not. */
  actions: ActionRecord[];
  delivered: ActionRecord[];
  /** Delivered actions of one kind by one role, in time order (a step looks only at these). */
  deliveredBy(role: string, action: string): readonly ActionRecord[];
  injects: DeliveredInject[];
  /** Delivered grade changes by the grading authority, in time order. */
  gradeChanges: ActionRecord[];
  personsOf(role: string): string[];
  channelStateAt(channel: string, moment: Moment): string;
  gradeAt(moment: Moment): ActionRecord | undefined;
  entry(seq: number): LogEntry | undefined;
}

/** A sorted copy; a log is nearly always in order already, and checking that is one pass. */
function sortedCopy<T>(items: readonly T[], order: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++)
    if (order(items[i - 1] as T, items[i] as T) > 0) return [...items].sort(order);
  return [...items];
}

/**
 * Replays the log in time order (an evaluator's off-platform entry lands at its stated time),
 * keeping entries up to `at`, dropping resent actions and anything after the drill ended.
 */
export function buildContext(drill: Drill, log: readonly LogEntry[], at?: number): ScoringContext {
  const bySeq = sortedCopy(log, (a, b) => a.seq - b.seq);
  const seenIds = new Set<string>();
  const unique = bySeq.filter((entry) => {
    if (entry.type !== 'action' || !entry.id) return true;
    if (seenIds.has(entry.id)) return false;
    seenIds.add(entry.id);
    return true;
  });
  const lastT = unique.reduce((max, e) => Math.max(max, e.t), 0);
  const cutoff = at ?? lastT;
  const ended = unique.find((e) => e.type === 'ended' && e.t <= cutoff);
  const horizon = ended ? ended.t : cutoff;
  // Notes and overrides are often written after the drill (the hot wash): they still count.
  const annotation = (e: LogEntry) => (e.type === 'note' || e.type === 'override') && e.t <= cutoff;
  const kept = sortedCopy(
    unique.filter((e) => (e.t <= horizon && (e.type !== 'ended' || e === ended)) || annotation(e)),
    (a, b) => a.t - b.t || a.seq - b.seq,
  );
  const state = fold(drill, kept);
  const actions = state.actions;
  const delivered = actions.filter((a) => a.delivered);
  const authority = drill.manual.grading.authority;
  const gradeChanges = delivered.filter(
    (a) => a.effect === 'set-grade' && a.entry.role === authority && a.entry.fields.grade,
  );
  const persons = new Map<string, Set<string>>();
  const addPerson = (role: string, person?: string) => {
    if (!person) return;
    if (!persons.has(role)) persons.set(role, new Set());
    persons.get(role)?.add(person);
  };
  for (const p of state.participants) addPerson(p.role, p.person);
  for (const a of actions) addPerson(a.entry.role, a.entry.person);
  const changes = [...state.changes].sort(byMoment);
  const initialChannels = drill.scenario.channels;
  const entriesBySeq = new Map(kept.map((e) => [e.seq, e]));
  const byRoleAction = new Map<string, ActionRecord[]>();
  for (const record of delivered) {
    const key = `${record.entry.role}\u0000${record.entry.action}`;
    const list = byRoleAction.get(key);
    if (list) list.push(record);
    else byRoleAction.set(key, [record]);
  }
  return {
    drill,
    entries: kept,
    at: cutoff,
    ended: Boolean(ended),
    horizon,
    endSeq: ended?.seq,
    state,
    actions,
    delivered,
    deliveredBy: (role, action) => byRoleAction.get(`${role}\u0000${action}`) ?? [],
    injects: state.injects,
    gradeChanges,
    personsOf: (role) => [...(persons.get(role) ?? [])].sort(),
    channelStateAt: (channel, moment) => {
      let value: string = initialChannels[channel] ?? 'up';
      for (const change of changes) {
        if (!notAfter(change, moment)) break;
        if (change.channel === channel && change.state) value = change.state;
      }
      return value;
    },
    gradeAt: (moment) => gradeChanges.filter((g) => notAfter(momentOf(g), moment)).at(-1),
    entry: (seq) => entriesBySeq.get(seq),
  };
}
