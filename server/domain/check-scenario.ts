import { duplicateIds, manualIds, type Problem, RefChecker } from './check-manual.js';
import type { Manual } from './schema/manual.js';
import type { Scenario, Trigger } from './schema/scenario.js';

/**
 * Checks a scenario against the manual it names: the situation class, roles, channels and
 * actions it refers to, its own services, alerts and injects, and cycles between conditional
 * injects.
 */
export function checkScenario(scenario: Scenario, manual: Manual): Problem[] {
  if (scenario.manual !== manual.id)
    return [{ path: ['manual'], message: `names manual '${scenario.manual}', not '${manual.id}'` }];
  const problems = [
    ...duplicateIds(scenario.dataCentres, ['dataCentres'], 'data centre'),
    ...duplicateIds(scenario.services, ['services'], 'service'),
    ...duplicateIds(scenario.injects, ['injects'], 'inject'),
  ];
  const raised = [
    ...scenario.alerts,
    ...scenario.injects.flatMap((i) => i.effects?.raiseAlerts ?? []),
  ];
  const ids = (list: readonly { id: string }[]) => new Set(list.map((item) => item.id));
  const check = new RefChecker({
    ...manualIds(manual),
    'data centre': ids(scenario.dataCentres),
    service: ids(scenario.services),
    inject: ids(scenario.injects),
    alert: ids(raised),
  });

  check.ref('situation', scenario.situation, ['situation']);
  for (const [i, s] of scenario.services.entries())
    check.ref('data centre', s.dataCentres, ['services', i, 'dataCentres']);
  check.refKeys('channel', scenario.channels, ['channels']);
  for (const [i, a] of scenario.alerts.entries())
    check.ref('service', a.service, ['alerts', i, 'service']);
  scenario.expectedGrades.forEach((expected, i) => {
    const at = ['expectedGrades', i];
    check.ref('grade', expected.grade, [...at, 'grade']);
    check.ref('inject', expected.afterInject, [...at, 'afterInject']);
    if ((expected.at === undefined) === (expected.afterInject === undefined))
      check.add(at, "give exactly one of 'at' and 'afterInject'");
  });
  scenario.injects.forEach((inject, i) => {
    const at = ['injects', i];
    check.ref('role', inject.to, [...at, 'to']);
    if ((inject.at === undefined) === (inject.when === undefined))
      check.add(at, "give exactly one of 'at' and 'when'");
    if (inject.when) {
      checkTrigger(inject.when.after, [...at, 'when', 'after'], check);
      if (inject.when.unless) checkTrigger(inject.when.unless, [...at, 'when', 'unless'], check);
      if (inject.when.after.inject === inject.id)
        check.add([...at, 'when', 'after', 'inject'], 'an inject cannot wait for itself');
    }
    const effects = inject.effects;
    check.refKeys('service', effects?.services, [...at, 'effects', 'services']);
    check.refKeys('channel', effects?.channels, [...at, 'effects', 'channels']);
    for (const [j, a] of (effects?.raiseAlerts ?? []).entries())
      check.ref('service', a.service, [...at, 'effects', 'raiseAlerts', j, 'service']);
    check.ref('alert', effects?.clearAlerts, [...at, 'effects', 'clearAlerts']);
  });
  if (scenario.end.after) checkTrigger(scenario.end.after, ['end', 'after'], check);
  problems.push(...injectCycles(scenario));
  return [...problems, ...check.problems];
}

function checkTrigger(trigger: Trigger, at: (string | number)[], check: RefChecker) {
  if ((trigger.action === undefined) === (trigger.inject === undefined))
    check.add(at, "give exactly one of 'action' and 'inject'");
  check.ref('action', trigger.action, [...at, 'action']);
  check.ref('role', trigger.role, [...at, 'role']);
  check.ref('inject', trigger.inject, [...at, 'inject']);
}

function injectCycles(scenario: Scenario): Problem[] {
  const waitsFor = new Map(scenario.injects.map((i) => [i.id, i.when?.after.inject]));
  const problems: Problem[] = [];
  scenario.injects.forEach((inject, index) => {
    const seen = [inject.id];
    let next = waitsFor.get(inject.id);
    while (next && next !== inject.id && !seen.includes(next)) {
      seen.push(next);
      next = waitsFor.get(next);
    }
    if (next === inject.id && seen.length > 1)
      problems.push({
        path: ['injects', index, 'when', 'after', 'inject'],
        message: `injects wait for each other in a cycle: ${[...seen, inject.id].join(' -> ')}`,
      });
  });
  return problems;
}
