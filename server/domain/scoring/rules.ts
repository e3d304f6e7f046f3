import { ms } from '../duration.js';
import type { ActionRecord } from '../engine/state.js';
import type { EventTrigger, Rule, Selector } from '../schema/manual.js';
import { anchorOccurrences, type Completion } from './anchors.js';
import { byMoment, firstAfter, momentOf, type ScoringContext } from './context.js';
import type { RuleResult, Violation } from './scorecard.js';

type Found = Omit<Violation, 'n'>;

/** The actions a selector picks, delivered or not, in time order. */
function selected(ctx: ScoringContext, select: Selector): ActionRecord[] {
  return ctx.actionsOf(select.actions).filter((record) => selects(select, record));
}

export function selects(select: Selector, record: ActionRecord): boolean {
  const { entry } = record;
  if (select.actions && !select.actions.includes(entry.action)) return false;
  if (select.roles && !select.roles.includes(entry.role)) return false;
  if (select.channels && !select.channels.includes(entry.channel ?? '')) return false;
  return true;
}

const charge = (record: ActionRecord, message: string, evidence = [record.entry.seq]): Found => ({
  t: record.entry.t,
  role: record.entry.role,
  person: record.entry.person,
  evidence,
  message,
});

/** Something that happened and now demands an answer: a task, an inject, an action. */
export interface Demand {
  t: number;
  seq: number;
  /** Roles that learnt of it and must answer (acknowledge, or relay). */
  roles: string[];
  persons: Map<string, string | undefined>;
  record?: ActionRecord;
}

/**
 * What a trigger demands an answer to. For an action, `answerers` says who must answer: its
 * recipients (who must acknowledge it) or its actor (who must pass on what they know).
 */
export function demands(
  ctx: ScoringContext,
  trigger: EventTrigger,
  answerers: 'recipients' | 'actor' = 'actor',
): Demand[] {
  if (trigger.on === 'inject')
    return ctx.injects
      .filter((i) => trigger.flag && i.flags.includes(trigger.flag))
      .filter((i) => !trigger.roles || i.to.some((r) => trigger.roles?.includes(r)))
      .map((i) => ({ t: i.t, seq: i.seq, roles: i.to, persons: new Map() }));
  if (trigger.on === 'task')
    return [...ctx.state.tasks.values()]
      .filter((task) => !trigger.roles || trigger.roles.includes(task.owner))
      .map((task) => ({
        t: task.t,
        seq: task.seq,
        roles: [task.owner],
        persons: new Map([[task.owner, task.ownerPerson]]),
        record: ctx.deliveredWith('instruct').find((a) => a.entry.seq === task.seq),
      }));
  return selected(ctx, { actions: trigger.actions, roles: trigger.roles })
    .filter((record) => record.delivered)
    .map((record) => ({
      ...momentOf(record),
      roles: answerers === 'actor' ? [record.entry.role] : record.recipients,
      persons: new Map(answerers === 'actor' ? [[record.entry.role, record.entry.person]] : []),
      record,
    }));
}

/**
 * Judges a demand with a deadline: answered in time, still open (no violation yet), or broken.
 * `answer` finds the first action after the demand that meets it, among `candidates` (delivered
 * actions in time order that include every possible answer).
 */
function judgeDeadline(
  ctx: ScoringContext,
  demand: Demand,
  withinMs: number,
  candidates: readonly ActionRecord[],
  answer: (record: ActionRecord) => boolean,
): { late?: ActionRecord; broken: boolean } {
  const deadline = demand.t + withinMs;
  let reply: ActionRecord | undefined;
  for (let i = firstAfter(candidates, demand); i < candidates.length && !reply; i++) {
    const record = candidates[i] as ActionRecord;
    if (answer(record)) reply = record;
  }
  if (reply && reply.entry.t <= deadline) return { broken: false };
  if (!reply && !ctx.ended && ctx.at <= deadline) return { broken: false };
  return { late: reply, broken: true };
}

