import { channelMembers, type Drill } from '../../domain/drill.js';
import type { DrillState } from '../../domain/engine/state.js';
import type { Action, Rule } from '../../domain/schema/manual.js';
import { selects } from '../../domain/scoring/rules.js';

/** An action a bot wants to take, before the log gives it a time and a sequence number. */
export interface ActionDraft {
  id: string;
  role: string;
  person: string;
  action: string;
  channel?: string;
  to?: string[];
  text?: string;
  fields: Record<string, string>;
  ref?: number;
}

/** What the action must carry, from the step or duty that asks for it. */
export interface DraftSpec {
  role: string;
  action: string;
  channels?: string[];
  to?: string[];
  fields?: Record<string, string>;
  ref?: number;
  text: string;
  /** The grade a grade field should carry. */
  grade?: string;
}

const asRecord = (draft: { role: string; action: string; channel?: string }) =>
  ({ entry: { role: draft.role, action: draft.action, channel: draft.channel } }) as Parameters<
    typeof selects
  >[1];

/** Whether a channel rule would let `role` say `action` on `channel` in the drill's state now. */
function channelAllowed(
  drill: Drill,
  state: DrillState,
  spec: DraftSpec,
  channel: string,
): boolean {
  return drill.manual.rules.every((rule: Rule) => {
    const record = asRecord({ role: spec.role, action: spec.action, channel });
    if (rule.kind === 'only-roles')
      return !selects(rule.select, record) || rule.roles.includes(spec.role);
    if (rule.kind !== 'channel' || !selects(rule.select, record)) return true;
    if (rule.whileDown && state.channels[rule.whileDown] !== 'down') return true;
    if (rule.mustBe && !rule.mustBe.includes(channel)) return false;
    return !rule.mustNotBe?.includes(channel);
  });
}

/**
 * Picks where to say an action: a channel that is up, that the role and its addressees are on,
 * and that no rule forbids; the step's own channels first. Undefined when the action is not said
 * on a channel; null when no channel will do right now (the bot waits).
 */
export function chooseChannel(
  drill: Drill,
  state: DrillState,
  spec: DraftSpec,
  action: Action,
): string | undefined | null {
  if (action.channel === 'none') return undefined;
  if (action.channel === 'optional' && !spec.channels) return undefined;
  const candidates = spec.channels ?? drill.manual.channels.map((c) => c.id);
  const usable = candidates.filter((id) => {
    const members = channelMembers(drill, id);
    return (
      state.channels[id] !== 'down' &&
      members.includes(spec.role) &&
      (spec.to ?? []).every((role) => members.includes(role)) &&
      channelAllowed(drill, state, spec, id)
    );
  });
  return usable[0] ?? null;
}

/** Fills every field the action has, from the spec first and sensible values otherwise. */
export function fillFields(drill: Drill, spec: DraftSpec, action: Action): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const field of action.fields) {
    const given = spec.fields?.[field.id];
    if (given !== undefined) fields[field.id] = given;
    else if (field.type === 'grade' && spec.grade) fields[field.id] = spec.grade;
    else if (field.type === 'role' && spec.to?.[0]) fields[field.id] = spec.to[0];
    else if (field.type === 'duration') fields[field.id] = '20m';
    else if (field.type === 'choice' && field.options?.[0]) fields[field.id] = field.options[0];
    else if (field.type === 'text') fields[field.id] = spec.text;
    else if (field.type === 'grade') fields[field.id] = drill.manual.grades[0]?.id ?? '';
  }
  for (const [key, value] of Object.entries(spec.fields ?? {})) fields[key] ??= value;
  return fields;
}

/** The text a perfect participant says: plain, and clear of anything a rule forbids. */
export function cleanText(drill: Drill, spec: DraftSpec, text: string): string {
  const forbidden = drill.manual.rules.flatMap((rule) =>
    rule.kind === 'forbidden-content' && selects(rule.select, asRecord(spec))
      ? rule.patterns.map((p) => new RegExp(p, 'iu'))
      : [],
  );
  return forbidden.some((p) => p.test(text)) ? `Update from ${spec.role}.` : text;
}

/** Builds the action for a spec, or null when it cannot be said right now. */
export function compose(
  drill: Drill,
  state: DrillState,
  spec: DraftSpec,
  id: string,
  person: string,
  override: { channel?: string; text?: string } = {},
): ActionDraft | null {
  const action = drill.actions.get(spec.action);
  if (!action) return null;
  const channel = override.channel ?? chooseChannel(drill, state, spec, action);
  if (channel === null) return null;
  const text = override.text ?? cleanText(drill, spec, spec.text);
  const fields = fillFields(drill, { ...spec, text }, action);
  return {
    id,
    role: spec.role,
    person,
    action: spec.action,
    channel,
    to: spec.to,
    text,
    fields,
    ref: spec.ref,
  };
}
