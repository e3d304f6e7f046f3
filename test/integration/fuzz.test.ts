import { rm } from 'node:fs/promises';
import { expect } from 'chai';
import fc from 'fast-check';
import { socketUrl, TestClient } from '../helpers/server.js';
import { httpCases } from './fuzz-http-cases.js';
import {
  checkWsReply,
  messagesUpTo,
  rawUpgrade,
  STACK,
  sendHttp,
  startWorld,
  stored,
  type World,
} from './fuzz-world.js';
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
        fc.array(wsCases(w.drill, w.lastSeq), { minLength: 100, maxLength: 110 }),
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

  it('answers made-up page paths with an HTML error page or the sign-in, never 500 or internals', async () => {
    const segment = fc
      .string({ minLength: 1, maxLength: 30 })
      .filter((x) => x !== '.' && x !== '..')
      .map((x) => encodeURIComponent(x));
    const page = fc.oneof(
      fc.tuple(fc.constantFrom('join', 'standby'), segment).map(([kind, token]) => ({
        path: `/${kind}/${token}`,
        staff: false,
        status: [404],
      })),
      fc
        .tuple(fc.constantFrom('/drills/', '/drills/zz', '/library/'), segment, fc.boolean())
        .map(([prefix, id, staff]) => ({
          path: `${prefix}${id}`,
          staff,
          status: staff ? [404] : [302, 404],
        })),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(page, { minLength: 10, maxLength: 10 }), async (burst) => {
        await Promise.all(
          burst.map(async (c) => {
            const res = await fetch(`${w.server.url}${c.path}`, {
              headers: c.staff ? { cookie: w.session.cookie } : {},
              redirect: 'manual',
            });
            const text = await res.text();
            const where = `${c.staff ? 'staff' : 'anyone'} GET ${c.path} → ${res.status} ${text.slice(0, 200)}`;
            expect(c.status, where).to.include(res.status);
            if (res.status === 302)
              expect(res.headers.get('location'), where).to.match(/^\/login\?next=/);
            else if (c.path.startsWith('/join/') || c.path.startsWith('/standby/'))
              expect(res.headers.get('content-type'), where).to.match(/^text\/html/);
            expect(text, where).to.not.match(STACK);
          }),
        );
        sent.http += burst.length;
        await unharmed();
      }),
      params(20),
    );
  });

  it('answers every refused HTTP request with its status and one error shape, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          httpCases({
            drillId: w.drillId,
            personId: w.personId,
            finishedId: w.server.seeded?.finishedDrill.id ?? '',
          }),
          {
            minLength: 50,
            maxLength: 55,
          },
        ),
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
    // 80 bursts of 100+ frames, 50 of 50+ requests, 200 upgrades, 20 closing frames: > 10,700.
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
