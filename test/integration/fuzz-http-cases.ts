import fc from 'fast-check';

/*
 * Generated HTTP requests the JSON API must refuse: each is invalid by construction (a valid
 * body mutated, a body that is not JSON or too large, a caller without the right, a drill in the
 * wrong state, a path that is not there) and says the status and code it must be answered with.
 */

export type HttpCaller = 'facilitator' | 'viewer' | 'anonymous' | 'bad-csrf' | 'bad-bearer';

export interface HttpCase {
  kind: string;
  method: string;
  path: string;
  caller: HttpCaller;
  /** Raw body text, sent as application/json unless `type` says otherwise. */
  body?: string;
  type?: string;
  status: number | number[];
  code: string | string[];
  /** A field the error message must name. */
  names?: string;
}

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

interface BodyRoute {
  path: string;
  /** The caller allowed to post it (a mutated body is refused before anything else counts). */
  caller: HttpCaller;
  valid: Record<string, Value>;
  required: string[];
  /** Longest string each field takes. */
  max: Record<string, number>;
}

/** What the fuzzer needs to know about the world: a live drill and a person. */
export interface HttpWorld {
  drillId: string;
  personId: string;
  /** A drill that has ended (improvement items are written on one). */
  finishedId: string;
}

function bodyRoutes({ drillId, personId, finishedId }: HttpWorld): BodyRoute[] {
  const d = `/api/drills/${drillId}`;
  return [
    {
      path: `${d}/notes`,
      caller: 'facilitator',
      valid: { text: 'Bridge opened' },
      required: ['text'],
      max: { text: 4000 },
    },
    {
      path: `${d}/inject`,
      caller: 'facilitator',
      valid: { to: ['operator'], title: 'Smoke on floor 2', text: 'Check the UPS room.' },
      required: ['to', 'title', 'text'],
      max: { title: 200, text: 4000 },
    },
    {
      path: `${d}/off-platform`,
      caller: 'facilitator',
      valid: {
        role: 'operator',
        action: 'report-failure',
        channel: 'secondary-messenger',
        text: 'Pangyo is dark',
        t: 0,
        medium: 'phone call',
      },
      required: ['role', 'action', 't', 'medium'],
      max: { text: 4000, medium: 100, role: 100, action: 100, channel: 100 },
    },
    {
      path: `${d}/overrides`,
      caller: 'facilitator',
      valid: {
        reason: 'declared on the bridge',
        target: { step: 'declare-incident', verdict: 'on_time' },
      },
      required: ['reason', 'target'],
      max: { reason: 2000 },
    },
    {
      path: `${d}/stop`,
      caller: 'facilitator',
      valid: { reason: 'real outage' },
      required: [],
      max: { reason: 500 },
    },
    {
      path: '/api/drills',
      caller: 'facilitator',
      valid: {
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        title: 'Fuzzed',
        assignments: [{ role: 'operator', personId }],
      },
      required: ['scenario', 'mode', 'assignments'],
      max: { title: 200, scenario: 100 },
    },
    {
      path: '/api/people',
      caller: 'facilitator',
      valid: { name: 'Yoon Ji-woo' },
      required: ['name'],
      max: { name: 200 },
    },
    {
      path: '/api/teams',
      caller: 'facilitator',
      valid: { name: 'Ansan on-call' },
      required: ['name'],
      max: { name: 200 },
    },
    {
      path: '/api/accounts',
      caller: 'facilitator',
      valid: { username: 'reader', role: 'viewer' },
      required: ['username', 'role'],
      max: { username: 40 },
    },
    {
      path: '/api/tokens',
      caller: 'facilitator',
      valid: { name: 'ci' },
      required: ['name'],
      max: { name: 100 },
    },
    {
      path: `/api/drills/${finishedId}/improvements`,
      caller: 'facilitator',
      valid: { observation: 'The bridge line was posted late.', owner: 'Kim Min-jun' },
      required: ['observation'],
      max: { observation: 2000, owner: 200 },
    },
    {
      path: '/api/library/validate',
      caller: 'facilitator',
      valid: { text: 'kind: manual' },
      required: ['text'],
      max: {},
    },
    {
      path: '/api/library',
      caller: 'facilitator',
      valid: { text: 'kind: scenario' },
      required: ['text'],
      max: {},
    },
    {
      path: '/api/session',
      caller: 'anonymous',
      valid: { username: 'facilitator', password: 'wrong' },
      required: ['username', 'password'],
      max: { username: 100, password: 200 },
    },
  ];
}

