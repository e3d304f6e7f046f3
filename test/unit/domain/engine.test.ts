import { expect } from 'chai';
import type { Drill } from '../../../server/domain/drill.js';
import { nextDue } from '../../../server/domain/engine/due.js';
import { fold, reduce, startState } from '../../../server/domain/engine/reduce.js';
import { viewFor } from '../../../server/domain/engine/view.js';
import { drillOf, fixtureLibrary, logOf } from '../../helpers/drills.js';

const started: Parameters<typeof logOf>[0] = {
  type: 'drill-started',
  t: 0,
  manual: { id: 'mini', version: '1.0.0' },
  scenario: { id: 'mini-checkout-outage', version: '1' },
  participants: [
    { person: 'ana', role: 'lead' },
    { person: 'ben', role: 'responder' },
    { person: 'cho', role: 'scribe' },
  ],
};

describe('the drill engine', () => {
  let drill: Drill;
  before(async () => {
    drill = await drillOf(fixtureLibrary(), 'mini-checkout-outage');
  });

  describe('reduce()', () => {
    it('applies an inject’s effects on services, alerts and channels and asks to deliver it', () => {
      const [start, inject] = logOf(started, {
        type: 'inject-delivered',
        t: '2m',
        inject: 'checkout-down',
      });
      if (!start || !inject) throw new Error('log');
      let state = reduce(drill, startState(drill), start).state;
      const result = reduce(drill, state, inject);
      state = result.state;
      expect(state.services.checkout).to.equal('down');
      expect(state.alerts.map((a) => a.id)).to.deep.equal(['checkout-latency', 'checkout-errors']);
      const deliver = result.effects.find((e) => e.type === 'deliver-inject');
      expect(deliver).to.deep.include({ type: 'deliver-inject' });
      expect(deliver && 'inject' in deliver && deliver.inject.to).to.deep.equal(['responder']);
    });

    it('records an action said on a down channel without delivering it to anyone', () => {
      const state = fold(
        drill,
        logOf(
          started,
          { type: 'channel-changed', t: '1m', channel: 'team-chat', state: 'down' },
          { type: 'action', t: '2m', role: 'lead', action: 'declare', channel: 'team-chat' },
          { type: 'action', t: '3m', role: 'lead', action: 'declare', channel: 'backup-chat' },
        ),
      );
      const [down, up] = state.actions;
      expect(down?.delivered).to.equal(false);
      expect(down?.recipients).to.deep.equal([]);
      expect(up?.delivered).to.equal(true);
      expect(up?.recipients).to.deep.equal(['responder', 'scribe']);
      expect(state.declaredAt).to.equal(180_000);
    });

    it('turns an instruction into a task with its deadline, and answers mark it', () => {
      const state = fold(
        drill,
        logOf(
          started,
          {
            type: 'action',
            t: '5m',
            role: 'lead',
            action: 'instruct',
            channel: 'bridge',
            to: ['responder'],
            fields: { owner: 'responder', deadline: '15m' },
          },
          {
            type: 'action',
            t: '6m',
            role: 'responder',
            action: 'acknowledge',
            channel: 'bridge',
            ref: 2,
          },
          { type: 'action', t: '7m', role: 'scribe', action: 'done', channel: 'team-chat', ref: 2 },
          { type: 'action', t: '9m', role: 'responder', action: 'done', channel: 'bridge', ref: 2 },
        ),
      );
      expect(state.tasks.get(2)).to.deep.include({
        owner: 'responder',
        by: 'lead',
        deadline: 20 * 60_000,
        acknowledged: 6 * 60_000,
        done: 9 * 60_000,
      });
    });

    it('gives the same state for the same log', () => {
      const log = logOf(
        started,
        { type: 'inject-delivered', t: '2m', inject: 'checkout-down' },
        {
          type: 'action',
          t: '3m',
          role: 'lead',
          action: 'set-grade',
          channel: 'team-chat',
          fields: { grade: 'major' },
        },
      );
      const a = fold(drill, log);
      const b = fold(drill, log);
      expect(a).to.deep.equal(b);
      expect(a.grade).to.equal('major');
    });
  });

  describe('nextDue()', () => {
    it('gives the first inject at its offset once the drill runs, and nothing before', () => {
      expect(nextDue(drill, startState(drill))).to.equal(undefined);
      const state = fold(drill, logOf(started));
      expect(nextDue(drill, state)).to.deep.equal({
        t: 120_000,
        entry: { type: 'inject-delivered', inject: 'checkout-down' },
      });
    });

    it('gives a conditional inject its delay after the trigger', () => {
      const state = fold(
        drill,
        logOf(
          started,
          { type: 'inject-delivered', t: '2m', inject: 'checkout-down' },
          { type: 'action', t: '4m', role: 'lead', action: 'declare', channel: 'team-chat' },
        ),
      );
      expect(nextDue(drill, state)).to.deep.equal({
        t: 14 * 60_000,
        entry: { type: 'inject-delivered', inject: 'chat-outage' },
      });
    });

    it('cancels a conditional inject whose unless happened first, and ends after the close', () => {
      const state = fold(
        drill,
        logOf(
          started,
          { type: 'inject-delivered', t: '2m', inject: 'checkout-down' },
          { type: 'action', t: '4m', role: 'lead', action: 'declare', channel: 'team-chat' },
          { type: 'inject-delivered', t: '14m', inject: 'chat-outage' },
          { type: 'action', t: '20m', role: 'lead', action: 'close' },
        ),
      );
      // failover would be due at 29m, but the incident was closed at 20m: the end comes at 21m.
      expect(nextDue(drill, state)).to.deep.equal({
        t: 21 * 60_000,
        entry: { type: 'ended', reason: 'end-condition' },
      });
    });

    it('holds everything while the drill is paused, and ends at the limit otherwise', () => {
      const paused = fold(drill, logOf(started, { type: 'paused', t: '1m' }));
      expect(nextDue(drill, paused)).to.equal(undefined);
      const resumed = fold(
        drill,
        logOf(started, { type: 'inject-delivered', t: '2m', inject: 'checkout-down' }),
      );
      expect(nextDue(drill, resumed)).to.deep.equal({
        t: 90 * 60_000,
        entry: { type: 'ended', reason: 'time-limit' },
      });
    });
  });

  describe('viewFor()', () => {
    it('shows a role only its own injects and the messages it sent or received', () => {
      const state = fold(
        drill,
        logOf(
          started,
          { type: 'inject-delivered', t: '2m', inject: 'checkout-down' },
          {
            type: 'action',
            t: '5m',
            role: 'lead',
            action: 'instruct',
            channel: 'bridge',
            to: ['responder'],
            fields: { owner: 'responder', deadline: '15m' },
          },
          {
            type: 'action',
            t: '6m',
            role: 'lead',
            action: 'set-grade',
            fields: { grade: 'major' },
          },
        ),
      );
      const responder = viewFor(drill, state, 'responder');
      // An action on no channel is in its actor's log only.
      expect(viewFor(drill, state, 'lead').unchannelled.map((m) => m.seq)).to.deep.equal([4]);
      expect(responder.unchannelled).to.deep.equal([]);
      const scribe = viewFor(drill, state, 'scribe');
      expect(responder.inbox.map((i) => i.inject)).to.deep.equal(['checkout-down']);
      expect(scribe.inbox).to.deep.equal([]);
      const bridge = (view: typeof scribe) => view.channels.find((c) => c.id === 'bridge');
      expect(bridge(responder)?.messages.map((m) => m.seq)).to.deep.equal([3]);
      expect(bridge(scribe)?.messages).to.deep.equal([]);
      expect(bridge(scribe)?.member).to.equal(false);
      expect(scribe.tasks).to.deep.equal([]);
      expect(responder.services.find((s) => s.id === 'checkout')?.state).to.equal('down');
    });
  });
});
