import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import WebSocket from 'ws';
import { ManualClock } from '../../server/runtime/clock.js';
import type { Pager } from '../../server/runtime/drill-service.js';
import { seededRandom } from '../../server/runtime/random.js';
import { type RunningServer, type StartOptions, startServer } from '../../server/server.js';

/** 2026-11-25 10:00 KST, a Wednesday: inside usual allowed hours. */
export const T0 = Date.UTC(2026, 10, 25, 1, 0, 0);

export interface TestServer {
  server: RunningServer;
  clock: ManualClock;
  dataDir: string;
  /** A supertest agent signed in as the seeded facilitator, sending the CSRF token. */
  facilitator: StaffAgent;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface StaffAgent {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
}

/** Signs in and returns an agent that sends the session cookie and the CSRF token. */
export async function signIn(url: string, username: string, password: string): Promise<StaffAgent> {
  const agent = request.agent(url);
  const res = await agent.post('/api/session').send({ username, password }).expect(200);
  const csrf = res.body.csrfToken as string;
  return {
    get: (path) => agent.get(path),
    post: (path, body) =>
      agent
        .post(path)
        .set('x-csrf-token', csrf)
        .send(body ?? {}),
  };
}

/**
 * What every test server runs with: `dataDir`, the manual `clock` as its wall clock, a seeded
 * random source, no rate limit and no log lines; `extra` adds or overrides the rest.
 */
export function testServerOptions(
  dataDir: string,
  clock: ManualClock,
  extra: Partial<StartOptions> = {},
): StartOptions {
  return {
    dataDir,
    wall: clock,
    random: seededRandom(7),
    rateLimitPerMinute: 0,
    log: () => {},
    ...extra,
  };
}

/**
 * Starts the real server on a loopback port over a fresh data directory, with a manual wall
 * clock and a seeded random source, so tests drive time instead of waiting for it.
 */
export async function startTestServer(
  options: {
    pager?: Pager;
    dataDir?: string;
    clock?: ManualClock;
    maxBufferedBytes?: number;
    /** Drives the sockets' heartbeats (default: real time, so jumping the clock kills nothing). */
    heartbeatClock?: ManualClock;
  } = {},
): Promise<TestServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'firedrill-test-')));
  const clock = options.clock ?? new ManualClock(T0);
  // restart() comes back on the same port, so that an open page or a kept URL finds it again.
  let port = 0;
  const boot = async () => {
    const started = await startServer(
      testServerOptions(dataDir, clock, {
        port,
        pager: options.pager,
        maxBufferedBytes: options.maxBufferedBytes,
        heartbeatClock: options.heartbeatClock,
      }),
    );
    port = started.port;
    return started;
  };
  let server = await boot();
  const password = server.seeded?.password;
  if (!password) throw new Error('a fresh data directory must seed the demo');
  const test: TestServer = {
    server,
    clock,
    dataDir,
    facilitator: await signIn(server.url, 'facilitator', password),
    async restart() {
      await server.close();
      server = await boot();
      test.server = server;
      test.facilitator = await signIn(server.url, 'facilitator', password);
    },
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}

/** Waits, on the real clock, until `check` holds; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | false,
  timeoutMs = 3_000,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Like eventually, for a check that must ask the server (an HTTP request) each time. */
export async function eventuallyAsync<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 3_000,
): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
  }
}

/** A WebSocket client that keeps every message and can wait for one. */
export class TestClient {
  readonly messages: Record<string, unknown>[] = [];
  closed?: { code: number; reason: string };
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.messages.push(JSON.parse(data.toString())));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
    });
  }

  /** Opens a socket; rejects with the HTTP status if the server refuses the upgrade. */
  static open(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new TestClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`refused: ${res.statusCode}`)),
      );
      ws.once('error', reject);
    });
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Waits for a message matching `match`, counting from message number `from`. */
  waitFor(
    what: string,
    match: (m: Record<string, unknown>) => boolean,
    from = 0,
  ): Promise<Record<string, unknown>> {
    return eventually(what, () => this.messages.slice(from).find(match));
  }

  events(): Record<string, unknown>[] {
    return this.messages
      .filter((m) => m.type === 'event')
      .map((m) => m.event as Record<string, unknown>);
  }

  close(): void {
    this.ws.close();
  }
}

/** The ws:// URL for a join link's socket path. */
export function socketUrl(server: RunningServer, path: string): string {
  return `${server.url.replace('http', 'ws')}${path}`;
}
