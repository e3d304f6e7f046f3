import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import { parse } from 'yaml';
import { PROJECT_ROOT } from './cli/paths.js';
import { createApp, identifySocket } from './http/app.js';
import { type ManualClock, systemClock, type WallClock } from './runtime/clock.js';
import { DrillLibrary } from './runtime/drill-library.js';
import { DrillService, type Pager } from './runtime/drill-service.js';
import { webhookPager } from './runtime/pager.js';
import { cryptoRandom, type Random } from './runtime/random.js';
import { DemoFile, type SeedResult, seedDemo } from './seed.js';
import { FileCatalogueStore } from './store/catalogue-file.js';
import { lockDataDir } from './store/data-lock.js';
import { FileEventLogStore } from './store/event-log-file.js';
import type { CatalogueStore, EventLogStore } from './store/store.js';
import { Hub } from './ws/hub.js';

export interface StartOptions {
  dataDir: string;
  port?: number;
  host?: string;
  baseUrl?: string;
  trustProxy?: boolean;
  rateLimitPerMinute?: number;
  /** Injected in tests: a manual clock and a seeded random source drive the whole server. */
  wall?: WallClock;
  /** Bytes a socket may have unsent before it is cut loose (default 1 MB). */
  maxBufferedBytes?: number;
  /** Heartbeats run on real time unless a test drives them separately. */
  heartbeatClock?: WallClock;
  random?: Random;
  pager?: Pager;
  /** Test mode: this manual clock is the wall clock and tests advance it over HTTP. */
  testClock?: ManualClock;
  /**
   * Called once the port is open, before the drills are recovered (until they are, the server
   * answers 503): a test or supervisor can watch a start that is under way.
   */
  onListening?: (port: number) => void;
  /** Stores to use instead of files (tests). */
  stores?: { catalogue: CatalogueStore; logs: EventLogStore };
  log?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  http: Server;
  /** The express app behind `http` (which answers 503 instead until the server is ready). */
  app: Express;
  service: DrillService;
  hub: Hub;
  catalogue: CatalogueStore;
  logs: EventLogStore;
  library: DrillLibrary;
  seeded?: SeedResult;
  close(): Promise<void>;
}

/**
 * Starts a server over a data directory, which it takes for itself (a second server over the
 * same one is refused, see data-lock.ts) and lets go of when it closes or fails to start.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  await mkdir(options.dataDir, { recursive: true });
  const release = options.stores ? async () => {} : await lockDataDir(options.dataDir);
  try {
    const server = await wire(options);
    return {
      ...server,
      async close() {
        await server.close();
        await release();
      },
    };
  } catch (error) {
    await release();
    throw error;
  }
}

/** The one place where the real clock, stores, library, service, hub and HTTP are wired. */
async function wire(options: StartOptions): Promise<RunningServer> {
  const wall = options.testClock ?? options.wall ?? systemClock;
  const log = options.log ?? ((message: string) => console.log(message));
  const catalogue = options.stores?.catalogue ?? (await FileCatalogueStore.open(options.dataDir));
  const logs = options.stores?.logs ?? new FileEventLogStore(join(options.dataDir, 'drills'));
  const http = createServer();
  // What close() stops besides the server and stores: the service and hub, once they exist.
  const parts: Wiring['parts'] = {};
  const close = async () => {
    parts.service?.close();
    parts.hub?.close();
    if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
    http.closeAllConnections();
    await logs.close();
    await catalogue.close();
  };
  try {
    return await wireOn(http, { options, wall, log, catalogue, logs, close, parts });
  } catch (error) {
    // A start that fails stops what it started, wherever it failed (in seeding, recovery or
    // the wiring before them): nothing keeps listening or writing once the data directory's
    // lock is let go.
    await close();
    throw error;
  }
}

interface Wiring {
  options: StartOptions;
  wall: WallClock;
  log: (message: string) => void;
  catalogue: CatalogueStore;
  logs: EventLogStore;
  close: () => Promise<void>;
  parts: { service?: DrillService; hub?: Hub };
}

