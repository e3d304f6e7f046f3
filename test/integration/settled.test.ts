import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { LogEntry } from '../../server/domain/schema/log.js';
import { ManualClock } from '../../server/runtime/clock.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { FileCatalogueStore } from '../../server/store/catalogue-file.js';
import { FileEventLogStore } from '../../server/store/event-log-file.js';
import type { AppendOptions } from '../../server/store/store.js';
import { Gate } from '../helpers/gate.js';
import { T0, testServerOptions } from '../helpers/server.js';

const MIN = 60_000;

/** The file log, whose appends wait at a gate while it is closed. */
class GatedLogs extends FileEventLogStore {
  readonly gate = new Gate();
  override async append(drillId: string, entries: readonly LogEntry[], options?: AppendOptions) {
    await this.gate.passed();
    return super.append(drillId, entries, options);
  }
}

describe('settled() while a scheduled drill is starting', () => {
  let dir: string;
  let server: RunningServer;
  let logs: GatedLogs;
  const clock = new ManualClock(T0);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firedrill-settled-'));
    logs = new GatedLogs(join(dir, 'drills'));
    server = await startServer(
      testServerOptions(dir, clock, {
        stores: { catalogue: await FileCatalogueStore.open(dir), logs },
      }),
    );
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('waits for the start that fell due, whose runner does not exist yet', async () => {
    const { drill } = await server.service.create({
      scenario: 'kakao-pangyo-fire',
      mode: 'at',
      at: new Date(clock.now() + 2 * MIN).toISOString(),
      assignments: [{ role: 'operator', bot: true }],
    });
    logs.gate.close();
    clock.advance(2 * MIN);
    let done = false;
    const settled = server.service.settled().then(() => {
      done = true;
    });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(done, 'settled before the drill-started entry was written').to.equal(false);
    logs.gate.open();
    await settled;
    expect(server.service.record(drill.id)?.status).to.equal('running');
    const { entries } = await logs.read(drill.id);
    expect(entries[0]?.type).to.equal('drill-started');
  });
});
