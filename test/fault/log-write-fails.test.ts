import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { LogEntry } from '../../server/domain/schema/log.js';
import { ManualClock } from '../../server/runtime/clock.js';
import { seededRandom } from '../../server/runtime/random.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { FileCatalogueStore } from '../../server/store/catalogue-file.js';
import { FileEventLogStore } from '../../server/store/event-log-file.js';
import type { EventLogStore } from '../../server/store/store.js';
import { eventually, type StaffAgent, signIn, T0, TestClient } from '../helpers/server.js';
import { ROLES, schedulePangyoDrill } from './pangyo-drill.js';
import { actionClientIds } from './store-check.js';

const MIN = 60_000;

/** The drill logs on disk, behind a switch that makes every append fail as a full disk does. */
class FailingLogs implements EventLogStore {
  failing = false;
  readonly attempts: string[] = [];
  constructor(readonly inner: FileEventLogStore) {}
  append(drillId: string, entries: readonly LogEntry[]): Promise<void> {
    this.attempts.push(drillId);
    if (!this.failing) return this.inner.append(drillId, entries);
    return Promise.reject(
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
    );
  }
  read(drillId: string) {
    return this.inner.read(drillId);
  }
  list() {
    return this.inner.list();
  }
  close() {
    return this.inner.close();
  }
}

describe('a drill log that cannot be written', function () {
  this.timeout(60_000);
  let dataDir: string;
  let server: RunningServer;
  let logs: FailingLogs;
  let staff: StaffAgent;
  let password: string;
  const logged: string[] = [];
  const clock = new ManualClock(T0);
  const clients: TestClient[] = [];

  async function boot() {
    logs = new FailingLogs(new FileEventLogStore(join(dataDir, 'drills')));
    server = await startServer({
      dataDir,
      wall: clock,
      random: seededRandom(7),
      rateLimitPerMinute: 0,
      stores: { catalogue: await FileCatalogueStore.open(dataDir), logs },
      log: (message) => logged.push(message),
    });
    password = server.seeded?.password ?? password;
    staff = await signIn(server.url, 'facilitator', password);
  }

  /** Each role sends `n` actions at once; resolves with every reply, by client id. */
  async function burst(prefix: string, n: number) {
    const from = clients.map((c) => c.messages.length);
    const ids: string[] = [];
    for (const [i, client] of clients.entries())
      for (let k = 1; k <= n; k++) {
        const clientId = `${prefix}-${ROLES[i]}-${k}`;
        ids.push(clientId);
        client.send({
          type: 'action',
          clientId,
          action: 'send-message',
          channel: 'secondary-messenger',
          text: `${prefix}: KakaoTalk login still failing (${k})`,
        });
      }
    await eventually('a reply to every action', () => {
      const replied = clients.flatMap((c, i) =>
        c.messages.slice(from[i]).filter((m) => m.clientId !== undefined),
      );
      return replied.length >= ids.length;
    });
    return new Map(
      clients.flatMap((c, i) =>
        c.messages
          .slice(from[i])
          .filter((m) => typeof m.clientId === 'string')
          .map((m) => [m.clientId as string, m] as const),
      ),
    );
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'firedrill-full-'));
    await boot();
  });
  after(async () => {
    for (const c of clients) c.close();
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses the actions it cannot write with a clear error, acknowledges none, loses nothing acknowledged, and resumes after a restart', async () => {
    const drill = await schedulePangyoDrill(staff);
    for (const { token } of drill.links)
      clients.push(await TestClient.open(`${server.url.replace('http', 'ws')}/ws?token=${token}`));
    clock.advance(3 * MIN);
    await server.service.settled();

    const before = await burst('before', 5);
    const acked = [...before.values()].filter((m) => m.type === 'ack');
    expect(acked, 'all acknowledged while the disk is fine').to.have.length(20);

    logs.failing = true;
    const during = await burst('during', 5);
    for (const [clientId, reply] of during) {
      expect(reply.type, `${clientId} is not acknowledged`).to.equal('error');
      expect(reply.code).to.equal('storage-failed');
      expect(reply.message).to.match(/not recorded: the server cannot write this drill's log/);
      expect(reply.message, 'no errno or path leaks to participants').not.to.match(/ENOSPC|\//);
    }
    expect(during.size).to.equal(20);
    // Staff are refused the same way; the operator reads the cause in the server's log.
    const inject = await staff
      .post(`/api/drills/${drill.id}/inject`, { to: ['operator'], title: 'x', text: 'y' })
      .expect(503);
    expect(inject.body.error.code).to.equal('storage-failed');
    expect(logged.join('\n')).to.match(
      new RegExp(`drill ${drill.id}: its log cannot be written.*ENOSPC`),
    );
    // Injects that fall due meanwhile are not written either, and nothing crashes.
    clock.advance(5 * MIN);
    await server.service.settled();

    const onDisk = (await logs.inner.read(drill.id)).entries;
    const ids = actionClientIds(onDisk);
    for (const m of acked)
      expect(ids.has(m.clientId as string), `${m.clientId} kept`).to.equal(true);
    for (const id of during.keys()) expect(ids.has(id), `${id} not written`).to.equal(false);
    expect(onDisk.map((e) => e.seq)).to.deep.equal(onDisk.map((_, i) => i + 1));

    const lateAcks = clients.flatMap((c) =>
      c.messages.filter((m) => m.type === 'ack' && String(m.clientId).startsWith('during')),
    );
    expect(lateAcks, 'no refused action is acknowledged later').to.deep.equal([]);

    // The disk is fixed and the server restarted: the drill takes actions again, a resend of a
    // refused action is recorded once, and what fell due meanwhile fires.
    for (const c of clients.splice(0)) c.close();
    await server.close();
    await boot();
    expect((await staff.get(`/api/drills/${drill.id}`).expect(200)).body.drill.status).to.equal(
      'running',
    );
    for (const { token } of drill.links)
      clients.push(await TestClient.open(`${server.url.replace('http', 'ws')}/ws?token=${token}`));
    const again = await burst('during', 1);
    for (const reply of again.values()) expect(reply.type).to.equal('ack');
    const after = (await logs.inner.read(drill.id)).entries;
    expect(after.map((e) => e.seq)).to.deep.equal(after.map((_, i) => i + 1));
    const afterIds = actionClientIds(after);
    for (const m of acked) expect(afterIds.has(m.clientId as string)).to.equal(true);
    expect(
      after.filter((e) => e.type === 'inject-delivered').map((e) => e.inject),
    ).to.include.members(['battery-room-fire', 'facility-report']);
  });

  it('marks a scheduled drill missed, with the reason, when its first entry cannot be written', async () => {
    const drill = await schedulePangyoDrill(staff, { at: clock.now() + 10 * MIN });
    logs.failing = true;
    clock.advance(10 * MIN);
    await eventually('the attempt to start', () => logs.attempts.includes(drill.id));
    const record = await eventually('the drill to be marked', () => {
      const d = server.service.record(drill.id);
      return d?.status === 'missed' && d;
    });
    expect(record.statusReason).to.match(/could not start: not recorded/);
    expect(server.service.heldFor(drill.id)).to.deep.equal([]);
    logs.failing = false;
    await staff.get('/healthz').expect(200);
  });
});
