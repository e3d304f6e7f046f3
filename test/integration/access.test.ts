import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { ManualClock } from '../../server/runtime/clock.js';
import { seededRandom } from '../../server/runtime/random.js';
import { type RunningServer, startServer } from '../../server/server.js';
import { CLIENT_MESSAGE_TYPES } from '../../server/ws/protocol.js';
import { eventuallyAsync, socketUrl, T0, TestClient } from '../helpers/server.js';

/*
 * The access table of docs/security.md, tested: the table must list every route the app really
 * registers and every message type the socket accepts, and every cell must be what a caller of
 * that kind really gets.
 */

const CALLERS = [
  'anonymous',
  'participant',
  'otherRole',
  'outsider',
  'revoked',
  'archived',
  'viewer',
  'evaluator',
  'facilitator',
] as const;
type Caller = (typeof CALLERS)[number];
type StaffRole = 'viewer' | 'evaluator' | 'facilitator';
const STAFF: readonly Caller[] = ['viewer', 'evaluator', 'facilitator'];
const isStaff = (c: Caller): c is StaffRole => STAFF.includes(c);

/** The table's column headings, by caller. */
const COLUMNS: Record<Caller, string> = {
  anonymous: 'anonymous',
  participant: 'participant (this drill)',
  otherRole: 'participant (other role)',
  outsider: 'participant (other drill)',
  revoked: 'revoked link',
  archived: 'archived link',
  viewer: 'viewer',
  evaluator: 'evaluator',
  facilitator: 'facilitator',
};

type Expected =
  | { kind: 'yes' }
  | { kind: 'status'; status: number }
  | { kind: 'error'; code: string }
  | { kind: 'own-drill-only' }
  | { kind: 'own-role-only' }
  | { kind: 'not-this-drill' };

interface Row {
  what: string;
  cells: Record<Caller, Expected>;
}

/** Reads a cell: `yes`, `no (NNN)`, `no (error CODE)` or `no (own drill only)`, with any ⚠ note. */
function parseCell(text: string): Expected {
  const cell = text.replace(/⚠\d*/g, '').replace(/`/g, '').trim();
  if (/^yes\b/.test(cell)) return { kind: 'yes' };
  const status = /^no \((\d{3})\)$/.exec(cell)?.[1];
  if (status) return { kind: 'status', status: Number(status) };
  const code = /^no \(error ([a-z-]+)\)$/.exec(cell)?.[1];
  if (code) return { kind: 'error', code };
  if (cell === 'no (own drill only)') return { kind: 'own-drill-only' };
  if (cell === 'no (own role only)') return { kind: 'own-role-only' };
  if (cell === 'no (not this drill)') return { kind: 'not-this-drill' };
  throw new Error(`docs/security.md: cannot read the cell '${text}'`);
}

/** The rows of every table in `markdown` whose first heading is `first`. */
function tableRows(markdown: string, first: string): Row[] {
  const lines = markdown.split('\n');
  const split = (line: string) =>
    line
      .trim()
      .replace(/^\||\|$/g, '')
      .split('|')
      .map((c) => c.trim());
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    const header = split(lines[i] ?? '');
    if (!lines[i]?.trim().startsWith('|') || header[0] !== first) continue;
    const index = Object.fromEntries(
      CALLERS.map((c) => {
        const at = header.indexOf(COLUMNS[c]);
        if (at < 0)
          throw new Error(`docs/security.md: the '${first}' table has no '${COLUMNS[c]}'`);
        return [c, at];
      }),
    ) as Record<Caller, number>;
    for (let j = i + 2; lines[j]?.trim().startsWith('|'); j++) {
      const cells = split(lines[j] ?? '');
      rows.push({
        what: (cells[0] ?? '').replace(/`/g, ''),
        cells: Object.fromEntries(
          CALLERS.map((c) => [c, parseCell(cells[index[c]] ?? '')]),
        ) as Record<Caller, Expected>,
      });
    }
  }
  return rows;
}

const PANGYO_YAML = readFileSync(
  new URL('../../drills/scenarios/kakao-pangyo-fire.yaml', import.meta.url),
  'utf8',
);
const DOC = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
const HTTP_ROWS = tableRows(DOC, 'HTTP route');
const TEST_MODE_ROWS = tableRows(DOC, 'HTTP route (test mode only)');
const WS_ROWS = tableRows(DOC, 'WebSocket message');

interface RouterLayer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** Every `METHOD /path` the express app answers, from its router stack, mounted routers included. */
function registeredRoutes(server: RunningServer): string[] {
  const app = server.app as unknown as { router: { stack: RouterLayer[] } };
  const routes: string[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all')
            routes.push(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack) {
        if (typeof layer.rawPath !== 'string')
          throw new Error('a router is mounted on a path this test cannot read');
        walk(layer.handle.stack, layer.rawPath === '/' ? prefix : `${prefix}${layer.rawPath}`);
      }
    }
  };
  walk(app.router.stack, '');
  return routes;
}

// ---------------------------------------------------------------------------------------------
// The world every row is tried in.

type DrillState = 'running' | 'paused' | 'scheduled' | 'ended';
const ROLES = ['control-tower', 'operator', 'operator', 'communicator', 'operations-lead'];
const MIN = 60_000;

interface Session {
  cookie: string;
  csrf: string;
}

