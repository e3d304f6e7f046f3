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

/** The entries in sequence order: the log itself when it already is (it nearly always is). */
function inSeqOrder(log: readonly LogEntry[]): readonly LogEntry[] {
  for (let i = 1; i < log.length; i++)
    if ((log[i - 1] as LogEntry).seq > (log[i] as LogEntry).seq)
      return [...log].sort((a, b) => a.seq - b.seq);
  return log;
}

/*
 * The walks over a long log below are functions of their own, each with its one loop, rather
 * than loops of buildContext(): V8 compiles a loop that runs 100,000 times while the function
 * runs (on-stack replacement), before the code after it has ever run, and then throws that
 * compiled code away when it gets there. Measured on a 100,000-entry log, pinned to one core:
 * buildContext() was thrown away 10 times over its first four calls, and scoring took 100,
 * 133 and 72 ms in the second to fourth runs after start (94, 96 and 59 since); ~40 when warm.
 */

/** What one walk of the log in sequence order finds: the first end by `at`, resends, last time. */
function survey(bySeq: readonly LogEntry[], at: number | undefined) {
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
  return { ended, lastT, resent };
}

/** What is kept of the log: up to the end, and notes and overrides written after it. */
interface Cut {
  horizon: number;
  cutoff: number;
  ended: LogEntry | undefined;
}

/** Notes and overrides are often written after the drill (the hot wash): they still count. */
function keeps(cut: Cut, e: LogEntry): boolean {
  return (
    (e.t <= cut.horizon && (e.type !== 'ended' || e === cut.ended)) ||
    ((e.type === 'note' || e.type === 'override') && e.t <= cut.cutoff)
  );
}

/** Whether every entry is kept, and whether they are already in time order: one walk. */
function keptInOrder(unique: readonly LogEntry[], cut: Cut) {
  let timeOrdered = true;
  for (let i = 0; i < unique.length; i++) {
    const entry = unique[i] as LogEntry;
    if (!keeps(cut, entry)) return { dropsSome: true, timeOrdered };
    const before = unique[i - 1];
    if (before && byMoment(before, entry) > 0) timeOrdered = false;
  }
  return { dropsSome: false, timeOrdered };
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

/** The entries in time order: themselves when already so, else a sorted copy. */
function inTimeOrder(entries: readonly LogEntry[]): readonly LogEntry[] {
  for (let i = 1; i < entries.length; i++)
    if (byMoment(entries[i - 1] as LogEntry, entries[i] as LogEntry) > 0)
      return [...entries].sort(byMoment);
  return entries;
}

/** The context's lists of actions: by role and action, by effect, by action; persons by role. */
interface Index {
  slots: Map<string, Map<string, Slot>>;
  byEffect: Map<string, ActionRecord[]>;
  allByAction: Map<string, ActionRecord[]>;
  persons: Map<string, Set<string>>;
}

/**
 * The lists an action of one kind by one role goes into, found once per pair (a long log has
 * a few dozen pairs and 100,000 actions); its own list is what deliveredBy() answers. An
 * action's effect comes from the drill's manual alone, so it is the same for every record of
 * the pair.
 */
function slotOf(index: Index, role: string, action: string, effect: string): Slot {
  const mine = mapIn(index.slots, role);
  let slot = mine.get(action);
  if (!slot) {
    slot = {
      all: listIn(index.allByAction, action),
      ofEffect: listIn(index.byEffect, effect),
      byRole: [],
      persons: setIn(index.persons, role),
    };
    mine.set(action, slot);
  }
  return slot;
}

/** Files each action in its lists; says whether any was not delivered. */
function fileActions(actions: readonly ActionRecord[], index: Index): boolean {
  let undelivered = false;
  for (const record of actions) {
    const { role, action, person } = record.entry;
    const slot = slotOf(index, role, action, record.effect);
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
  return undelivered;
}

/**
 * Replays the log in time order (an evaluator's off-platform entry lands at its stated time),
 * keeping entries up to `at`, dropping resent actions and anything after the drill ended.
 */
export function buildContext(drill: Drill, log: readonly LogEntry[], at?: number): ScoringContext {
  const bySeq = inSeqOrder(log);
  const { ended, lastT, resent } = survey(bySeq, at);
  // Copied only when something is dropped: a long log nearly always keeps every entry.
  const unique = resent ? withoutResent(bySeq) : bySeq;
  const cutoff = at ?? lastT;
  const cut: Cut = { horizon: ended ? ended.t : cutoff, cutoff, ended };
  const { horizon } = cut;
  const { dropsSome, timeOrdered } = keptInOrder(unique, cut);
  const filtered = dropsSome ? unique.filter((e) => keeps(cut, e)) : unique;
  const kept = dropsSome || !timeOrdered ? inTimeOrder(filtered) : filtered;
  const state = fold(drill, kept);
  const actions = state.actions;
  const index: Index = {
    slots: new Map(),
    byEffect: new Map(),
    allByAction: new Map(),
    persons: new Map(),
  };
  const { slots, byEffect, allByAction, persons } = index;
  for (const p of state.participants) if (p.person) setIn(persons, p.role).add(p.person);
  const undelivered = fileActions(actions, index);
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
