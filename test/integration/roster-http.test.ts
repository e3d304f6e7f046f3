import { expect } from 'chai';
import request from 'supertest';
import { signIn, startTestServer, type TestServer } from '../helpers/server.js';

const standbyPath = (url: string) => `/api/standby/${url.split('/standby/')[1]}`;

describe('the roster API', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    await t.stop();
  });

  it('re-issues a lost standby link: the new one opens the standby page, the old one nothing', async () => {
    const made = await t.facilitator.post('/api/people', { name: 'Jung Ha-neul' }).expect(201);
    const old = made.body.standbyUrl as string;
    await request(t.server.url).get(standbyPath(old)).expect(200);

    const res = await t.facilitator.post(`/api/people/${made.body.person.id}/standby`).expect(200);
    expect(res.body.person).to.include({ id: made.body.person.id, name: 'Jung Ha-neul' });
    expect(res.body.person).to.not.have.property('standbyTokenHash');
    expect(res.body.standbyUrl).to.match(/\/standby\/fd_standby_/);
    expect(res.body.standbyUrl).to.not.equal(old);
    await request(t.server.url).get(standbyPath(res.body.standbyUrl)).expect(200);
    await request(t.server.url).get(standbyPath(old)).expect(404);
  });

  it('answers an unknown person 404 and a body 400, naming them', async () => {
    const missing = await t.facilitator.post('/api/people/nobody-here/standby').expect(404);
    expect(missing.body.error.message).to.include("'nobody-here'");
    const person = (await t.facilitator.get('/api/people').expect(200)).body.people[0];
    const body = await t.facilitator
      .post(`/api/people/${person.id}/standby`, { why: 'lost' })
      .expect(400);
    expect(body.body.error.code).to.equal('bad-request');
  });

  it('refuses a team with a made-up time zone or an unknown member, and stores nothing', async () => {
    const before = (await t.facilitator.get('/api/teams').expect(200)).body.teams.length;
    const zone = await t.facilitator
      .post('/api/teams', { name: 'Mars on-call', timeZone: 'Mars/Olympus' })
      .expect(400);
    expect(zone.body.error.message).to.match(/timeZone.*time zone/);
    const member = await t.facilitator
      .post('/api/teams', { name: 'Ghosts', members: ['no-such-person'] })
      .expect(400);
    expect(member.body.error.message).to.equal(
      "members.0: no person 'no-such-person' on the roster",
    );
    const after = (await t.facilitator.get('/api/teams').expect(200)).body.teams.length;
    expect(after).to.equal(before);
  });

  it('gives facilitators a drill’s link ids, roles and times, never a token; evaluators none', async () => {
    const people = (await t.facilitator.get('/api/people').expect(200)).body.people;
    const created = await t.facilitator
      .post('/api/drills', {
        scenario: 'kakao-pangyo-fire',
        mode: 'now',
        assignments: [{ role: 'operator', personId: people[1].id }],
      })
      .expect(201);
    const id = created.body.drill.id as string;
    const res = await t.facilitator.get(`/api/drills/${id}`).expect(200);
    expect(res.body.links).to.deep.equal([
      {
        id: created.body.links[0].id,
        role: 'operator',
        personId: people[1].id,
        createdAt: res.body.links[0].createdAt,
      },
    ]);
    const token = new URL(created.body.links[0].url).pathname.split('/join/')[1] ?? '';
    expect(res.text).to.not.include(token);
    expect(res.text).to.not.include('tokenHash');

    await t.facilitator.post(`/api/drills/${id}/links/${created.body.links[0].id}/revoke`);
    const revoked = await t.facilitator.get(`/api/drills/${id}`).expect(200);
    expect(revoked.body.links[0].revokedAt).to.be.a('string');

    const account = await t.facilitator
      .post('/api/accounts', { username: 'eva', role: 'evaluator' })
      .expect(201);
    const evaluator = await signIn(t.server.url, 'eva', account.body.password);
    const seen = await evaluator.get(`/api/drills/${id}`).expect(200);
    expect(seen.body).to.not.have.property('links');

    // The roster page: an evaluator reads people and teams, with no form and no staff or tokens.
    const page = await evaluator.get('/roster').expect(200);
    expect(page.text).to.include(people[1].name);
    expect(page.text).to.not.include('id="person-form"');
    expect(page.text).to.include('"accounts":[],"tokens":[]');
    expect(page.text).to.not.include('"username":"facilitator"');
  });
});
