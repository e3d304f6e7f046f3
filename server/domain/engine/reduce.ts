import { channelMembers, type Drill } from '../drill.js';
import { parseDuration } from '../duration.js';
import { mapIn } from '../maps.js';
import type { ActionLogEntry, LogEntry } from '../schema/log.js';
import type { InjectEffects } from '../schema/scenario.js';
import { nextDue } from './due.js';
import { type ActionRecord, type DeliveredInject, type DrillState, initialState } from './state.js';

/** What the outside world must do after an entry was folded in. */
export type Effect =
  | { type: 'deliver-inject'; inject: DeliveredInject }
  | { type: 'deliver-action'; seq: number; to: string[] }
  | { type: 'world-changed' }
  | { type: 'timer'; at: number }
  | { type: 'ended'; reason: string };

/** The state before a drill's first entry, from its scenario's starting state. */
export function startState(drill: Drill): DrillState {
  const { scenario } = drill;
  const channels = Object.fromEntries(
    drill.manual.channels.map((c) => [c.id, scenario.channels[c.id] ?? 'up']),
  );
  const services = Object.fromEntries(scenario.services.map((s) => [s.id, s.state]));
  return initialState(channels, services, scenario.alerts);
}

/**
 * Folds one log entry into the drill state and says what must happen next. For speed on long
 * logs the state is consumed: it is updated in place and returned, so a caller that needs the
 * old state keeps a copy. No clock, no I/O: the same entries give the same state and effects.
 */
export function reduce(
  drill: Drill,
  state: DrillState,
  entry: LogEntry,
): { state: DrillState; effects: Effect[] } {
  const effects: Effect[] = [];
  apply(drill, state, entry, effects);
  const due = nextDue(drill, state);
  if (due) effects.push({ type: 'timer', at: due.t });
  return { state, effects };
}

/**
 * Folds several entries into `state` in place, as reduce() does one by one, and says what must
 * happen next: every entry's effects in order, then one timer for what is due after the last
 * (the timers reduce() gives for the entries before it are overtaken by it). Finding what is due
 * is the costly part of reducing one action, so a batch pays for it once.
 */
export function reduceAll(
  drill: Drill,
  state: DrillState,
  entries: readonly LogEntry[],
): { state: DrillState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const entry of entries) apply(drill, state, entry, effects);
  const due = nextDue(drill, state);
  if (due) effects.push({ type: 'timer', at: due.t });
  return { state, effects };
}

/** Folds a whole log, in the order given, into a fresh state. */
export function fold(drill: Drill, entries: readonly LogEntry[]): DrillState {
  const state = startState(drill);
  // Effects are not wanted here: skipping them (and the next-due search) keeps long logs fast.
  const kinds: Kinds = new Map();
  for (const entry of entries) apply(drill, state, entry, undefined, kinds);
  return state;
}

/**
 * Folds one entry into `state` in place; pushes what must happen next onto `effects`, if given.
 * `kinds`, when given, keeps what is learnt of each kind of action across a fold's entries.
 */
function apply(
  drill: Drill,
  state: DrillState,
  entry: LogEntry,
  effects: Effect[] | undefined,
  kinds?: Kinds,
) {
  state.seq = Math.max(state.seq, entry.seq);
  state.t = Math.max(state.t, entry.t);
  switch (entry.type) {
    case 'drill-started':
      state.status = 'running';
      state.startSeq = entry.seq;
      state.participants = entry.participants;
      break;
    case 'inject-delivered': {
      const delivered = deliverInject(drill, state, entry);
      if (delivered) effects?.push({ type: 'deliver-inject', inject: delivered });
      if (delivered && !delivered.adHoc) effects?.push({ type: 'world-changed' });
      break;
    }
    case 'action': {
      const record = recordAction(drill, state, entry, kindOf(drill, kinds, entry));
      if (record.delivered)
        effects?.push({ type: 'deliver-action', seq: entry.seq, to: record.recipients });
      break;
    }
    case 'channel-changed':
      state.channels[entry.channel] = entry.state;
      state.changes.push({
        seq: entry.seq,
        t: entry.t,
        channel: entry.channel,
        state: entry.state,
      });
      effects?.push({ type: 'world-changed' });
      break;
    case 'paused':
      if (state.status === 'running') state.status = 'paused';
      break;
    case 'resumed':
      if (state.status === 'paused') state.status = 'running';
      break;
    case 'ended':
      state.status = 'ended';
      state.endReason = entry.reason;
      state.endedAt = entry.t;
      effects?.push({ type: 'ended', reason: entry.reason });
      break;
    case 'note':
    case 'override':
      break;
  }
}

function deliverInject(
  drill: Drill,
  state: DrillState,
  entry: LogEntry & { type: 'inject-delivered' },
) {
  if (entry.adHoc) {
    const record: DeliveredInject = {
      seq: entry.seq,
      t: entry.t,
      inject: entry.inject,
      to: entry.adHoc.to,
      title: entry.adHoc.title,
      text: entry.adHoc.text,
      flags: [],
      adHoc: true,
    };
    state.injects.push(record);
    return record;
  }
  const inject = drill.injects.get(entry.inject);
  if (!inject || state.deliveredInjects.has(inject.id)) return undefined;
  state.deliveredInjects.set(inject.id, entry.seq);
  const record: DeliveredInject = {
    seq: entry.seq,
    t: entry.t,
    inject: inject.id,
    to: inject.to,
    title: inject.title,
    text: inject.text,
    flags: inject.flags,
    adHoc: false,
  };
  state.injects.push(record);
  if (inject.effects) applyEffects(state, inject.effects, entry.seq, entry.t);
  return record;
}

