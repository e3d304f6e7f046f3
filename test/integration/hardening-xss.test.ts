import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, person } from '../e2e/browser.js';
import {
  eventually,
  socketUrl,
  startTestServer,
  TestClient,
  type TestServer,
} from '../helpers/server.js';

/*
 * Hostile text in every free-text field — drill title, person and team names, inject text,
 * action text and fields, notes, override reasons, off-platform text and medium, debrief
 * answers, improvement items — shown in a real browser (Debian chromium) on every page and
 * report the server serves. Inert means: nothing ran (no `window.__xss`, no dialog), the
 * browser built no element from it (no <img src=x>, no event-handler attribute, no script),
 * and the page's CSP never had to block a script — escaping did the work, not only the CSP.
 */

/** A payload that marks where it came from, and tries markup, a script, and a quote break-out. */
const payload = (field: string, short = false) =>
  `xss-${field}<img src=x onerror=window.__xss=1><script>window.__xss=2</script>${short ? '' : '<svg onload=window.__xss=3>"\'><!--'}`;

const FIELDS = [
  'title',
  'person',
  'team',
  'inject-title',
  'inject-text',
  'action-text',
  'action-field',
  'note',
  'override',
  'offplatform-text',
  'offplatform-medium',
  'debrief-well',
  'debrief-not-well',
  'improvement',
  'improvement-owner',
] as const;

interface Inertness {
  markers: string[];
  ran: unknown;
  dialogs: string[];
  built: string[];
  blocked: string[];
}

/** Opens `path` in `context`, waits for `expect` (markers) to show as text, and reports what ran or was built. */
async function inspect(
  context: BrowserContext,
  url: string,
  path: string,
  waitFor: readonly string[] = [],
): Promise<Inertness> {
  const page: Page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  try {
    const opened = await page.goto(`${url}${path}`, { waitUntil: 'load' }).then(
      () => true,
      (error: Error) => {
        // Served as an attachment (the CSV): the browser saves it and renders nothing.
        if (/Download is starting/.test(error.message)) return false;
        throw error;
      },
    );
    if (!opened) return { markers: [], ran: undefined, dialogs, built: [], blocked: [] };
    for (const marker of waitFor)
      await page
        .waitForFunction((m) => document.documentElement.textContent?.includes(m), marker, {
          timeout: 5_000,
        })
        .catch(() => undefined);
    return await page
      .evaluate(
        (fields) => {
          const text = document.documentElement.textContent ?? '';
          const markers = fields.filter((f) => text.includes(`xss-${f}`));
          const built = [
            ...document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload]'),
            ...[...document.scripts].filter(
              (s) => s.textContent?.includes('__xss') && s.type !== 'application/json',
            ),
          ].map((el) => el.outerHTML.slice(0, 120));
          const w = window as unknown as { __xss?: unknown; __blocked?: string[] };
          return { markers, ran: w.__xss, dialogs: [], built, blocked: w.__blocked ?? [] };
        },
        FIELDS as unknown as string[],
      )
      .then((r) => ({ ...r, dialogs }));
  } finally {
    await page.close();
  }
}

