import { expect } from 'chai';
import { ManualClock } from '../../server/runtime/clock.js';
import {
  TestClient as Client,
  eventually,
  eventuallyAsync,
  socketUrl,
  startTestServer,
  T0,
  type TestClient,
  type TestServer,
} from '../helpers/server.js';

const MIN = 60_000;
const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'] as const;
type Role = (typeof ROLES)[number];

interface Started {
  id: string;
  links: Record<Role, { id: string; token: string }>;
}

/** Schedules the Pangyo-fire drill now, one seeded person per role, and returns its join tokens. */
async function startDrill(t: TestServer, extra: object = {}): Promise<Started> {
  const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
    id: string;
  }[];
  const assignments = ROLES.map((role, i) => ({ role, personId: people[i]?.id }));
  const res = await t.facilitator
    .post('/api/drills', { scenario: 'kakao-pangyo-fire', mode: 'now', assignments, ...extra })
    .expect(201);
  const links = Object.fromEntries(
    (res.body.links as { id: string; role: Role; url: string }[]).map((l) => [
      l.role,
      { id: l.id, token: l.url.split('/join/')[1] },
    ]),
  ) as Started['links'];
  return { id: res.body.drill.id, links };
}

async function join(t: TestServer, token: string, lastSeq?: number): Promise<TestClient> {
  const info = await t.facilitator.get(`/api/join/${token}`).expect(200);
  const path = lastSeq === undefined ? info.body.socket : `${info.body.socket}&lastSeq=${lastSeq}`;
  const client = await Client.open(socketUrl(t.server, path));
  await client.waitFor('welcome', (m) => m.type === 'welcome');
  return client;
}

