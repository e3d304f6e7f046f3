import { startState } from '../../domain/engine/reduce.js';
import type { ResolvedDrill } from '../../runtime/drill-library.js';

/**
 * What a facilitator sees of a scenario before scheduling it: its roles, its injects in order
 * (time offset or trigger, recipients, title), its services and data centres.
 */
export function scenarioPreview({ drill, manual, scenario }: ResolvedDrill) {
  const s = scenario.value;
  return {
    id: s.id,
    version: s.version,
    title: s.title,
    description: s.description,
    situation: s.situation,
    limit: s.end.limit,
    manual: { id: manual.value.id, version: manual.value.version, title: manual.value.title },
    roles: drill.manual.roles.map((r) => ({ id: r.id, name: r.name, duties: r.duties })),
    dataCentres: s.dataCentres,
    services: s.services.map((x) => ({ id: x.id, name: x.name, dataCentres: x.dataCentres })),
    injects: s.injects.map((i) => ({
      id: i.id,
      at: i.at,
      when: i.when && {
        after: i.when.after,
        delay: i.when.delay,
        unless: i.when.unless,
      },
      to: i.to,
      title: i.title,
      flags: i.flags,
    })),
  };
}
export type ScenarioPreview = ReturnType<typeof scenarioPreview>;

/** The parts of a drill's definition the live pages need to draw what its events change. */
export function drillDefinition({ drill }: ResolvedDrill) {
  const start = startState(drill);
  return {
    start: { channels: start.channels, services: start.services, alerts: start.alerts },
    roles: drill.manual.roles.map(({ id, name }) => ({ id, name })),
    grades: drill.manual.grades.map(({ id, name }) => ({ id, name })),
    channels: drill.manual.channels.map(({ id, name, kind, external }) => ({
      id,
      name,
      kind,
      external,
    })),
    actions: drill.manual.actions.map(({ id, name, channel, fields }) => ({
      id,
      name,
      channel,
      fields,
    })),
    steps: drill.manual.steps.map(({ id, title, role }) => ({ id, title, role })),
    rules: (drill.manual.rules ?? []).map(({ id, title }) => ({ id, title })),
    dataCentres: drill.scenario.dataCentres,
    services: drill.scenario.services.map(({ id, name, dataCentres, state }) => ({
      id,
      name,
      dataCentres,
      state,
    })),
    injects: Object.fromEntries(
      drill.scenario.injects.map((i) => [
        i.id,
        { title: i.title, to: i.to, effects: i.effects ?? {} },
      ]),
    ),
  };
}
