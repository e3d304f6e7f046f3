import type { Drill } from '../drill.js';
import { fold } from '../engine/reduce.js';
import type { ActionRecord, DeliveredInject, DrillState } from '../engine/state.js';
import { listIn, mapIn, setIn } from '../maps.js';
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
  entries: readonly LogEntry[];
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
  /** Delivered actions of one kind, by any role, in time order. */
  deliveredOf(action: string): readonly ActionRecord[];
  /** Delivered actions whose action has this effect, in time order. */
  deliveredWith(effect: string): readonly ActionRecord[];
  /** All actions, delivered or not, of any of these kinds (every action if none given), in time order. */
  actionsOf(actions: readonly string[] | undefined): readonly ActionRecord[];
  injects: DeliveredInject[];
  /** Delivered grade changes by the grading authority, in time order. */
  gradeChanges: ActionRecord[];
  personsOf(role: string): string[];
  channelStateAt(channel: string, moment: Moment): string;
  gradeAt(moment: Moment): ActionRecord | undefined;
  entry(seq: number): LogEntry | undefined;
}

/** The items in order: themselves when already sorted (a log nearly always is), else a copy. */
function inOrder<T>(items: readonly T[], order: (a: T, b: T) => number): readonly T[] {
  for (let i = 1; i < items.length; i++)
    if (order(items[i - 1] as T, items[i] as T) > 0) return [...items].sort(order);
  return items;
}

/** Where an action of one kind by one role is indexed. */
interface Slot {
  all: ActionRecord[];
  ofEffect: ActionRecord[];
  /** Delivered actions of this kind by this role. */
  byRole: ActionRecord[];
  persons: Set<string>;
  /** The person last added to `persons`: the same one again needs no look-up. */
  lastPerson?: string;
}

/**
 * The first index in `records` (in time order) whose moment is after `moment`, by binary
 * search; `records.length` when none is.
 */
export function firstAfter(records: readonly ActionRecord[], moment: Moment): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const entry = (records[mid] as ActionRecord).entry;
    if (entry.t < moment.t || (entry.t === moment.t && entry.seq <= moment.seq)) low = mid + 1;
    else high = mid;
  }
  return low;
}

const NONE: readonly ActionRecord[] = Object.freeze([]);

/**
 * Replays the log in time order (an evaluator's off-platform entry lands at its stated time),
 * keeping entries up to `at`, dropping resent actions and anything after the drill ended.
 */
