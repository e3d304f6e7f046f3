import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../server/runtime/clock.js';
import { startServer } from '../../server/server.js';
import {
  TestClient as Client,
  startTestServer,
  type TestClient,
  type TestServer,
  testServerOptions,
} from '../helpers/server.js';
import { ROLES, schedulePangyoDrill } from './pangyo-drill.js';
import { actionClientIds, checkDataDir } from './store-check.js';

const MIN = 60_000;

/**
 * docs/operations.md says a running server may be backed up by copying `catalogue.json` first
 * and then `drills/`. These tests take such copies while participants act, then start a server
 * on each copy.
 */
describe('a backup copied while the server runs (catalogue first, then drills/)', function () {
  this.timeout(60_000);
  let t: TestServer;
  const dirs: string[] = [];
  const clients: TestClient[] = [];
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    for (const c of clients) c.close();
    await t.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** Copies the data directory the documented way; `between` runs after the catalogue. */
  async function backUp(between: () => Promise<void> = async () => {}): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'firedrill-backup-'));
    dirs.push(dir);
    await copyFile(join(t.dataDir, 'catalogue.json'), join(dir, 'catalogue.json'));
    await copyFile(join(t.dataDir, 'secret'), join(dir, 'secret'));
    await between();
    await mkdir(join(dir, 'drills'));
    for (const name of await readdir(join(t.dataDir, 'drills'))) {
      await copyFile(join(t.dataDir, 'drills', name), join(dir, 'drills', name));
      // Let the load append between files, as it would during a slow copy.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return dir;
  }

  it('restores to a server that starts, keeps every action acknowledged before the copy, and resumes its drills', async () => {
    const first = await schedulePangyoDrill(t.facilitator);
    const ws = t.server.url.replace('http', 'ws');
    for (const { token } of first.links) clients.push(await Client.open(`${ws}/ws?token=${token}`));
    t.clock.advance(3 * MIN);
    const acked = new Set<string>();
    let sent = 0;
    let stopped = false;
    for (const [i, client] of clients.entries()) {
      const send = () => {
        if (stopped) return;
        sent += 1;
        client.send({
          type: 'action',
          clientId: `${ROLES[i]}-${sent}`,
          action: 'send-message',
          channel: 'secondary-messenger',
          text: `update ${sent}`,
        });
      };
      client.ws.on('message', (data) => {
        const m = JSON.parse(data.toString());
        if (m.type !== 'ack') return;
        acked.add(m.clientId);
        send();
      });
      for (let k = 0; k < 3; k++) send();
    }
    const waitAcks = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (acked.size >= n ? resolve() : setImmediate(check));
        check();
      });

    // A drill due two minutes later starts between the catalogue's copy and the logs' copy.
    const second = await schedulePangyoDrill(t.facilitator, { at: t.clock.now() + 2 * MIN });
    const copies: { dir: string; ackedBefore: Set<string> }[] = [];
    for (const [k, target] of [50, 150, 300].entries()) {
      await waitAcks(target);
      const ackedBefore = new Set(acked);
      const dir = await backUp(async () => {
        if (k !== 0) return;
        t.clock.advance(2 * MIN);
        await t.server.service.settled();
      });
      copies.push({ dir, ackedBefore });
    }
    stopped = true;
    expect(t.server.service.record(second.id)?.status).to.equal('running');

    for (const [k, { dir, ackedBefore }] of copies.entries()) {
      const contents = await checkDataDir(dir);
      if (k === 0) {
        // The copy's catalogue has the second drill scheduled, its log has it started.
        const record = contents.catalogue.drills.find((d) => d.id === second.id);
        expect(record?.status).to.equal('scheduled');
        expect(contents.logs.get(second.id)?.[0]?.type).to.equal('drill-started');
      }
      const ids = actionClientIds(contents.logs.get(first.id) ?? []);
      expect(
        [...ackedBefore].filter((id) => !ids.has(id)),
        'acked before the copy',
      ).to.deep.equal([]);
      const clock = new ManualClock(t.clock.now());
      const restored = await startServer(testServerOptions(dir, clock));
      try {
        expect(restored.seeded, 'a restored copy is not seeded again').to.equal(undefined);
        for (const drill of [first, second]) {
          if (!contents.logs.has(drill.id)) continue;
          expect(restored.service.record(drill.id)?.status, drill.id).to.equal('running');
        }
        clock.advance(10 * MIN);
        await restored.service.settled();
        for (const drill of [first, second]) {
          const { entries } = await restored.logs.read(drill.id);
          if (!entries.length) continue;
          expect(entries.map((e) => e.seq)).to.deep.equal(entries.map((_, i) => i + 1));
          expect(entries.filter((e) => e.type === 'drill-started')).to.have.length(1);
          const injects = entries.flatMap((e) => (e.type === 'inject-delivered' ? [e.inject] : []));
          expect(new Set(injects).size, injects.join()).to.equal(injects.length);
          expect(injects).to.include('battery-room-fire');
        }
      } finally {
        await restored.close();
      }
    }
  });
});
