import { formatPath, type Problem } from './problem.js';
import type { Action, Anchor, EventTrigger, Manual, Selector, Step } from './schema/manual.js';

export type { Problem };

/** Reports ids listed twice in one list. */
export function duplicateIds(
  items: readonly { id: string }[],
  listPath: (string | number)[],
  what: string,
): Problem[] {
  const firstAt = new Map<string, number>();
  const problems: Problem[] = [];
  items.forEach((item, index) => {
    const first = firstAt.get(item.id);
    if (first === undefined) firstAt.set(item.id, index);
    else
      problems.push({
        path: [...listPath, index, 'id'],
        message: `duplicate ${what} id '${item.id}' (first defined at ${formatPath([...listPath, first])})`,
      });
  });
  return problems;
}

/** Collects problems about references to ids of one kind. */
export class RefChecker {
  readonly problems: Problem[] = [];

  constructor(private readonly known: Record<string, ReadonlySet<string>>) {}

  /** Checks that `value` (or each of `values`) names a known id of `kind`. */
  ref(kind: string, value: string | readonly string[] | undefined, path: (string | number)[]) {
    if (value === undefined) return;
    const values = typeof value === 'string' ? [value] : value;
    const ids = this.known[kind] ?? new Set<string>();
    values.forEach((id, index) => {
      if (!ids.has(id)) {
        const where = typeof value === 'string' ? path : [...path, index];
        const choices = [...ids].join(', ');
        this.problems.push({ path: where, message: `unknown ${kind} '${id}' (known: ${choices})` });
      }
    });
  }

  /** Checks that every key of a mapping names a known id of `kind`; the path ends at the key. */
  refKeys(kind: string, mapping: Record<string, unknown> | undefined, path: (string | number)[]) {
    for (const key of Object.keys(mapping ?? {})) this.ref(kind, key, [...path, key]);
  }

  add(path: (string | number)[], message: string) {
    this.problems.push({ path, message });
  }
}

/** The ids a manual defines, by kind. */
export function manualIds(manual: Manual): Record<string, ReadonlySet<string>> {
  const ids = (list: readonly { id: string }[]) => new Set(list.map((item) => item.id));
  return {
    role: ids(manual.roles),
    grade: ids(manual.grades),
    situation: ids(manual.situations),
    stage: ids(manual.stages),
    channel: ids(manual.channels),
    action: ids(manual.actions),
    step: ids(manual.steps),
  };
}

/**
 * Checks what the schema cannot: duplicate ids, references to unknown roles, channels, actions
 * and steps, prerequisite cycles, and steps that no role could ever satisfy.
 */
