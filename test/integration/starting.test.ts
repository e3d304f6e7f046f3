import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { ManualClock } from '../../server/runtime/clock.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { FileCatalogueStore } from '../../server/store/catalogue-file.js';
import { FileEventLogStore } from '../../server/store/event-log-file.js';
import { Gate } from '../helpers/gate.js';
import { T0, TestClient, testServerOptions } from '../helpers/server.js';

/** The file log, whose reads wait at a gate while it is closed: recovery stops there. */
class GatedReads extends FileEventLogStore {
  readonly gate = new Gate();
  /** Set to make every read fail instead, as a damaged log would. */
  failWith?: Error;
  override async read(drillId: string) {
    if (this.failWith) throw this.failWith;
    await this.gate.passed();
    return super.read(drillId);
  }
}

/**
 * A restarted server listens before it has recovered its drills. A participant console that
 * reached it then (its board poll after the socket dropped) was told the drill does not exist
 * (404), took the drill for over and stopped reconnecting. Until it is ready the server now
 * answers 503 with Retry-After, and refuses sockets with 503, which consoles retry.
 */
describe('a server that is still recovering its drills', function () {
  this.timeout(20_000);
  let dir: string;
  const clock = new ManualClock(T0);
  /** Options over `dir` and `logs`, on port 0; `listening` resolves with the port once open. */
  const options = async (logs: FileEventLogStore) => {
    let opened: (port: number) => void = () => {};
    const listening = new Promise<number>((resolve) => {
      opened = resolve;
    });
    const start = testServerOptions(dir, clock, {
      stores: { catalogue: await FileCatalogueStore.open(dir), logs },
      onListening: opened,
    });
    return { start, listening };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'firedrill-starting-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 503 until its drills are back, then serves them', async () => {
    const first = await startServer(
      (await options(new FileEventLogStore(join(dir, 'drills')))).start,
    );
    const { drill, links } = await first.service.create({
      scenario: 'kakao-pangyo-fire',
      mode: 'now',
      assignments: [{ role: 'operator', personId: first.catalogue.read().people[0]?.id }],
    });
    const token = new URL(links[0]?.url ?? '').pathname.split('/').at(-1) ?? '';
    await first.close();

    const logs = new GatedReads(join(dir, 'drills'));
    logs.gate.close();
    let second: RunningServer | undefined;
    const { start, listening } = await options(logs);
    const starting = startServer(start).then((s) => {
      second = s;
      return s;
    });
    const port = await listening;
    const url = `http://127.0.0.1:${port}`;
    try {
      // Listening, not ready: recovery waits at the gate.
      await logs.gate.reached;
      const health = await request(url).get('/healthz');
      expect(health.status).to.equal(503);
      expect(health.headers['retry-after']).to.equal('1');
      expect(health.body.error.code).to.equal('starting');
      const board = await request(url).get(`/api/board/${token}`).set('accept', 'application/json');
      expect(board.status, 'the board of a drill being recovered').to.equal(503);
      const page = await request(url).get(`/join/${token}`).set('accept', 'text/html');
      expect(page.status).to.equal(503);
      expect(page.text).to.include('http-equiv="refresh"');
      const refused = await TestClient.open(`ws://127.0.0.1:${port}/ws?token=${token}`).then(
        () => 'opened',
        (error: Error) => error.message,
      );
      expect(refused).to.equal('refused: 503');
      expect(second, 'started before its drills were recovered').to.equal(undefined);

      logs.gate.open();
      await starting;
      expect((await request(url).get('/healthz')).status).to.equal(200);
      const live = await request(url).get(`/api/board/${token}`).set('accept', 'application/json');
      expect(live.status).to.equal(200);
      const client = await TestClient.open(`ws://127.0.0.1:${port}/ws?token=${token}`);
      const welcome = await client.waitFor('welcome', (m) => m.type === 'welcome');
      expect(welcome.role).to.equal('operator');
      client.ws.close();
      expect(second?.service.runner(drill.id)).to.not.equal(undefined);
    } finally {
      logs.gate.open();
      // A start that failed must not hide the assertion that failed before it.
      await starting.then(
        (server) => server.close(),
        () => undefined,
      );
    }
  });

  it('stops listening when its start fails, and lets go of the data directory', async () => {
    const logs = new GatedReads(join(dir, 'drills'));
    logs.failWith = new Error('disk on fire');
    const { start, listening } = await options(logs);
    const failed = await startServer(start).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(failed).to.equal('disk on fire');
    const port = await listening;
    const answer = await request(`http://127.0.0.1:${port}`)
      .get('/healthz')
      .then(
        (res) => `answered ${res.status}`,
        (error: Error) => (error.message.includes('ECONNREFUSED') ? 'refused' : error.message),
      );
    expect(answer, 'the failed start still listening').to.equal('refused');
    // The first test left a running drill, so recovery read its log and failed. A second
    // server over the same directory starts, recovers the drill and serves it.
    const again = await startServer(testServerOptions(dir, clock));
    try {
      expect((await request(again.url).get('/healthz')).status).to.equal(200);
    } finally {
      await again.close();
    }
  });

  it('stops listening when its wiring fails once it listens, and lets go of the data directory', async () => {
    let port = 0;
    const failed = await startServer(
      testServerOptions(dir, clock, {
        onListening: (opened) => {
          port = opened;
          throw new Error('wiring broke');
        },
      }),
    ).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(failed).to.equal('wiring broke');
    expect(port).to.be.greaterThan(0);
    // A bare TCP connect: the failed server attached no request handler, so an HTTP request to
    // it would hang, where a connect is accepted or refused at once.
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve('still listening');
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(answer).to.equal('ECONNREFUSED');
    const again = await startServer(testServerOptions(dir, clock));
    try {
      expect((await request(again.url).get('/healthz')).status).to.equal(200);
    } finally {
      await again.close();
    }
  });
});
