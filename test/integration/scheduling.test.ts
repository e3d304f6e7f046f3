import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import {
  eventually,
  eventuallyAsync,
  socketUrl,
  startTestServer,
  T0,
  TestClient,
  type TestServer,
} from '../helpers/server.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'];

async function people(t: TestServer): Promise<{ id: string; name: string }[]> {
  return (await t.facilitator.get('/api/people').expect(200)).body.people;
}

async function status(t: TestServer, id: string) {
  return (await t.facilitator.get(`/api/drills/${id}`).expect(200)).body.drill as {
    status: string;
    statusReason?: string;
    dueAt?: string;
  };
}

describe('scheduling', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    await t.stop();
  });

  for (const [late, outcome] of [
    [15, 'running'],
    [16, 'missed'],
  ] as const)
    it(`${outcome === 'running' ? 'starts' : 'marks missed'} a drill that fell due while the server was down, ${late} minutes late with 15 allowed`, async () => {
      const [person] = await people(t);
      const at = new Date(T0 + 10 * MIN).toISOString();
      const res = await t.facilitator
        .post('/api/drills', {
          scenario: 'kakao-pangyo-fire',
          mode: 'at',
          at,
          lateStartMinutes: 15,
          assignments: [{ role: 'operator', personId: person?.id }],
        })
        .expect(201);
      const id = res.body.drill.id as string;
      await t.server.close(); // the server goes down before the drill is due ...
      t.clock.advance(10 * MIN + late * MIN); // ... and comes back `late` minutes after it was due
      await t.restart();
      t.clock.advance(0);
      const after = await eventuallyAsync('the late-start decision', async () => {
        const d = await status(t, id);
        return d.status !== 'scheduled' && d;
      });
      expect(after.status).to.equal(outcome);
      if (outcome === 'missed')
        expect(after.statusReason).to.match(/16 minutes late, more than the 15 allowed/);
    });

  it('keeps a surprise drill secret until it starts: its links answer exactly like unknown ones', async () => {
    const [person] = await people(t);
    const standbyUrl = t.server.seeded?.standby.find((s) => s.name === person?.name)?.url ?? '';
    const standbyPath = new URL(standbyUrl).pathname.replace(/^\/standby\//, '/api/standby/');
    const standbyBefore = await t.facilitator.get(standbyPath).expect(200);
    const window = {
      from: new Date(T0 + HOUR).toISOString(),
      to: new Date(T0 + 5 * HOUR).toISOString(),
    };
    const allowedHours = {
      from: '09:00',
      to: '18:00',
      timeZone: 'Asia/Seoul',
      weekdays: [1, 2, 3, 4, 5],
    };
    const res = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-viral-surge',
        mode: 'surprise',
        window,
        allowedHours,
        assignments: [{ role: 'operator', personId: person?.id }],
      })
      .expect(201);
    const id = res.body.drill.id as string;
    const token = (res.body.links[0].url as string).split('/join/')[1] as string;
    const dueAt = Date.parse((await status(t, id)).dueAt ?? '');
    expect(dueAt).to.be.within(T0 + HOUR, T0 + 5 * HOUR);

    const unknown = await t.facilitator.get(
      '/api/join/fd_join_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    );
    const before = await t.facilitator.get(`/api/join/${token}`);
    expect([before.status, before.body]).to.deep.equal([unknown.status, unknown.body]);
    let refused = '';
    await TestClient.open(socketUrl(t.server, `/ws?token=${token}`)).catch((e: Error) => {
      refused = e.message;
    });
    expect(refused).to.equal('refused: 404');

    // Nothing a participant can fetch mentions the moment or the window, in any form.
    const seoul = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Asia/Seoul',
      hour: '2-digit',
      minute: '2-digit',
    }).format(dueAt);
    const forms = [
      new Date(dueAt).toISOString(),
      String(dueAt),
      String(Math.floor(dueAt / 1000)),
      seoul,
      window.from,
      window.to,
      'starts in',
    ];
    // The person's standby page answers exactly as it did before anything was scheduled.
    const standby = await t.facilitator.get(standbyPath).expect(200);
    expect(standby.body).to.deep.equal(standbyBefore.body);
    const texts = [before.text, JSON.stringify(before.headers), standby.text];
    for (const text of texts) for (const form of forms) expect(text, form).to.not.include(form);

    t.clock.advance(dueAt - T0); // the drawn moment comes
    const started = await eventuallyAsync(
      'the surprise start',
      async () => (await status(t, id)).status === 'running',
    );
    expect(started).to.equal(true);
    await t.facilitator.get(`/api/join/${token}`).expect(200);
  });

  it('refuses a surprise window that holds only blackout dates or hours outside those allowed', async () => {
    const [person] = await people(t);
    const assignments = [{ role: 'operator', personId: person?.id }];
    // 2026-11-28/29 is a weekend; the 30th is blacked out.
    const window = { from: '2026-11-27T09:00:00Z', to: '2026-11-30T09:00:00Z' };
    const allowedHours = {
      from: '09:00',
      to: '18:00',
      timeZone: 'Asia/Seoul',
      weekdays: [1, 2, 3, 4, 5],
    };
    const res = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-viral-surge',
        mode: 'surprise',
        window,
        allowedHours,
        blackoutDates: ['2026-11-30'],
        assignments,
      })
      .expect(400);
    expect(res.body.error.code).to.equal('no-moment');
    // With the 30th allowed, the moment falls on it, inside 09:00–18:00 KST.
    const ok = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-viral-surge',
        mode: 'surprise',
        window,
        allowedHours,
        assignments,
      })
      .expect(201);
    const due = new Date(ok.body.drill.dueAt as string);
    const kst = new Date(due.getTime() + 9 * HOUR);
    expect(kst.toISOString().slice(0, 10)).to.equal('2026-11-30');
    expect(kst.getUTCHours()).to.be.within(9, 17);
  });

  it('runs a drill to its end on autopilot with bots in every role and nobody watching', async () => {
    const res = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-new-year-peak',
        mode: 'now',
        assignments: ROLES.map((role) => ({ role, bot: true })),
      })
      .expect(201);
    const id = res.body.drill.id as string;
    // Two hours of drill time in 5-second steps, letting the bots' writes settle between steps.
    for (let i = 0; i < 2 * 720 && t.server.service.runner(id); i++) {
      t.clock.advance(5_000);
      await t.server.service.settled();
    }
    const ended = await eventuallyAsync(
      'the end',
      async () => (await status(t, id)).status === 'ended',
    );
    expect(ended).to.equal(true);
    const card = (await t.facilitator.get(`/api/drills/${id}/scorecard`).expect(200)).body;
    expect([card.score, card.pass, card.final]).to.deep.equal([100, true, true]);
  });
});

