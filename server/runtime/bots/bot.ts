import { ms } from '../../domain/duration.js';
import { between, seededRandom } from '../random.js';
import { type ActionDraft, compose } from './compose.js';
import { type Duty, dutiesOf, expectedGrade, type Situation } from './duties.js';
import { ETA_PROMISE, type Fault } from './faults.js';

export interface BotOptions {
  seed: number;
  faults: readonly Fault[];
  /** Reaction time of a participant, in ms: drawn per duty between these. */
  reaction?: { min: number; max: number };
}

/** What a bot does now, and when it next wants to be asked. */
export interface Decision {
  actions: ActionDraft[];
  wakeAt?: number;
}

const DEFAULT_REACTION = { min: 5_000, max: 30_000 };

/** A number from the seed and a name: the same duty always gets the same reaction time. */
function hashSeed(seed: number, key: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The person a bot plays in a role. */
export const botPerson = (role: string) => `bot-${role}`;

interface Plan {
  duty: Duty;
  delay: number;
  faulted: boolean;
  channel?: string;
  text?: string;
}

/**
 * Decides what the bot playing `role` does at the situation's moment: a perfect participant
 * acts on every duty a reaction time after it arises, on a channel the rules allow; each fault
 * in `options.faults` bends that in its own way.
 */
export function decide(s: Situation, role: string, options: BotOptions): Decision {
  const plans = [...dutiesOf(s, role), ...faultDuties(s, role, options.faults)].flatMap((duty) =>
    planDuty(s, role, duty, options.faults),
  );
  const reaction = options.reaction ?? DEFAULT_REACTION;
  const actions: ActionDraft[] = [];
  let wakeAt: number | undefined;
  for (const plan of plans) {
    const { duty } = plan;
    const random = seededRandom(hashSeed(options.seed, `${role}:${duty.key}`));
    // Whole seconds, as a person would note them in a timeline.
    let delay =
      1000 * between(random, Math.ceil(reaction.min / 1000), Math.floor(reaction.max / 1000));
    if (duty.deadline !== undefined)
      delay = Math.min(delay, Math.max(0, duty.deadline - duty.since));
    const actAt = duty.since + delay + plan.delay;
    const prefix = `${role}:${duty.key}#`;
    // Over a socket the hub prefixes the client's id with its link's id.
    const attempts = [...s.ctx.state.actionIds.keys()].filter(
      (id) => id.startsWith(prefix) || id.includes(`:${prefix}`),
    ).length;
    if (attempts >= (plan.faulted ? 1 : 3)) continue;
    if (actAt > s.now) {
      wakeAt = Math.min(wakeAt ?? actAt, actAt);
      continue;
    }
    const draft = compose(
      s.drill,
      s.ctx.state,
      duty.spec,
      `${prefix}${attempts + 1}`,
      botPerson(role),
      {
        channel: plan.channel,
        text: plan.text,
      },
    );
    if (draft) actions.push(draft);
  }
  return { actions, wakeAt };
}

function matchesRole(fault: { role?: string }, role: string) {
  return fault.role === undefined || fault.role === role;
}

/** Applies the faults to one duty: drop it, delay it, or change what is said and where. */
function planDuty(s: Situation, role: string, duty: Duty, faults: readonly Fault[]): Plan[] {
  const plan: Plan = { duty, delay: 0, faulted: duty.key.startsWith('fault:') };
  // Out of role, the usual channel choice would refuse the channel: say it there anyway.
  if (duty.key.startsWith('fault:speak-out-of-role')) plan.channel = duty.spec.channels?.[0];
  const effect = s.drill.actions.get(duty.spec.action)?.effect;
  for (const fault of faults) {
    switch (fault.kind) {
      case 'skip':
        if (duty.step === fault.step) return [];
        break;
      case 'never-acknowledge':
        if (fault.role === role && effect === 'acknowledge') return [];
        break;
      case 'late':
        if (fault.step ? duty.step === fault.step : matchesRole(fault, role)) {
          plan.delay += ms(fault.by);
          plan.faulted = true;
        }
        break;
      case 'wrong-channel':
        if (duty.step === fault.step) {
          plan.channel = fault.channel;
          plan.faulted = true;
        }
        break;
      case 'promise-eta':
        if (
          matchesRole(fault, role) &&
          (fault.action ? duty.spec.action === fault.action : effect === 'external-notice')
        ) {
          plan.text = `${duty.spec.text} ${ETA_PROMISE}`;
          plan.faulted = true;
        }
        break;
      case 'wrong-grade':
        if (effect === 'set-grade' && role === s.drill.manual.grading.authority) {
          const right = expectedGrade(s, s.now);
          const wrong =
            fault.grade ??
            s.drill.manual.grades
              .map((g) => g.id)
              .filter((g) => g !== right)
              .at(-1);
          if (wrong)
            duty.spec = {
              ...duty.spec,
              grade: wrong,
              fields: { ...duty.spec.fields, grade: wrong },
            };
          plan.faulted = true;
        }
        break;
      case 'act-without-instruction':
      case 'speak-out-of-role':
        break;
    }
  }
  return [plan];
}

/** One-off actions that only a faulty participant takes. */
function faultDuties(s: Situation, role: string, faults: readonly Fault[]): Duty[] {
  const { drill, ctx } = s;
  const fault = ctx.injects.find((i) => i.flags.includes('fault-visible'));
  return faults.flatMap((f): Duty[] => {
    if (f.kind === 'act-without-instruction' && f.role === role && fault) {
      const action =
        f.action ??
        drill.manual.rules.flatMap((r) =>
          r.kind === 'on-instruction' && (!r.select.roles || r.select.roles.includes(role))
            ? (r.select.actions ?? [])
            : [],
        )[0];
      if (!action) return [];
      return [
        {
          key: `fault:act-without-instruction:${action}`,
          since: fault.t,
          spec: { role, action, text: 'Restarting the failed service now on my own.' },
        },
      ];
    }
    if (
      f.kind === 'speak-out-of-role' &&
      f.role === role &&
      (ctx.state.declaredAt !== undefined || fault)
    ) {
      return [
        {
          key: `fault:speak-out-of-role:${f.action}`,
          since: ctx.state.declaredAt ?? fault?.t ?? 0,
          spec: {
            role,
            action: f.action,
            channels: f.channel ? [f.channel] : outOfRoleChannels(s, f.action),
            text: 'We are aware of an issue and are working on it.',
          },
        },
      ];
    }
    return [];
  });
}

/** Where a participant speaking out of role would say it: the channels its rightful owner uses. */
function outOfRoleChannels(s: Situation, action: string): string[] {
  const steps = s.drill.manual.steps.filter((st) => st.do.action === action && st.do.channel);
  const named = steps.flatMap((st) => [st.do.channel ?? []].flat());
  return named.length ? named : s.drill.manual.channels.map((c) => c.id);
}
