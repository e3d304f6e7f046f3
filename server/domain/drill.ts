import { ms } from './duration.js';
import type { Action, Channel, Manual, Role, Step } from './schema/manual.js';
import type { Inject, Scenario } from './schema/scenario.js';

/**
 * A manual and a scenario, validated and indexed for the engine, the scoring and the bots.
 * Built once per drill; everything in it is read-only.
 */
export interface Drill {
  manual: Manual;
  scenario: Scenario;
  roles: ReadonlyMap<string, Role>;
  channels: ReadonlyMap<string, Channel>;
  actions: ReadonlyMap<string, Action>;
  steps: ReadonlyMap<string, Step>;
  injects: ReadonlyMap<string, Inject>;
  /** Scenario time limit, in ms of drill time. */
  limitMs: number;
}

const byId = <T extends { id: string }>(items: readonly T[]) =>
  new Map(items.map((item) => [item.id, item]));

/** Indexes a manual and a scenario that were checked together (see checkScenario). */
export function compileDrill(manual: Manual, scenario: Scenario): Drill {
  return {
    manual,
    scenario,
    roles: byId(manual.roles),
    channels: byId(manual.channels),
    actions: byId(manual.actions),
    steps: byId(manual.steps),
    injects: byId(scenario.injects),
    limitMs: ms(scenario.end.limit),
  };
}

/** Roles that read a channel. */
export function channelMembers(drill: Drill, channelId: string): string[] {
  const channel = drill.channels.get(channelId);
  if (!channel) return [];
  return channel.members === 'all' ? drill.manual.roles.map((r) => r.id) : [...channel.members];
}