/** Wires the rest on `http`, putting the service and hub in `parts` as soon as they exist. */
async function wireOn(
  http: Server,
  { options, wall, log, catalogue, logs, close, parts }: Wiring,
): Promise<RunningServer> {
  const library = await DrillLibrary.load([join(PROJECT_ROOT, 'drills')], {
    cacheFile: join(options.dataDir, 'cache', 'library.json'),
  });
  const secret = await dataSecret(options.dataDir);
  http.on('clientError', answerClientError);
  // A port in use or not allowed is the operator's to fix: it rejects (main.ts prints one line).
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const port = (http.address() as AddressInfo).port;
  options.onListening?.(port);
  const baseUrl = options.baseUrl ?? `http://localhost:${port}`;

  // Until its drills are recovered the server answers every request 503: a console whose
  // board poll or socket reached a restarting server would otherwise be told its drill is not
  // running (404), take the drill for over and stop reconnecting.
  let ready = false;
  let hub: Hub | undefined;
  const service = new DrillService({
    catalogue,
    logs,
    library,
    wall,
    random: options.random ?? cryptoRandom,
    pager:
      options.pager ??
      webhookPager({
        onError: (person, url, error) =>
          log(`page to ${person.name} via ${url} failed: ${String(error)}`),
      }),
    baseUrl,
    listener: {
      entries: (runner, entries, effects) => hub?.entries(runner, entries, effects),
      ended: (runner) => hub?.ended(runner),
      failed: (runner, error) =>
        log(
          `error: drill ${runner.drillId}: its log cannot be written; it takes nothing more until the server restarts: ${error.message}`,
        ),
    },
    onRevoke: (drillId, linkId) =>
      linkId ? hub?.closeLink(drillId, linkId) : hub?.closeDrill(drillId),
  });
  hub = new Hub({
    wall: options.heartbeatClock ?? systemClock,
    maxBufferedBytes: options.maxBufferedBytes,
    identify: identifySocket(catalogue, wall),
    runner: (id) => service.runner(id),
    stop: (id, by, reason) => service.stop(id, by, reason),
    ready: () => ready,
  });
  parts.service = service;
  parts.hub = hub;
  const app = createApp({
    config: {
      secret,
      baseUrl,
      trustProxy: options.trustProxy ?? false,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 20,
    },
    catalogue,
    logs,
    library,
    service,
    wall,
    connected: (id) => hub?.connected(id) ?? [],
    closeAccount: (id) => hub?.closeAccount(id),
    log: (error) =>
      log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
    testClock: options.testClock,
  });
  http.on('request', (req, res) => (ready ? app(req, res) : answerStarting(req, res)));
  hub.attach(http);

  const demo = DemoFile.parse(
    parse(await readFile(join(PROJECT_ROOT, 'drills', 'demo.yaml'), 'utf8')),
  );
  const seeded = await seedDemo({ demo, catalogue, logs, library, baseUrl, now: wall.now() });
  await service.recover();
  ready = true;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    http,
    app,
    service,
    hub,
    catalogue,
    logs,
    library,
    seeded,
    close,
  };
}

/** Seconds a client is asked to wait before it tries a starting server again. */
const RETRY_AFTER_S = 1;

/** A request that came before the server was ready: try again in a moment. */
function answerStarting(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const page = (req.headers.accept ?? '').includes('text/html');
  res.writeHead(503, {
    'Content-Type': page ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
    'Retry-After': String(RETRY_AFTER_S),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    Connection: 'close',
  });
  res.end(
    page
      ? `<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="${RETRY_AFTER_S}">` +
          '<title>Firedrill is starting</title><p>Firedrill is starting; this page will load in a moment.</p>'
      : JSON.stringify({
          error: { code: 'starting', message: 'the server is starting; try again in a moment' },
        }),
  );
}

/** A random secret kept in the data directory (for CSRF tokens), made on first start. */
async function dataSecret(dataDir: string): Promise<string> {
  const file = join(dataDir, 'secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(32).toString('base64url');
    await writeFile(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}

/**
 * A request Node could not parse (a malformed request line or header, headers past the size
 * limit, a request that timed out) gets the API's error shape, as every other refusal does,
 * instead of Node's bare status line.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'headers-too-large',
          'the request headers are too large',
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'timeout', 'the request took too long to arrive']
        : [400, 'Bad Request', 'bad-http', 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
