import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Drill } from '../../server/domain/drill.js';
import { ManualClock } from '../../server/runtime/clock.js';
import { seededRandom } from '../../server/runtime/random.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { eventually, socketUrl, T0, TestClient } from '../helpers/server.js';
import { type HttpCaller, type HttpCase, httpCases } from './fuzz-http-cases.js';
import { type WsCase, wsCases } from './fuzz-ws-cases.js';

/*
 * Fuzzing a running server with a live drill: thousands of generated malformed, oversized,
 * out-of-order and wrongly-typed WebSocket frames and HTTP requests. Nothing may crash it or
 * reject a promise unhandled, every answer is an error in the one shape that says what and
 * where, and the drill's log and the catalogue stay byte for byte as they were.
 *
 * FIREDRILL_FUZZ_SEED=<n> replays a run; fast-check prints the seed (and the shrunk case) of
 * any failure.
 */

const SEED = process.env.FIREDRILL_FUZZ_SEED ? Number(process.env.FIREDRILL_FUZZ_SEED) : undefined;
const params = (numRuns: number): fc.Parameters<unknown> => ({
  numRuns,
  // A failure shrinks against the live server; past this it reports the smallest case so far.
  interruptAfterTimeLimit: 20_000,
  markInterruptAsFailure: true,
  ...(SEED === undefined ? {} : { seed: SEED }),
});

/** A stack frame such as `at fn (/srv/app/server/x.ts:1:2)`. */
const STACK = /\bat (?:\S+ \()?(?:\/|[A-Za-z]:\\|node:|file:)[^\s)]*:\d+|node_modules|\.ts:\d+/;

interface World {
  server: RunningServer;
  dataDir: string;
  drill: Drill;
  drillId: string;
  lastSeq: number;
  session: { cookie: string; csrf: string };
  viewer: { cookie: string; csrf: string };
  tokens: string[];
  personId: string;
  serverErrors: string[];
}

