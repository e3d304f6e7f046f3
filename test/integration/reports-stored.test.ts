import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { parseLog } from '../../server/load/log-file.js';
import type { DrillRecord } from '../../server/store/catalogue-schema.js';
import { startTestServer, T0, type TestServer } from '../helpers/server.js';
import { parseXml } from '../unit/reports/hostile-cases.js';
import { type Staff, staff } from './reports-helpers.js';

const DAY = 24 * 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();
const TEAM = 'team-ansan';

/** The fixed Pangyo logs, with the bots replaced by people on the roster. */
async function fixtureLog(name: string, cast: Record<string, { id: string; name: string }>) {
  const text = await readFile(new URL(`../fixtures/logs/${name}.jsonl`, import.meta.url), 'utf8');
  const { entries, problems } = parseLog(name, text);
  if (problems.length) throw new Error(JSON.stringify(problems));
  return entries.map((e) => {
    if (e.type === 'drill-started')
      return {
        ...e,
        participants: e.participants.map((p) => {
          const who = cast[p.role];
          return who ? { person: who.id, role: p.role, name: who.name } : p;
        }),
      };
    if (e.type === 'action' && e.person) return { ...e, person: cast[e.role]?.id ?? e.person };
    return e;
  });
}

describe('reports over several stored drills: comparison, trends, readiness', () => {
  let t: TestServer;
  let viewer: Staff;
  let facilitator: Staff;
  const people: Record<'ana' | 'ben' | 'cho' | 'dae', { id: string; name: string }> = {} as never;
  const ids = { q1: 'drill-q1', q2: 'drill-q2', q3: 'drill-q3' };

  /** Stores a finished drill: its catalogue record and its log, as the live service would. */
  async function storeDrill(
    id: string,
    log: string,
    daysAgo: number,
    cast: Record<string, { id: string; name: string }>,
  ) {
    const started = T0 - daysAgo * DAY;
    const seeded = t.server.catalogue.read().drills[0] as DrillRecord;
    const record: DrillRecord = {
      ...seeded,
      id,
      title: `Ansan game day ${id}`,
      teamId: TEAM,
      mode: 'at',
      status: 'ended',
      dueAt: iso(started),
      startedAt: iso(started),
      endedAt: iso(started + 65 * 60_000),
      assignments: Object.entries(cast).map(([role, p]) => ({ role, personId: p.id, bot: false })),
      createdAt: iso(started - DAY),
    };
    await t.server.catalogue.update((d) => {
      d.drills.push(record);
      d.teams.push({ id: TEAM, name: 'Ansan on-call', timeZone: 'Asia/Seoul', members: [] });
    });
    await t.server.logs.append(id, await fixtureLog(log, cast));
  }

  before(async () => {
    t = await startTestServer();
    facilitator = await staff(t.server.url, 'facilitator', t.server.seeded?.password ?? '');
    for (const [key, name] of [
      ['ana', 'Ahn Na-ra'],
      ['ben', 'Bae Eun-ho'],
      ['cho', 'Cho Hye-jin'],
      ['dae', 'Do Dae-hyun'],
    ] as const) {
      const res = await facilitator.post('/api/people', { name }).expect(201);
      people[key] = { id: res.body.person.id, name };
    }
    const { ana, ben, cho, dae } = people;
    // Ana was Control Tower 200 days ago, Ben 100 days ago, Cho 10 days ago.
    await storeDrill(ids.q1, 'pangyo-fire-perfect', 200, {
      'control-tower': ana,
      operator: ben,
      communicator: cho,
      'operations-lead': dae,
    });
    await storeDrill(ids.q2, 'pangyo-fire-faulty', 100, {
      'control-tower': ben,
      operator: ana,
      communicator: cho,
      'operations-lead': dae,
    });
    await storeDrill(ids.q3, 'pangyo-fire-perfect', 10, {
      'control-tower': cho,
      operator: ana,
      communicator: ben,
      'operations-lead': dae,
    });
    const made = await facilitator
      .post('/api/accounts', { username: 'reader', role: 'viewer' })
      .expect(201);
    viewer = await staff(t.server.url, 'reader', made.body.password);
  });
  after(async () => {
    await t?.stop();
  });

  describe('the comparison with the previous drill of the same scenario and team', () => {
    it('compares the faulty drill with the perfect one before it', async () => {
      const report = (await facilitator.get(`/api/drills/${ids.q2}/report`).expect(200)).body;
      expect(report.comparison.previous).to.include({ id: ids.q1, score: 100, pass: true });
      expect(report.comparison.scoreDelta).to.equal(-65.6);
      expect(report.comparison.steps).to.deep.equal([
        { step: 'report-failure', before: 'on_time', after: 'late', change: 'worse' },
        { step: 'open-dashboard', before: 'on_time', after: 'missed', change: 'worse' },
      ]);
      expect(report.comparison.rules).to.deep.include({
        rule: 'no-promised-resolution-time',
        before: 0,
        after: 8,
      });
      const ol = report.comparison.roles.find(
        (r: { role: string }) => r.role === 'operations-lead',
      );
      expect(ol).to.deep.equal({
        role: 'operations-lead',
        name: 'Operations Lead',
        before: 100,
        after: 60,
        delta: -40,
      });
    });

    it('shows the recovery in the next drill, and no comparison for the first', async () => {
      const q3 = (await facilitator.get(`/api/drills/${ids.q3}/report`).expect(200)).body;
      expect(q3.comparison.previous.id).to.equal(ids.q2);
      expect(q3.comparison.scoreDelta).to.equal(65.6);
      expect(q3.comparison.steps.map((s: { change: string }) => s.change)).to.deep.equal([
        'better',
        'better',
      ]);
      const q1 = (await facilitator.get(`/api/drills/${ids.q1}/report`).expect(200)).body;
      expect(q1.comparison).to.equal(undefined);
      const html = (await facilitator.get(`/api/drills/${ids.q1}/report?format=html`)).text;
      expect(html).to.include('This is the first drill of this scenario.');
    });
  });

  describe('GET /api/trends', () => {
    it('gives the scores, time to declare and to first notice over time for a team', async () => {
      const { trends } = (await viewer.get(`/api/trends?team=${TEAM}`).expect(200)).body;
      expect(
        trends.points.map((p: { drill: string; score: number }) => [p.drill, p.score]),
      ).to.deep.equal([
        [ids.q1, 100],
        [ids.q2, 34.4],
        [ids.q3, 100],
      ]);
      expect(
        trends.points.map((p: { timeToDeclareMs: number }) => p.timeToDeclareMs / 1000),
      ).to.deep.equal([250, 404, 250]);
      expect(
        trends.points.map(
          (p: { timeToFirstExternalNoticeMs: number }) => p.timeToFirstExternalNoticeMs / 1000,
        ),
      ).to.deep.equal([510, 28, 510]);
      expect(trends.steps).to.deep.equal([
        {
          step: 'open-dashboard',
          title: 'Create the incident dashboard',
          role: 'communicator',
          drills: 3,
          missed: 1,
          late: 0,
          outOfOrder: 0,
        },
        {
          step: 'report-failure',
          title: 'Report the failure on the secondary messenger',
          role: 'operator',
          drills: 3,
          missed: 0,
          late: 1,
          outOfOrder: 0,
        },
      ]);
      expect(
        trends.rules.map((r: { rule: string; drills: number; violations: number }) => [
          r.rule,
          r.drills,
          r.violations,
        ]),
      ).to.deep.equal([
        ['no-promised-resolution-time', 1, 8],
        ['nothing-on-failed-primary', 1, 1],
        ['only-operations-lead-speaks-externally', 1, 1],
      ]);
    });

    it("gives a role's own scores and misses when a role is named", async () => {
      const { trends } = (
        await facilitator.get(`/api/trends?team=${TEAM}&role=operations-lead`).expect(200)
      ).body;
      expect(trends.points.map((p: { score: number }) => p.score)).to.deep.equal([100, 60, 100]);
      expect(trends.steps).to.deep.equal([]);
      expect(trends.rules.map((r: { rule: string }) => r.rule)).to.deep.equal([
        'no-promised-resolution-time',
      ]);
    });

    it('exports the trends as CSV and as well-formed SVG charts', async () => {
      const csv = await facilitator.get(`/api/trends?team=${TEAM}&format=csv`).expect(200);
      expect(csv.headers['content-type']).to.match(/^text\/csv/);
      expect(csv.text).to.include(
        `drill,${ids.q2},Ansan game day ${ids.q2},${iso(T0 - 100 * DAY)},34.4,false,404,28\r\n`,
      );
      const svg = await facilitator
        .get(`/api/trends?team=${TEAM}&format=svg`)
        .buffer(true)
        .parse((res, done) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
          });
          res.on('end', () => done(null, text));
        })
        .expect(200);
      expect(svg.headers['content-type']).to.match(/^image\/svg\+xml/);
      expect(parseXml(svg.body as string)).to.be.greaterThan(20);
      expect(svg.body).to.include('Time to declare and to first external notice');
    });

    it('refuses an unknown filter, naming it', async () => {
      const res = await facilitator.get('/api/trends?teem=x').expect(400);
      expect(res.body.error.message).to.match(/teem/);
    });
  });

  describe('GET /api/readiness', () => {
    it('says who drilled which role when, and who has not been Control Tower in 90 days', async () => {
      const { readiness } = (await facilitator.get('/api/readiness?days=90').expect(200)).body;
      expect(readiness.generatedAt).to.equal(iso(T0));
      const ana = readiness.persons.find((p: { person: string }) => p.person === people.ana.id);
      expect(ana.roles).to.deep.equal([
        {
          role: 'control-tower',
          drills: 1,
          lastDrill: ids.q1,
          lastAt: iso(T0 - 200 * DAY),
          lastScore: 100,
          lastPass: true,
        },
        {
          role: 'operator',
          drills: 2,
          lastDrill: ids.q3,
          lastAt: iso(T0 - 10 * DAY),
          lastScore: 100,
          lastPass: true,
        },
      ]);
      const ben = readiness.persons.find((p: { person: string }) => p.person === people.ben.id);
      expect(ben.roles.find((r: { role: string }) => r.role === 'control-tower')).to.include({
        lastScore: 90,
        lastPass: false,
        drills: 1,
      });
      const ct = readiness.roles.find((r: { role: string }) => r.role === 'control-tower');
      const mine = new Set(Object.values(people).map((p) => p.id));
      const stale = ct.notWithin.filter((p: { person: string }) => mine.has(p.person));
      expect(stale).to.deep.equal([
        { person: people.ana.id, name: 'Ahn Na-ra', lastAt: iso(T0 - 200 * DAY) },
        { person: people.ben.id, name: 'Bae Eun-ho', lastAt: iso(T0 - 100 * DAY) },
        { person: people.dae.id, name: 'Do Dae-hyun' },
      ]);
      // Only the roles of manuals the team drilled on: nobody is behind on PagerDuty's.
      expect(readiness.roles.map((r: { role: string }) => r.role)).to.have.members([
        'control-tower',
        'operator',
        'communicator',
        'operations-lead',
      ]);
      const pagerduty = (await facilitator.get('/api/readiness?manual=pagerduty').expect(200)).body
        .readiness;
      expect(pagerduty.persons.every((p: { roles: unknown[] }) => !p.roles.length)).to.equal(true);
      expect(pagerduty.roles.map((r: { role: string }) => r.role)).to.include('incident-commander');
      await facilitator.get('/api/readiness?manual=nope').expect(400);
      // With a 120-day window, Ben's turn 100 days ago counts.
      const wide = (await facilitator.get('/api/readiness?days=120').expect(200)).body.readiness;
      const ct120 = wide.roles.find((r: { role: string }) => r.role === 'control-tower');
      expect(ct120.notWithin.map((p: { person: string }) => p.person)).to.not.include(
        people.ben.id,
      );
    });

    it('lists per manual version the steps and rules most often missed', async () => {
      const { readiness } = (await facilitator.get('/api/readiness').expect(200)).body;
      expect(readiness.manuals).to.have.length(1);
      const kakao = readiness.manuals[0];
      // Three stored drills and the seeded demo drill (declared 6 minutes late, promised an ETA).
      expect(kakao).to.include({ manual: 'kakao', version: '1.0.0', drills: 4 });
      expect(kakao.steps.find((s: { step: string }) => s.step === 'open-dashboard')).to.include({
        drills: 4,
        missed: 1,
      });
      expect(kakao.steps.find((s: { step: string }) => s.step === 'declare-incident')).to.include({
        late: 1,
      });
      expect(kakao.rules[0]).to.include({ rule: 'no-promised-resolution-time', drills: 2 });
    });

    it('lists open improvement items across drills with owners and due dates, overdue first', async () => {
      await facilitator
        .patch(`/api/drills/${ids.q2}/improvements/step:open-dashboard`, {
          owner: 'Cho Hye-jin',
          dueDate: '2026-11-01',
        })
        .expect(200);
      await facilitator
        .patch(`/api/drills/${ids.q2}/improvements/step:report-failure`, { status: 'done' })
        .expect(200);
      const { readiness } = (await facilitator.get('/api/readiness').expect(200)).body;
      const q2 = readiness.openItems.filter((i: { drill: string }) => i.drill === ids.q2);
      expect(q2.map((i: { id: string }) => i.id)).to.deep.equal([
        'step:open-dashboard',
        'grade:1',
        'rule:no-promised-resolution-time',
        'rule:nothing-on-failed-primary',
        'rule:only-operations-lead-speaks-externally',
      ]);
      expect(q2[0]).to.include({
        owner: 'Cho Hye-jin',
        dueDate: '2026-11-01',
        overdue: true,
        status: 'open',
      });
      expect(readiness.openItems[0].id).to.equal('step:open-dashboard');
    });

    it('exports readiness as CSV and as a printable page', async () => {
      const csv = (await facilitator.get('/api/readiness?format=csv').expect(200)).text;
      expect(csv).to.include(
        `drilled,${people.ana.id},Ahn Na-ra,control-tower,1,${ids.q1},${iso(T0 - 200 * DAY)},100,true\r\n`,
      );
      expect(csv).to.include(`not-within,control-tower,${people.dae.id},Do Dae-hyun,\r\n`);
      const html = await facilitator.get('/api/readiness?format=html').expect(200);
      expect(html.headers['content-type']).to.match(/^text\/html/);
      expect(html.text).to.include('Not drilled within 90 days');
      expect(html.text).to.match(/<tr data-role="control-tower">.*Ahn Na-ra \(2026-05-09\)/);
      const trends = await viewer.get(`/api/trends?team=${TEAM}&format=html`).expect(200);
      expect(trends.text).to.include('Steps most often not done as asked');
      expect(trends.text).to.include('<span class="id">open-dashboard</span>');
    });

    it('is for facilitators and evaluators: a viewer is refused', async () => {
      await viewer.get('/api/readiness').expect(403);
    });
  });
});
