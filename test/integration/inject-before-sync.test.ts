import * as nodeFs from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { ManualClock } from '../../server/runtime/clock.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { FileCatalogueStore } from '../../server/store/catalogue-file.js';
import { FileEventLogStore, type LogFs } from '../../server/store/event-log-file.js';
import { ROLES, schedulePangyoDrill } from '../fault/pangyo-drill.js';
import {
  eventually,
  type StaffAgent,
  signIn,
  socketUrl,
  T0,
  TestClient,
  testServerOptions,
} from '../helpers/server.js';

const MIN = 60_000;

/** A drill log's fdatasync the test holds open: it returns (or fails) when the test says. */
interface HeldSync {
  path: string;
  release(): void;
  fail(error: Error): void;
}

/**
 * Node's file system under the drill logs, with a switch that holds every fdatasync of a log
 * file open until the test releases it. Writes go to the file at once, as they do for real.
 */
class SyncGate {
  holding = false;
  readonly held: HeldSync[] = [];
  readonly fs: LogFs = {
    mkdir: (path, options) => nodeFs.mkdir(path, options),
    readFile: (path) => nodeFs.readFile(path),
    readdir: (path) => nodeFs.readdir(path),
    stat: (path) => nodeFs.stat(path),
    open: async (path, flags) => {
      const handle = await nodeFs.open(path, flags);
      return {
        write: (buffer, offset, length) => handle.write(buffer, offset, length),
        datasync: async () => {
          if (this.holding && path.endsWith('.jsonl'))
            await new Promise<void>((release, fail) => this.held.push({ path, release, fail }));
          await handle.datasync();
        },
        sync: () => handle.sync(),
        truncate: (length) => handle.truncate(length),
        stat: () => handle.stat(),
        close: () => handle.close(),
      };
    },
  };

  /** Waits for the next held sync (the n-th since the test started holding, from 1). */
  nth(n: number): Promise<HeldSync> {
    return eventually(`held fdatasync #${n}`, () => this.held[n - 1]);
  }

  /** Stops holding and lets every held sync return. */
  open(): void {
    this.holding = false;
    for (const sync of this.held.splice(0)) sync.release();
  }
}

/** Resolves once the server has answered a ping sent now: what it sent before has arrived. */
async function roundTrip(client: TestClient): Promise<void> {
  const from = client.messages.length;
  client.send({ type: 'ping' });
  await client.waitFor('pong', (m) => m.type === 'pong', from);
}

const isInject = (title: string) => (m: Record<string, unknown>) =>
  m.type === 'event' &&
  (m.event as { type?: string; title?: string }).type === 'inject-delivered' &&
  (m.event as { title?: string }).title === title;