const strayKey = fc.stringMatching(/^zz[a-zA-Z0-9_]{0,12}$/);
/** A value of another JSON type than `like`. */
const otherType = (like: Value) =>
  fc
    .oneof(
      fc.string({ maxLength: 10 }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 2 }),
      fc.constant({ zz: 1 }),
    )
    .filter((v) => kindOf(v) !== kindOf(like));
const kindOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const notJson = fc
  .oneof(
    fc.string({ minLength: 1 }),
    fc.constantFrom('{', '{"text":', "{'a':1}", '[1,]', '{}}', 'undefined'),
  )
  .filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return s.trim() !== '';
    }
  });
/** A path segment that is not '.' or '..' (a URL would fold those away). */
const segment = fc
  .string({ minLength: 1, maxLength: 30 })
  .filter((s) => s !== '.' && s !== '..')
  .map((s) => encodeURIComponent(s));

const BAD_REQUEST = { status: 400, code: 'bad-request' };

/** The arbitrary of refused requests against a world. */
export function httpCases(world: HttpWorld): fc.Arbitrary<HttpCase> {
  return anyCase(world).map((c) => ({
    ...c,
    // fast-check prints a failing case with this: short, so a long body does not flood the output.
    [fc.toStringMethod]: () =>
      `${c.kind}: ${c.caller} ${c.method} ${c.path.slice(0, 100)} ${c.body === undefined ? '' : JSON.stringify(c.body.slice(0, 100))} (${c.body?.length ?? 0})`,
  }));
}