async function signIn(url: string, username: string, password: string) {
  const res = await fetch(`${url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${username}: ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

async function startWorld(): Promise<World> {
  const dataDir = await mkdtemp(join(tmpdir(), 'firedrill-fuzz-'));
  const serverErrors: string[] = [];
  const paged: string[] = [];
  const server = await startServer({
    // Paging writes a fresh link to the catalogue after the start: waited for before the fuzz.
    pager: {
      page: async (person) => {
        paged.push(person.id);
      },
    },
    dataDir,
    wall: new ManualClock(T0),
    random: seededRandom(7),
    rateLimitPerMinute: 0,
    log: (message) => {
      if (message.startsWith('error')) serverErrors.push(message);
    },
  });
  const session = await signIn(server.url, 'facilitator', server.seeded?.password ?? '');
  const api = async <T>(method: string, path: string, body?: object, as = session): Promise<T> => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', cookie: as.cookie, 'x-csrf-token': as.csrf },
      body: body && JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<T>;
  };
  const made = await api<{ password: string }>('POST', '/api/accounts', {
    username: 'vic',
    role: 'viewer',
  });
  const viewer = await signIn(server.url, 'vic', made.password);
  const { people } = await api<{ people: { id: string }[] }>('GET', '/api/people');
  const roles = ['control-tower', 'operator', 'communicator', 'operations-lead'];
  const created = await api<{ drill: { id: string }; links: { role: string; url: string }[] }>(
    'POST',
    '/api/drills',
    {
      scenario: 'kakao-pangyo-fire',
      mode: 'now',
      assignments: roles.map((role, i) => ({ role, personId: people[i]?.id })),
    },
  );
  const drillId = created.drill.id;
  await eventually('every person paged', () => paged.length === roles.length);
  await server.service.settled();
  const runner = server.service.runner(drillId);
  if (!runner) throw new Error('the drill did not start');
  return {
    server,
    dataDir,
    drill: runner.drill,
    drillId,
    lastSeq: runner.state.seq,
    session,
    viewer,
    tokens: created.links
      .filter((l) => l.role === 'operator' || l.role === 'communicator')
      .map((l) => l.url.split('/join/')[1] ?? ''),
    personId: people[0]?.id ?? '',
    serverErrors,
  };
}

/** What must not change: the drill's log file and the catalogue file, as bytes. */
async function stored(w: World): Promise<{ log: Buffer; catalogue: Buffer }> {
  return {
    log: await readFile(join(w.dataDir, 'drills', `${w.drillId}.jsonl`)),
    catalogue: await readFile(join(w.dataDir, 'catalogue.json')),
  };
}

/** Waits (on the real clock, in turns of the event loop) until `client` holds `count` messages. */
async function messagesUpTo(client: TestClient, count: number, what: string) {
  const started = performance.now();
  while (client.messages.length < count) {
    if (performance.now() - started > 1_500 || client.closed)
      throw new Error(
        `${what}: ${client.messages.length} of ${count} answers, closed ${JSON.stringify(client.closed)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** Checks a socket's answer to one generated frame. */
function checkWsReply(c: WsCase, reply: Record<string, unknown> | undefined) {
  const where = `${c.kind} on the ${c.socket} socket: ${JSON.stringify(c.frame).slice(0, 160)} → ${JSON.stringify(reply).slice(0, 300)}`;
  expect(reply, where).to.be.an('object');
  expect(reply?.type, where).to.equal('error');
  expect(reply?.code, where).to.equal(c.code);
  expect(Object.keys(reply ?? {}), where).to.satisfy((keys: string[]) =>
    keys.every((k) => ['type', 'code', 'message', 'clientId'].includes(k)),
  );
  const message = reply?.message as string;
  expect(message, where).to.be.a('string').and.not.equal('');
  expect(message, where).to.not.match(STACK);
  if (c.names) expect(message, where).to.include(c.names);
  if (c.clientId !== undefined) expect(reply?.clientId, where).to.equal(c.clientId);
}

/** Sends one HTTP case and checks the answer. */
async function sendHttp(w: World, c: HttpCase) {
  const headers: Record<string, string> = {};
  if (c.body !== undefined) headers['content-type'] = c.type ?? 'application/json';
  const as: Record<HttpCaller, () => void> = {
    facilitator: () =>
      Object.assign(headers, { cookie: w.session.cookie, 'x-csrf-token': w.session.csrf }),
    viewer: () =>
      Object.assign(headers, { cookie: w.viewer.cookie, 'x-csrf-token': w.viewer.csrf }),
    anonymous: () => undefined,
    'bad-csrf': () =>
      Object.assign(headers, {
        cookie: w.session.cookie,
        'x-csrf-token': `${w.session.csrf.slice(0, -4)}AAAA`,
      }),
    'bad-bearer': () =>
      Object.assign(headers, { authorization: `Bearer fd_api_${'Z'.repeat(43)}` }),
  };
  as[c.caller]();
  const res = await fetch(`${w.server.url}${c.path}`, { method: c.method, headers, body: c.body });
  const text = await res.text();
  const where = `${c.kind}: ${c.caller} ${c.method} ${c.path.slice(0, 120)} ${String(c.body).slice(0, 120)} → ${res.status} ${text.slice(0, 300)}`;
  expect([c.status].flat(), where).to.include(res.status);
  expect(res.headers.get('content-type'), where).to.match(/^application\/json/);
  expect(text, where).to.not.match(STACK);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(Object.keys(body), where).to.deep.equal(['error']);
  expect(Object.keys(body.error ?? {}), where).to.have.members(['code', 'message']);
  expect([c.code].flat(), where).to.include(body.error?.code);
  expect(body.error?.message, where).to.be.a('string').and.not.equal('');
  if (c.names) expect(body.error?.message, where).to.include(c.names);
}

/** Sends a WebSocket upgrade with a raw request line; resolves with all the server wrote, once it closes. */
function rawUpgrade(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`${target}: no answer and not closed after 2 s (${JSON.stringify(answer)})`),
      );
    }, 2_000);
    socket.on('data', (data) => {
      answer += data.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(
      `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
  });
}

describe('fuzzing a live drill (fast-check)', function () {
  this.timeout(60_000);
  let w: World;
  let before0: { log: Buffer; catalogue: Buffer };
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const sent = { ws: 0, http: 0, upgrades: 0, closing: 0 };
  const sockets: { participant: TestClient[]; staff: TestClient[] } = {
    participant: [],
    staff: [],
  };

  before(async () => {
    process.on('unhandledRejection', onRejection);
    w = await startWorld();
    before0 = await stored(w);
    for (const token of w.tokens)
      sockets.participant.push(await TestClient.open(socketUrl(w.server, `/ws?token=${token}`)));
    sockets.staff.push(
      await TestClient.open(socketUrl(w.server, `/ws?drill=${w.drillId}`), {
        cookie: w.session.cookie,
      }),
    );
    for (const s of [...sockets.participant, ...sockets.staff])
      await s.waitFor('welcome', (m) => m.type === 'welcome');
  });
  after(async () => {
    for (const s of [...sockets.participant, ...sockets.staff]) s.close();
    process.off('unhandledRejection', onRejection);
    await w?.server.close();
    if (w) await rm(w.dataDir, { recursive: true, force: true });
  });

  /** After every run: nothing rejected unhandled, nothing logged as internal, nothing stored. */
  const unharmed = async () => {
    expect(rejections, 'unhandled rejections').to.deep.equal([]);
    expect(w.serverErrors, 'internal errors the server logged').to.deep.equal([]);
    const now = await stored(w);
    expect(now.log.equals(before0.log), 'the drill log, byte for byte').to.equal(true);
    expect(now.catalogue.equals(before0.catalogue), 'the catalogue, byte for byte').to.equal(true);
  };

  it('answers every malformed, oversized, mistyped or out-of-order frame with a clear error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(wsCases(w.drill, w.lastSeq), { minLength: 80, maxLength: 120 }),
        async (burst) => {
          const plan = new Map<TestClient, { from: number; cases: WsCase[] }>();
          burst.forEach((c, i) => {
            const pool = sockets[c.socket];
            const client = pool[i % pool.length] as TestClient;
            const entry = plan.get(client) ?? { from: client.messages.length, cases: [] };
            plan.set(client, entry);
            entry.cases.push(c);
            if (typeof c.frame === 'string') client.ws.send(c.frame);
            else client.ws.send(c.frame, { binary: true });
          });
          sent.ws += burst.length;
          for (const [client, { from, cases }] of plan) {
            await messagesUpTo(client, from + cases.length, 'socket answers');
            for (const [i, c] of cases.entries()) checkWsReply(c, client.messages[from + i]);
          }
          await unharmed();
        },
      ),
      params(80),
    );
  });

  it('closes a socket that sends over 64 KiB (1009) or text that is not UTF-8 (1007), and the drill goes on', async () => {
    const frame = fc.oneof(
      fc.integer({ min: 1, max: 8_192 }).map((extra) => ({
        data: Buffer.alloc(64 * 1024 + extra, 0x7b),
        binary: false,
        code: 1009,
      })),
      fc
        .uint8Array({ minLength: 1, maxLength: 64 })
        .map((bytes) =>
          Buffer.concat([Buffer.from('{"type":"'), Buffer.from(bytes), Buffer.from([0xff, 0xc0])]),
        )
        .map((data) => ({ data, binary: false, code: 1007 })),
    );
    await fc.assert(
      fc.asyncProperty(
        frame,
        fc.constantFrom(...w.tokens),
        async ({ data, binary, code }, token) => {
          const client = await TestClient.open(socketUrl(w.server, `/ws?token=${token}`));
          await client.waitFor('welcome', (m) => m.type === 'welcome');
          client.ws.send(data, { binary });
          sent.closing++;
          const started = performance.now();
          while (!client.closed && performance.now() - started < 3_000)
            await new Promise((resolve) => setTimeout(resolve, 1));
          expect(client.closed?.code, `closed ${JSON.stringify(client.closed)}`).to.equal(code);
          await unharmed();
        },
      ),
      params(20),
    );
  });

  it('opens nothing for a socket upgrade with a made-up token, drill or lastSeq, and replays only what was asked', async () => {
    const query: fc.Arbitrary<{ q: string; opens: boolean; lastSeq?: unknown }> = fc.oneof(
      fc
        .string({ maxLength: 60 })
        .map((t) => ({ q: `token=${encodeURIComponent(t)}`, opens: false })),
      fc
        .string({ maxLength: 60 })
        .map((d) => ({ q: `drill=${encodeURIComponent(d)}`, opens: false })),
      fc
        .tuple(
          fc.constantFrom(...w.tokens),
          fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 8 })),
        )
        .map(([token, lastSeq]) => ({
          q: `token=${token}&lastSeq=${encodeURIComponent(String(lastSeq))}`,
          opens: true,
          lastSeq,
        })),
    );
    await fc.assert(
      fc.asyncProperty(query, async (c) => {
        sent.upgrades++;
        const opened = await TestClient.open(socketUrl(w.server, `/ws?${c.q}`)).then(
          (client) => client,
          (error: Error) => error,
        );
        if (!c.opens) {
          expect(opened, c.q).to.be.an('error');
          expect((opened as Error).message, c.q).to.equal('refused: 404');
          return;
        }
        const client = opened as TestClient;
        try {
          const welcome = await client.waitFor('welcome', (m) => m.type === 'welcome');
          expect(welcome.seq, c.q).to.equal(w.lastSeq);
          // Whatever lastSeq said, the replay holds only entries after it, once each, in order.
          await new Promise((resolve) => setTimeout(resolve, 5));
          const seqs = client.events().map((e) => e.seq as number);
          expect(seqs, c.q).to.deep.equal([...seqs].sort((a, b) => a - b));
          expect(new Set(seqs).size, c.q).to.equal(seqs.length);
          const asked = Number(c.lastSeq);
          if (Number.isInteger(asked))
            expect(
              seqs.every((s) => s > asked),
              c.q,
            ).to.equal(true);
          expect(
            client.messages.filter((m) => m.type === 'error'),
            c.q,
          ).to.deep.equal([]);
        } finally {
          client.close();
        }
        await unharmed();
      }),
      params(100),
    );
  });

  it('answers an upgrade whose request target no URL parser reads with 4xx and closes it', async () => {
    const target = fc.oneof(
      fc.stringMatching(/^[!-~]{1,60}$/),
      fc.stringMatching(/^[!-~]{0,20}$/).map((rest) => `http://[${rest}`),
      fc.integer({ min: 65_536, max: 10_000_000 }).map((port) => `http://a:${port}/ws`),
      fc.stringMatching(/^[%[\]{}|^`]{1,10}$/).map((host) => `http://${host}/ws?token=x`),
    );
    await fc.assert(
      fc.asyncProperty(target, async (t) => {
        sent.upgrades++;
        const answer = await rawUpgrade(w.server.port, t);
        expect(answer, t).to.match(/^HTTP\/1\.1 4\d\d /);
        await unharmed();
      }),
      params(100),
    );
  });

  it('answers every refused HTTP request with its status and one error shape, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(httpCases({ drillId: w.drillId, personId: w.personId }), {
          minLength: 40,
          maxLength: 60,
        }),
        async (burst) => {
          for (let i = 0; i < burst.length; i += 10)
            await Promise.all(burst.slice(i, i + 10).map((c) => sendHttp(w, c)));
          sent.http += burst.length;
          await unharmed();
        },
      ),
      params(50),
    );
  });

  it('sent at least 10,000 generated messages, and the server still serves the drill', async () => {
    const total = sent.ws + sent.http + sent.upgrades + sent.closing;
    expect(total, JSON.stringify(sent)).to.be.at.least(10_000);
    await unharmed();
    const health = await fetch(`${w.server.url}/healthz`);
    expect(health.status).to.equal(200);
    // A well-formed action still goes in: the server refused the rest, it did not seize up.
    const operator = sockets.participant[0] as TestClient;
    const from = operator.messages.length;
    operator.send({
      type: 'action',
      clientId: 'after-the-fuzz',
      action: 'report-failure',
      channel: 'secondary-messenger',
      text: 'Pangyo is dark',
    });
    const ack = await operator.waitFor('the ack', (m) => m.type === 'ack', from);
    expect(ack.seq).to.equal(w.lastSeq + 1);
    expect((await stored(w)).log.length).to.be.greaterThan(before0.log.length);
  });
});