describe('live drills over HTTP and WebSocket', () => {
  let t: TestServer;
  const clients: TestClient[] = [];
  before(async () => {
    t = await startTestServer();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  after(async () => {
    await t.stop();
  });
  const joinAll = async (drill: Started) => {
    const byRole = {} as Record<Role, TestClient>;
    for (const role of ROLES) {
      byRole[role] = await join(t, drill.links[role].token);
      clients.push(byRole[role]);
    }
    return byRole;
  };

  it('gives each role exactly its own injects, and channel messages only to the channel’s members', async () => {
    const drill = await startDrill(t);
    const c = await joinAll(drill);
    t.clock.advance(2 * MIN);
    await c.operator.waitFor(
      'the fire inject',
      (m) => m.type === 'event' && (m.event as { inject?: string }).inject === 'battery-room-fire',
    );
    t.clock.advance(4 * MIN); // 00:06: facility report to control tower and communicator
    await c['control-tower'].waitFor(
      'facility report',
      (m) => (m.event as { inject?: string } | undefined)?.inject === 'facility-report',
    );
    await c.communicator.waitFor(
      'facility report',
      (m) => (m.event as { inject?: string } | undefined)?.inject === 'facility-report',
    );
    const injectsOf = (role: Role) =>
      c[role]
        .events()
        .filter((e) => e.type === 'inject-delivered')
        .map((e) => e.inject);
    expect(injectsOf('operator')).to.deep.equal(['battery-room-fire']);
    expect(injectsOf('control-tower')).to.deep.equal(['facility-report']);
    expect(injectsOf('communicator')).to.deep.equal(['facility-report']);
    expect(injectsOf('operations-lead')).to.deep.equal([]);
    // But the board the fire changed is told to every role, the operations lead's included.
    const board = await c['operations-lead'].waitFor(
      'the new board',
      (m) => m.type === 'board' && (m.board as { seq: number }).seq >= 2,
    );
    expect(board.exercise).to.equal(true);
    const kakaotalk = (board.board as { services: { id: string; state: string }[] }).services.find(
      (s) => s.id === 'kakaotalk',
    );
    expect(kakaotalk?.state).to.equal('down');
    expect(JSON.stringify(board)).to.not.include('battery-room-fire');

    // The bridge's members are control tower, operator and communicator; not the operations lead.
    c.operator.send({
      type: 'action',
      clientId: 'm1',
      action: 'send-message',
      channel: 'bridge',
      text: 'UPS room 3 is on fire',
    });
    await c.operator.waitFor('ack', (m) => m.type === 'ack' && m.clientId === 'm1');
    await c['control-tower'].waitFor(
      'the bridge message',
      (m) => (m.event as { text?: string } | undefined)?.text === 'UPS room 3 is on fire',
    );
    await c.communicator.waitFor(
      'the bridge message',
      (m) => (m.event as { text?: string } | undefined)?.text === 'UPS room 3 is on fire',
    );
    // Give the lead's socket the same chance to hear it: a later broadcast to everyone arrives after it.
    await t.facilitator.post(`/api/drills/${drill.id}/pause`).expect(200);
    await c['operations-lead'].waitFor(
      'the pause',
      (m) => (m.event as { type?: string } | undefined)?.type === 'paused',
    );
    expect(c['operations-lead'].events().some((e) => e.text === 'UPS room 3 is on fire')).to.equal(
      false,
    );
  });

  it('closes a revoked link’s socket at once, and the link opens nothing after', async () => {
    const drill = await startDrill(t);
    const operator = await join(t, drill.links.operator.token);
    clients.push(operator);
    await t.facilitator
      .post(`/api/drills/${drill.id}/links/${drill.links.operator.id}/revoke`)
      .expect(200);
    await eventually('the socket to close', () => operator.closed);
    expect(operator.closed?.code).to.equal(4001);
    await t.facilitator.get(`/api/join/${drill.links.operator.token}`).expect(404);
    let refused = '';
    await Client.open(socketUrl(t.server, `/ws?token=${drill.links.operator.token}`)).catch(
      (e: Error) => {
        refused = e.message;
      },
    );
    expect(refused).to.equal('refused: 404');
  });

  it('replays exactly the missed events, in order, once, to a client that reconnects with its last sequence number', async () => {
    const drill = await startDrill(t);
    const first = await join(t, drill.links['control-tower'].token);
    clients.push(first);
    const lastSeq = (first.messages[0] as { seq: number }).seq;
    first.close();
    await eventually('the socket to close', () => first.closed);
    t.clock.advance(10 * MIN); // facility report (00:06), power cut (00:10), and the nudge (00:12)
    t.clock.advance(2 * MIN);
    const runner = t.server.service.runner(drill.id);
    await eventually('three injects', () => (runner?.state.injects.length ?? 0) >= 4);
    const again = await join(t, drill.links['control-tower'].token, lastSeq);
    clients.push(again);
    await again.waitFor(
      'the nudge',
      (m) => (m.event as { inject?: string } | undefined)?.inject === 'declaration-nudge',
    );
    const replayed = again.events();
    expect(replayed.map((e) => e.inject)).to.deep.equal([
      'facility-report',
      'building-power-cut',
      'declaration-nudge',
    ]);
    const seqs = replayed.map((e) => e.seq as number);
    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b));
    expect(seqs.every((s) => s > lastSeq)).to.equal(true);
  });

  it('applies a resent action once and answers the resend with the same sequence number', async () => {
    const drill = await startDrill(t);
    const operator = await join(t, drill.links.operator.token);
    clients.push(operator);
    const action = {
      type: 'action',
      clientId: 'r-1',
      action: 'report-failure',
      channel: 'secondary-messenger',
      text: 'Pangyo dark',
    };
    operator.send(action);
    const first = await operator.waitFor('ack', (m) => m.type === 'ack' && m.clientId === 'r-1');
    const count = operator.messages.length;
    operator.send(action);
    const second = await operator.waitFor(
      'second ack',
      (m) => m.type === 'ack' && m.clientId === 'r-1',
      count,
    );
    expect(first.duplicate).to.equal(false);
    expect(second).to.deep.include({ seq: first.seq, duplicate: true });
    const log = await t.facilitator.get(`/api/drills/${drill.id}/log`).expect(200);
    const reports = log.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.action === 'report-failure');
    expect(reports).to.have.lengthOf(1);
  });

  it('answers malformed, oversized and unknown WebSocket messages with clear errors and leaves the log as it was', async () => {
    const drill = await startDrill(t);
    const operator = await join(t, drill.links.operator.token);
    clients.push(operator);
    const before = (await t.facilitator.get(`/api/drills/${drill.id}/log`)).text;
    const sends: [unknown, string, RegExp][] = [
      ['{not json', 'bad-json', /one JSON object/],
      [{ type: 'dance' }, 'bad-message', /type/],
      [
        { type: 'action', clientId: 'x', action: 'launch-missiles' },
        'bad-action',
        /unknown action 'launch-missiles'/,
      ],
      [
        { type: 'action', clientId: 'y', action: 'report-failure', channel: 'carrier-pigeon' },
        'bad-action',
        /unknown channel/,
      ],
      [
        { type: 'action', clientId: 'z', action: 'report-failure', text: 'x'.repeat(5000) },
        'bad-message',
        /text/,
      ],
    ];
    for (const [message, code, text] of sends) {
      const from = operator.messages.length;
      operator.send(message);
      const reply = await operator.waitFor(`error ${code}`, (m) => m.type === 'error', from);
      expect(reply.code, JSON.stringify(message).slice(0, 40)).to.equal(code);
      expect(reply.message).to.match(text);
    }
    operator.send('x'.repeat(70 * 1024));
    await eventually('the oversized message to close the socket', () => operator.closed);
    expect(operator.closed?.code).to.equal(1009);
    expect((await t.facilitator.get(`/api/drills/${drill.id}/log`)).text).to.equal(before);
  });

  it('freezes the drill for everyone when a participant stops it for a real incident', async () => {
    const drill = await startDrill(t);
    const c = await joinAll(drill);
    c.communicator.send({ type: 'stop', reason: 'real outage in Ansan' });
    for (const role of ROLES)
      await c[role].waitFor(
        `${role} hears the stop`,
        (m) => (m.event as { reason?: string } | undefined)?.reason === 'real-incident',
      );
    const record = await eventuallyAsync('the drill to be marked stopped', async () => {
      const body = (await t.facilitator.get(`/api/drills/${drill.id}`).expect(200)).body;
      return body.drill.status === 'stopped' && body.drill;
    });
    expect(record.statusReason).to.equal('real incident: real outage in Ansan');
    t.clock.advance(30 * MIN);
    const runner = t.server.service.runner(drill.id);
    expect(runner?.state.injects).to.have.lengthOf(0);
  });
});