function applyEffects(state: DrillState, effects: InjectEffects, seq: number, t: number) {
  Object.assign(state.services, effects.services);
  for (const [channel, value] of Object.entries(effects.channels ?? {})) {
    state.channels[channel] = value;
    state.changes.push({ seq, t, channel, state: value });
  }
  const cleared = new Set(effects.clearAlerts ?? []);
  const raised = effects.raiseAlerts ?? [];
  const raisedIds = new Set(raised.map((a) => a.id));
  state.alerts = [
    ...state.alerts.filter((a) => !cleared.has(a.id) && !raisedIds.has(a.id)),
    ...raised,
  ];
}

const NOBODY: readonly string[] = Object.freeze([]);

/**
 * The other members of a channel, for an action said on it by `role`: one frozen list per
 * drill, channel and role, shared by every such action (a long log has thousands).
 */
const channelAudiences = new WeakMap<Drill, Map<string, Map<string, string[]>>>();
function othersOnChannel(drill: Drill, channel: string, role: string): string[] {
  const byRole = mapIn(mapIn(channelAudiences, drill), channel);
  let others = byRole.get(role);
  if (!others) {
    others = Object.freeze(channelMembers(drill, channel).filter((r) => r !== role)) as string[];
    byRole.set(role, others);
  }
  return others;
}

/** `action@role` keys made once each: building and hashing a new string per action is not free. */
const roleKeys = new Map<string, Map<string, string>>();
function actionByRole(action: string, role: string): string {
  let byRole = roleKeys.get(action);
  if (!byRole) {
    if (roleKeys.size > 10_000) roleKeys.clear();
    byRole = new Map();
    roleKeys.set(action, byRole);
  }
  let key = byRole.get(role);
  if (key === undefined) {
    key = `${action}@${role}`;
    byRole.set(role, key);
  }
  return key;
}

/**
 * What the fold needs of an action by one role that is the same for every such action of a
 * drill: its effect, its `action@role` key, the others on the channel it was last said on, and
 * whether it was already seen delivered. A long log has 100,000 actions of a few dozen kinds.
 */
interface Kind {
  effect: string;
  byRole: string;
  channel?: string;
  others: string[];
  seen: boolean;
}
type Kinds = Map<string, Map<string, Kind>>;

/** The entry's kind: kept in `kinds` for the next action of it, when given; else a fresh one. */
function kindOf(drill: Drill, kinds: Kinds | undefined, entry: ActionLogEntry): Kind {
  const mine = kinds && mapIn(kinds, entry.action);
  let kind = mine?.get(entry.role);
  if (!kind) {
    kind = {
      effect: drill.actions.get(entry.action)?.effect ?? 'message',
      byRole: actionByRole(entry.action, entry.role),
      others: NOBODY as string[],
      seen: false,
    };
    mine?.set(entry.role, kind);
  }
  return kind;
}

function recordAction(
  drill: Drill,
  state: DrillState,
  entry: ActionLogEntry,
  kind: Kind,
): ActionRecord {
  if (entry.id) state.actionIds.set(entry.id, entry.seq);
  const { effect } = kind;
  const channelUp = entry.channel === undefined || state.channels[entry.channel] !== 'down';
  let recipients = NOBODY as string[];
  if (channelUp && entry.to) recipients = entry.to.filter((role) => role !== entry.role);
  else if (channelUp && entry.channel) {
    if (kind.channel !== entry.channel) {
      kind.channel = entry.channel;
      kind.others = othersOnChannel(drill, entry.channel, entry.role);
    }
    recipients = kind.others;
  }
  const record: ActionRecord = { entry, effect, delivered: channelUp, recipients };
  state.actions.push(record);
  if (!record.delivered) return record;
  // After its kind's first delivery, both first times are known.
  if (!kind.seen) {
    if (!state.firstAction.has(entry.action)) state.firstAction.set(entry.action, entry.t);
    if (!state.firstAction.has(kind.byRole)) state.firstAction.set(kind.byRole, entry.t);
    kind.seen = true;
  }
  switch (effect) {
    case 'declare':
      state.declaredAt ??= entry.t;
      break;
    case 'close':
      state.closedAt ??= entry.t;
      break;
    case 'set-grade':
      if (entry.role === drill.manual.grading.authority && entry.fields.grade)
        state.grade = entry.fields.grade;
      break;
    case 'instruct': {
      const owner = entry.fields.owner ?? entry.to?.[0];
      if (!owner) break;
      const deadline = entry.fields.deadline ? parseDuration(entry.fields.deadline) : undefined;
      state.tasks.set(entry.seq, {
        seq: entry.seq,
        t: entry.t,
        by: entry.role,
        owner,
        ownerPerson: entry.fields.person,
        text: entry.fields.task ?? entry.text ?? '',
        deadline: deadline === undefined ? undefined : entry.t + deadline,
      });
      break;
    }
    case 'acknowledge':
    case 'task-done': {
      const task = entry.ref === undefined ? undefined : state.tasks.get(entry.ref);
      if (!task || task.owner !== entry.role) break;
      if (effect === 'acknowledge') task.acknowledged ??= entry.t;
      else task.done ??= entry.t;
      break;
    }
  }
  return record;
}
