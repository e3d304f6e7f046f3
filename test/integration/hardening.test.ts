import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { readConfig } from '../../server/config.js';
import { ManualClock } from '../../server/runtime/clock.js';
import { seededRandom } from '../../server/runtime/random.js';
import { type RunningServer, type StartOptions, startServer } from '../../server/server.js';
import { eventually, socketUrl, T0, TestClient } from '../helpers/server.js';

/*
 * Web hardening, from outside: security headers on pages and reports too, rate limits that bite
 * at N+1 and lift at 0, cookies Secure exactly when the connection is HTTPS (or a trusted proxy
 * says so), and no stack trace or internal detail in any answer, even to a forced internal error.
 */

/** A stack frame (`at fn (/srv/x.ts:1:2)`), a source path, or the detail of the forced error. */
const INTERNALS =
  /\bat (?:\S+ \()?(?:\/|node:|file:)[^\s)]*:\d+|node_modules|\.ts:\d+|disk on fire/;

interface Booted {
  server: RunningServer;
  url: string;
  password: string;
  stop(): Promise<void>;
}

async function boot(options: Partial<StartOptions> = {}): Promise<Booted> {
  const dataDir = await mkdtemp(join(tmpdir(), 'firedrill-hardening-'));
  const server = await startServer({
    dataDir,
    wall: new ManualClock(T0),
    random: seededRandom(7),
    rateLimitPerMinute: 0,
    log: () => {},
    ...options,
  });
  return {
    server,
    url: server.url,
    password: server.seeded?.password ?? '',
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function signIn(b: Booted, headers: Record<string, string> = {}) {
  const res = await fetch(`${b.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ username: 'facilitator', password: b.password }),
  });
  const cookies = res.headers.getSetCookie();
  return {
    res,
    setCookie: cookies.find((c) => c.startsWith('fd_session=')) ?? '',
    cookie: cookies.map((c) => c.split(';')[0]).join('; '),
    csrf: ((await res.json()) as { csrfToken: string }).csrfToken,
  };
}

/** A drill running now, and its first join link's token. */
async function runningDrill(b: Booted, s: { cookie: string; csrf: string }) {
  const people = (await (
    await fetch(`${b.url}/api/people`, { headers: { cookie: s.cookie } })
  ).json()) as { people: { id: string; name: string }[] };
  const res = await fetch(`${b.url}/api/drills`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf },
    body: JSON.stringify({
      scenario: 'kakao-pangyo-fire',
      mode: 'now',
      assignments: [{ role: 'operator', personId: people.people[1]?.id }],
    }),
  });
  const body = (await res.json()) as { drill: { id: string }; links: { url: string }[] };
  const standby = b.server.seeded?.standby.find((p) => p.name === people.people[1]?.name)?.url;
  return {
    id: body.drill.id,
    token: body.links[0]?.url.split('/join/')[1] ?? '',
    standby: standby?.split('/standby/')[1] ?? '',
  };
}

describe('web hardening', function () {
  this.timeout(30_000);
  let b: Booted;
  let s: Awaited<ReturnType<typeof signIn>>;
  let drill: Awaited<ReturnType<typeof runningDrill>>;
  before(async () => {
    b = await boot();
    s = await signIn(b);
    drill = await runningDrill(b, s);
  });
  after(async () => {
    await b?.stop();
  });

  describe('security headers', () => {
    it('sends them on every page, report and static file, error pages included', async () => {
      const finished = b.server.seeded?.finishedDrill.id;
      const pages: [string, boolean][] = [
        ['/', false],
        ['/login', false],
        ['/drills', true],
        ['/drills/new', true],
        [`/drills/${drill.id}`, true],
        ['/library', true],
        [`/drills/${finished}/report`, true],
        [`/api/drills/${finished}/report?format=html`, true],
        [`/api/drills/${finished}/report?format=md`, true],
        [`/api/drills/${finished}/report?format=csv`, true],
        [`/join/${drill.token}`, false],
        [`/standby/${drill.standby}`, false],
        ['/join/fd_join_nobody', false],
        ['/drills/no-such-drill', true],
        ['/static/css/app.css', false],
        ['/static/js/no-such-module.js', false],
      ];
      for (const [path, staff] of pages) {
        const res = await fetch(`${b.url}${path}`, {
          headers: staff ? { cookie: s.cookie } : {},
          redirect: 'manual',
        });
        const h = (name: string) => res.headers.get(name) ?? '';
        const what = `${res.status} ${path}`;
        const csp = h('content-security-policy');
        expect(csp, what).to.match(/default-src 'self'/);
        expect(csp, what).to.match(/frame-ancestors 'self'/);
        expect(csp, what).to.match(/object-src 'none'/);
        // No inline script may run: a payload that got into a page could not execute.
        const scriptSrc = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
        expect(scriptSrc, what).to.not.match(/unsafe-inline|unsafe-eval/);
        expect(h('x-content-type-options'), what).to.equal('nosniff');
        expect(h('x-frame-options'), what).to.equal('SAMEORIGIN');
        expect(h('referrer-policy'), what).to.equal('no-referrer');
        expect(h('strict-transport-security'), what).to.match(/max-age=\d+/);
        expect(h('cross-origin-opener-policy'), what).to.equal('same-origin');
        expect(h('cross-origin-resource-policy'), what).to.equal('same-origin');
        expect(res.headers.has('x-powered-by'), what).to.equal(false);
        expect(await res.text(), what).to.not.match(INTERNALS);
      }
    });

    it('serves nothing outside public/ under /static, however the path is spelled', async () => {
      for (const path of [
        '/static/../package.json',
        '/static/%2e%2e/package.json',
        '/static/..%2fpackage.json',
        '/static/%2e%2e%2f%2e%2e%2fpackage.json',
        '/static/css/..%2f..%2f..%2fdata%2fsecret',
        '/static/..%5cpackage.json',
      ]) {
        const res = await fetch(`${b.url}${path}`);
        const text = await res.text();
        expect(res.status, path).to.be.oneOf([400, 403, 404]);
        expect(text, path).to.not.include('"devDependencies"');
      }
    });
  });

  describe('rate limits', () => {
    const N = 3;
    let limited: Booted;
    before(async () => {
      limited = await boot({ rateLimitPerMinute: N });
    });
    after(async () => {
      await limited?.stop();
    });

    it('reads the limit from FIREDRILL_RATE_LIMIT, 20 by default, and refuses a bad value', () => {
      expect(readConfig({}).rateLimitPerMinute).to.equal(20);
      expect(readConfig({ FIREDRILL_RATE_LIMIT: '3' }).rateLimitPerMinute).to.equal(3);
      expect(readConfig({ FIREDRILL_RATE_LIMIT: '0' }).rateLimitPerMinute).to.equal(0);
      expect(() => readConfig({ FIREDRILL_RATE_LIMIT: 'lots' })).to.throw(/FIREDRILL_RATE_LIMIT/);
    });

    it('answers the N+1th failed sign-in, join or standby attempt with 429, on the API and the pages', async () => {
      const good = await signIn(limited);
      const live = await runningDrill(limited, good);
      const attempts: [string, (ok: boolean) => Promise<Response>][] = [
        [
          'POST /api/session',
          (ok) =>
            fetch(`${limited.url}/api/session`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({
                username: 'facilitator',
                password: ok ? limited.password : 'guess',
              }),
            }),
        ],
        [
          'GET /api/join',
          (ok) => fetch(`${limited.url}/api/join/${ok ? live.token : 'fd_join_guess'}`),
        ],
        ['GET /join', (ok) => fetch(`${limited.url}/join/${ok ? live.token : 'fd_join_guess'}`)],
        [
          'GET /api/board',
          (ok) => fetch(`${limited.url}/api/board/${ok ? live.token : 'fd_join_guess'}`),
        ],
        [
          'GET /api/standby',
          (ok) => fetch(`${limited.url}/api/standby/${ok ? live.standby : 'fd_standby_guess'}`),
        ],
        [
          'GET /standby',
          (ok) => fetch(`${limited.url}/standby/${ok ? live.standby : 'fd_standby_guess'}`),
        ],
      ];
      for (const [what, attempt] of attempts) {
        // Good attempts are not counted: a standby page polling every 2 s never hits the limit.
        for (let i = 0; i < N + 2; i++)
          expect((await attempt(true)).status, `${what} good #${i + 1}`).to.equal(200);
        for (let i = 0; i < N; i++)
          expect((await attempt(false)).status, `${what} guess #${i + 1}`).to.be.oneOf([401, 404]);
        const next = await attempt(true);
        expect(next.status, `${what}: attempt N+1, even a good one`).to.equal(429);
        const text = await next.text();
        if (what.includes('/api/')) expect(JSON.parse(text).error.code).to.equal('rate-limited');
        else expect(next.headers.get('content-type'), what).to.match(/^text\/html/);
        expect(text, what).to.match(/too many attempts/);
      }
      // Each path is counted on its own, and other routes are not limited.
      for (let i = 0; i < N + 2; i++)
        expect((await fetch(`${limited.url}/api/me`)).status).to.equal(401);
    });

    it('counts the client, not a header it made up, unless the proxy in front is trusted', async () => {
      const spoof = (url: string, ip: string) =>
        fetch(`${url}/api/join/fd_join_guess`, { headers: { 'x-forwarded-for': ip } });
      // express-rate-limit warns (console.error) of the header behind no trusted proxy: it is
      // meant, so the warning is kept out of the test output.
      const warn = console.error;
      console.error = () => undefined;
      const untrusting = await boot({ rateLimitPerMinute: N });
      const trusting = await boot({ rateLimitPerMinute: N, trustProxy: true });
      try {
        for (let i = 0; i < N; i++) await spoof(untrusting.url, `10.0.0.${i}`);
        expect(
          (await spoof(untrusting.url, '10.0.0.99')).status,
          'a new X-Forwarded-For each time',
        ).to.equal(429);
        // The proxy appends the address it saw to whatever the client sent: only that one counts.
        for (let i = 0; i < N; i++) await spoof(trusting.url, `192.0.2.${i}, 10.0.0.1`);
        expect(
          (await spoof(trusting.url, '192.0.2.99, 10.0.0.1')).status,
          'the same client behind the proxy',
        ).to.equal(429);
        expect(
          (await spoof(trusting.url, '10.0.0.2')).status,
          'another client behind the proxy',
        ).to.equal(404);
      } finally {
        console.error = warn;
        await untrusting.stop();
        await trusting.stop();
      }
    });

    it('lifts every limit when it is 0', async () => {
      for (let i = 0; i < 25; i++) {
        expect((await fetch(`${b.url}/api/join/fd_join_guess`)).status).to.equal(404);
        expect((await fetch(`${b.url}/standby/fd_standby_guess`)).status).to.equal(404);
      }
    });
  });

  describe('cookies', () => {
    it('are not Secure over plain HTTP, nor when an untrusted client claims X-Forwarded-Proto: https', async () => {
      const plain = await signIn(b);
      expect(plain.setCookie)
        .to.match(/; HttpOnly/)
        .and.match(/; SameSite=Strict/);
      expect(plain.setCookie).to.not.match(/; Secure/);
      const claimed = await signIn(b, { 'x-forwarded-proto': 'https' });
      expect(claimed.setCookie).to.not.match(/; Secure/);
    });

    it('are Secure behind a trusted proxy that says https, and not when it says http', async () => {
      const proxied = await boot({ trustProxy: true });
      try {
        expect((await signIn(proxied, { 'x-forwarded-proto': 'https' })).setCookie).to.match(
          /; Secure/,
        );
        expect((await signIn(proxied, { 'x-forwarded-proto': 'http' })).setCookie).to.not.match(
          /; Secure/,
        );
      } finally {
        await proxied.stop();
      }
    });

    it('are Secure when the app is served over HTTPS itself', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'firedrill-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      const cert = await readFile(join(dir, 'cert.pem'));
      // The same express app the server runs, behind a TLS listener.
      const app = b.server.app;
      const tls = createServer({ key: await readFile(join(dir, 'key.pem')), cert }, app);
      await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
      try {
        const setCookie = await new Promise<string[]>((resolve, reject) => {
          const req = httpsRequest(
            {
              host: '127.0.0.1',
              port: (tls.address() as AddressInfo).port,
              path: '/api/session',
              method: 'POST',
              ca: cert,
              servername: 'localhost',
              checkServerIdentity: () => undefined,
              headers: { 'content-type': 'application/json' },
            },
            (res) => {
              res.resume();
              resolve(res.headers['set-cookie'] ?? []);
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify({ username: 'facilitator', password: b.password }));
        });
        expect(setCookie.find((c) => c.startsWith('fd_session='))).to.match(/; Secure/);
      } finally {
        tls.closeAllConnections();
        await new Promise((resolve) => tls.close(resolve));
        await rm(dir, { recursive: true, force: true });
      }
    });
  });

  describe('archived drills', () => {
    it('close their sockets when the drill ends, and open nothing once archived', async () => {
      const other = await runningDrill(b, s);
      const client = await TestClient.open(socketUrl(b.server, `/ws?token=${other.token}`));
      await client.waitFor('welcome', (m) => m.type === 'welcome');
      const post = (op: string) =>
        fetch(`${b.url}/api/drills/${other.id}/${op}`, {
          method: 'POST',
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrf },
        });
      expect((await post('end')).status).to.equal(200);
      await eventually('the socket closed', () => client.closed);
      expect(client.closed?.code).to.equal(1000);
      expect((await fetch(`${b.url}/api/join/${other.token}/debrief`)).status).to.equal(200);
      expect((await post('archive')).status).to.equal(200);
      for (const path of [
        `/api/join/${other.token}`,
        `/api/join/${other.token}/debrief`,
        `/join/${other.token}`,
      ])
        expect((await fetch(`${b.url}${path}`)).status, path).to.equal(404);
      const again = await TestClient.open(socketUrl(b.server, `/ws?token=${other.token}`)).catch(
        (error: Error) => error.message,
      );
      expect(again).to.equal('refused: 404');
    });
  });

  describe('no stack traces to clients', () => {
    it('answers a forced internal error on the API, a page and a report with 500 and nothing inside', async () => {
      const { service, library } = b.server;
      const runner = service.runner.bind(service);
      const resolve = library.resolve.bind(library);
      const boom = () => {
        throw new Error('disk on fire at /srv/firedrill/server/runtime/x.ts:12:3');
      };
      service.runner = boom;
      library.resolve = boom;
      const finished = b.server.seeded?.finishedDrill.id;
      try {
        for (const [path, type] of [
          [`/api/drills/${drill.id}`, 'application/json'],
          [`/api/drills/${drill.id}/scorecard`, 'application/json'],
          [`/api/board/${drill.token}`, 'application/json'],
          [`/api/drills/${finished}/report?format=html`, 'application/json'],
          // Pages too: an unexpected error on a page is answered in the API's shape.
          [`/drills/${drill.id}`, 'application/json'],
          [`/join/${drill.token}`, 'application/json'],
          [`/drills/${finished}/report`, 'application/json'],
        ] as const) {
          const res = await fetch(`${b.url}${path}`, { headers: { cookie: s.cookie } });
          const text = await res.text();
          expect(res.status, path).to.equal(500);
          expect(res.headers.get('content-type'), path).to.include(type);
          expect(text, path).to.not.match(INTERNALS);
          if (type === 'application/json')
            expect(JSON.parse(text), path).to.deep.equal({
              error: {
                code: 'internal',
                message: 'something went wrong on the server; it has been logged',
              },
            });
        }
      } finally {
        service.runner = runner;
        library.resolve = resolve;
      }
      expect(
        (await fetch(`${b.url}/api/drills/${drill.id}`, { headers: { cookie: s.cookie } })).status,
      ).to.equal(200);
    });

    it('answers a forced internal error on the socket with a fixed message, and the action is not acknowledged', async () => {
      const live = b.server.service.runner(drill.id);
      if (!live) throw new Error('the drill is not running');
      const act = live.act.bind(live);
      live.act = async () => {
        throw new Error('disk on fire at /srv/firedrill/server/store/x.ts:9:9');
      };
      const client = await TestClient.open(socketUrl(b.server, `/ws?token=${drill.token}`));
      try {
        await client.waitFor('welcome', (m) => m.type === 'welcome');
        client.send({
          type: 'action',
          clientId: 'boom-1',
          action: 'report-failure',
          channel: 'secondary-messenger',
        });
        const reply = await client.waitFor('the error', (m) => m.type === 'error');
        expect(reply).to.deep.equal({
          type: 'error',
          code: 'failed',
          message: 'the action was not recorded; try again',
          clientId: 'boom-1',
        });
        expect(client.messages.some((m) => m.type === 'ack')).to.equal(false);
      } finally {
        live.act = act;
        client.close();
      }
    });
  });
});