export function buildContext(drill: Drill, log: readonly LogEntry[], at?: number): ScoringContext {
  const bySeq = inOrder(log, (a, b) => a.seq - b.seq);
  const seenIds = new Set<string>();
  let lastT = 0;
  let resent = false;
  // The first end by `at`: with no `at`, the cut-off is the last entry, so the first end of all.
  let ended: LogEntry | undefined;
  for (const entry of bySeq) {
    if (entry.type === 'action' && entry.id) {
      if (seenIds.has(entry.id)) resent = true;
      seenIds.add(entry.id);
    } else if (entry.type === 'ended' && !ended && (at === undefined || entry.t <= at))
      ended = entry;
    if (entry.t > lastT) lastT = entry.t;
  }
  // Copied only when something is dropped: a long log nearly always keeps every entry.
  const unique = resent ? withoutResent(bySeq) : bySeq;
  const cutoff = at ?? lastT;
  const horizon = ended ? ended.t : cutoff;
  // Notes and overrides are often written after the drill (the hot wash): they still count.
  const keep = (e: LogEntry) =>
    (e.t <= horizon && (e.type !== 'ended' || e === ended)) ||
    ((e.type === 'note' || e.type === 'override') && e.t <= cutoff);
  // Whether every entry is kept, and already in time order, found in one walk.
  let dropsSome = false;
  let timeOrdered = true;
  for (let i = 0; i < unique.length; i++) {
    const entry = unique[i] as LogEntry;
    if (!keep(entry)) {
      dropsSome = true;
      break;
    }
    const before = unique[i - 1];
    if (before && byMoment(before, entry) > 0) timeOrdered = false;
  }
  const filtered = dropsSome ? unique.filter(keep) : unique;
  const kept = dropsSome || !timeOrdered ? inOrder(filtered, byMoment) : filtered;
  const state = fold(drill, kept);
  const actions = state.actions;
  const byEffect = new Map<string, ActionRecord[]>();
  const allByAction = new Map<string, ActionRecord[]>();
  const persons = new Map<string, Set<string>>();
  for (const p of state.participants) if (p.person) setIn(persons, p.role).add(p.person);
  // The lists an action of one kind by one role goes into, found once per pair (a long log has
  // a few dozen pairs and 100,000 actions); its own list is what deliveredBy() answers. An
  // action's effect comes from the drill's manual alone, so it is the same for every record of
  // the pair.
  const slots = new Map<string, Map<string, Slot>>();
  const slotOf = (role: string, action: string, effect: string): Slot => {
    const mine = mapIn(slots, role);
    let slot = mine.get(action);
    if (!slot) {
      slot = {
        all: listIn(allByAction, action),
        ofEffect: listIn(byEffect, effect),
        byRole: [],
        persons: setIn(persons, role),
      };
      mine.set(action, slot);
    }
    return slot;
  };
  let undelivered = false;
  for (const record of actions) {
    const { role, action, person } = record.entry;
    const slot = slotOf(role, action, record.effect);
    if (person && person !== slot.lastPerson) {
      slot.persons.add(person);
      slot.lastPerson = person;
    }
    slot.all.push(record);
    if (!record.delivered) {
      undelivered = true;
      continue;
    }
    slot.ofEffect.push(record);
    slot.byRole.push(record);
  }
  // The delivered lists are the lists of all, unless something was said on a channel that was
  // down (rare): 200,000 fewer array slots for a long log.
  const isDelivered = (record: ActionRecord) => record.delivered;
  const delivered = undelivered ? actions.filter(isDelivered) : actions;
  const byAction = new Map<string, ActionRecord[]>();
  for (const [action, all] of allByAction)
    byAction.set(action, undelivered ? all.filter(isDelivered) : all);
  const authority = drill.manual.grading.authority;
  const gradeChanges = (byEffect.get('set-grade') ?? []).filter(
    (a) => a.entry.role === authority && a.entry.fields.grade,
  );
  const changes = [...state.changes].sort(byMoment);
  const initialChannels = drill.scenario.channels;
  let entriesBySeq: Map<number, LogEntry> | undefined;
  const selections = new Map<string, readonly ActionRecord[]>();
  const actionsOf = (names: readonly string[] | undefined): readonly ActionRecord[] => {
    if (!names) return actions;
    const key = names.join('\u0000');
    let found = selections.get(key);
    if (!found) {
      const lists = [...new Set(names)].flatMap((name) => allByAction.get(name) ?? []);
      found = names.length > 1 ? lists.sort(byRecordMoment) : lists;
      selections.set(key, found);
    }
    return found;
  };
  const sortedPersons = new Map<string, string[]>();
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
    deliveredBy: (role, action) => slots.get(role)?.get(action)?.byRole ?? NONE,
    deliveredOf: (action) => byAction.get(action) ?? NONE,
    deliveredWith: (effect) => byEffect.get(effect) ?? NONE,
    actionsOf,
    injects: state.injects,
    gradeChanges,
    personsOf: (role) => {
      let list = sortedPersons.get(role);
      if (!list) {
        list = [...(persons.get(role) ?? [])].sort();
        sortedPersons.set(role, list);
      }
      return [...list];
    },
    channelStateAt: (channel, moment) => {
      let value: string = initialChannels[channel] ?? 'up';
      for (const change of changes) {
        if (!notAfter(change, moment)) break;
        if (change.channel === channel && change.state) value = change.state;
      }
      return value;
    },
    gradeAt: (moment) => gradeChanges.filter((g) => notAfter(momentOf(g), moment)).at(-1),
    entry: (seq) => {
      entriesBySeq ??= new Map(kept.map((e) => [e.seq, e]));
      return entriesBySeq.get(seq);
    },
  };
}

/** The entries without the resends of an action (a later entry with an earlier one's id). */
function withoutResent(entries: readonly LogEntry[]): LogEntry[] {
  const seen = new Set<string>();
  return entries.filter((entry) => {
    if (entry.type !== 'action' || !entry.id) return true;
    if (seen.has(entry.id)) return false;
    seen.add(entry.id);
    return true;
  });
}

const byRecordMoment = (a: ActionRecord, b: ActionRecord) =>
  a.entry.t - b.entry.t || a.entry.seq - b.entry.seq;
