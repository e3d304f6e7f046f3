import request from 'supertest';
import { startTestServer, type TestServer } from '../test/helpers/server.js';

const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'];
describe('explore', () => {
  let t: TestServer;
  before(async () => { t = await startTestServer(); });
  after(async () => { await t.stop(); });
  const newDrill = async () => {
    const people = (await t.facilitator.get('/api/people')).body.people;
    const res = await t.facilitator.post('/api/drills', { scenario: 'kakao-pangyo-fire', mode: 'now', assignments: ROLES.map((role, i) => ({ role, personId: people[i].id })) });
    return res.body;
  };
  it('probes', async () => {
    const show = (label: string, r: request.Response) => console.log(label, r.status, JSON.stringify(r.body).slice(0, 300), r.text.slice(0,200));
    const anon = request(t.server.url);
    show('anon POST drills', await anon.post('/api/drills').send({}));
    show('anon DELETE session', await anon.delete('/api/session'));
    show('anon POST session bad', await anon.post('/api/session').send({ username: 'x', password: 'y' }));
    show('bad decode', await anon.get('/api/join/%E0%A4%A'));
    show('healthz bearer', await anon.get('/healthz').set('authorization', 'Bearer nope'));
    const d = await newDrill();
    const id = d.drill.id;
    show('created', { status: 201, body: d.links, text: '' } as never);
    const before = (await t.facilitator.get(`/api/drills/${id}/log`)).text;
    show('offplat upper', await t.facilitator.post(`/api/drills/${id}/off-platform`, { role: 'Operator', action: 'report-failure', t: 0, medium: 'phone' }));
    show('note after', await t.facilitator.post(`/api/drills/${id}/notes`, { text: 'hi' }));
    const after = (await t.facilitator.get(`/api/drills/${id}/log`)).text;
    console.log('log same', before === after);
    const d2 = await newDrill();
    show('offplat ghost', await t.facilitator.post(`/api/drills/${d2.drill.id}/off-platform`, { role: 'ghost', action: 'launch-missiles', channel: 'pigeon', t: 0, medium: 'phone' }));
    show('note after2', await t.facilitator.post(`/api/drills/${d2.drill.id}/notes`, { text: 'hi' }));
    show('scorecard2', await t.facilitator.get(`/api/drills/${d2.drill.id}/scorecard`));
    const d3 = await newDrill();
    show('override upper', await t.facilitator.post(`/api/drills/${d3.drill.id}/overrides`, { reason: 'r', target: { step: 'Declare', verdict: 'on_time' } }));
    show('override unknown', await t.facilitator.post(`/api/drills/${d3.drill.id}/overrides`, { reason: 'r', target: { step: 'nope', verdict: 'on_time' } }));
    show('scorecard3', await t.facilitator.get(`/api/drills/${d3.drill.id}/scorecard`));
    const d4 = await newDrill();
    show('stop extra', await t.facilitator.post(`/api/drills/${d4.drill.id}/stop`, { reason: 'x', bogus: 1 }));
    show('pause extra', await t.facilitator.post(`/api/drills/${d4.drill.id}/resume`, { bogus: 1 }));
    show('inject upper', await t.facilitator.post(`/api/drills/${d4.drill.id}/inject`, { to: ['Operator'], title: 'a', text: 'b' }));
    // CSRF bypass via non-bearer Authorization
    const agent = request.agent(t.server.url);
    await agent.post('/api/session').send({ username: 'facilitator', password: t.server.seeded!.password });
    show('csrf none', await agent.post('/api/teams').send({ name: 'x' }));
    show('csrf basic', await agent.post('/api/teams').set('authorization', 'Basic Zm9vOmJhcg==').send({ name: 'x' }));
    show('viewer role', await t.facilitator.post('/api/accounts', { username: 'vic', role: 'viewer' }));
    show('charset', await t.facilitator.post('/api/teams').set('content-type', 'application/json; charset=utf-7').send('{"name":"a"}'));
  });
});