function judgeRule(
  ctx: ScoringContext,
  rule: Rule,
  completions: ReadonlyMap<string, readonly Completion[]>,
): Found[] {
  switch (rule.kind) {
    case 'channel':
      // The channel first: it is cheap, and rules out most actions before their moment is
      // looked up in the channel's history.
      return selected(ctx, rule.select)
        .filter((record) => {
          const channel = record.entry.channel ?? '';
          return (
            (rule.mustBe && !rule.mustBe.includes(channel)) || rule.mustNotBe?.includes(channel)
          );
        })
        .filter(
          (record) =>
            !rule.whileDown || ctx.channelStateAt(rule.whileDown, momentOf(record)) === 'down',
        )
        .map((record) =>
          charge(
            record,
            `${record.entry.action} said on ${record.entry.channel ?? 'no channel'}` +
              (rule.mustBe ? `; must be on ${rule.mustBe.join(' or ')}` : '') +
              (rule.whileDown ? ` while ${rule.whileDown} is down` : ''),
          ),
        );
    case 'only-roles':
      return selected(ctx, rule.select)
        .filter((record) => !rule.roles.includes(record.entry.role))
        .map((record) =>
          charge(
            record,
            `${record.entry.action} by ${record.entry.role}; only ${rule.roles.join(', ')} may`,
          ),
        );
    case 'on-instruction':
      return selected(ctx, rule.select)
        .filter((record) => {
          const task =
            record.entry.ref === undefined ? undefined : ctx.state.tasks.get(record.entry.ref);
          return (
            !task ||
            task.by !== rule.from ||
            task.owner !== record.entry.role ||
            task.t > record.entry.t
          );
        })
        .map((record) =>
          charge(
            record,
            `${record.entry.action} without an instruction from ${rule.from} (no ref to its task)`,
          ),
        );
    case 'acknowledge-within':
      return demands(ctx, rule.trigger, 'recipients').flatMap((demand) =>
        demand.roles.flatMap((role): Found[] => {
          const { late, broken } = judgeDeadline(
            ctx,
            demand,
            ms(rule.within),
            ctx.deliveredWith('acknowledge'),
            (r) =>
              r.effect === 'acknowledge' && r.entry.role === role && r.entry.ref === demand.seq,
          );
          if (!broken) return [];
          return [
            {
              t: late ? late.entry.t : demand.t + ms(rule.within),
              role,
              person: late?.entry.person ?? demand.persons.get(role),
              evidence: late ? [demand.seq, late.entry.seq] : [demand.seq],
              message: late
                ? `acknowledged ${(late.entry.t - demand.t) / 1000}s after #${demand.seq}; limit ${rule.within}`
                : `#${demand.seq} never acknowledged by ${role} within ${rule.within}`,
            },
          ];
        }),
      );
    case 'relay': {
      const carriers = rule.via
        ? ctx.actionsOf(rule.via).filter((record) => record.delivered)
        : ctx.delivered;
      return demands(ctx, rule.trigger).flatMap((demand): Found[] => {
        const told = demand.roles;
        if (told.includes(rule.to) || demand.record?.recipients.includes(rule.to)) {
          const direct = demand.record;
          if (direct && (!rule.via || rule.via.includes(direct.entry.action))) return [];
        }
        const value = rule.sameField ? demand.record?.entry.fields[rule.sameField] : undefined;
        const { late, broken } = judgeDeadline(
          ctx,
          demand,
          ms(rule.within),
          carriers,
          (r) =>
            r.entry.role !== rule.to &&
            r.recipients.includes(rule.to) &&
            (!rule.via || rule.via.includes(r.entry.action)) &&
            (!rule.sameField || r.entry.fields[rule.sameField] === value),
        );
        if (!broken) return [];
        const role = rule.chargeTo ?? told[0] ?? rule.to;
        return [
          {
            t: late ? late.entry.t : demand.t + ms(rule.within),
            role,
            person: demand.persons.get(role),
            evidence: late ? [demand.seq, late.entry.seq] : [demand.seq],
            message: `what #${demand.seq} told ${told.join(', ')} did not reach ${rule.to} within ${rule.within}${
              late ? ` (it arrived at #${late.entry.seq})` : ''
            }`,
          },
        ];
      });
    }
    case 'cadence':
      return judgeCadence(ctx, rule, completions);
    case 'required-fields':
      return selected(ctx, rule.select).flatMap((record) => {
        const missing = rule.fields.filter((field) => !hasField(record, field));
        return missing.length
          ? [charge(record, `${record.entry.action} lacks ${missing.join(', ')}`)]
          : [];
      });
    case 'forbidden-content': {
      const patterns = rule.patterns.map((p) => new RegExp(p, 'iu'));
      return selected(ctx, rule.select).flatMap((record) => {
        const said = [record.entry.text ?? '', ...Object.values(record.entry.fields)].join('\n');
        const hit = patterns.map((p) => p.exec(said)?.[0]).find((m) => m !== undefined);
        return hit === undefined ? [] : [charge(record, `says "${hit}"`)];
      });
    }
  }
}

function hasField(record: ActionRecord, field: string): boolean {
  const { entry } = record;
  const own: Record<string, unknown> = {
    text: entry.text,
    channel: entry.channel,
    to: entry.to,
    ref: entry.ref,
  };
  const value = field in own ? own[field] : entry.fields[field];
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && String(value).trim() !== '';
}

function judgeCadence(
  ctx: ScoringContext,
  rule: Extract<Rule, { kind: 'cadence' }>,
  completions: ReadonlyMap<string, readonly Completion[]>,
): Found[] {
  const from = anchorOccurrences(ctx, rule.from, undefined, completions)[0];
  if (!from) return [];
  const until = anchorOccurrences(ctx, rule.until, undefined, completions).find(
    (o) => byMoment(o, from) > 0,
  );
  const limit = ms(rule.every);
  const events = ctx
    .actionsOf(rule.select.actions)
    .filter(
      (r) =>
        r.delivered &&
        r.entry.role === rule.role &&
        selects(rule.select, r) &&
        byMoment(momentOf(r), from) > 0 &&
        (!until || byMoment(momentOf(r), until) <= 0),
    );
  const found: Found[] = [];
  let previous: { t: number; seq: number } = from;
  const gap = (t: number, evidence: number[], ending: string) => {
    if (t - previous.t > limit)
      found.push({
        t,
        role: rule.role,
        evidence,
        message: `${(t - previous.t) / 60_000} min without an update (${ending}); at most ${rule.every}`,
      });
  };
  for (const event of events) {
    gap(event.entry.t, [previous.seq, event.entry.seq], `#${previous.seq} to #${event.entry.seq}`);
    previous = momentOf(event);
  }
  if (until)
    gap(
      until.t,
      [previous.seq, until.seq],
      `#${previous.seq} to the end of the window #${until.seq}`,
    );
  else if (ctx.ended)
    gap(
      ctx.horizon,
      [previous.seq, ...(ctx.endSeq ? [ctx.endSeq] : [])],
      `#${previous.seq} to the end of the drill`,
    );
  else gap(ctx.at, [previous.seq], `#${previous.seq} until now`);
  return found;
}

/** Judges every rule: kept, or each violation with the entries that show it. */
export function judgeRules(
  ctx: ScoringContext,
  completions: ReadonlyMap<string, readonly Completion[]>,
): RuleResult[] {
  return ctx.drill.manual.rules.map((rule) => {
    const violations = judgeRule(ctx, rule, completions)
      .sort((a, b) => a.t - b.t || (a.evidence.at(-1) ?? 0) - (b.evidence.at(-1) ?? 0))
      .map((v, i) => ({ n: i + 1, ...v }));
    return {
      rule: rule.id,
      title: rule.title,
      kind: rule.kind,
      kept: violations.length === 0,
      violations,
    };
  });
}
