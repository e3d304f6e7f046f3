import type { Drill } from '../drill.js';
import { ms } from '../duration.js';
import type { Trigger } from '../schema/scenario.js';
import type { DrillState } from './state.js';

/** An entry the scenario says is due at drill time `t`, still without its sequence number. */
export interface DueEntry {
  t: number;
  entry:
    | { type: 'inject-delivered'; inject: string }
    | { type: 'ended'; reason: 'end-condition' | 'time-limit' };
}

/** Drill time at which a scenario trigger first happened, if it has. */
export function triggerTime(state: DrillState, trigger: Trigger): number | undefined {
  if (trigger.inject !== undefined)
    return state.injects.find((i) => i.inject === trigger.inject && !i.adHoc)?.t;
  if (trigger.action === undefined) return undefined;
  const key = trigger.role ? `${trigger.action}@${trigger.role}` : trigger.action;
  return state.firstAction.get(key);
}

/**
 * The next entry the scenario makes due, and when: an inject (at its offset, or `delay` after
 * its trigger unless cancelled first) or the end of the drill. Nothing is due unless the drill
 * is running. Ties go to injects, in scenario order, before the end.
 */
export function nextDue(drill: Drill, state: DrillState): DueEntry | undefined {
  if (state.status !== 'running') return undefined;
  let best: DueEntry | undefined;
  const consider = (candidate: DueEntry) => {
    if (!best || candidate.t < best.t) best = candidate;
  };
  for (const inject of drill.scenario.injects) {
    if (state.deliveredInjects.has(inject.id)) continue;
    const at = injectDueAt(state, inject);
    if (at !== undefined)
      consider({ t: at, entry: { type: 'inject-delivered', inject: inject.id } });
  }
  const end = drill.scenario.end;
  const after = end.after ? triggerTime(state, end.after) : undefined;
  const endCondition = after === undefined ? undefined : after + ms(end.delay);
  if (endCondition !== undefined && endCondition < drill.limitMs)
    consider({ t: endCondition, entry: { type: 'ended', reason: 'end-condition' } });
  else consider({ t: drill.limitMs, entry: { type: 'ended', reason: 'time-limit' } });
  return best;
}

function injectDueAt(state: DrillState, inject: Drill['scenario']['injects'][number]) {
  if (inject.at !== undefined) return ms(inject.at);
  if (!inject.when) return undefined;
  const after = triggerTime(state, inject.when.after);
  if (after === undefined) return undefined;
  const due = after + ms(inject.when.delay);
  const unless = inject.when.unless ? triggerTime(state, inject.when.unless) : undefined;
  return unless !== undefined && unless <= due ? undefined : due;
}
