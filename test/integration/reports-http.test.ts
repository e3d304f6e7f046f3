import { expect } from 'chai';
import request from 'supertest';
import { type StaffAgent, signIn, startTestServer, type TestServer } from '../helpers/server.js';

/** Every `data-step`/`data-verdict` pair and every `data-rule` in an HTML report. */
function attributes(html: string) {
  const steps = [...html.matchAll(/<tr data-step="([^"]+)" data-verdict="([^"]+)"/g)].map((m) => [
    m[1],
    m[2],
  ]);
  const rules = [...html.matchAll(/<tr data-rule="([^"]+)"/g)].map((m) => m[1]);
  return { steps, rules };
}

describe('drill reports over HTTP', () => {
  let t: TestServer;
  let drillId: string;
  let viewer: StaffAgent;
  before(async () => {
    t = await startTestServer();
    drillId = t.server.seeded?.finishedDrill.id ?? '';
    const made = await t.facilitator
      .post('/api/accounts', { username: 'reader', role: 'viewer' })
      .expect(201);
    viewer = await signIn(t.server.url, 'reader', made.body.password);
  });
  after(async () => {
    await t?.stop();
  });

  it('serves the HTML report with one data-step row per step and one data-rule row per violation, as score() says', async () => {
    const card = (await t.facilitator.get(`/api/drills/${drillId}/scorecard`).expect(200)).body;
    const res = await t.facilitator.get(`/api/drills/${drillId}/report?format=html`).expect(200);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    const { steps, rules } = attributes(res.text);
    expect(steps).to.deep.equal(
      card.steps.map((s: { step: string; verdict: string }) => [s.step, s.verdict]),
    );
    const violations = card.rules.flatMap((r: { rule: string; violations: unknown[] }) =>
      r.violations.map(() => r.rule),
    );
    expect(violations).to.not.be.empty;
    expect(rules).to.deep.equal(violations);
    expect(res.text).to.include('Lee Seo-yeon');
  });

  it('serves the staff report page, and sends whoever is not signed in to sign in', async () => {
    const page = await t.facilitator.get(`/drills/${drillId}/report`).expect(200);
    expect(page.text).to.include('data-step="declare-incident" data-verdict="late"');
    const anonymous = await request(t.server.url).get(`/drills/${drillId}/report`).expect(302);
    expect(anonymous.headers.location).to.equal(
      `/login?next=${encodeURIComponent(`/drills/${drillId}/report`)}`,
    );
  });

  it('gives a viewer every format without persons: no per-person scores, no names', async () => {
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people as {
      id: string;
      name: string;
    }[];
    for (const format of ['html', 'json', 'csv', 'md']) {
      const res = await viewer.get(`/api/drills/${drillId}/report?format=${format}`).expect(200);
      for (const p of people) {
        expect(res.text, `${format} names ${p.name}`).to.not.include(p.name);
        expect(res.text, `${format} has ${p.id}`).to.not.include(p.id);
      }
      expect(res.text).to.include('declare-incident');
    }
    const json = (await viewer.get(`/api/drills/${drillId}/report?format=json`)).body;
    expect(json.audience).to.equal('viewer');
    expect(json.scorecard.persons).to.deep.equal([]);
    const html = (await viewer.get(`/api/drills/${drillId}/report?format=html`)).text;
    expect(html).to.not.include('Score by person');
  });

  it('answers the report page of an unknown drill with the site’s error page', async () => {
    const res = await t.facilitator.get('/drills/nope/report').expect(404);
    expect(res.headers['content-type']).to.match(/^text\/html/);
    expect(res.text).to.match(/no drill (&#39;|')nope/);
  });

  it('answers an unknown format with 400 naming the formats', async () => {
    const res = await t.facilitator.get(`/api/drills/${drillId}/report?format=pdf`).expect(400);
    expect(res.body.error.message).to.equal('format: must be one of html, json, csv, md');
  });

  it('answers 404 for a drill that does not exist', async () => {
    const res = await t.facilitator.get('/api/drills/nope/report').expect(404);
    expect(res.body.error.message).to.equal("no drill 'nope'");
  });
});
