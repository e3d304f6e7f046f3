import { expect } from 'chai';
import type { Drill } from '../../../server/domain/drill.js';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import { scoreDrill } from '../../../server/domain/scoring/score.js';
import { ManualClock } from '../../../server/runtime/clock.js';
import {
  DrillInputError,
  type DrillListener,
  DrillRunner,
} from '../../../server/runtime/drill-runner.js';
import type { EventLogStore } from '../../../server/store/store.js';
import { bundledLibrary, drillOf } from '../../helpers/drills.js';

/** A log store in memory that counts writes and can be told to fail. */
class FakeStore implements EventLogStore {
  logs = new Map<string, LogEntry[]>();
  appends = 0;
  failing = false;
  async append(drillId: string, entries: readonly LogEntry[]) {
    this.appends++;
    await Promise.resolve();
    if (this.failing) throw new Error('disk full');
    this.logs.set(drillId, [...(this.logs.get(drillId) ?? []), ...entries]);
  }
  async read(drillId: string) {
    return { entries: [...(this.logs.get(drillId) ?? [])], droppedTornLine: false };
  }
  async list() {
    return [...this.logs.keys()];
  }
  async close() {}
}

const MIN = 60_000;

describe('DrillRunner', () => {
  let drill: Drill;
  let wall: ManualClock;
  let store: FakeStore;
  let heard: LogEntry[];
  const listener: DrillListener = { entries: (_runner, entries) => void heard.push(...entries) };
  const begin = () =>
    DrillRunner.begin(
      { drillId: 'd1', drill, store, wall, scale: 1, listener },
      {
        participants: [{ person: 'kim', role: 'operator' }],
        hashes: { manual: 'm', scenario: 's' },
      },
    );
  /** Lets queued writes and the promises after them settle. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };

  beforeEach(async () => {
    drill = await drillOf(bundledLibrary(), 'kakao-pangyo-fire');
    wall = new ManualClock(Date.UTC(2026, 10, 25, 1, 0));
    store = new FakeStore();
    heard = [];
  });

  it('fires the scenario’s injects at their drill times as the wall clock advances', async () => {
    const runner = await begin();
    wall.advance(2 * MIN - 1);
    await settle();
    expect(runner.state.injects).to.have.lengthOf(0);
    wall.advance(1);
    await settle();
    expect(runner.state.injects.map((i) => [i.inject, i.t])).to.deep.equal([
      ['battery-room-fire', 2 * MIN],
    ]);
    expect(store.logs.get('d1')?.map((e) => e.type)).to.deep.equal([
      'drill-started',
      'inject-delivered',
    ]);
    expect(heard.map((e) => e.seq)).to.deep.equal([1, 2]);
    runner.dispose();
  });

  it('acknowledges an action once durable, and a resend once, without applying it twice', async () => {
    const runner = await begin();
    wall.advance(3 * MIN);
    await settle();
    const action = {
      id: 'c-1',
      role: 'operator',
      action: 'report-failure',
      channel: 'secondary-messenger',
      text: 'Pangyo is dark',
    };
    const first = await runner.act(action);
    const again = await runner.act(action);
    expect(first.duplicate).to.equal(false);
    expect(again).to.deep.equal({ entry: first.entry, duplicate: true });
    expect(store.logs.get('d1')?.filter((e) => e.type === 'action')).to.have.lengthOf(1);
    expect(first.entry.t).to.equal(3 * MIN);
    runner.dispose();
  });

  it('holds injects while paused and fires them after resuming', async () => {
    const runner = await begin();
    wall.advance(MIN);
    await settle();
    await runner.pause('facilitator');
    wall.advance(30 * MIN);
    await settle();
    expect(runner.state.injects).to.have.lengthOf(0);
    await runner.resume('facilitator');
    wall.advance(MIN);
    await settle();
    expect(runner.state.injects.map((i) => [i.inject, i.t])).to.deep.equal([
      ['battery-room-fire', 2 * MIN],
    ]);
    runner.dispose();
  });

  it('fails loudly when the log cannot be written, and acknowledges nothing', async () => {
    const runner = await begin();
    store.failing = true;
    let error: Error | undefined;
    await runner.act({ role: 'operator', action: 'report-failure' }).catch((e: Error) => {
      error = e;
    });
    expect(error).to.be.instanceOf(DrillInputError);
    expect((error as DrillInputError).code).to.equal('storage-failed');
    expect(error?.message).to.match(/not recorded: the server cannot write this drill's log/);
    expect(runner.failure?.message).to.equal('disk full');
    store.failing = false;
    error = undefined;
    await runner.act({ role: 'operator', action: 'report-failure' }).catch((e: Error) => {
      error = e;
    });
    expect((error as DrillInputError | undefined)?.code).to.equal('storage-failed');
    expect(store.logs.get('d1')?.filter((e) => e.type === 'action')).to.have.lengthOf(0);
    runner.dispose();
  });

  it('recovers after a restart: what fell due during the outage fires once each, in order', async () => {
    const runner = await begin();
    wall.advance(MIN);
    await settle();
    runner.dispose(); // the process dies at 00:01:00
    wall.advance(11 * MIN); // and is back at 00:12:00 of drill time
    const { entries } = await store.read('d1');
    const recovered = await DrillRunner.recover(
      { drillId: 'd1', drill, store, wall, scale: 1, listener },
      entries,
    );
    await settle();
    const injects = recovered.state.injects.map((i) => i.inject);
    // The nudge waits 10 minutes after the fire inject was really delivered (00:12:00), not
    // after when it should have been: participants only learnt of the fire on restart.
    expect(injects).to.deep.equal(['battery-room-fire', 'facility-report', 'building-power-cut']);
    expect(new Set(injects).size).to.equal(injects.length);
    expect(recovered.state.injects.every((i) => i.t === 12 * MIN)).to.equal(true);
    recovered.dispose();
  });

  it('batches actions that arrive while a write is in flight into one append', async () => {
    const runner = await begin();
    const before = store.appends;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        runner.act({
          id: `a${i}`,
          role: 'communicator',
          action: 'dashboard-entry',
          channel: 'incident-dashboard',
          text: `entry ${i}`,
        }),
      ),
    );
    expect(store.appends - before).to.be.lessThan(5);
    const seqs = store.logs.get('d1')?.map((e) => e.seq);
    expect(seqs).to.deep.equal(Array.from({ length: 21 }, (_, i) => i + 1));
    const card = scoreDrill(drill, store.logs.get('d1') ?? []);
    expect(card.final).to.equal(false);
    runner.dispose();
  });
});
