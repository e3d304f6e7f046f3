import type { Drill } from '../drill.js';
import type { LogEntry } from '../schema/log.js';
import type { DrillState } from './state.js';

/**
 * Which roles may see a log entry: a filter over the one truth, like viewFor. An inject goes to
 * its recipients; an action to its actor and, if delivered, to whoever received it; changes of
 * the drill's state to everyone. Evaluator notes and overrides, and the start entry (it lists
 * every participant), are for staff only: an empty list.
 */
export function audienceOf(drill: Drill, state: DrillState, entry: LogEntry): string[] {
  const everyone = drill.manual.roles.map((r) => r.id);
  switch (entry.type) {
    case 'inject-delivered': {
      const delivered = latest(state.injects, (i) => i.seq === entry.seq);
      return delivered ? [...delivered.to] : [];
    }
    case 'action': {
      const record = latest(state.actions, (a) => a.entry.seq === entry.seq);
      if (!record) return [entry.role];
      return [...new Set([entry.role, ...record.recipients])];
    }
    case 'channel-changed':
    case 'paused':
    case 'resumed':
    case 'ended':
      return everyone;
    case 'drill-started':
    case 'note':
    case 'override':
      return [];
  }
}

/** An entry as a participant receives it: the inject's words instead of its id alone. */
export function participantEvent(
  drill: Drill,
  state: DrillState,
  entry: LogEntry,
): Record<string, unknown> {
  if (entry.type === 'inject-delivered') {
    const delivered = latest(state.injects, (i) => i.seq === entry.seq);
    return {
      seq: entry.seq,
      t: entry.t,
      type: entry.type,
      inject: entry.inject,
      title: delivered?.title,
      text: delivered?.text,
      flags: delivered?.flags ?? [],
      // The inject's effects, not the world now: a replayed event must read as it did live.
      effects: entry.adHoc ? undefined : drill.injects.get(entry.inject)?.effects,
    };
  }
  const { at: _at, ...rest } = entry;
  if (entry.type === 'action') {
    const record = latest(state.actions, (a) => a.entry.seq === entry.seq);
    return { ...rest, delivered: record?.delivered ?? false };
  }
  return rest;
}

/** The last item that matches: the entry being announced was usually just folded in, at the end. */
function latest<T>(items: readonly T[], match: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) if (match(items[i] as T)) return items[i];
  return undefined;
}
