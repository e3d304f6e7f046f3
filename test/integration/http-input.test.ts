import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { ManualClock } from '../../server/runtime/clock.js';
import { seededRandom } from '../../server/runtime/random.js';
import { type RunningServer, type StartOptions, startServer } from '../../server/server.js';
import { startTestServer, T0, type TestServer } from '../helpers/server.js';

/*
 * What the JSON API does with bad input: malformed, oversized or mistyped bodies, missing CSRF
 * tokens, unknown bearer tokens, too many attempts. Every answer is checked for a stack trace.
 */

/** A stack frame such as `at fn (/srv/app/server/x.ts:1:2)` or `at node:internal/...`. */
const STACK_FRAME = /\bat (?:\S+ \()?(?:\/|[A-Za-z]:\\|node:|file:)[^\s)]*:\d+/;

/** Awaits a request and checks what no answer may carry: a stack trace, or an error of another shape. */
async function answer(req: request.Test): Promise<request.Response> {
  const res = await req;
  expect(res.text, `${res.status} ${res.text.slice(0, 200)}`).to.not.match(STACK_FRAME);
  expect(res.text).to.not.match(/node_modules|node:internal|\.ts:\d+/);
  if (res.status >= 400) {
    expect(res.type, res.text.slice(0, 200)).to.equal('application/json');
    expect(Object.keys(res.body)).to.deep.equal(['error']);
    expect(res.body.error).to.have.all.keys('code', 'message');
  }
  return res;
}

/** Sends `raw` bytes on a fresh connection and collects everything until the server closes it. */
function rawExchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(raw));
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      reply += chunk;
    });
    socket.on('end', () => resolve(reply));
    socket.on('error', reject);
  });
}

interface Session {
  cookie: string;
  csrf: string;
}

async function signInRaw(url: string, username: string, password: string): Promise<Session> {
  const res = await request(url).post('/api/session').send({ username, password }).expect(200);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return {
    cookie: cookies.map((c) => c.split(';')[0]).join('; '),
    csrf: res.body.csrfToken as string,
  };
}

type Method = 'get' | 'post' | 'delete';

/** A request with a session's cookie and (unless `csrf` is false) its CSRF header. */
function as(url: string, session: Session, method: Method, path: string, csrf = true) {
  const req = request(url)[method](path).set('cookie', session.cookie);
  return csrf ? req.set('x-csrf-token', session.csrf) : req;
}