interface Drill {
  id: string;
  links: { id: string; token: string; personId?: string }[];
}

interface World {
  server: RunningServer;
  clock: ManualClock;
  dataDir: string;
  credentials: Record<StaffRole, { username: string; password: string }>;
  sessions: Record<StaffRole, Session>;
  people: { id: string; name: string; standby: string }[];
  /** A person on no drill whose standby link no row presents: re-issuing it retires nothing. */
  spare: string;
  /** What the roster's undo rows act on, each on nothing any other row needs. */
  undo: { token: string; account: string; team: string; doomedTeam: string; person: string };
  /**
   * The drill the rows are about: running, five people, the second operator's link revoked. The
   * participant is the first operator; `otherRole` the communicator on the same drill.
   */
  a: Drill & {
    participant: string;
    revoked: string;
    standby: string;
    revokedStandby: string;
    otherRole: string;
    otherRoleStandby: string;
  };
  /** A drill that ran, ended and was archived, and the link and standby token of its one person. */
  archived: Drill & { token: string; standby: string };
  /** Another running drill, with an outsider on it. */
  b: Drill & { token: string; standby: string };
  paused: Drill;
  scheduled: Drill;
  ended: Drill;
  stop(): Promise<void>;
}

const tokenOf = (url: string, kind: 'join' | 'standby') => url.split(`/${kind}/`)[1] ?? '';
/** A well-formed token nobody was given. */
const unknownToken = (kind: 'join' | 'standby') => `fd_${kind}_${'A'.repeat(43)}`;

async function signInRaw(url: string, username: string, password: string): Promise<Session> {
  const res = await request(url).post('/api/session').send({ username, password }).expect(200);
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return {
    cookie: cookies.map((c) => c.split(';')[0]).join('; '),
    csrf: res.body.csrfToken as string,
  };
}

/** A request as a staff session: cookie and CSRF header. */
function asStaff(url: string, session: Session, method: string, path: string, body?: object) {
  const req = request(url)
    [method.toLowerCase() as 'get'](path)
    .set('cookie', session.cookie)
    .set('x-csrf-token', session.csrf);
  return body === undefined ? req : req.send(body);
}