function anyCase(world: HttpWorld): fc.Arbitrary<HttpCase> {
  const routes = bodyRoutes(world);
  const route = fc.constantFrom(...routes);
  const post = (
    r: BodyRoute,
    kind: string,
    body: unknown,
    more: Partial<HttpCase> = {},
  ): HttpCase => ({
    kind,
    method: 'POST',
    path: r.path,
    caller: r.caller,
    body: JSON.stringify(body),
    ...BAD_REQUEST,
    ...more,
  });
  const d = `/api/drills/${world.drillId}`;

  return fc.oneof(
    route.chain((r) =>
      fc
        .constantFrom(...Object.keys(r.valid))
        .chain((key) =>
          otherType(r.valid[key] as Value).map((v) =>
            post(r, 'wrong type', { ...r.valid, [key]: v }, { names: key }),
          ),
        ),
    ),
    fc
      .tuple(route, strayKey, fc.jsonValue())
      .map(([r, key, v]) => post(r, 'unknown key', { ...r.valid, [key]: v }, { names: key })),
    route
      .filter((r) => r.required.length > 0)
      .chain((r) =>
        fc.constantFrom(...r.required).map((key) => {
          const { [key]: _gone, ...rest } = r.valid;
          return post(r, 'missing field', rest, { names: key });
        }),
      ),
    route
      .filter((r) => Object.keys(r.max).length > 0)
      .chain((r) =>
        fc
          .constantFrom(...Object.keys(r.max))
          .chain((key) =>
            fc
              .integer({ min: 1, max: 300 })
              .map((extra) =>
                post(
                  r,
                  'too long',
                  { ...r.valid, [key]: 'a'.repeat((r.max[key] ?? 0) + extra) },
                  { names: key },
                ),
              ),
          ),
      ),
    fc
      .tuple(route, fc.array(fc.jsonValue(), { maxLength: 3 }))
      .map(([r, list]) => post(r, 'an array', list)),
    // JSON that is not one object: refused by the body parser itself.
    fc
      .tuple(
        route,
        fc.oneof(
          notJson,
          fc
            .oneof(fc.integer(), fc.string(), fc.boolean(), fc.constant(null))
            .map((v) => JSON.stringify(v)),
        ),
      )
      .map(([r, text]) => ({
        ...post(r, 'not JSON', {}),
        body: text,
        status: 400,
        code: 'bad-json',
      })),
    fc.tuple(route, fc.integer({ min: 1, max: 4096 })).map(([r, extra]) => ({
      ...post(r, 'too large', {}),
      body: JSON.stringify({ text: 'x'.repeat(64 * 1024 + extra) }),
      status: 413,
      code: 'too-large',
    })),
    route
      .filter((r) => r.required.length > 0)
      .chain((r) =>
        fc
          .constantFrom(
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/octet-stream',
          )
          .map((type) => ({ ...post(r, 'not sent as JSON', r.valid), type, names: 'body' })),
      ),
    // Valid bodies from callers who may not send them.
    fc
      .tuple(
        route.filter((r) => r.caller === 'facilitator'),
        fc.constantFrom<HttpCaller>('viewer', 'anonymous', 'bad-csrf', 'bad-bearer'),
      )
      .map(([r, caller]) => ({
        ...post(r, `valid body as ${caller}`, r.valid),
        caller,
        ...{
          viewer: { status: 403, code: 'forbidden' },
          anonymous: { status: 401, code: 'sign-in' },
          'bad-csrf': { status: 403, code: 'bad-csrf' },
          'bad-bearer': { status: 401, code: 'bad-token' },
          facilitator: BAD_REQUEST,
        }[caller],
      })),
    fc.constantFrom('pause', 'end', 'abort', 'resume', 'archive').map((op) => ({
      kind: `${op} without the right`,
      method: 'POST',
      path: `${d}/${op}`,
      caller: 'viewer' as const,
      status: 403,
      code: 'forbidden',
    })),
    // Out of order: what the running drill's state does not allow.
    fc.constantFrom('start', 'resume', 'archive').map((op) => ({
      kind: 'out of order',
      method: 'POST',
      path: `${d}/${op}`,
      caller: 'facilitator' as const,
      status: 409,
      code: ['not-scheduled', 'not-paused', 'not-ended', 'not-running'],
    })),
    segment.map((s) => ({
      kind: 'unknown link',
      method: 'POST',
      path: `${d}/links/zz${s}/revoke`,
      caller: 'facilitator' as const,
      status: 404,
      code: ['not-found', 'unknown-link'],
    })),
    // Paths that are not there, or cannot be read.
    fc
      .tuple(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH'),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        fc.constantFrom<HttpCaller>('facilitator', 'anonymous'),
      )
      .map(([method, parts, caller]) => ({
        kind: 'no such route',
        method,
        path: `/api/zz${parts.join('/')}`,
        caller,
        status: caller === 'anonymous' && method !== 'GET' ? [401, 404] : 404,
        code: ['not-found', 'sign-in'],
      })),
    fc
      .tuple(fc.constantFrom('', '/notes', '/log', '/scorecard', '/pause'), segment)
      .map(([op, id]) => ({
        kind: 'no such drill',
        method: op === '/pause' || op === '/notes' ? 'POST' : 'GET',
        path: `/api/drills/zz${id}${op}`,
        body: op === '/notes' ? JSON.stringify({ text: 'x' }) : undefined,
        caller: 'facilitator' as const,
        status: 404,
        code: 'not-found',
      })),
    fc
      .tuple(
        fc.constantFrom('/api/drills/', '/api/join/', '/api/standby/'),
        fc.stringMatching(/^%([G-Zg-z].?|[0-9A-Fa-f]?)$/),
      )
      .map(([prefix, bad]) => ({
        kind: 'bad percent-encoding',
        method: 'GET',
        path: `${prefix}${bad}`,
        caller: 'facilitator' as const,
        status: 400,
        code: 'bad-path',
      })),
    fc.tuple(fc.constantFrom('join', 'standby'), segment).map(([kind, token]) => ({
      kind: `unknown ${kind} token`,
      method: 'GET',
      path: `/api/${kind}/${token}`,
      caller: 'anonymous' as const,
      status: 404,
      code: 'not-found',
    })),
  );
}
