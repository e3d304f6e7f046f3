import { expect } from 'chai';
import type { Drill } from '../../../server/domain/drill.js';
import { channelMembers } from '../../../server/domain/drill.js';
import { ms } from '../../../server/domain/duration.js';
import { audienceOf } from '../../../server/domain/engine/audience.js';
import {
  type Effect,
  fold,
  reduce,
  reduceAll,
  startState,
} from '../../../server/domain/engine/reduce.js';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import { buildContext, firstAfter } from '../../../server/domain/scoring/context.js';
import { scoreDrill } from '../../../server/domain/scoring/score.js';
import { simulate } from '../../../server/runtime/simulate.js';
import { bundledLibrary, drillOf } from '../../helpers/drills.js';

/** The shortcuts taken for long logs (bench/README.md) must not change any result. */
describe('long logs', () => {
  let drill: Drill;
  let log: LogEntry[];
  before(async () => {
    drill = await drillOf(bundledLibrary(), 'kakao-pangyo-fire');
    log = simulate(drill, { seed: 3 });
  });

  it('fold() gives the same state as reducing entry by entry', () => {
    let state = startState(drill);
    for (const entry of log) state = reduce(drill, state, entry).state;
    expect(fold(drill, log)).to.deep.equal(state);
  });

  it('reduceAll() gives the same state and effects as reducing entry by entry, with one timer', () => {
    for (const size of [1, 7, log.length]) {
      let state = startState(drill);
      const effects = [];
      let last: Effect[] = [];
      for (const entry of log.slice(0, size)) {
        const result = reduce(drill, state, entry);
        state = result.state;
        effects.push(...result.effects);
        last = result.effects;
      }
      const batch = reduceAll(drill, startState(drill), log.slice(0, size));
      expect(batch.state).to.deep.equal(state);
      // Every effect but the timers, then the timer reducing the last entry gave, if any.
      expect(batch.effects).to.deep.equal([
        ...effects.filter((e) => e.type !== 'timer'),
        ...last.filter((e) => e.type === 'timer'),
      ]);
      if (size === 7) expect(last.some((e) => e.type === 'timer')).to.equal(true);
    }
  });

  it('scores a log given out of order the same as in order', () => {
    const shuffled = [...log].reverse();
    expect(scoreDrill(drill, shuffled)).to.deep.equal(scoreDrill(drill, log));
    const ctx = buildContext(drill, shuffled);
    const order = ctx.entries.map((e) => [e.t, e.seq] as const);
    const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(order).to.deep.equal(sorted);
  });

  it('drops a resent action and what comes after the end, and keeps a log with neither as it is', () => {
    expect(buildContext(drill, log).entries).to.equal(log);
    const first = log.find((e) => e.type === 'action');
    if (first?.type !== 'action') throw new Error('the simulated log has no action');
    const last = log.at(-1) as LogEntry;
    const id = 'client-1';
    const resend = { ...first, id, seq: last.seq + 1, t: last.t };
    const after = { ...first, seq: last.seq + 2, t: last.t + 60_000 };
    const withId = log.map((e) => (e === first ? { ...first, id } : e));
    const ctx = buildContext(drill, [...withId, resend, after]);
    expect(ctx.entries).to.deep.equal(withId);
    expect(ctx.actions.filter((r) => r.entry.id === id)).to.have.length(1);
  });

  it('indexes delivered actions by role and action, in time order', () => {
    const ctx = buildContext(drill, log);
    for (const record of ctx.delivered) {
      const list = ctx.deliveredBy(record.entry.role, record.entry.action);
      expect(list).to.include(record);
      expect(list.every((r) => r.entry.role === record.entry.role)).to.equal(true);
    }
    const total = new Set(ctx.delivered.map((r) => `${r.entry.role} ${r.entry.action}`));
    const sum = [...total].reduce((n, key) => {
      const [role, action] = key.split(' ') as [string, string];
      return n + ctx.deliveredBy(role, action).length;
    }, 0);
    expect(sum).to.equal(ctx.delivered.length);
    expect(ctx.deliveredBy('operator', 'no-such-action')).to.deep.equal([]);
  });

  it('finds the audience of an entry that is not the last one folded in', () => {
    const state = fold(drill, log);
    const action = log.find((e) => e.type === 'action' && e.channel === 'bridge');
    if (action?.type !== 'action') throw new Error('the simulated log has no bridge message');
    const audience = audienceOf(drill, state, action);
    expect(audience).to.include(action.role);
    expect(audience.length).to.be.greaterThan(1);
  });

  it('indexes delivered actions by kind and by effect, and all actions by kinds, in time order', () => {
    const ctx = buildContext(drill, log);
    const kinds = [...new Set(ctx.actions.map((r) => r.entry.action))];
    const effects = [...new Set(ctx.actions.map((r) => r.effect))];
    expect(kinds.length).to.be.greaterThan(5);
    for (const kind of kinds)
      expect(ctx.deliveredOf(kind)).to.deep.equal(
        ctx.delivered.filter((r) => r.entry.action === kind),
      );
    for (const effect of effects)
      expect(ctx.deliveredWith(effect)).to.deep.equal(
        ctx.delivered.filter((r) => r.effect === effect),
      );
    for (const some of [kinds.slice(0, 1), kinds.slice(1, 4), [...kinds.slice(0, 2), 'no-such']])
      expect(ctx.actionsOf(some)).to.deep.equal(
        ctx.actions.filter((r) => some.includes(r.entry.action)),
      );
    expect(ctx.actionsOf(undefined)).to.equal(ctx.actions);
    expect(ctx.deliveredOf('no-such-action')).to.deep.equal([]);
  });

  it('firstAfter() finds the first record after a moment, as a scan from the start would', () => {
    const { delivered } = buildContext(drill, log);
    const moments = [{ t: -1, seq: 0 }, ...log.map((e) => ({ t: e.t, seq: e.seq }))];
    for (const moment of [...moments, { t: Number.MAX_SAFE_INTEGER, seq: 0 }]) {
      const scan = delivered.findIndex(
        (r) => r.entry.t > moment.t || (r.entry.t === moment.t && r.entry.seq > moment.seq),
      );
      expect(firstAfter(delivered, moment), JSON.stringify(moment)).to.equal(
        scan === -1 ? delivered.length : scan,
      );
    }
  });

  it('gives each action on a channel the other members of it, in one frozen list shared', () => {
    const { actions } = fold(drill, log);
    const onChannel = actions.filter((r) => r.delivered && !r.entry.to && r.entry.channel);
    expect(onChannel.length).to.be.greaterThan(10);
    for (const record of onChannel) {
      const { channel, role } = record.entry;
      expect(record.recipients).to.deep.equal(
        channelMembers(drill, channel as string).filter((r) => r !== role),
      );
      expect(Object.isFrozen(record.recipients)).to.equal(true);
      const twin = onChannel.find((r) => r.entry.channel === channel && r.entry.role === role);
      expect(twin?.recipients).to.equal(record.recipients);
    }
  });

  it('ms() gives the same value from its memo, and never remembers a bad duration', () => {
    expect(ms('1h30m')).to.equal(5_400_000);
    expect(ms('1h30m')).to.equal(5_400_000);
    expect(() => ms('soon')).to.throw('not a duration');
    expect(() => ms('soon')).to.throw('not a duration');
  });
});