/** Boots a server like startTestServer does, optionally in test mode (clock routes mounted). */
async function startWorld(testMode = false): Promise<World> {
  const dataDir = await mkdtemp(join(tmpdir(), 'firedrill-access-'));
  const clock = new ManualClock(T0);
  const server = await startServer({
    dataDir,
    ...(testMode ? { testClock: clock } : { wall: clock }),
    random: seededRandom(7),
    rateLimitPerMinute: 0,
    log: () => {},
  });
  const seeded = server.seeded;
  if (!seeded) throw new Error('a fresh data directory must seed the demo');
  const facilitator = { username: 'facilitator', password: seeded.password };
  const fSession = await signInRaw(server.url, facilitator.username, facilitator.password);
  const f = (method: string, path: string, body?: object) =>
    asStaff(server.url, fSession, method, path, body);
  const account = async (username: string, role: StaffRole) => {
    const res = await f('POST', '/api/accounts', { username, role }).expect(201);
    return { username, password: res.body.password as string };
  };
  const credentials = {
    facilitator,
    evaluator: await account('eve', 'evaluator'),
    viewer: await account('vic', 'viewer'),
  };
  const sessions = {
    facilitator: fSession,
    evaluator: await signInRaw(server.url, 'eve', credentials.evaluator.password),
    viewer: await signInRaw(server.url, 'vic', credentials.viewer.password),
  };
  const listed = (await f('GET', '/api/people').expect(200)).body.people as {
    id: string;
    name: string;
  }[];
  const people = listed.map((p) => {
    const url = seeded.standby.find((s) => s.name === p.name)?.url ?? '';
    return { ...p, standby: tokenOf(url, 'standby') };
  });
  const outsider = await f('POST', '/api/people', { name: 'Han Da-eun' }).expect(201);
  const outsiderId = outsider.body.person.id as string;
  const spare = await f('POST', '/api/people', { name: 'Moon Ye-jin' }).expect(201);
  const undo = {
    token: (await f('POST', '/api/tokens', { name: 'leaked CI' }).expect(201)).body.id as string,
    account: (await f('POST', '/api/accounts', { username: 'leaver', role: 'viewer' }).expect(201))
      .body.account.id as string,
    team: (await f('POST', '/api/teams', { name: 'Ansan day shift' }).expect(201)).body.team
      .id as string,
    doomedTeam: (await f('POST', '/api/teams', { name: 'Made by mistake' }).expect(201)).body.team
      .id as string,
    person: (await f('POST', '/api/people', { name: 'Gong Yu-na' }).expect(201)).body.person
      .id as string,
  };

  const create = async (body: object): Promise<Drill> => {
    const res = await f('POST', '/api/drills', { scenario: 'kakao-pangyo-fire', ...body }).expect(
      201,
    );
    return {
      id: res.body.drill.id,
      links: (res.body.links as { id: string; url: string; personId?: string }[]).map((l) => ({
        id: l.id,
        personId: l.personId,
        token: tokenOf(l.url, 'join'),
      })),
    };
  };
  const team = ROLES.map((role, i) => ({ role, personId: people[i]?.id }));
  const a = await create({ mode: 'now', assignments: team });
  const revokedLink = a.links[2];
  if (!revokedLink) throw new Error('drill A needs a second operator');
  await f('POST', `/api/drills/${a.id}/links/${revokedLink.id}/revoke`).expect(200);
  const b = await create({
    mode: 'now',
    assignments: [{ role: 'operator', personId: outsiderId }],
  });
  const paused = await create({ mode: 'now', assignments: team });
  await f('POST', `/api/drills/${paused.id}/pause`).expect(200);
  const scheduled = await create({
    mode: 'at',
    at: new Date(T0 + 24 * 60 * MIN).toISOString(),
    assignments: team,
  });
  const ended = await create({ mode: 'now', assignments: team });
  await f('POST', `/api/drills/${ended.id}/end`).expect(200);
  // Someone whose only drill is over and archived: their link and standby page open nothing.
  const archivist = await f('POST', '/api/people', { name: 'Seo Ha-rin' }).expect(201);
  const archived = await create({
    mode: 'now',
    assignments: [{ role: 'operator', personId: archivist.body.person.id }],
  });
  await f('POST', `/api/drills/${archived.id}/end`).expect(200);
  await f('POST', `/api/drills/${archived.id}/archive`).expect(200);
  const standbyOf = (personId?: string) => people.find((p) => p.id === personId)?.standby ?? '';
  return {
    server,
    clock,
    dataDir,
    credentials,
    sessions,
    people,
    spare: spare.body.person.id as string,
    undo,
    a: {
      ...a,
      participant: a.links[1]?.token ?? '',
      standby: standbyOf(a.links[1]?.personId),
      revoked: revokedLink.token,
      revokedStandby: standbyOf(revokedLink.personId),
      otherRole: a.links[3]?.token ?? '',
      otherRoleStandby: standbyOf(a.links[3]?.personId),
    },
    archived: {
      ...archived,
      token: archived.links[0]?.token ?? '',
      standby: tokenOf(archivist.body.standbyUrl, 'standby'),
    },
    b: {
      ...b,
      token: b.links[0]?.token ?? '',
      standby: tokenOf(outsider.body.standbyUrl, 'standby'),
    },
    paused,
    scheduled,
    ended,
    async stop() {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Makes a fresh drill in `state`, for a caller whose success uses the drill up. */
async function freshDrill(w: World, state: DrillState): Promise<Drill> {
  const f = (method: string, path: string, body?: object) =>
    asStaff(w.server.url, w.sessions.facilitator, method, path, body);
  // links[0] is the participant's, links[1] the one of a participant in another role.
  const assignments = [
    { role: 'operator', personId: w.people[1]?.id },
    { role: 'communicator', personId: w.people[3]?.id },
  ];
  const res = await f('POST', '/api/drills', {
    scenario: 'kakao-pangyo-fire',
    mode: state === 'scheduled' ? 'at' : 'now',
    at: state === 'scheduled' ? new Date(w.clock.now() + 24 * 60 * MIN).toISOString() : undefined,
    assignments,
  }).expect(201);
  const drill: Drill = {
    id: res.body.drill.id,
    links: (res.body.links as { id: string; url: string }[]).map((l) => ({
      id: l.id,
      token: tokenOf(l.url, 'join'),
    })),
  };
  if (state === 'paused') await f('POST', `/api/drills/${drill.id}/pause`).expect(200);
  if (state === 'ended') await f('POST', `/api/drills/${drill.id}/end`).expect(200);
  return drill;
}

async function logOf(w: World, drillId: string): Promise<string> {
  return (await asStaff(w.server.url, w.sessions.facilitator, 'GET', `/api/drills/${drillId}/log`))
    .text;
}

// ---------------------------------------------------------------------------------------------
// How each HTTP row is tried.

interface Target {
  drill: Drill;
  /** Tokens for the `:token` routes, by caller. */
  join: string;
  standby: string;
}

interface HttpProbe {
  /** The drill state the route acts on; a drill in that state is the target. */
  needs?: DrillState;
  /** A success uses the drill (or the session) up: each caller expected to succeed gets a fresh one. */
  consumes?: 'drill' | 'session';
  path(t: Target, w: World): string;
  body?(w: World, caller: Caller): object;
  /** The join token a caller presents, when it is not the one tokensFor() gives (a finished drill). */
  join?(w: World, caller: Caller): string | undefined;
  /** The drills a successful answer opens (for the `:token` routes). */
  opens?(body: Record<string, unknown>, text: string): string[];
  /** The role a successful answer is for (for the `:token` routes that answer as a role). */
  role?(body: Record<string, unknown>, text: string): string | undefined;
}

let serial = 0;
const PROBES: Record<string, HttpProbe> = {
  'GET /healthz': { path: () => '/healthz' },
  'POST /api/session': {
    path: () => '/api/session',
    body: (w, caller) => w.credentials[isStaff(caller) ? caller : 'viewer'],
  },
  'GET /api/me': { path: () => '/api/me' },
  'DELETE /api/session': { consumes: 'session', path: () => '/api/session' },
  'GET /api/drills': { path: () => '/api/drills' },
  'POST /api/drills': {
    path: () => '/api/drills',
    body: (w) => ({
      scenario: 'kakao-pangyo-fire',
      mode: 'now',
      assignments: [{ role: 'operator', personId: w.people[1]?.id }],
    }),
  },
  'GET /api/drills/:id': { needs: 'running', path: (t) => `/api/drills/${t.drill.id}` },
  'POST /api/drills/:id/start': {
    needs: 'scheduled',
    consumes: 'drill',
    path: (t) => `/api/drills/${t.drill.id}/start`,
  },
  ...Object.fromEntries(
    (['pause', 'end', 'abort', 'stop'] as const).map((op) => [
      `POST /api/drills/:id/${op}`,
      {
        needs: 'running',
        consumes: 'drill',
        path: (t: Target) => `/api/drills/${t.drill.id}/${op}`,
        body: () => (op === 'stop' ? { reason: 'real outage in Ansan' } : {}),
      } satisfies HttpProbe,
    ]),
  ),
  'POST /api/drills/:id/resume': {
    needs: 'paused',
    consumes: 'drill',
    path: (t) => `/api/drills/${t.drill.id}/resume`,
  },
  'POST /api/drills/:id/inject': {
    needs: 'running',
    path: (t) => `/api/drills/${t.drill.id}/inject`,
    body: () => ({ to: ['operator'], title: 'Smoke on floor 2', text: 'Check the UPS room.' }),
  },
  'POST /api/drills/:id/archive': {
    needs: 'ended',
    consumes: 'drill',
    path: (t) => `/api/drills/${t.drill.id}/archive`,
  },
  'POST /api/drills/:id/links/:linkId/revoke': {
    needs: 'running',
    consumes: 'drill',
    path: (t) => `/api/drills/${t.drill.id}/links/${t.drill.links[0]?.id}/revoke`,
  },
  'GET /api/drills/:id/scorecard': {
    needs: 'running',
    path: (t) => `/api/drills/${t.drill.id}/scorecard`,
  },
  'GET /api/drills/:id/log': { needs: 'running', path: (t) => `/api/drills/${t.drill.id}/log` },
  'POST /api/drills/:id/notes': {
    needs: 'running',
    path: (t) => `/api/drills/${t.drill.id}/notes`,
    body: () => ({ text: 'Operator called the bridge before declaring.' }),
  },
  'POST /api/drills/:id/off-platform': {
    needs: 'running',
    path: (t) => `/api/drills/${t.drill.id}/off-platform`,
    body: () => ({
      role: 'operator',
      action: 'report-failure',
      channel: 'secondary-messenger',
      text: 'Pangyo is dark',
      t: 0,
      medium: 'phone call',
    }),
  },
  'POST /api/drills/:id/overrides': {
    needs: 'running',
    path: (t) => `/api/drills/${t.drill.id}/overrides`,
    body: () => ({
      reason: 'declared on the bridge',
      target: { step: 'declare-incident', verdict: 'on_time' },
    }),
  },
  'GET /api/join/:token': {
    path: (t) => `/api/join/${t.join}`,
    opens: (body) => [(body.drill as { id: string }).id],
    role: (body) => body.role as string,
  },
  'GET /api/standby/:token': {
    path: (t) => `/api/standby/${t.standby}`,
    opens: (body) => (body.live as { drillId: string }[]).map((l) => l.drillId),
  },
  'GET /api/accounts': { path: () => '/api/accounts' },
  'POST /api/accounts': {
    path: () => '/api/accounts',
    body: () => ({ username: `reader-${++serial}`, role: 'viewer' }),
  },
  'GET /api/people': { path: () => '/api/people' },
  'POST /api/people': { path: () => '/api/people', body: () => ({ name: 'Yoon Ji-woo' }) },
  'POST /api/people/:id/standby': { path: (_t, w) => `/api/people/${w.spare}/standby` },
  'GET /api/teams': { path: () => '/api/teams' },
  'POST /api/teams': { path: () => '/api/teams', body: () => ({ name: 'Ansan on-call' }) },
  'POST /api/tokens': { path: () => '/api/tokens', body: () => ({ name: 'ci' }) },
  // The roster's undo (server/http/routes/roster-changes.ts): each on its own target.
  'GET /api/tokens': { path: () => '/api/tokens' },
  'POST /api/tokens/:id/revoke': { path: (_t, w) => `/api/tokens/${w.undo.token}/revoke` },
  'POST /api/accounts/:id/disable': {
    path: (_t, w) => `/api/accounts/${w.undo.account}/disable`,
  },
  'POST /api/accounts/:id/enable': { path: (_t, w) => `/api/accounts/${w.undo.account}/enable` },
  'PATCH /api/teams/:id': {
    path: (_t, w) => `/api/teams/${w.undo.team}`,
    body: () => ({ name: 'Ansan night shift' }),
  },
  'DELETE /api/teams/:id': { path: (_t, w) => `/api/teams/${w.undo.doomedTeam}` },
  'DELETE /api/people/:id': { path: (_t, w) => `/api/people/${w.undo.person}` },
  // Reports (server/http/routes/reports*.ts).
  'GET /api/drills/:id/report': {
    needs: 'ended',
    path: (t) => `/api/drills/${t.drill.id}/report?format=html`,
  },
  'GET /drills/:id/report': { needs: 'ended', path: (t) => `/drills/${t.drill.id}/report` },
  // The library (server/http/routes/library.ts).
  'GET /api/library': { path: () => '/api/library' },
  'GET /api/library/scenarios/:id': { path: () => '/api/library/scenarios/kakao-pangyo-fire' },
  'GET /api/library/:kind/:id/text': {
    path: () => '/api/library/scenarios/kakao-pangyo-fire/text',
  },
  'POST /api/library/validate': {
    path: () => '/api/library/validate',
    body: () => ({ text: PANGYO_YAML }),
  },
  'POST /api/library/dry-run': {
    path: () => '/api/library/dry-run',
    body: () => ({ scenario: 'kakao-pangyo-fire' }),
  },
  'POST /api/library': {
    path: () => '/api/library',
    body: () => ({
      text: PANGYO_YAML.replace(/^id: kakao-pangyo-fire$/m, `id: probe-copy-${++serial}`),
    }),
  },
  // The pages (server/http/pages): drawn on the server, live through the API above.
  'GET /': { path: () => '/' },
  'GET /login': { path: () => '/login' },
  'GET /drills': { path: () => '/drills' },
  'GET /drills/new': { path: () => '/drills/new' },
  'GET /drills/:id': { needs: 'running', path: (t) => `/drills/${t.drill.id}` },
  'GET /library': { path: () => '/library' },
  'GET /roster': { path: () => '/roster' },
  'GET /join/:token': {
    path: (t) => `/join/${t.join}`,
    // The drill the console opens, from the page's data block.
    opens: (_body, text) => [...text.matchAll(/"drill":\{"id":"([^"]+)"/g)].map((m) => m[1] ?? ''),
    // The role the console opens as: the data block's `role`, right after its `drill`.
    role: (_body, text) => /"drill":\{"id":"[^"]+"[^}]*\},"role":"([^"]+)"/.exec(text)?.[1],
  },
  'GET /standby/:token': { path: (t) => `/standby/${t.standby}` },
  'GET /api/board/:token': {
    path: (t) => `/api/board/${t.join}`,
    opens: (body) => [(body.drill as { id: string }).id],
  },
  'GET /api/drills/:id/improvements': {
    path: (_t, w) => `/api/drills/${w.server.seeded?.finishedDrill.id}/improvements`,
  },
  'POST /api/drills/:id/improvements': {
    path: (_t, w) => `/api/drills/${w.server.seeded?.finishedDrill.id}/improvements`,
    body: () => ({ observation: 'The bridge line was not posted anywhere.' }),
  },
  'PATCH /api/drills/:id/improvements/:itemId': {
    path: (_t, w) =>
      `/api/drills/${w.server.seeded?.finishedDrill.id}/improvements/step:declare-incident`,
    body: () => ({ owner: 'Kim Min-jun', dueDate: '2026-12-15', status: 'in-progress' }),
  },
  'GET /api/trends': { path: () => '/api/trends?scenario=kakao-pangyo-fire' },
  'GET /api/readiness': { path: () => '/api/readiness' },
  'POST /api/calendar/token': { path: () => '/api/calendar/token' },
  'GET /api/calendar.ics': { path: () => '/api/calendar.ics' },
  ...Object.fromEntries(
    (['GET', 'POST'] as const).map((method) => [
      `${method} /api/join/:token/debrief`,
      {
        // The debrief opens once the drill is over: this drill's participant holds a link of
        // the ended drill; the outsider's own drill is still running.
        join: (w: World, caller: Caller) =>
          caller === 'participant'
            ? w.ended.links[1]?.token
            : caller === 'otherRole'
              ? w.ended.links[3]?.token
              : undefined,
        path: (t: Target) => `/api/join/${t.join}/debrief`,
        body: method === 'POST' ? () => ({ wentWell: 'Fast page', didNotGoWell: '' }) : undefined,
      } satisfies HttpProbe,
    ]),
  ),
  'GET /api/test/clock': { path: () => '/api/test/clock' },
  'POST /api/test/clock/advance': {
    path: () => '/api/test/clock/advance',
    body: () => ({ ms: 0 }),
  },
};

/** The role each participant caller holds on drill A (ROLES[1] and ROLES[3]). */
const ROLE_OF: Partial<Record<Caller, string>> = {
  participant: 'operator',
  otherRole: 'communicator',
};

/** The shared drill in a state (for callers who must be refused). */
const sharedDrill = (w: World, state: HttpProbe['needs']): Drill =>
  state === undefined || state === 'running' ? w.a : w[state];

function tokensFor(w: World, caller: Caller): Pick<Target, 'join' | 'standby'> {
  if (caller === 'participant') return { join: w.a.participant, standby: w.a.standby };
  if (caller === 'outsider') return { join: w.b.token, standby: w.b.standby };
  if (caller === 'revoked') return { join: w.a.revoked, standby: w.a.revokedStandby };
  if (caller === 'otherRole') return { join: w.a.otherRole, standby: w.a.otherRoleStandby };
  if (caller === 'archived') return { join: w.archived.token, standby: w.archived.standby };
  return { join: unknownToken('join'), standby: unknownToken('standby') };
}

/** Tries one HTTP row as one caller and checks the answer against the table's cell. */
async function tryRoute(w: World, route: string, caller: Caller, expected: Expected) {
  const probe = PROBES[route];
  if (!probe) throw new Error(`no probe for '${route}': add one to access.test.ts`);
  const [method = 'GET'] = route.split(' ');
  const succeeds = ['yes', 'own-drill-only', 'own-role-only', 'not-this-drill'].includes(
    expected.kind,
  );
  const drill =
    probe.consumes === 'drill' && succeeds
      ? await freshDrill(w, probe.needs ?? 'running')
      : sharedDrill(w, probe.needs);
  const tokens = tokensFor(w, caller);
  const target: Target = { drill, ...tokens, join: probe.join?.(w, caller) ?? tokens.join };
  const path = probe.path(target, w);
  const body = probe.body?.(w, caller);
  const before = probe.needs && !succeeds ? await logOf(w, drill.id) : undefined;
  const url = w.server.url;
  let res: request.Response;
  if (isStaff(caller)) {
    const session =
      probe.consumes === 'session'
        ? await signInRaw(url, w.credentials[caller].username, w.credentials[caller].password)
        : w.sessions[caller];
    res = await asStaff(url, session, method, path, body);
  } else {
    const req = request(url)[method.toLowerCase() as 'get'](path);
    res = await (body === undefined ? req : req.send(body));
  }
  const where = `${route} as ${COLUMNS[caller]}`;
  if (expected.kind === 'status') {
    expect(res.status, `${where}: ${res.text.slice(0, 200)}`).to.equal(expected.status);
    // A page sends whoever is not signed in to the sign-in page instead of an error body.
    if (expected.status === 302) expect(res.headers.location, where).to.match(/^\/login\?next=/);
    // A page answers an error with an HTML page that says what went wrong.
    else if (!/ \/(api\/|healthz)/.test(route)) expect(res.type, where).to.equal('text/html');
    else expect(res.body.error?.code, where).to.be.a('string');
  } else if (expected.kind === 'error') {
    throw new Error(`${where}: 'no (error …)' is for socket rows only`);
  } else {
    expect(res.status, `${where}: ${res.text.slice(0, 200)}`).to.be.within(200, 299);
    if (probe.opens) {
      const opens = probe.opens(res.body, res.text);
      // The archived link's own drill is the archived one: that is the drill it must not open.
      const subject = caller === 'archived' ? w.archived.id : w.a.id;
      if (expected.kind === 'yes') expect(opens, where).to.include(w.a.id);
      else if (expected.kind === 'own-role-only') {
        // This drill, but as the caller's own role: never as the role the row's participant holds.
        expect(opens, where).to.include(w.a.id);
        expect(probe.role?.(res.body, res.text), where).to.equal(ROLE_OF[caller]);
      } else if (caller === 'archived') expect(opens, where).to.not.include(subject);
      else if (expected.kind === 'own-drill-only')
        expect(opens, where).to.not.include(w.a.id).and.to.not.be.empty;
      else expect(opens, where).to.not.include(w.a.id);
    } else if (expected.kind !== 'yes')
      throw new Error(`${where}: '${expected.kind}' needs a route that opens drills`);
  }
  if (before !== undefined)
    expect(await logOf(w, drill.id), `${where} leaves the log as it was`).to.equal(before);
}

// ---------------------------------------------------------------------------------------------
// How each WebSocket row is tried.

interface SocketProbe {
  /** A success uses the drill up (`stop`). */
  consumes?: boolean;
  message(): Record<string, unknown>;
  /** Waits for the sign that the message worked. */
  succeeded(
    w: World,
    client: TestClient,
    drillId: string,
    message: Record<string, unknown>,
  ): Promise<void>;
}

const SOCKET_PROBES: Record<string, SocketProbe> = {
  action: {
    message: () => ({
      type: 'action',
      clientId: `access-${++serial}`,
      action: 'report-failure',
      channel: 'secondary-messenger',
      text: 'Pangyo is dark',
    }),
    succeeded: async (_w, client, _id, message) => {
      await client.waitFor('the ack', (m) => m.type === 'ack' && m.clientId === message.clientId);
    },
  },
  ping: {
    message: () => ({ type: 'ping' }),
    succeeded: async (_w, client) => {
      await client.waitFor('the pong', (m) => m.type === 'pong');
    },
  },
  stop: {
    consumes: true,
    message: () => ({ type: 'stop', reason: 'real outage in Ansan' }),
    succeeded: async (w, _client, drillId) => {
      await eventuallyAsync('the drill to be stopped', async () => {
        const res = await asStaff(
          w.server.url,
          w.sessions.facilitator,
          'GET',
          `/api/drills/${drillId}`,
        );
        return res.body.drill?.status === 'stopped';
      });
    },
  },
};

async function open(url: string, headers: Record<string, string> = {}) {
  return TestClient.open(url, headers).then(
    (client) => ({ client, refused: undefined }),
    (error: Error) => ({ client: undefined, refused: error.message }),
  );
}

async function trySocket(w: World, type: string, caller: Caller, expected: Expected) {
  const probe = SOCKET_PROBES[type];
  if (!probe) throw new Error(`no probe for message '${type}': add one to access.test.ts`);
  const succeeds = ['yes', 'own-drill-only', 'own-role-only'].includes(expected.kind);
  const fresh = probe.consumes && succeeds;
  const drill = fresh ? await freshDrill(w, 'running') : w.a;
  const other = fresh && caller === 'outsider' ? await freshDrill(w, 'running') : undefined;
  const before = await logOf(w, drill.id);
  const token =
    caller === 'participant'
      ? fresh
        ? drill.links[0]?.token
        : w.a.participant
      : caller === 'outsider'
        ? (other?.links[0]?.token ?? w.b.token)
        : caller === 'revoked'
          ? w.a.revoked
          : caller === 'otherRole'
            ? fresh
              ? drill.links[1]?.token
              : w.a.otherRole
            : caller === 'archived'
              ? w.archived.token
              : undefined;
  const path = token ? `/ws?token=${token}&drill=${drill.id}` : `/ws?drill=${drill.id}`;
  const headers: Record<string, string> = isStaff(caller)
    ? { cookie: w.sessions[caller].cookie }
    : {};
  const where = `${type} as ${COLUMNS[caller]}`;
  const { client, refused } = await open(socketUrl(w.server, path), headers);
  try {
    if (expected.kind === 'status') {
      expect(refused, where).to.equal(`refused: ${expected.status}`);
      return;
    }
    if (!client) throw new Error(`${where}: the socket was ${refused}`);
    const welcome = await client.waitFor('welcome', (m) => m.type === 'welcome');
    const message = probe.message();
    const from = client.messages.length;
    client.send(message);
    if (expected.kind === 'error') {
      const reply = await client.waitFor('an error', (m) => m.type === 'error', from);
      expect(reply.code, where).to.equal(expected.code);
    } else if (expected.kind === 'own-drill-only') {
      const opened = (welcome.drill as { id: string }).id;
      expect(opened, where).to.not.equal(drill.id);
      await probe.succeeded(w, client, opened, message);
    } else if (expected.kind === 'own-role-only') {
      // It works on this drill, as the caller's own role: what it records is charged to them.
      expect(welcome.role, where).to.equal(ROLE_OF[caller]);
      await probe.succeeded(w, client, drill.id, message);
      const ack = client.messages.find((m) => m.type === 'ack' && m.clientId === message.clientId);
      const logged = (await logOf(w, drill.id))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { seq: number; role?: string })
        .find((e) => e.seq === ack?.seq);
      expect(logged?.role, where).to.equal(ROLE_OF[caller]);
    } else await probe.succeeded(w, client, drill.id, message);
    if (expected.kind !== 'yes' && expected.kind !== 'own-role-only')
      expect(await logOf(w, drill.id), `${where} leaves the log as it was`).to.equal(before);
  } finally {
    client?.close();
  }
}

// ---------------------------------------------------------------------------------------------

describe('access control (docs/security.md)', () => {
  let w: World;
  let testMode: World;
  before(async () => {
    w = await startWorld();
    testMode = await startWorld(true);
  });
  after(async () => {
    await w?.stop();
    await testMode?.stop();
  });

  describe('the access table', () => {
    it('lists every HTTP route the app registers, and no route it does not', () => {
      const real = registeredRoutes(w.server);
      expect(real.length).to.be.greaterThan(20);
      expect(
        HTTP_ROWS.map((r) => r.what),
        'rows of the "HTTP route" table',
      ).to.have.members(real);
    });

    it('lists the test-mode routes on their own, and they exist only in test mode', () => {
      const real = new Set(registeredRoutes(w.server));
      const extra = registeredRoutes(testMode.server).filter((r) => !real.has(r));
      expect(extra).to.not.be.empty;
      expect(TEST_MODE_ROWS.map((r) => r.what)).to.have.members(extra);
    });

    it('lists every WebSocket message type the protocol accepts', () => {
      expect(WS_ROWS.map((r) => r.what)).to.have.members([...CLIENT_MESSAGE_TYPES]);
    });

    it('has a probe for every row, so that no row goes untried', () => {
      for (const row of [...HTTP_ROWS, ...TEST_MODE_ROWS])
        expect(PROBES, `probe for ${row.what}`).to.have.property(row.what);
      for (const row of WS_ROWS)
        expect(SOCKET_PROBES, `probe for ${row.what}`).to.have.property(row.what);
    });
  });

  describe('every HTTP route, tried as every kind of caller', () => {
    for (const row of HTTP_ROWS)
      it(`${row.what} answers each caller as the table says`, async () => {
        for (const caller of CALLERS) await tryRoute(w, row.what, caller, row.cells[caller]);
      });
    for (const row of TEST_MODE_ROWS)
      it(`${row.what} (test mode) answers each caller as the table says`, async () => {
        for (const caller of CALLERS) await tryRoute(testMode, row.what, caller, row.cells[caller]);
      });
  });

  describe('every WebSocket message, sent as every kind of caller', () => {
    for (const row of WS_ROWS)
      it(`'${row.what}' is answered for each caller as the table says`, async () => {
        for (const caller of CALLERS) await trySocket(w, row.what, caller, row.cells[caller]);
      });

    it('refuses a socket from a page on another origin, even with a valid join link', async () => {
      const { refused } = await open(socketUrl(w.server, `/ws?token=${w.a.participant}`), {
        origin: 'https://evil.example',
      });
      expect(refused).to.equal('refused: 403');
      const same = await open(socketUrl(w.server, `/ws?token=${w.a.participant}`), {
        origin: w.server.url,
      });
      expect(same.refused).to.equal(undefined);
      same.client?.close();
    });
  });

  describe('tokens that are not API tokens', () => {
    it('refuses a join or standby token offered as a bearer token on every route, 401', async () => {
      for (const token of [w.a.participant, w.a.standby, w.a.revoked, w.archived.token]) {
        for (const row of HTTP_ROWS) {
          const [method = 'GET'] = row.what.split(' ');
          const path = (PROBES[row.what] as HttpProbe).path(
            { drill: w.a, ...tokensFor(w, 'participant') },
            w,
          );
          const res = await request(w.server.url)
            [method.toLowerCase() as 'get'](path)
            .set('authorization', `Bearer ${token}`);
          expect(res.status, `${row.what} with a bearer ${token.slice(0, 8)}`).to.equal(401);
          expect(res.body.error.code).to.equal('bad-token');
        }
      }
    });
  });

  describe('surprise-drill secrecy', () => {
    it('answers a not-yet-started surprise drill’s links exactly like unknown ones', async () => {
      const f = (method: string, path: string, body?: object) =>
        asStaff(w.server.url, w.sessions.facilitator, method, path, body);
      const person = w.people[3];
      const res = await f('POST', '/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'surprise',
        window: {
          from: new Date(T0 + 24 * 60 * MIN).toISOString(),
          to: new Date(T0 + 3 * 24 * 60 * MIN).toISOString(),
        },
        assignments: [{ role: 'communicator', personId: person?.id }],
      }).expect(201);
      const id = res.body.drill.id as string;
      const token = tokenOf(res.body.links[0].url, 'join');
      const unknown = await request(w.server.url).get(`/api/join/${unknownToken('join')}`);
      const secret = await request(w.server.url).get(`/api/join/${token}`);
      expect([secret.status, secret.body]).to.deep.equal([unknown.status, unknown.body]);
      expect(secret.status).to.equal(404);
      expect((await open(socketUrl(w.server, `/ws?token=${token}`))).refused).to.equal(
        'refused: 404',
      );
      const standby = await request(w.server.url)
        .get(`/api/standby/${person?.standby}`)
        .expect(200);
      expect(JSON.stringify(standby.body)).to.not.include(id);

      // Staff other than facilitators see the drill but not its drawn moment.
      for (const role of ['viewer', 'evaluator'] as const) {
        const seen = await asStaff(w.server.url, w.sessions[role], 'GET', '/api/drills');
        const drill = (seen.body.drills as { id: string; dueAt?: string }[]).find(
          (d) => d.id === id,
        );
        expect(drill, role).to.not.equal(undefined);
        expect(drill, role).to.not.have.property('dueAt');
        const one = await asStaff(w.server.url, w.sessions[role], 'GET', `/api/drills/${id}`);
        expect(one.body.drill, role).to.not.have.property('dueAt');
      }
      const all = await f('GET', '/api/drills');
      expect(all.body.drills.find((d: { id: string }) => d.id === id).dueAt).to.be.a('string');
    });
  });

  describe('per-person scores', () => {
    it('gives persons’ scores to facilitators and evaluators, and none to a viewer', async () => {
      const seeded = w.server.seeded?.finishedDrill.id;
      const card = (role: StaffRole) =>
        asStaff(w.server.url, w.sessions[role], 'GET', `/api/drills/${seeded}/scorecard`);
      for (const role of ['facilitator', 'evaluator'] as const) {
        const persons = (await card(role).expect(200)).body.persons as { name?: string }[];
        expect(persons, role).to.not.be.empty;
        expect(persons.map((p) => p.name)).to.include('Lee Seo-yeon');
      }
      const viewer = (await card('viewer').expect(200)).body;
      expect(viewer.persons).to.deep.equal([]);
      expect(viewer.roles).to.not.be.empty;
      for (const p of w.people) expect(JSON.stringify(viewer)).to.not.include(p.name);
    });

    it('names no person at all in a viewer’s scorecard', async () => {
      const seeded = w.server.seeded?.finishedDrill.id;
      const viewer = (
        await asStaff(w.server.url, w.sessions.viewer, 'GET', `/api/drills/${seeded}/scorecard`)
      ).text;
      for (const p of w.people) expect(viewer).to.not.include(p.id);
      expect(viewer).to.not.match(/"person"\s*:/);
    });
  });

  describe('callers with no session', () => {
    it('are told to sign in (401 sign-in), not to send a CSRF token, on every POST and DELETE', async () => {
      for (const row of HTTP_ROWS) {
        const [method = 'GET'] = row.what.split(' ');
        // Join-link routes answer to their token, not to a session: a bad token is 404 there.
        if (method === 'GET' || row.what === 'POST /api/session' || row.what.includes(':token'))
          continue;
        const probe = PROBES[row.what] as HttpProbe;
        const res = await request(w.server.url)
          [method.toLowerCase() as 'post'](
            probe.path({ drill: w.a, ...tokensFor(w, 'anonymous') }, w),
          )
          .send(probe.body?.(w, 'anonymous') ?? {});
        expect(res.status, row.what).to.equal(401);
        expect(res.body.error.code, row.what).to.equal('sign-in');
      }
    });
  });

  describe('afterwards', () => {
    it('leaves the drill every refused caller tried still running', async () => {
      const res = await asStaff(
        w.server.url,
        w.sessions.facilitator,
        'GET',
        `/api/drills/${w.a.id}`,
      );
      expect(res.body.drill.status).to.equal('running');
    });
  });
});
