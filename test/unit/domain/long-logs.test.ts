import { expect } from 'chai';
import type { Drill } from '../../../server/domain/drill.js';
import { ms } from '../../../server/domain/duration.js';
import { audienceOf } from '../../../server/domain/engine/audience.js';
import { fold, reduce, startState } from '../../../server/domain/engine/reduce.js';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import { buildContext } from '../../../server/domain/scoring/context.js';
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

  it('scores a log given out of order the same as in order', () => {
    const shuffled = [...log].reverse();
    expect(scoreDrill(drill, shuffled)).to.deep.equal(scoreDrill(drill, log));
    const ctx = buildContext(drill, shuffled);
    const order = ctx.entries.map((e) => [e.t, e.seq] as const);
    const sorted = [...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(order).to.deep.equal(sorted);
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

  it('ms() gives the same value from its memo, and never remembers a bad duration', () => {
    expect(ms('1h30m')).to.equal(5_400_000);
    expect(ms('1h30m')).to.equal(5_400_000);
    expect(() => ms('soon')).to.throw('not a duration');
    expect(() => ms('soon')).to.throw('not a duration');
  });
});