export function checkManual(manual: Manual): Problem[] {
  const lists = [
    ['roles', 'role'],
    ['grades', 'grade'],
    ['situations', 'situation'],
    ['stages', 'stage'],
    ['channels', 'channel'],
    ['actions', 'action'],
    ['steps', 'step'],
    ['rules', 'rule'],
  ] as const;
  const problems = lists.flatMap(([key, what]) => duplicateIds(manual[key], [key], what));
  const check = new RefChecker(manualIds(manual));

  manual.channels.forEach((channel, i) => {
    if (channel.members !== 'all') check.ref('role', channel.members, ['channels', i, 'members']);
  });
  manual.actions.forEach((action, i) => {
    problems.push(...duplicateIds(action.fields, ['actions', i, 'fields'], 'field'));
    const needs = { 'set-grade': 'grade', instruct: 'owner' } as Record<string, string>;
    const field = needs[action.effect];
    if (field && !action.fields.some((f) => f.id === field))
      check.add(
        ['actions', i, 'fields'],
        `an action with effect '${action.effect}' needs a field '${field}'`,
      );
  });
  for (const [i, step] of manual.steps.entries()) checkStep(manual, step, ['steps', i], check);
  problems.push(...prerequisiteCycles(manual.steps));
  manual.rules.forEach((rule, i) => {
    const at = ['rules', i];
    if ('select' in rule) checkSelector(rule.select, [...at, 'select'], check);
    switch (rule.kind) {
      case 'channel':
        check.ref('channel', rule.mustBe, [...at, 'mustBe']);
        check.ref('channel', rule.mustNotBe, [...at, 'mustNotBe']);
        check.ref('channel', rule.whileDown, [...at, 'whileDown']);
        if (!rule.mustBe && !rule.mustNotBe)
          check.add(at, 'a channel rule needs mustBe or mustNotBe');
        break;
      case 'only-roles':
        check.ref('role', rule.roles, [...at, 'roles']);
        break;
      case 'on-instruction':
        check.ref('role', rule.from, [...at, 'from']);
        break;
      case 'acknowledge-within':
        checkTrigger(rule.trigger, [...at, 'trigger'], check);
        break;
      case 'cadence':
        check.ref('role', rule.role, [...at, 'role']);
        checkAnchor(rule.from, [...at, 'from'], check);
        checkAnchor(rule.until, [...at, 'until'], check);
        break;
      case 'required-fields':
        for (const [f, field] of rule.fields.entries())
          if (!OWN_PARTS.has(field))
            needField(manual, rule.select.actions, field, [...at, 'fields', f], check);
        break;
      case 'forbidden-content':
        rule.patterns.forEach((pattern, p) => {
          try {
            new RegExp(pattern, 'iu');
          } catch (error) {
            const reason = (error as Error).message.replace(
              /^Invalid regular expression: \/.*\/\w*: /,
              '',
            );
            check.add([...at, 'patterns', p], `not a valid regular expression: ${reason}`);
          }
        });
        break;
      case 'relay':
        checkTrigger(rule.trigger, [...at, 'trigger'], check);
        check.ref('role', rule.to, [...at, 'to']);
        check.ref('action', rule.via, [...at, 'via']);
        check.ref('role', rule.chargeTo, [...at, 'chargeTo']);
        if (rule.sameField) {
          const carriers = [...(rule.via ?? []), ...(rule.trigger.actions ?? [])];
          needField(manual, carriers, rule.sameField, [...at, 'sameField'], check);
        }
        break;
    }
  });
  check.ref('role', manual.grading.authority, ['grading', 'authority']);
  check.refKeys('role', manual.scoring.pass.roles, ['scoring', 'pass', 'roles']);
  return [...problems, ...check.problems];
}

function checkSelector(select: Selector, at: (string | number)[], check: RefChecker) {
  check.ref('action', select.actions, [...at, 'actions']);
  check.ref('role', select.roles, [...at, 'roles']);
  check.ref('channel', select.channels, [...at, 'channels']);
}

function checkTrigger(trigger: EventTrigger, at: (string | number)[], check: RefChecker) {
  check.ref('action', trigger.actions, [...at, 'actions']);
  check.ref('role', trigger.roles, [...at, 'roles']);
  if (trigger.on === 'inject' && !trigger.flag)
    check.add([...at, 'flag'], "a trigger on 'inject' needs the flag the inject carries");
  if (trigger.on === 'action' && !trigger.actions)
    check.add([...at, 'actions'], "a trigger on 'action' needs the actions it is about");
}

function checkAnchor(anchor: Anchor, at: (string | number)[], check: RefChecker) {
  const needs = { inject: 'flag', step: 'step', action: 'action' } as const;
  const key = needs[anchor.on as keyof typeof needs];
  if (key && anchor[key] === undefined)
    check.add([...at, key], `an anchor on '${anchor.on}' needs '${key}'`);
  check.ref('step', anchor.step, [...at, 'step']);
  check.ref('action', anchor.action, [...at, 'action']);
}

/** Parts of every action that rules may name besides its fields. */
const OWN_PARTS = new Set(['text', 'channel', 'to', 'ref']);

/** Reports each of `actions` (known ones) that has no field `field`. */
function needField(
  manual: Manual,
  actions: readonly string[] | undefined,
  field: string,
  at: (string | number)[],
  check: RefChecker,
) {
  for (const id of actions ?? []) {
    const action: Action | undefined = manual.actions.find((a) => a.id === id);
    if (action && !action.fields.some((f) => f.id === field))
      check.add(at, `action '${id}' has no field '${field}'`);
  }
}

const ACTION_ANCHORS = new Set(['step', 'declaration', 'grade-change', 'task', 'action', 'close']);