describe('paging', () => {
  it('pages everyone on a drill through their webhooks with a join link for that drill', async () => {
    const received: { path: string; body: Record<string, unknown> }[] = [];
    const receiver = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (chunk) => {
        data += chunk;
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(data) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const t = await startTestServer();
    try {
      const person = await t.facilitator
        .post('/api/people', {
          name: 'Yoon Ha-eun',
          webhooks: [
            { kind: 'json', url: `${hook}/json` },
            { kind: 'chat-webhook', url: `${hook}/chat` },
          ],
        })
        .expect(201);
      await t.facilitator
        .post('/api/drills', {
          scenario: 'kakao-pangyo-fire',
          mode: 'now',
          assignments: [{ role: 'operator', personId: person.body.person.id }],
        })
        .expect(201);
      await eventually('both pages', () => received.length >= 2);
      const json = received.find((r) => r.path === '/json')?.body;
      const chat = received.find((r) => r.path === '/chat')?.body;
      expect(json?.exercise).to.equal(true);
      expect(chat?.text).to.match(/^\[EXERCISE — not a real incident\]/);
      const token = String(json?.joinUrl).split('/join/')[1];
      expect(String(chat?.text)).to.include(String(json?.joinUrl));
      const joined = await t.facilitator.get(`/api/join/${token}`).expect(200);
      expect(joined.body.role).to.equal('operator');
    } finally {
      await t.stop();
      receiver.close();
    }
  });
});

describe('a slow client', () => {
  it('is cut loose when it falls behind, and resumes from its last sequence number without loss', async () => {
    const t = await startTestServer({ maxBufferedBytes: 256 * 1024 });
    try {
      const [person] = await people(t);
      const res = await t.facilitator
        .post('/api/drills', {
          scenario: 'kakao-pangyo-fire',
          mode: 'now',
          assignments: [{ role: 'operator', personId: person?.id }],
        })
        .expect(201);
      const id = res.body.drill.id as string;
      const token = (res.body.links[0].url as string).split('/join/')[1] as string;
      const slow = await TestClient.open(socketUrl(t.server, `/ws?token=${token}`));
      await slow.waitFor('welcome', (m) => m.type === 'welcome');
      // The client stops reading; the server keeps sending 4 KB injects until it gives up on it.
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const runner = t.server.service.runner(id);
      const text = 'smoke '.repeat(700);
      const sent: number[] = [];
      for (let batch = 0; batch < 40 && !slow.closed; batch++) {
        const entries = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            runner?.injectAdHoc({ to: ['operator'], title: `update ${batch}-${i}`, text }),
          ),
        );
        sent.push(...entries.map((e) => e?.seq ?? 0));
        (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
        await new Promise((resolve) => setImmediate(resolve));
        if (!slow.closed) (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      }
      (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
      await eventually('the cut', () => slow.closed);
      expect(slow.closed?.code).to.equal(4008);
      const seen = slow.events().map((e) => e.seq as number);
      const last = Math.max(0, ...seen);
      const again = await TestClient.open(
        socketUrl(t.server, `/ws?token=${token}&lastSeq=${last}`),
      );
      await again.waitFor(
        'the last inject',
        (m) => (m.event as { seq?: number } | undefined)?.seq === sent.at(-1),
      );
      const all = [...seen, ...again.events().map((e) => e.seq as number)];
      expect(all).to.deep.equal(sent);
      again.close();
    } finally {
      await t.stop();
    }
  });
});
