import { mkdtemp, readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Drill } from '../../server/domain/drill.js';
import { ManualClock } from '../../server/runtime/clock.js';
import { seededRandom } from '../../server/runtime/random.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { eventually, T0, type TestClient } from '../helpers/server.js';
import type { HttpCaller, HttpCase } from './fuzz-http-cases.js';
import type { WsCase } from './fuzz-ws-cases.js';

/*
 * The world the fuzzer runs in (one server, one live drill, staff sessions) and how it sends
 * a generated case and checks the answer.
 */

/** A stack frame such as `at fn (/srv/app/server/x.ts:1:2)`. */
export const STACK =
  /\bat (?:\S+ \()?(?:\/|[A-Za-z]:\\|node:|file:)[^\s)]*:\d+|node_modules|\.ts:\d+/;

export interface World {
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

export async function startWorld(): Promise<World> {
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
export async function stored(w: World): Promise<{ log: Buffer; catalogue: Buffer }> {
  return {
    log: await readFile(join(w.dataDir, 'drills', `${w.drillId}.jsonl`)),
    catalogue: await readFile(join(w.dataDir, 'catalogue.json')),
  };
}

/** Waits (on the real clock, in turns of the event loop) until `client` holds `count` messages. */
export async function messagesUpTo(client: TestClient, count: number, what: string) {
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
export function checkWsReply(c: WsCase, reply: Record<string, unknown> | undefined) {
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
export async function sendHttp(w: World, c: HttpCase) {
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
export function rawUpgrade(port: number, target: string): Promise<string> {
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