function checkStep(manual: Manual, step: Step, at: (string | number)[], check: RefChecker) {
  check.ref('stage', step.stage, [...at, 'stage']);
  check.ref('role', step.role, [...at, 'role']);
  check.ref('action', step.do.action, [...at, 'do', 'action']);
  check.ref('channel', step.do.channel, [...at, 'do', 'channel']);
  check.ref('role', step.do.to, [...at, 'do', 'to']);
  checkAnchor(step.anchor, [...at, 'anchor'], check);
  check.ref('step', step.after, [...at, 'after']);
  check.ref('situation', step.onlyIf?.situations, [...at, 'onlyIf', 'situations']);
  check.ref('channel', step.onlyIf?.channelDown, [...at, 'onlyIf', 'channelDown']);
  check.ref('grade', step.onlyIf?.grades, [...at, 'onlyIf', 'grades']);
  if (step.anchor.step === step.id)
    check.add([...at, 'anchor', 'step'], 'a step cannot anchor on itself');
  if (step.within === 'task' && step.anchor.on !== 'task')
    check.add([...at, 'within'], "'within: task' needs an anchor on 'task'");
  if (step.do.refAnchor && !['task', 'inject'].includes(step.anchor.on))
    check.add([...at, 'do', 'refAnchor'], "refAnchor needs an anchor on 'task' or 'inject'");
  if (step.do.sameAsAnchor && !ACTION_ANCHORS.has(step.anchor.on))
    check.add([...at, 'do', 'sameAsAnchor'], `an anchor on '${step.anchor.on}' has no fields`);

  const action = manual.actions.find((a) => a.id === step.do.action);
  if (!action) return;
  for (const [f, field] of (step.do.sameAsAnchor ?? []).entries())
    needField(manual, [action.id], field, [...at, 'do', 'sameAsAnchor', f], check);
  for (const field of Object.keys(step.do.fields ?? {}))
    if (!action.fields.some((f) => f.id === field))
      check.add([...at, 'do', 'fields', field], `action '${action.id}' has no field '${field}'`);
  if (action.channel === 'none' && step.do.channel)
    check.add([...at, 'do', 'channel'], `action '${action.id}' is not said on a channel`);
  for (const id of [step.do.channel ?? []].flat()) {
    const channel = manual.channels.find((c) => c.id === id);
    if (channel && channel.members !== 'all' && !channel.members.includes(step.role))
      check.add(
        [...at, 'do', 'channel'],
        `role '${step.role}' is not a member of channel '${id}', so no role could satisfy this step`,
      );
  }
  const allowed = [step.do.channel ?? []].flat().filter((id) => !forbidsAlways(manual, step, id));
  if (step.do.channel && allowed.length === 0)
    check.add(
      [...at, 'do', 'channel'],
      'every channel this step accepts is forbidden by a channel rule, so no role could satisfy it',
    );
}

/** Whether an unconditional channel rule forbids `channel` for the step's action and role. */
function forbidsAlways(manual: Manual, step: Step, channel: string): boolean {
  return manual.rules.some((rule) => {
    if (rule.kind !== 'channel' || rule.whileDown) return false;
    const s = rule.select;
    if (s.actions && !s.actions.includes(step.do.action)) return false;
    if (s.roles && !s.roles.includes(step.role)) return false;
    if (rule.mustBe && !rule.mustBe.includes(channel)) return true;
    return rule.mustNotBe?.includes(channel) ?? false;
  });
}

/** Finds cycles through `after` prerequisites and step anchors. */
function prerequisiteCycles(steps: readonly Step[]): Problem[] {
  const index = new Map(steps.map((step, i) => [step.id, i]));
  // A step that names the same step in `after` and `anchor.step` has one edge to it, not two;
  // a step anchored on itself is reported by checkStep, not here.
  const edges = (step: Step) =>
    [...new Set([...step.after, ...(step.anchor.step ? [step.anchor.step] : [])])].filter(
      (id) => id !== step.id,
    );
  const state = new Map<string, 'visiting' | 'done'>();
  const problems: Problem[] = [];
  const visit = (id: string, trail: string[]) => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(id)), id];
      // Placed where the cycle starts, at the key that leads on to the next step in it.
      const first = steps[index.get(id) ?? 0];
      const key = first?.after.includes(cycle[1] ?? '') ? ['after'] : ['anchor', 'step'];
      problems.push({
        path: ['steps', index.get(id) ?? 0, ...key],
        message: `prerequisite cycle: ${cycle.join(' -> ')}`,
      });
      return;
    }
    const step = steps[index.get(id) ?? -1];
    if (!step) return;
    state.set(id, 'visiting');
    for (const next of edges(step)) visit(next, [...trail, id]);
    state.set(id, 'done');
  };
  for (const step of steps) visit(step.id, []);
  return problems;
}
