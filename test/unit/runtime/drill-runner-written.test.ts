import { expect } from 'chai';
import type { Drill } from '../../../server/domain/drill.js';
import type { LogEntry } from '../../../server/domain/schema/log.js';
import { ManualClock } from '../../../server/runtime/clock.js';
import {
  DrillInputError,
  type DrillListener,
  DrillRunner,
} from '../../../server/runtime/drill-runner.js';
import type { AppendOptions, EventLogStore } from '../../../server/store/store.js';
import { bundledLibrary, drillOf } from '../../helpers/drills.js';

/** One append the test settles by hand: first written (if asked to tell), then durable or failed. */
interface HeldAppend {
  entries: readonly LogEntry[];
  options?: AppendOptions;
  durable(): void;
  fail(error: Error): void;
}

/** A store whose appends stay in flight until the test says they are written and durable. */
class HandStore implements EventLogStore {
  readonly appends: HeldAppend[] = [];
  append(_drillId: string, entries: readonly LogEntry[], options?: AppendOptions) {
    return new Promise<void>((durable, fail) =>
      this.appends.push({ entries, options, durable, fail }),
    );
  }
  async read() {
    return { entries: [], droppedTornLine: false };
  }
  async list() {
    return [];
  }
  async close() {}
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

describe('DrillRunner: injects announced once written', () => {
  let drill: Drill;
  let store: HandStore;
  let heard: LogEntry[];
  let failures: Error[];
  let runner: DrillRunner;
  const listener: DrillListener = {
    entries: (_runner, entries) => void heard.push(...entries),
    failed: (_runner, error) => void failures.push(error),
  };
  const inject = (title: string) => runner.injectAdHoc({ to: ['operator'], title, text: title });
  const types = (entries: readonly LogEntry[]) => entries.map((e) => `${e.seq} ${e.type}`);
  /** Marks a promise settled in `done` when it is. */
  const watch = <T>(promise: Promise<T>, done: { settled: boolean }) =>
    promise.finally(() => {
      done.settled = true;
    });

  beforeEach(async () => {
    drill = await drillOf(bundledLibrary(), 'kakao-pangyo-fire');
    store = new HandStore();
    heard = [];
    failures = [];
    const started = DrillRunner.begin(
      {
        drillId: 'd1',
        drill,
        store,
        wall: new ManualClock(Date.UTC(2026, 10, 25, 1, 0)),
        scale: 1,
        listener,
      },
      {
        participants: [{ person: 'kim', role: 'operator' }],
        hashes: { manual: 'm', scenario: 's' },
      },
    );
    await settle();
    store.appends[0]?.durable();
    runner = await started;
    heard = [];
  });

  afterEach(() => runner.dispose());

  it('announces a batch of injects when written, answers its sender when durable, and numbers the next batch after it', async () => {
    const first = { settled: false };
    const sent = watch(inject('Smoke in UPS room 3'), first);
    await settle();
    const held = store.appends[1] as HeldAppend;
    expect(types(held.entries)).to.deep.equal(['2 inject-delivered']);
    expect(held.options?.onWritten, 'the runner asks to hear when it is written').to.be.a(
      'function',
    );
    expect(heard).to.deep.equal([]);

    held.options?.onWritten?.();
    expect(types(heard), 'announced at once, before the sync').to.deep.equal([
      '2 inject-delivered',
    ]);
    expect(runner.state.seq).to.equal(2);
    expect(runner.entries.at(-1)?.seq).to.equal(2);
    // A second inject waits for the first to be durable, and follows it.
    const second = inject('Power cut in building B');
    await settle();
    expect(store.appends).to.have.lengthOf(2);
    expect(first.settled, 'the facilitator is answered only once it is durable').to.equal(false);

    held.durable();
    expect((await sent).seq).to.equal(2);
    await settle();
    expect(types(store.appends[2]?.entries ?? [])).to.deep.equal(['3 inject-delivered']);
    expect(types(heard), 'announced once, not again when durable').to.deep.equal([
      '2 inject-delivered',
    ]);
    store.appends[2]?.options?.onWritten?.();
    store.appends[2]?.durable();
    expect((await second).seq).to.equal(3);
    expect(types(heard)).to.deep.equal(['2 inject-delivered', '3 inject-delivered']);
  });

  it('holds an action, and any batch with one in it, until durable: folded, announced and acknowledged only then', async () => {
    const first = inject('Smoke in UPS room 3');
    await settle();
    store.appends[1]?.options?.onWritten?.();
    // Queued while the inject is in flight: an inject and an action, written together next.
    const acked = { settled: false };
    const action = watch(
      runner.act({ id: 'c-1', role: 'operator', action: 'report-failure', text: 'Pangyo is dark' }),
      acked,
    );
    const alongside = inject('Power cut in building B');
    store.appends[1]?.durable();
    await first;
    await settle();
    const mixed = store.appends[2] as HeldAppend;
    expect(types(mixed.entries)).to.deep.equal(['3 action', '4 inject-delivered']);
    expect(mixed.options?.onWritten, 'a batch with an action is not sent once written').to.equal(
      undefined,
    );
    await settle();
    expect(types(heard)).to.deep.equal(['2 inject-delivered']);
    expect(runner.state.seq).to.equal(2);
    expect(acked.settled).to.equal(false);

    mixed.durable();
    expect((await action).entry.seq).to.equal(3);
    expect((await alongside).seq).to.equal(4);
    expect(types(heard)).to.deep.equal(['2 inject-delivered', '3 action', '4 inject-delivered']);
  });

  it('fails when the sync under an announced inject fails: nothing queued is acknowledged, nothing more is taken', async () => {
    const sent = inject('Smoke in UPS room 3');
    await settle();
    store.appends[1]?.options?.onWritten?.();
    expect(types(heard)).to.deep.equal(['2 inject-delivered']);
    const action = runner.act({ id: 'c-1', role: 'operator', action: 'report-failure' });
    store.appends[1]?.fail(new Error('EIO: i/o error, fdatasync'));

    for (const refused of [sent, action]) {
      const error = await refused.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(DrillInputError);
      expect((error as DrillInputError).code).to.equal('storage-failed');
    }
    expect(runner.failure?.message).to.contain('EIO');
    expect(failures.map((e) => e.message)).to.deep.equal(['EIO: i/o error, fdatasync']);
    expect(store.appends, 'the queued action is never written').to.have.lengthOf(2);
    const later = await runner
      .act({ role: 'operator', action: 'report-failure' })
      .catch((e: DrillInputError) => e.code);
    expect(later).to.equal('storage-failed');
  });
});
