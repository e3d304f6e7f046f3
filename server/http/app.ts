import type { IncomingMessage } from 'node:http';
import cookieParser from 'cookie-parser';
import { doubleCsrf } from 'csrf-csrf';
import express, { type Express, type Request } from 'express';
import rateLimit from 'express-rate-limit';
import helmet from 'helmet';
import type { ManualClock, WallClock } from '../runtime/clock.js';
import type { DrillLibrary } from '../runtime/drill-library.js';
import type { DrillService } from '../runtime/drill-service.js';
import type { CatalogueStore, EventLogStore } from '../store/store.js';
import type { Identity } from '../ws/hub.js';
import { authenticate, type Caller, SESSION_COOKIE, sessionAccount } from './auth/middleware.js';
import { errorHandler, notFound } from './errors.js';
import { mountPages } from './pages/mount.js';
import { renderError } from './pages/render.js';
import { boardRoutes } from './routes/board.js';
import { drillRoutes } from './routes/drills.js';
import { libraryRoutes } from './routes/library.js';
import { liveLink, participantRoutes } from './routes/participants.js';
import { reportRoutes } from './routes/reports.js';
import { rosterRoutes } from './routes/roster.js';
import { sessionRoutes } from './routes/session.js';
import { testControlRoutes } from './routes/test-control.js';

const RATE_LIMITED = {
  error: { code: 'rate-limited', message: 'too many attempts; wait a minute' },
};

export interface AppConfig {
  /** Secret for CSRF tokens (random per data directory). */
  secret: string;
  baseUrl: string;
  /** Trust X-Forwarded-* from a proxy in front (then cookies are Secure when it says HTTPS). */
  trustProxy: boolean;
  /** Requests per minute per address to sign-in and join; 0 lifts the limit (load tests). */
  rateLimitPerMinute: number;
  /** Largest JSON body, in bytes. */
  bodyLimit?: number;
}

export interface AppDeps {
  config: AppConfig;
  catalogue: CatalogueStore;
  logs: EventLogStore;
  library: DrillLibrary;
  service: DrillService;
  wall: WallClock;
  connected(drillId: string): unknown[];
  /** Closes the open staff sockets of an account that was just disabled. */
  closeAccount?(accountId: string): void;
  log(error: unknown): void;
  /** Present only in test mode: the manual clock tests drive over HTTP. */
  testClock?: ManualClock;
}

/** The express app: JSON API under /api, health at /healthz. Pages come in a later slice. */
export function createApp(deps: AppDeps): Express {
  const { config, catalogue, wall } = deps;
  const app = express();
  app.disable('x-powered-by');
  // One hop: the address the proxy in front saw. `true` would take the left-most
  // X-Forwarded-For entry, which the client writes itself, and let it dodge the rate limits.
  app.set('trust proxy', config.trustProxy ? 1 : false);
  app.use(helmet());
  app.use(express.json({ limit: config.bodyLimit ?? 64 * 1024 }));
  app.use(cookieParser());
  app.use(authenticate(catalogue, wall));

  const secure = (req: Request) => req.secure;
  const { generateCsrfToken, doubleCsrfProtection } = doubleCsrf({
    getSecret: () => config.secret,
    getSessionIdentifier: (req) => (req.cookies as Record<string, string>)[SESSION_COOKIE] ?? '',
    cookieName: 'fd_csrf',
    cookieOptions: { sameSite: 'strict', path: '/', secure: false, httpOnly: true },
    getCsrfTokenFromRequest: (req) => req.headers['x-csrf-token'],
    // CSRF abuses the authority a browser sends on its own: the session cookie. A request that
    // is not signed in by one (an API token, which browsers never add by themselves; a join
    // link; nobody at all, who is then told to sign in) has none to abuse. Signing in has no
    // session yet either.
    skipCsrfProtection: (req) =>
      (req.res?.locals.caller as Caller | undefined)?.via !== 'session' ||
      (req.method === 'POST' && `${req.baseUrl}${req.path}` === '/api/session') ||
      // Join-link routes ignore the session: their authority is the token in the path.
      `${req.baseUrl}${req.path}`.startsWith('/api/join/'),
  });
  const limit = (max: number, page = false) =>
    max > 0
      ? rateLimit({
          windowMs: 60_000,
          limit: max,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          // Only failed attempts count (a wrong password, a token that opens nothing): guessing
          // is what the limit is for. A standby page polling every 2 s, or a whole office behind
          // one address joining a surprise drill at once, never reaches it.
          skipSuccessfulRequests: true,
          handler: (_req, res) => {
            if (page) renderError(res, 429, RATE_LIMITED.error.message);
            else res.status(429).json(RATE_LIMITED);
          },
        })
      : (_req: Request, _res: unknown, next: () => void) => next();

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // Each path that takes a password or a token is counted on its own.
  for (const path of ['/api/session', '/api/join', '/api/standby', '/api/board'])
    app.use(path, limit(config.rateLimitPerMinute));
  for (const path of ['/join', '/standby']) app.use(path, limit(config.rateLimitPerMinute, true));
  if (deps.testClock) app.use('/api', testControlRoutes(deps.testClock));
  app.use('/api', doubleCsrfProtection);
  app.use(
    '/api',
    sessionRoutes({
      catalogue,
      wall,
      csrfToken: (req, res) => generateCsrfToken(req, res),
      secureCookies: secure,
    }),
  );
  app.use('/api', drillRoutes(deps));
  app.use('/api', participantRoutes(deps));
  app.use(
    '/api',
    rosterRoutes({
      catalogue,
      wall,
      baseUrl: config.baseUrl,
      closeAccount: (id) => deps.closeAccount?.(id),
    }),
  );
  app.use(reportRoutes({ ...deps, baseUrl: config.baseUrl }));
  app.use('/api', libraryRoutes(deps));
  app.use('/api', boardRoutes(deps));
  mountPages(app, deps);
  app.use((_req, _res, next) => next(notFound('no such page or API route')));
  app.use(errorHandler(deps.log));
  return app;
}

/** Who opens a WebSocket: a participant by join token, or staff by session for `?drill=`. */
export function identifySocket(catalogue: CatalogueStore, wall: WallClock) {
  return async (req: IncomingMessage): Promise<Identity | undefined> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const token = url.searchParams.get('token');
    if (token) {
      const found = liveLink(catalogue, token);
      if (!found) return undefined;
      return {
        kind: 'participant',
        drillId: found.drill.id,
        role: found.link.role,
        person: found.link.personId,
        linkId: found.link.id,
      };
    }
    const drillId = url.searchParams.get('drill');
    const cookie = /(?:^|;\s*)fd_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (!drillId || !cookie) return undefined;
    const account = sessionAccount(catalogue.read(), wall, decodeURIComponent(cookie));
    if (!account || account.role === 'viewer') return undefined;
    return { kind: 'staff', drillId, accountId: account.id, username: account.username };
  };
}