describe('hostile text in every free-text field, in a real browser', function () {
  this.timeout(90_000);
  let t: TestServer;
  let browser: Browser;
  let staff: BrowserContext;
  let participant: BrowserContext;
  let drillId: string;
  let token: string;
  let standby: string;
  const seen = new Map<string, Inertness>();

  before(async () => {
    [t, browser] = await Promise.all([startTestServer(), launch()]);
    const f = t.facilitator;
    const url = t.server.url;
    const made = await f.post('/api/people', { name: payload('person') }).expect(201);
    const personId = made.body.person.id as string;
    standby = (made.body.standbyUrl as string).split('/standby/')[1] ?? '';
    const team = await f
      .post('/api/teams', { name: payload('team'), members: [personId] })
      .expect(201);
    const created = await f
      .post('/api/drills', {
        title: payload('title'),
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        teamId: team.body.team?.id,
        assignments: [{ role: 'operator', personId }],
      })
      .expect(201);
    drillId = created.body.drill.id;
    token = (created.body.links[0].url as string).split('/join/')[1] ?? '';
    const d = `/api/drills/${drillId}`;
    await f
      .post(`${d}/inject`, {
        to: ['operator'],
        title: payload('inject-title'),
        text: payload('inject-text'),
      })
      .expect(201);
    const socket = await TestClient.open(socketUrl(t.server, `/ws?token=${token}`));
    socket.send({
      type: 'action',
      clientId: 'x1',
      action: 'report-failure',
      channel: 'secondary-messenger',
      text: payload('action-text'),
      fields: { detail: payload('action-field') },
    });
    await socket.waitFor('the ack', (m) => m.type === 'ack' || m.type === 'error');
    socket.close();
    await f.post(`${d}/notes`, { text: payload('note') }).expect(201);
    await f
      .post(`${d}/overrides`, {
        reason: payload('override'),
        target: { step: 'declare-incident', verdict: 'on_time' },
      })
      .expect(201);
    await f
      .post(`${d}/off-platform`, {
        role: 'operator',
        action: 'report-failure',
        channel: 'secondary-messenger',
        text: payload('offplatform-text'),
        t: 0,
        medium: payload('offplatform-medium', true).slice(0, 100),
      })
      .expect(201);

    staff = await person(browser);
    participant = await person(browser);
    const session = await fetch(`${url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'facilitator', password: t.server.seeded?.password }),
    });
    await staff.addCookies(
      session.headers.getSetCookie().map((c) => {
        const [pair = ''] = c.split(';');
        const [name = '', value = ''] = pair.split('=');
        return { name, value, url };
      }),
    );
    for (const context of [staff, participant])
      await context.addInitScript(() => {
        const w = window as unknown as { __blocked: string[] };
        w.__blocked = [];
        document.addEventListener('securitypolicyviolation', (e) => {
          if (e.effectiveDirective.startsWith('script'))
            w.__blocked.push(`${e.effectiveDirective} ${e.sample}`);
        });
      });

    // While the drill runs: the participant's console and standby page, the live console.
    seen.set(
      'participant console',
      await inspect(participant, url, `/join/${token}`, ['xss-inject-text', 'xss-action-text']),
    );
    seen.set('standby page', await inspect(participant, url, `/standby/${standby}`, ['xss-title']));
    seen.set('live console', await inspect(staff, url, `/drills/${drillId}`, ['xss-note']));
    seen.set('drills list', await inspect(staff, url, '/drills', ['xss-title']));
    seen.set('roster', await inspect(staff, url, '/roster', ['xss-person', 'xss-team']));

    await f.post(`${d}/end`).expect(200);
    await eventually('the drill ended', () => t.server.service.record(drillId)?.status === 'ended');
    const debrief = await fetch(`${url}/api/join/${token}/debrief`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        wentWell: payload('debrief-well'),
        didNotGoWell: payload('debrief-not-well'),
      }),
    });
    expect(debrief.status, await debrief.text()).to.be.within(200, 299);
    await f
      .post(`${d}/improvements`, {
        observation: payload('improvement'),
        owner: payload('improvement-owner'),
      })
      .expect(201);

    seen.set(
      'console after the end',
      await inspect(staff, url, `/drills/${drillId}`, ['xss-note']),
    );
    seen.set(
      'report page',
      await inspect(staff, url, `/drills/${drillId}/report`, ['xss-debrief-well']),
    );
    for (const format of ['html', 'md', 'csv', 'json'])
      seen.set(
        `report (${format})`,
        await inspect(staff, url, `/api/drills/${drillId}/report?format=${format}`),
      );
    seen.set('log (ndjson)', await inspect(staff, url, `/api/drills/${drillId}/log`));
    seen.set('participant after the end', await inspect(participant, url, `/join/${token}`));
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('made every field hostile, and each shows up as text somewhere', () => {
    const shown = new Set([...seen.values()].flatMap((s) => s.markers));
    expect(
      FIELDS.filter((f) => !shown.has(f)),
      'fields shown nowhere',
    ).to.deep.equal([]);
  });

  it('runs nothing, opens no dialog, builds no element and needs no CSP block, on every page and report', () => {
    const harm = [...seen].flatMap(([where, s]) => [
      ...(s.ran === undefined ? [] : [`${where}: window.__xss = ${String(s.ran)}`]),
      ...s.dialogs.map((d) => `${where}: dialog '${d}'`),
      ...s.built.map((b) => `${where}: built ${b}`),
      ...s.blocked.map((b) => `${where}: the CSP had to block ${b}`),
    ]);
    expect(harm).to.deep.equal([]);
  });

  it('serves the reports that are not HTML as what they are, so no browser renders them', async () => {
    for (const [path, type] of [
      [`/api/drills/${drillId}/report?format=md`, /^text\/markdown/],
      [`/api/drills/${drillId}/report?format=csv`, /^text\/csv/],
      [`/api/drills/${drillId}/report?format=json`, /^application\/json/],
      [`/api/drills/${drillId}/log`, /^application\/x-ndjson/],
    ] as const) {
      const res = await t.facilitator.get(path).expect(200);
      expect(res.headers['content-type'], path).to.match(type);
      expect(res.headers['x-content-type-options'], path).to.equal('nosniff');
    }
  });

  it('shows each page the hostile text it is about, as text', () => {
    const expected: Record<string, string[]> = {
      'participant console': [
        'title',
        'person',
        'inject-title',
        'inject-text',
        'action-text',
        'action-field',
        'offplatform-text',
      ],
      'standby page': ['title', 'person'],
      'live console': [
        'title',
        'person',
        'inject-title',
        'action-text',
        'action-field',
        'note',
        'override',
        'offplatform-text',
        'offplatform-medium',
      ],
      'drills list': ['title'],
      roster: ['person', 'team'],
      'report page': [
        'title',
        'person',
        'team',
        'inject-title',
        'note',
        'override',
        'offplatform-medium',
        'debrief-well',
        'debrief-not-well',
        'improvement',
        'improvement-owner',
      ],
      'report (html)': [
        'title',
        'person',
        'team',
        'note',
        'override',
        'debrief-well',
        'improvement',
      ],
    };
    for (const [where, fields] of Object.entries(expected))
      expect(seen.get(where)?.markers, where).to.include.members(fields);
  });
});
