import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { startTestServer, type TestServer } from '../helpers/server.js';

const read = (path: string) => readFile(new URL(path, import.meta.url), 'utf8');

describe('the library API', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('lists the bundled manuals and scenarios with their versions', async () => {
    const { body } = await t.facilitator.get('/api/library').expect(200);
    expect(body.manuals.map((m: { id: string }) => m.id)).to.include.members([
      'kakao',
      'pagerduty',
    ]);
    const fire = body.scenarios.find((s: { id: string }) => s.id === 'kakao-pangyo-fire');
    expect(fire).to.include({ version: '1.0.0', manual: 'kakao', situation: 'data-centre' });
  });

  it('previews a scenario: its roles and its injects in order, with recipients', async () => {
    const { body } = await t.facilitator
      .get('/api/library/scenarios/kakao-pangyo-fire')
      .expect(200);
    expect(body.scenario.roles.map((r: { id: string }) => r.id)).to.deep.equal([
      'control-tower',
      'operator',
      'communicator',
      'operations-lead',
    ]);
    expect(body.scenario.injects[0]).to.include({ id: 'battery-room-fire', at: '2m' });
    expect(body.scenario.injects[0].to).to.deep.equal(['operator']);
    await t.facilitator.get('/api/library/scenarios/no-such-thing').expect(404);
  });

  it('answers a broken file with every problem at its line and column', async () => {
    const text = await read('../fixtures/broken/unknown-role-in-step.yaml');
    const { body } = await t.facilitator.post('/api/library/validate', { text }).expect(200);
    expect(body.ok).to.equal(false);
    const problem = body.problems.find((p: { message: string }) => /leed/.test(p.message));
    expect(problem.path).to.deep.equal(['steps', 2, 'role']);
    const line = text.split('\n').findIndex((l) => /role: leed/.test(l)) + 1;
    expect(problem.line).to.equal(line);
    expect(problem.column).to.be.a('number');
    const syntax = await t.facilitator
      .post('/api/library/validate', { text: 'kind: manual\nid: [unclosed\n' })
      .expect(200);
    expect(syntax.body.problems[0].line).to.be.a('number');
  });

  it('dry-runs a scenario with bots, perfect or with the faults given', async () => {
    const perfect = await t.facilitator
      .post('/api/library/dry-run', { scenario: 'kakao-pangyo-fire' })
      .expect(200);
    expect(perfect.body.pass).to.equal(true);
    const faulty = await t.facilitator
      .post('/api/library/dry-run', {
        scenario: 'kakao-pangyo-fire',
        faults: 'faults:\n  - { kind: skip, step: open-dashboard }\n',
      })
      .expect(200);
    const step = faulty.body.steps.find((s: { step: string }) => s.step === 'open-dashboard');
    expect(step.verdict).to.equal('missed');
    const bad = await t.facilitator
      .post('/api/library/dry-run', {
        scenario: 'kakao-pangyo-fire',
        faults: 'faults: [ { kind: nap } ]',
      })
      .expect(400);
    expect(bad.body.error.message).to.match(/^faults:/);
  });

  it('stores an upload as a new version that survives a restart, and refuses to reuse a version', async () => {
    const original = await read('../../drills/scenarios/kakao-viral-surge.yaml');
    const revised = original
      .replace(/^version: .*$/m, 'version: 1.1.0')
      .replace(/^title: .*$/m, 'title: Viral surge (revised)');
    await t.facilitator.post('/api/library', { text: revised }).expect(201);
    const clash = await t.facilitator
      .post('/api/library', { text: revised.replace('(revised)', '(again)') })
      .expect(409);
    expect(clash.body.error.message).to.match(/^version:/);
    const invalid = await t.facilitator
      .post('/api/library', { text: revised.replace('manual: kakao', 'manual: nobody') })
      .expect(400);
    expect(invalid.body.error.code).to.equal('invalid');
    await t.restart();
    const { body } = await t.facilitator.get('/api/library').expect(200);
    const surge = body.scenarios.find((s: { id: string }) => s.id === 'kakao-viral-surge');
    expect(surge).to.include({ version: '1.1.0', title: 'Viral surge (revised)' });
    expect(surge.uploads.map((u: { version: string }) => u.version)).to.deep.equal(['1.1.0']);
    const text = await t.facilitator
      .get('/api/library/scenarios/kakao-viral-surge/text')
      .expect(200);
    expect(text.text).to.include('Viral surge (revised)');
  });

  it('keeps scoring a drill against the versions it ran on after a newer upload', async () => {
    const seeded = t.server.seeded?.finishedDrill.id;
    const card = async () =>
      (await t.facilitator.get(`/api/drills/${seeded}/scorecard`).expect(200)).body;
    const before = await card();
    expect(before.scenario.integrity).to.equal('verified');
    const original = await read('../../drills/scenarios/kakao-pangyo-fire.yaml');
    const revised = original
      .replace(/^version: .*$/m, 'version: 9.0.0')
      .replace(/^title: .*$/m, 'title: Pangyo fire (revised)');
    await t.facilitator.post('/api/library', { text: revised }).expect(201);
    for (const round of ['after the upload', 'after a restart']) {
      const after = await card();
      expect(after.scenario, round).to.deep.equal(before.scenario);
      expect(after.score, round).to.equal(before.score);
      if (round === 'after the upload') await t.restart();
    }
    // A new drill runs on the newest version.
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people;
    const made = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'at',
        at: '2027-01-04T01:00:00Z',
        assignments: [{ role: 'operator', personId: people[0].id }],
      })
      .expect(201);
    expect(made.body.drill.scenario.version).to.equal('9.0.0');
  });
});
