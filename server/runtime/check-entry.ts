import type { Drill } from '../domain/drill.js';

/** What an action names: checked against the drill's manual before it goes into the log. */
export interface ActionNames {
  role?: string;
  action: string;
  channel?: string;
  to?: readonly string[];
  ref?: number;
}

/**
 * Why an action cannot go into the log of `drill` whose last entry is `lastSeq`: it names a
 * role, action, channel or addressee the manual does not have, or answers an entry that does not
 * exist. `undefined` when it can. The message starts with the field, as the API's errors do.
 * The log is append-only: what goes in stays, so a participant's socket and an evaluator's
 * off-platform record are held to the same check.
 */
export function actionProblem(drill: Drill, lastSeq: number, a: ActionNames): string | undefined {
  if (a.role !== undefined && !drill.roles.has(a.role)) return `role: unknown role '${a.role}'`;
  if (!drill.actions.has(a.action)) return `action: unknown action '${a.action}'`;
  if (a.channel !== undefined && !drill.channels.has(a.channel))
    return `channel: unknown channel '${a.channel}'`;
  const role = a.to?.find((r) => !drill.roles.has(r));
  if (role !== undefined) return `to: unknown role '${role}'`;
  if (a.ref !== undefined && a.ref > lastSeq) return `ref: no entry #${a.ref} yet`;
  return undefined;
}

/** What an evaluator's override targets: a step, or a rule's violation. */
export type OverrideTarget = { step: string } | { rule: string };

/** Why an override cannot apply to `drill`: it names a step or rule the manual does not have. */
export function overrideProblem(drill: Drill, target: OverrideTarget): string | undefined {
  if ('step' in target)
    return drill.steps.has(target.step)
      ? undefined
      : `target.step: the manual has no step '${target.step}'`;
  return drill.manual.rules.some((r) => r.id === target.rule)
    ? undefined
    : `target.rule: the manual has no rule '${target.rule}'`;
}