/** Boots a server over a fresh data directory with `options` (rate limit, proxy trust). */
async function bootServer(
  options: Partial<StartOptions>,
): Promise<{ server: RunningServer; stop(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'firedrill-input-'));
  const server = await startServer({
    dataDir,
    wall: new ManualClock(T0),
    random: seededRandom(7),
    log: () => {},
    ...options,
  });
  return {
    server,
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'];

describe('bad HTTP input', () => {
  let t: TestServer;
  let url: string;
  let f: Session;
  let viewer: Session;
  let people: { id: string; name: string }[];
  let drill: { id: string; links: { id: string; url: string }[] };
  const fac = (method: Method, path: string) => as(url, f, method, path);

  const newDrill = async (later = false) => {
    const res = await answer(
      fac('post', '/api/drills').send({
        scenario: 'kakao-pangyo-fire',
        mode: later ? 'at' : 'now',
        at: later ? new Date(T0 + 24 * 3_600_000).toISOString() : undefined,
        assignments: ROLES.map((role, i) => ({ role, personId: people[i]?.id })),
      }),
    );
    expect(res.status).to.equal(201);
    return res.body as { drill: { id: string }; links: { id: string; url: string }[] };
  };
  /** A drill in `state`, with a join link for each of the four roles. */
  const created = async (state: 'scheduled' | 'running' | 'paused' | 'ended' = 'running') => {
    const { drill: d, links } = await newDrill(state === 'scheduled');
    if (state === 'paused') await fac('post', `/api/drills/${d.id}/pause`).expect(200);
    if (state === 'ended') await fac('post', `/api/drills/${d.id}/end`).expect(200);
    return { id: d.id, links };
  };
  const logOf = async (id: string) => (await fac('get', `/api/drills/${id}/log`).expect(200)).text;

  before(async () => {
    t = await startTestServer();
    url = t.server.url;
    f = await signInRaw(url, 'facilitator', t.server.seeded?.password ?? '');
    const made = await fac('post', '/api/accounts')
      .send({ username: 'vic', role: 'viewer' })
      .expect(201);
    viewer = await signInRaw(url, 'vic', made.body.password);
    people = (await fac('get', '/api/people').expect(200)).body.people;
    drill = await created();
  });
  after(async () => {
    await t?.stop();
  });

  /** Every POST route with a body, on the shared running drill. */
  const postRoutes = () => [
    '/api/session',
    '/api/drills',
    `/api/drills/${drill.id}/stop`,
    `/api/drills/${drill.id}/inject`,
    `/api/drills/${drill.id}/notes`,
    `/api/drills/${drill.id}/off-platform`,
    `/api/drills/${drill.id}/overrides`,
    '/api/accounts',
    '/api/people',
    '/api/teams',
    '/api/tokens',
  ];

  describe('bodies', () => {
    it('answers a body that is not JSON with 400 bad-json on every POST route', async () => {
      const before = await logOf(drill.id);
      for (const path of postRoutes())
        for (const text of ['{"text": ', "{'text': 'single quotes'}", 'null', '"a string"']) {
          const res = await answer(
            fac('post', path).set('content-type', 'application/json').send(text),
          );
          expect(res.status, `${path} ${text}`).to.equal(400);
          expect(res.body.error.code, `${path} ${text}`).to.equal('bad-json');
        }
      expect(await logOf(drill.id)).to.equal(before);
    });

    it('answers a body over 64 KiB with 413 too-large, and reads one just under it', async () => {
      const before = await logOf(drill.id);
      const body = (size: number) => {
        const text = JSON.stringify({ text: '' });
        return JSON.stringify({ text: 'x'.repeat(size - text.length) });
      };
      expect(body(64 * 1024 + 1)).to.have.lengthOf(64 * 1024 + 1);
      for (const path of postRoutes()) {
        const res = await answer(
          fac('post', path)
            .set('content-type', 'application/json')
            .send(body(64 * 1024 + 1)),
        );
        expect(res.status, path).to.equal(413);
        expect(res.body.error.code, path).to.equal('too-large');
      }
      // Just under the limit the body is read, and the schema says what is wrong with it.
      const under = await answer(
        fac('post', `/api/drills/${drill.id}/notes`)
          .set('content-type', 'application/json')
          .send(body(64 * 1024)),
      );
      expect(under.status).to.equal(400);
      expect(under.body.error).to.deep.include({ code: 'bad-request' });
      expect(under.body.error.message).to.match(/^text: /);
      expect(await logOf(drill.id)).to.equal(before);
    });

    it('refuses wrong types and unknown keys in each POST body with 400 naming the field', async () => {
      const before = await logOf(drill.id);
      const d = `/api/drills/${drill.id}`;
      const drillBody = {
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        assignments: [{ role: 'operator', personId: people[1]?.id }],
      };
      const offPlatform = { role: 'operator', action: 'report-failure', t: 0, medium: 'phone' };
      const cases: [string, unknown, RegExp][] = [
        ['/api/session', { username: 42, password: 'x' }, /^username: /],
        ['/api/session', { username: 'facilitator', password: 'x', remember: true }, /remember/],
        ['/api/session', { username: 'facilitator' }, /^password: /],
        ['/api/drills', { ...drillBody, mode: 'later' }, /^mode: /],
        ['/api/drills', { ...drillBody, assignments: [{ role: 7 }] }, /^assignments\[0\]\.role: /],
        [
          '/api/drills',
          { ...drillBody, assignments: [{ role: 'operator', colour: 'red' }] },
          /^assignments\[0\]: .*colour/,
        ],
        ['/api/drills', { ...drillBody, timeScale: '10' }, /^timeScale: /],
        [
          '/api/drills',
          { ...drillBody, mode: 'surprise', window: { from: 'tomorrow', to: 'later' } },
          /window\.from: .*window\.to: /,
        ],
        ['/api/drills', { ...drillBody, assignments: [] }, /^assignments: /],
        ['/api/drills', { ...drillBody, secret: true }, /secret/],
        [`${d}/stop`, { reason: 42 }, /^reason: /],
        [`${d}/inject`, { to: 'operator', title: 'a', text: 'b' }, /^to: /],
        [`${d}/inject`, { to: ['operator'], title: '', text: 'b' }, /^title: /],
        [`${d}/inject`, { to: ['operator'], title: 'a', text: 'b', urgent: true }, /urgent/],
        [`${d}/notes`, { text: '' }, /^text: /],
        [`${d}/notes`, { text: 'ok', mood: 'tense' }, /mood/],
        [`${d}/off-platform`, { ...offPlatform, t: -1 }, /^t: /],
        [`${d}/off-platform`, { ...offPlatform, t: '0' }, /^t: /],
        [`${d}/off-platform`, { ...offPlatform, medium: undefined }, /^medium: /],
        [`${d}/off-platform`, { ...offPlatform, fields: { grade: 2 } }, /^fields\.grade: /],
        [`${d}/off-platform`, { ...offPlatform, via: 'bridge' }, /via/],
        [`${d}/overrides`, { target: { step: 'declare-incident', verdict: 'late' } }, /^reason: /],
        [
          `${d}/overrides`,
          { reason: 'r', target: { step: 'declare-incident', verdict: 'great' } },
          /^target/,
        ],
        ['/api/accounts', { username: 'Bad Name', role: 'viewer' }, /^username: /],
        ['/api/accounts', { username: 'ok-name', role: 'admin' }, /^role: /],
        ['/api/people', { name: 'Yoon Ji-woo', email: 'not-an-email' }, /^email: /],
        [
          '/api/people',
          { name: 'Yoon Ji-woo', webhooks: [{ kind: 'sms', url: 'https://x.example' }] },
          /^webhooks\[0\]\.kind: /,
        ],
        ['/api/teams', { name: 5 }, /^name: /],
        ['/api/teams', { name: 'Ansan', members: [1] }, /^members\[0\]: /],
        ['/api/tokens', { name: '' }, /^name: /],
        ['/api/tokens', { name: 'ci', scope: 'everything' }, /scope/],
        ['/api/teams', [1, 2], /^body: /],
      ];
      const before2 = (await fac('get', '/api/teams').expect(200)).body;
      for (const [path, body, message] of cases) {
        const res = await answer(fac('post', path).send(body as object));
        const what = `${path} ${JSON.stringify(body)}`;
        expect(res.status, `${what}: ${res.text}`).to.equal(400);
        expect(res.body.error.code, what).to.equal('bad-request');
        expect(res.body.error.message, what).to.match(message);
      }
      expect(await logOf(drill.id)).to.equal(before);
      expect((await fac('get', '/api/teams').expect(200)).body).to.deep.equal(before2);
    });

    it('refuses unknown keys on the control routes too, and does nothing', async () => {
      // Each route gets a drill in the state it would act on, so only the body can refuse it.
      const states: [string, 'scheduled' | 'running' | 'paused' | 'ended'][] = [
        ['start', 'scheduled'],
        ['pause', 'running'],
        ['resume', 'paused'],
        ['end', 'running'],
        ['abort', 'running'],
        ['stop', 'running'],
        ['archive', 'ended'],
        ['revoke', 'running'],
      ];
      for (const [op, state] of states) {
        const fresh = await created(state);
        const path =
          op === 'revoke'
            ? `/api/drills/${fresh.id}/links/${fresh.links[0]?.id}/revoke`
            : `/api/drills/${fresh.id}/${op}`;
        const before = (await fac('get', `/api/drills/${fresh.id}`).expect(200)).body.drill;
        const res = await answer(fac('post', path).send({ bogus: 1 }));
        expect(res.status, op).to.equal(400);
        expect(res.body.error.message, op).to.match(/bogus/);
        const after = (await fac('get', `/api/drills/${fresh.id}`).expect(200)).body.drill;
        expect(after, op).to.deep.equal(before);
      }
    });

    it('refuses an off-platform record or override the log cannot hold, and the drill goes on', async () => {
      for (const body of [
        {
          route: 'off-platform',
          body: { role: 'Operator', action: 'report-failure', t: 0, medium: 'phone' },
          field: /^role: /,
        },
        {
          route: 'overrides',
          body: { reason: 'r', target: { step: 'Declare-Incident', verdict: 'late' } },
          field: /^target\.step: /,
        },
      ]) {
        const fresh = await created();
        const refused = await answer(
          fac('post', `/api/drills/${fresh.id}/${body.route}`).send(body.body),
        );
        expect(refused.status).to.equal(400);
        expect(refused.body.error.message).to.match(body.field);
        const note = await answer(
          fac('post', `/api/drills/${fresh.id}/notes`).send({ text: 'still here' }),
        );
        expect(note.status, note.text).to.equal(201);
      }
    });

    it('refuses an off-platform record or override naming what the manual does not have', async () => {
      const fresh = await created();
      const before = await logOf(fresh.id);
      const base = { role: 'operator', action: 'report-failure', t: 0, medium: 'phone' };
      const cases: [string, object, RegExp][] = [
        ['off-platform', { ...base, role: 'ghost' }, /^role: /],
        ['off-platform', { ...base, action: 'launch-missiles' }, /^action: /],
        ['off-platform', { ...base, channel: 'carrier-pigeon' }, /^channel: /],
        ['off-platform', { ...base, to: ['nobody'] }, /^to: /],
        ['off-platform', { ...base, ref: 999 }, /^ref: /],
        ['overrides', { reason: 'r', target: { step: 'no-such-step', verdict: 'late' } }, /step/],
        [
          'overrides',
          { reason: 'r', target: { rule: 'no-such-rule', violation: 1, verdict: 'kept' } },
          /rule/,
        ],
      ];
      for (const [route, body, field] of cases) {
        const res = await answer(fac('post', `/api/drills/${fresh.id}/${route}`).send(body));
        expect(res.status, `${route} ${JSON.stringify(body)}`).to.equal(400);
        expect(res.body.error.message).to.match(field);
      }
      expect(await logOf(fresh.id)).to.equal(before);
    });
  });

  describe('CSRF', () => {
    it('refuses a cookie session’s POST or DELETE without the CSRF header, 403 bad-csrf', async () => {
      const before = await logOf(drill.id);
      const teams = (await fac('get', '/api/teams').expect(200)).body.teams.length;
      const attempts: [Method, string, object?][] = [
        ['post', '/api/teams', { name: 'Ansan on-call' }],
        ['post', `/api/drills/${drill.id}/pause`],
        ['post', `/api/drills/${drill.id}/notes`, { text: 'forged' }],
        ['post', '/api/tokens', { name: 'forged' }],
        ['delete', '/api/session'],
      ];
      for (const [method, path, body] of attempts) {
        for (const header of [undefined, 'forged-token', viewer.csrf]) {
          let req = as(url, f, method, path, false);
          if (header) req = req.set('x-csrf-token', header);
          const res = await answer(body ? req.send(body) : req);
          expect(res.status, `${method} ${path} with ${header}`).to.equal(403);
          expect(res.body.error.code).to.equal('bad-csrf');
        }
      }
      expect(await logOf(drill.id)).to.equal(before);
      expect((await fac('get', '/api/teams').expect(200)).body.teams).to.have.lengthOf(teams);
      // The session is still signed in, and the token from GET /api/me works.
      const me = await answer(as(url, f, 'get', '/api/me', false));
      expect(me.status).to.equal(200);
      const ok = await answer(
        as(url, f, 'post', '/api/teams', false)
          .set('x-csrf-token', me.body.csrfToken)
          .send({ name: 'Ansan on-call' }),
      );
      expect(ok.status).to.equal(201);
    }).timeout(20_000);

    it('asks for the CSRF token when the Authorization header with a cookie is not a bearer token', async () => {
      for (const header of ['Basic Zm9vOmJhcg==', 'Bearer', 'Bearer two words', 'x']) {
        const res = await answer(
          as(url, f, 'post', '/api/teams', false)
            .set('authorization', header)
            .send({ name: 'forged' }),
        );
        expect(res.status, header).to.be.oneOf([401, 403]);
      }
    });
  });

  describe('API tokens', () => {
    it('lets an API token act without CSRF, and refuses an unknown or revoked one with 401', async () => {
      const made = await answer(fac('post', '/api/tokens').send({ name: 'ci' }));
      expect(made.status).to.equal(201);
      const token = made.body.token as string;
      const bearer = (method: Method, path: string, value = token) =>
        request(url)[method](path).set('authorization', `Bearer ${value}`);
      expect((await answer(bearer('get', '/api/drills'))).status).to.equal(200);
      const team = await answer(bearer('post', '/api/teams').send({ name: 'Bots' }));
      expect(team.status).to.equal(201);

      const before = await logOf(drill.id);
      const unknown = `fd_api_${'A'.repeat(43)}`;
      for (const value of [unknown, 'not-a-token', made.body.id]) {
        const res = await answer(
          bearer('post', `/api/drills/${drill.id}/notes`, value).send({ text: 'x' }),
        );
        expect(res.status, value).to.equal(401);
        expect(res.body.error.code).to.equal('bad-token');
      }
      await t.server.catalogue.update((data) => {
        const record = data.apiTokens.find((r) => r.id === made.body.id);
        if (record) record.revokedAt = new Date(T0).toISOString();
      });
      for (const [method, path] of [
        ['get', '/api/drills'],
        ['post', `/api/drills/${drill.id}/notes`],
      ] as const) {
        const res = await answer(bearer(method, path).send({ text: 'after revoke' }));
        expect(res.status, path).to.equal(401);
        expect(res.body.error.code).to.equal('bad-token');
      }
      expect(await logOf(drill.id)).to.equal(before);
    });
  });

  describe('errors', () => {
    it('answers an internal error with 500 internal and a fixed message, no stack and no detail', async () => {
      const catalogue = t.server.catalogue;
      const update = catalogue.update;
      catalogue.update = async () => {
        throw new Error('EIO: disk on fire, /srv/firedrill/data/catalogue.json');
      };
      try {
        const res = await answer(fac('post', '/api/teams').send({ name: 'Ansan on-call' }));
        expect(res.status).to.equal(500);
        expect(res.body.error).to.deep.equal({
          code: 'internal',
          message: 'something went wrong on the server; it has been logged',
        });
        expect(res.text).to.not.include('disk on fire');
      } finally {
        catalogue.update = update;
      }
      expect((await answer(fac('post', '/api/teams').send({ name: 'Ansan' }))).status).to.equal(
        201,
      );
    });

    it('answers an unknown route with 404 not-found in the same shape', async () => {
      for (const [method, path] of [
        ['get', '/api/nope'],
        ['post', '/api/drills/x/explode'],
        ['get', '/no-such-page'],
        ['delete', '/api/drills'],
      ] as const) {
        const res = await answer(fac(method, path));
        expect(res.status, path).to.equal(404);
        expect(res.body.error.code).to.equal('not-found');
      }
    });

    it('answers a browser asking for a page that does not exist with the 404 error page', async () => {
      const res = await fac('get', '/no-such-page').set('accept', 'text/html,*/*;q=0.8');
      expect(res.status).to.equal(404);
      expect(res.type).to.equal('text/html');
      expect(res.text).to.include('no such page or API route');
      expect(res.text).to.not.match(STACK_FRAME);
      // The API keeps its shape whatever the client accepts.
      const api = await answer(fac('get', '/api/nope').set('accept', 'text/html'));
      expect(api.status).to.equal(404);
    });

    it('answers a request Node cannot parse in the same JSON shape, not a bare status line', async () => {
      const { port } = new URL(url);
      const cases: [string, number, string][] = [
        ['GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n', 400, 'bad-http'],
        ['NOT-HTTP\r\n\r\n', 400, 'bad-http'],
        [
          `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
          431,
          'headers-too-large',
        ],
      ];
      for (const [raw, status, code] of cases) {
        const reply = await rawExchange(Number(port), raw);
        const [head = '', body = ''] = reply.split('\r\n\r\n');
        expect(head, raw.slice(0, 30)).to.match(new RegExp(`^HTTP/1\\.1 ${status} `));
        expect(head).to.match(/content-type: application\/json/i);
        expect(JSON.parse(body).error.code).to.equal(code);
      }
      expect((await answer(fac('get', '/healthz'))).status).to.equal(200);
    });

    it('answers archiving a drill that has not ended with 409, like the other state conflicts', async () => {
      const res = await answer(fac('post', `/api/drills/${drill.id}/archive`));
      expect(res.status).to.equal(409);
      expect(res.body.error.code).to.equal('not-ended');
    });

    it('answers a malformed percent-encoding in the path with 400, not 500', async () => {
      for (const path of ['/api/join/%E0%A4%A', '/api/drills/%ZZ', '/api/standby/%']) {
        const res = await answer(fac('get', path));
        expect(res.status, path).to.equal(400);
      }
    });
  });

  describe('headers', () => {
    it('sends the security headers on every answer, errors included', async () => {
      const answers: [string, request.Response][] = [
        ['GET /healthz', await answer(request(url).get('/healthz'))],
        ['GET /api/me', await answer(request(url).get('/api/me'))],
        ['GET /api/nope', await answer(request(url).get('/api/nope'))],
        ['POST /api/teams', await answer(fac('post', '/api/teams').send({ name: 5 }))],
        ['GET /api/drills', await answer(fac('get', '/api/drills'))],
      ];
      for (const [route, res] of answers) {
        const what = `${res.status} ${route}`;
        expect(res.headers['content-security-policy'], what).to.match(/default-src 'self'/);
        expect(res.headers['content-security-policy'], what).to.match(/frame-ancestors 'self'/);
        expect(res.headers['x-content-type-options'], what).to.equal('nosniff');
        expect(res.headers['x-frame-options'], what).to.equal('SAMEORIGIN');
        expect(res.headers['referrer-policy'], what).to.equal('no-referrer');
        expect(res.headers['strict-transport-security'], what).to.match(/max-age=\d+/);
        expect(res.headers['cross-origin-opener-policy'], what).to.equal('same-origin');
        expect(res.headers, what).to.not.have.property('x-powered-by');
      }
    });

    it('sets the session cookie HttpOnly, SameSite=Strict, for 12 hours, not Secure over plain HTTP', async () => {
      const res = await answer(
        request(url).post('/api/session').send({ username: 'vic', password: 'wrong' }),
      );
      expect(res.status).to.equal(401);
      expect(res.headers['set-cookie']).to.equal(undefined);
      const signed = await request(url)
        .post('/api/session')
        .send({ username: 'facilitator', password: t.server.seeded?.password })
        .expect(200);
      const cookie = ([] as string[])
        .concat(signed.headers['set-cookie'] ?? [])
        .find((c) => c.startsWith('fd_session='));
      expect(cookie).to.match(/; HttpOnly/);
      expect(cookie).to.match(/; SameSite=Strict/);
      expect(cookie).to.match(/; Max-Age=43200/);
      expect(cookie).to.match(/; Path=\//);
      expect(cookie).to.not.match(/; Secure/);
    });

    it('sets the session cookie Secure behind a trusted proxy that says HTTPS', async () => {
      const booted = await bootServer({ trustProxy: true, rateLimitPerMinute: 0 });
      try {
        const signed = await request(booted.server.url)
          .post('/api/session')
          .set('x-forwarded-proto', 'https')
          .send({ username: 'facilitator', password: booted.server.seeded?.password })
          .expect(200);
        const cookie = ([] as string[])
          .concat(signed.headers['set-cookie'] ?? [])
          .find((c) => c.startsWith('fd_session='));
        expect(cookie).to.match(/; Secure/);
      } finally {
        await booted.stop();
      }
    });
  });

  describe('rate limits', () => {
    it('answers the 4th sign-in, join or standby request in a minute with 429 when the limit is 3', async () => {
      const booted = await bootServer({ rateLimitPerMinute: 3 });
      const limited = booted.server.url;
      try {
        const signIn = (password: string) =>
          answer(request(limited).post('/api/session').send({ username: 'facilitator', password }));
        for (let i = 0; i < 3; i++) expect((await signIn('wrong')).status).to.equal(401);
        const fourth = await signIn(booted.server.seeded?.password ?? '');
        expect(fourth.status).to.equal(429);
        expect(fourth.body.error.code).to.equal('rate-limited');

        for (const path of ['/api/join/fd_join_x', '/api/standby/fd_standby_x']) {
          for (let i = 0; i < 3; i++)
            expect((await answer(request(limited).get(path))).status, path).to.equal(404);
          const res = await answer(request(limited).get(path));
          expect(res.status, path).to.equal(429);
          expect(res.body.error.code).to.equal('rate-limited');
        }
        // Other routes are not limited.
        for (let i = 0; i < 5; i++)
          expect((await answer(request(limited).get('/api/me'))).status).to.equal(401);
      } finally {
        await booted.stop();
      }
    });

    it('lifts the limit when it is 0', async () => {
      for (let i = 0; i < 6; i++) {
        const res = await answer(
          request(url).post('/api/session').send({ username: 'facilitator', password: 'wrong' }),
        );
        expect(res.status).to.equal(401);
        expect(res.body.error.code).to.equal('bad-credentials');
      }
    });
  });

  describe('the drill log', () => {
    it('is left unchanged by every rejected request', async () => {
      const fresh = await created();
      const log = () => logOf(fresh.id);
      // The pager adds a link per person after the start, whenever it gets to it: the links
      // compared are the revoked ones (none may be, after these rejected requests).
      const record = async () => {
        const body = (await fac('get', `/api/drills/${fresh.id}`).expect(200)).body;
        return { ...body, links: body.links.filter((l: { revokedAt?: string }) => l.revokedAt) };
      };
      const before = { log: await log(), record: await record() };
      const d = `/api/drills/${fresh.id}`;
      const attempts: [string, () => request.Test, number][] = [
        ['bad json', () => fac('post', `${d}/notes`).type('json').send('{"text":'), 400],
        ['too large', () => fac('post', `${d}/notes`).send({ text: 'x'.repeat(70_000) }), 413],
        ['wrong type', () => fac('post', `${d}/notes`).send({ text: 7 }), 400],
        ['unknown key', () => fac('post', `${d}/inject`).send({ to: ['operator'], x: 1 }), 400],
        [
          'unknown role',
          () => fac('post', `${d}/inject`).send({ to: ['ghost'], title: 'a', text: 'b' }),
          400,
        ],
        ['no csrf', () => as(url, f, 'post', `${d}/pause`, false), 403],
        ['no csrf note', () => as(url, f, 'post', `${d}/notes`, false).send({ text: 'x' }), 403],
        ['viewer', () => as(url, viewer, 'post', `${d}/notes`).send({ text: 'x' }), 403],
        ['viewer pause', () => as(url, viewer, 'post', `${d}/pause`), 403],
        ['anonymous', () => request(url).post(`${d}/end`), 401],
        [
          'unknown bearer',
          () =>
            request(url)
              .post(`${d}/abort`)
              .set('authorization', `Bearer fd_api_${'B'.repeat(43)}`),
          401,
        ],
        [
          'join token as bearer',
          () =>
            request(url)
              .post(`${d}/notes`)
              .set('authorization', `Bearer ${fresh.links[0]?.url.split('/join/')[1]}`)
              .send({ text: 'x' }),
          401,
        ],
        ['resume a running drill', () => fac('post', `${d}/resume`), 409],
        ['start a running drill', () => fac('post', `${d}/start`), 409],
        ['archive a running drill', () => fac('post', `${d}/archive`), 409],
        ['revoke an unknown link', () => fac('post', `${d}/links/nope/revoke`), 404],
        ['unknown drill', () => fac('post', '/api/drills/nope/notes').send({ text: 'x' }), 404],
      ];
      for (const [what, attempt, status] of attempts) {
        const res = await answer(attempt());
        expect(res.status, `${what}: ${res.text}`).to.equal(status);
      }
      expect(await log(), 'the log').to.equal(before.log);
      expect(await record(), 'the drill').to.deep.equal(before.record);
    });
  });
});