describe('heartbeats', () => {
  it('drop a socket that stops answering pings, and keep one that answers', async () => {
    const beat = new ManualClock(T0);
    const t = await startTestServer({ heartbeatClock: beat });
    try {
      const drill = await startDrill(t);
      const alive = await join(t, drill.links.operator.token);
      const dead = await join(t, drill.links.communicator.token);
      const roles = () =>
        t.server.hub
          .connected(drill.id)
          .map((c) => c.role)
          .sort();
      expect(roles()).to.deep.equal(['communicator', 'operator']);
      // The dead one's machine froze: it reads nothing, so it never sees a ping to answer.
      (dead.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      let pings = 0;
      alive.ws.on('ping', () => pings++);
      for (let round = 1; round <= 2; round++) {
        beat.advance(30_000);
        await eventually(`ping ${round}`, () => pings >= round);
        // The pong went out before this message, so the server has it when it answers.
        const from = alive.messages.length;
        alive.send({ type: 'ping' });
        await alive.waitFor('the pong', (m) => m.type === 'pong', from);
      }
      await eventually('the dead socket to be dropped', () => roles().length === 1);
      expect(roles()).to.deep.equal(['operator']);
      expect(alive.closed).to.equal(undefined);
      alive.close();
    } finally {
      await t.stop();
    }
  });
});

describe('heartbeat pacing', () => {
  it('pings a thirtieth of the sockets at a time, each once per beat', async () => {
    const beat = new ManualClock(T0);
    const t = await startTestServer({ heartbeatClock: beat });
    try {
      const drill = await startDrill(t);
      const clients = await Promise.all(ROLES.map((role) => join(t, drill.links[role].token)));
      const pings = clients.map(() => 0);
      clients.forEach((c, i) => {
        c.ws.on('ping', () => {
          pings[i] = (pings[i] ?? 0) + 1;
        });
      });
      const total = () => pings.reduce((a, b) => a + b, 0);
      // A thirtieth of the beat at a time: never more than one of the four in one slice.
      let seen = 0;
      for (let slice = 0; slice < 30; slice++) {
        beat.advance(1_000);
        // A ping sent now reaches the client before the pong to this message comes back.
        await Promise.all(
          clients.map(async (c) => {
            const from = c.messages.length;
            c.send({ type: 'ping' });
            await c.waitFor('the pong', (m) => m.type === 'pong', from);
          }),
        );
        expect(total() - seen, `slice ${slice}`).to.be.at.most(1);
        seen = total();
      }
      expect(pings).to.deep.equal([1, 1, 1, 1]);
      for (const c of clients) c.close();
    } finally {
      await t.stop();
    }
  });
});

describe('after a drill ends', () => {
  it('takes the evaluator’s off-platform actions, notes and overrides into the log and the scorecard, then archives it', async () => {
    const t = await startTestServer();
    try {
      const drill = await startDrill(t);
      const operator = await join(t, drill.links.operator.token);
      t.clock.advance(2 * MIN);
      await t.facilitator.post(`/api/drills/${drill.id}/end`).expect(200);
      await eventuallyAsync(
        'the end',
        async () =>
          (await t.facilitator.get(`/api/drills/${drill.id}`)).body.drill.status === 'ended',
      );
      // Said on the bridge at 00:02:30, typed in afterwards.
      const offPlatform = await t.facilitator
        .post(`/api/drills/${drill.id}/off-platform`, {
          role: 'operator',
          action: 'report-failure',
          channel: 'secondary-messenger',
          t: 150_000,
          medium: 'bridge call',
          text: 'Pangyo is dark',
        })
        .expect(201);
      expect(offPlatform.body.t).to.equal(120_000); // the drill ended at 00:02:00: nothing counts after it
      await t.facilitator
        .post(`/api/drills/${drill.id}/notes`, {
          text: 'The operator reported on the bridge first.',
        })
        .expect(201);
      await t.facilitator
        .post(`/api/drills/${drill.id}/overrides`, {
          reason: 'reported on the bridge; the chat was slow',
          target: { step: 'report-failure', verdict: 'on_time' },
        })
        .expect(201);
      const card = (await t.facilitator.get(`/api/drills/${drill.id}/scorecard`).expect(200)).body;
      expect(card.evaluator.offPlatform).to.have.lengthOf(1);
      expect(card.evaluator.notes[0].text).to.equal('The operator reported on the bridge first.');
      const step = card.steps.find((s: { step: string }) => s.step === 'report-failure');
      expect(step.occurrences[0].overridden.reason).to.equal(
        'reported on the bridge; the chat was slow',
      );

      await t.facilitator.post(`/api/drills/${drill.id}/archive`).expect(200);
      await t.facilitator.get(`/api/join/${drill.links.operator.token}`).expect(404);
      await eventually('the socket to close', () => operator.closed);
    } finally {
      await t.stop();
    }
  });
});

describe('a fresh data directory', () => {
  it('seeds the demo: a facilitator, the team, and a finished drill with a scorecard', async () => {
    const t = await startTestServer();
    try {
      const drills = (await t.facilitator.get('/api/drills').expect(200)).body.drills;
      expect(drills).to.have.lengthOf(1);
      expect(drills[0].status).to.equal('ended');
      const card = (await t.facilitator.get(`/api/drills/${drills[0].id}/scorecard`).expect(200))
        .body;
      expect(card.final).to.equal(true);
      expect(card.manual.integrity).to.equal('verified');
      expect(card.score).to.be.lessThan(100);
      expect((await t.facilitator.get('/api/people').expect(200)).body.people).to.have.lengthOf(5);
      expect(new Date(T0).toISOString()).to.be.a('string');
    } finally {
      await t.stop();
    }
  });
});