describe('injects are sent once written; acks wait for fdatasync', function () {
  this.timeout(20_000);
  let dataDir: string;
  let server: RunningServer;
  let gate: SyncGate;
  let staff: StaffAgent;
  let clock: ManualClock;
  let drillId: string;
  const clients = new Map<string, TestClient>();

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'firedrill-held-sync-'));
    gate = new SyncGate();
    clock = new ManualClock(T0);
    server = await startServer(
      testServerOptions(dataDir, clock, {
        stores: {
          catalogue: await FileCatalogueStore.open(dataDir),
          logs: new FileEventLogStore(join(dataDir, 'drills'), { fs: gate.fs }),
        },
      }),
    );
    staff = await signIn(server.url, 'facilitator', server.seeded?.password as string);
    const drill = await schedulePangyoDrill(staff);
    drillId = drill.id;
    for (const link of drill.links) {
      const client = await TestClient.open(socketUrl(server, `/ws?token=${link.token}`));
      await client.waitFor('welcome', (m) => m.type === 'welcome');
      clients.set(link.role, client);
    }
  });

  afterEach(async () => {
    gate.open();
    for (const client of clients.values()) client.close();
    clients.clear();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const logFile = () => join(dataDir, 'drills', `${drillId}.jsonl`);

  it("delivers a facilitator's ad-hoc inject to every role while its fdatasync is still held", async () => {
    gate.holding = true;
    let answered = false;
    const reply = staff
      .post(`/api/drills/${drillId}/inject`, {
        to: [...ROLES],
        title: 'Smoke in UPS room 3',
        text: 'Fire suppression has triggered in UPS room 3.',
      })
      .then((res) => {
        answered = true;
        return res;
      });
    const sync = await gate.nth(1);
    expect(sync.path).to.equal(logFile());
    for (const [role, client] of clients)
      await client.waitFor(`the inject at the ${role}`, isInject('Smoke in UPS room 3'));
    // Written to the file already (a crash of the process would keep it), but not yet durable:
    // the facilitator's request is answered only once it is.
    expect(await readFile(logFile(), 'utf8')).to.contain('Smoke in UPS room 3');
    expect(gate.held).to.have.lengthOf(1);
    expect(answered, 'the facilitator is answered before the sync returned').to.equal(false);
    sync.release();
    expect((await reply).status).to.equal(201);
  });

  it('delivers a scheduled inject while its fdatasync is held, and acks an action only after its own', async () => {
    const operator = clients.get('operator') as TestClient;
    gate.holding = true;
    // 02:00 of drill time: the Pangyo fire's first inject falls due.
    clock.advance(2 * MIN);
    const injectSync = await gate.nth(1);
    await operator.waitFor('the battery-room fire', (m) => {
      const e = m.event as { type?: string; inject?: string } | undefined;
      return m.type === 'event' && e?.inject === 'battery-room-fire';
    });
    expect(gate.held).to.have.lengthOf(1);
    injectSync.release();

    const from = operator.messages.length;
    operator.send({
      type: 'action',
      clientId: 'report-1',
      action: 'send-message',
      channel: 'secondary-messenger',
      text: 'KakaoTalk login failing from Pangyo',
    });
    const actionSync = await gate.nth(2);
    expect(await readFile(logFile(), 'utf8')).to.contain('KakaoTalk login failing from Pangyo');
    // Anything the server sent before answering this ping has arrived by now.
    await roundTrip(operator);
    const early = operator.messages.slice(from);
    expect(
      early.filter((m) => m.type === 'ack' || m.type === 'event'),
      'neither the ack nor the action itself leaves before its fdatasync returns',
    ).to.deep.equal([]);
    actionSync.release();
    const ack = await operator.waitFor('the ack', (m) => m.type === 'ack', from);
    expect(ack).to.include({ clientId: 'report-1', duplicate: false });
    const types = operator.messages.slice(from).map((m) => m.type);
    expect(types.indexOf('event'), 'the action event comes before its ack').to.be.below(
      types.indexOf('ack'),
    );
  });

  it('fails the drill and acknowledges nothing when the sync under a sent inject fails', async () => {
    const operator = clients.get('operator') as TestClient;
    gate.holding = true;
    // supertest sends on `then`.
    const reply = staff
      .post(`/api/drills/${drillId}/inject`, {
        to: [...ROLES],
        title: 'Power cut in building B',
        text: 'The building B feed is down.',
      })
      .then((res) => res);
    const sync = await gate.nth(1);
    await operator.waitFor('the inject', isInject('Power cut in building B'));
    // Sent while the inject's sync is held: it waits behind it, in the next write.
    const from = operator.messages.length;
    operator.send({
      type: 'action',
      clientId: 'after-power-cut',
      action: 'send-message',
      channel: 'secondary-messenger',
      text: 'Building B is dark',
    });
    await roundTrip(operator);
    // The store's roll-back syncs again: that one is let through.
    gate.holding = false;
    sync.fail(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));

    const refused = await operator.waitFor('the refusal', (m) => m.type === 'error', from);
    expect(refused).to.include({ clientId: 'after-power-cut', code: 'storage-failed' });
    expect((await reply).status).to.equal(503);
    expect(operator.messages.slice(from).filter((m) => m.type === 'ack')).to.deep.equal([]);
    expect(server.service.runner(drillId)?.failure?.message).to.contain('EIO');
    // The log holds neither the inject nor the action: it was cut back to what was durable.
    const log = await readFile(logFile(), 'utf8');
    expect(log).not.to.contain('Power cut in building B');
    expect(log).not.to.contain('Building B is dark');
    // And the drill takes nothing more.
    const next = operator.messages.length;
    operator.send({
      type: 'action',
      clientId: 'later',
      action: 'send-message',
      channel: 'secondary-messenger',
      text: 'anyone there?',
    });
    expect(await operator.waitFor('the refusal', (m) => m.type === 'error', next)).to.include({
      clientId: 'later',
      code: 'storage-failed',
    });
  });
});
